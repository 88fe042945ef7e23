import { readFileSync } from "node:fs";
import type { CleanedDocument, Entity, EntityLabel, TaggedDocument } from "@sift/contracts";
import { DocumentSpans, PUNCT, type Span } from "./document.js";
import { labelDocumentFast } from "./fast.js";
import { GAZ_CATS, normToken } from "./features.js";
import { chunksOfBilou, TYPES } from "./labels.js";
import { entityModelFor } from "./language.js";
import { entityIndex, linkMentions, type Mention } from "./link.js";
import { deserializeModel, type NerModel } from "./model.js";
import { ruleEntities } from "./rules.js";
import { splitTokenSentences, type Token, tokenize } from "./tokenize.js";

const FIRST_NAME = 1 << GAZ_CATS.indexOf("pfirst");

export type Tagger = (doc: CleanedDocument) => TaggedDocument;

/** Where the committed model lives (the same path from src/ and dist/). */
export const MODEL_URL = new URL("../model/ner-model.json.gz", import.meta.url);

const HONORIFIC = /^(?:Mr|Mrs|Ms|Miss|Mme|Dr|Prof|Rev|Sen|Gov|Gen|Lt|Col|Capt|Sgt)\.?$/;
/**
 * A Title Case Headline ("Kremlin Acknowledges Strain In Relations") reads to a model trained on
 * news sentences as one long name. When most words are capitalised and at least two of them (and
 * 30% of all words) are everyday words, those everyday words are given to the model in lower case
 * (offsets do not change). `isEveryday` says which capitalised words count (not first names, say).
 */
export function sentenceCase(words: string[], isEveryday: (lower: string) => boolean): string[] {
  let alpha = 0;
  let caps = 0;
  let upper = 0;
  const everyday: number[] = [];
  words.forEach((w, i) => {
    if (!/^\p{L}/u.test(w)) return;
    alpha++;
    if (!/^\p{Lu}/u.test(w)) return;
    caps++;
    if (w === w.toUpperCase()) upper++;
    else if (i > 0 && isEveryday(w.toLowerCase())) everyday.push(i);
  });
  if (alpha < 3 || caps < 0.8 * alpha || caps === upper || everyday.length < 2 || everyday.length < 0.3 * alpha)
    return words;
  const out = words.slice();
  for (const i of everyday) out[i] = (words[i] as string).toLowerCase();
  return out;
}

/** Entities (PER/ORG/LOC/MISC from the model, the number types from rules) of a whole text. */
export function findEntities(model: NerModel, text: string): Entity[] {
  const tokens = tokenize(text);
  const sentences = splitTokenSentences(text, tokens);
  const lowerWords = model.resources.lowerWords;
  const gaz = model.resources.gaz;
  const everyday = (w: string) => lowerWords.has(w) && ((gaz.get(w) ?? 0) & FIRST_NAME) === 0;
  const labels = labelDocumentFast(
    model,
    sentences.map((s) =>
      sentenceCase(
        s.map((t) => normToken(t.text)),
        everyday,
      ),
    ),
  );
  const spans: Span[] = [];
  let offset = 0;
  sentences.forEach((s, si) => {
    for (const c of chunksOfBilou(labels[si] as Int32Array)) {
      let a = offset + c.start;
      let b = offset + c.end;
      while (a < b && PUNCT.test((tokens[a] as Token).text)) a++;
      while (b > a && PUNCT.test((tokens[b - 1] as Token).text)) b--;
      const label = TYPES[c.type] as EntityLabel;
      // "Mr Sridharan": the title is not part of the name
      if (label === "PER") while (b - a > 1 && HONORIFIC.test((tokens[a] as Token).text)) a++;
      if (b > a) spans.push({ a, b, label });
    }
    offset += s.length;
  });
  const doc = new DocumentSpans(tokens, sentences, spans);
  doc.linkAcronyms();
  doc.splitJoinedNames();
  doc.fixPersonLabels(model.resources.gaz);
  doc.propagateNames();
  doc.dropFurniture(lowerWords);

  const mentions: Mention[] = doc.spans.map((sp) => doc.mention(sp));
  const canonical = linkMentions(mentions);
  const entities: Entity[] = mentions.map((m, k) => ({
    start: m.start,
    end: m.end,
    label: m.label,
    text: text.slice(m.start, m.end),
    canonical: canonical[k] as string,
  }));
  for (const r of ruleEntities(tokens, (i) => doc.taken(i))) {
    const start = (tokens[r.start] as Token).start;
    const end = (tokens[r.end - 1] as Token).end;
    const t = text.slice(start, end);
    entities.push({ start, end, label: r.label, text: t, canonical: t });
  }
  entities.sort((x, y) => x.start - y.start);
  return entities;
}

/** A tagger over a loaded model; a document in another language than the model's gets no entities and a warning. */
export function createTagger(model: NerModel): Tagger {
  return (doc) => {
    const gate = entityModelFor(doc);
    if (!gate.run) return { ...doc, entities: [], entityIndex: [], warnings: [...doc.warnings, gate.warning] };
    const entities = findEntities(model, doc.text);
    return { ...doc, entities, entityIndex: entityIndex(entities) };
  };
}

let cached: NerModel | undefined;

/** The committed model, read once per process. */
export function loadModel(): NerModel {
  cached ??= deserializeModel(readFileSync(MODEL_URL));
  return cached;
}

/** The tagger with the committed model, loaded once. */
export function loadTagger(): Tagger {
  return createTagger(loadModel());
}
