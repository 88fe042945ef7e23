import { readFileSync } from "node:fs";
import type { CleanedDocument, Entity, EntityLabel, TaggedDocument } from "@sift/contracts";
import { labelDocumentFast } from "./fast.js";
import { GAZ_CATS, normToken } from "./features.js";
import { chunksOfBilou, TYPES } from "./labels.js";
import { baseName, entityIndex, linkMentions, type Mention } from "./link.js";
import { deserializeModel, type NerModel } from "./model.js";
import { ruleEntities } from "./rules.js";
import { splitTokenSentences, type Token, tokenize } from "./tokenize.js";

export type Tagger = (doc: CleanedDocument) => TaggedDocument;

/** Where the committed model lives (the same path from src/ and dist/). */
export const MODEL_URL = new URL("../model/ner-model.json.gz", import.meta.url);

const HONORIFIC = /^(?:Mr|Mrs|Ms|Miss|Mme|Dr|Prof|Rev|Sen|Gov|Gen|Lt|Col|Capt|Sgt)\.?$/;
const PUNCT = /^(?:[^\p{L}\p{N}]+|['’]s)$/u;
const CONNECTOR = new Set(["of", "and", "for", "the", "on", "de", "du", "des", "la", "le", "&", "in", "to"]);
/** News organisations that bylines and datelines name on their own. */
const NEWS_AGENCIES = new Set(
  "Reuters AFP AP Bloomberg Xinhua TASS Interfax Kyodo Yonhap Bernama Anadolu Dow Jones Agence EFE ANSA DPA Tanjug".split(
    " ",
  ),
);
/** Gazetteer categories that make a word a place or an organisation. */
const PLACE_OR_ORG = ["country", "city", "region", "locother", "company", "orgother", "club"].reduce(
  (m, c) => m | (1 << GAZ_CATS.indexOf(c as (typeof GAZ_CATS)[number])),
  0,
);
const isCap = (s: string): boolean => /^\p{Lu}/u.test(s);

interface Span {
  /** token indices, end exclusive */
  a: number;
  b: number;
  label: EntityLabel;
  canonical?: string;
}

function initials(tokens: Token[], a: number, b: number, withConnectors: boolean): string {
  let out = "";
  for (let k = a; k < b; k++) {
    const t = (tokens[k] as Token).text;
    if (CONNECTOR.has(t.toLowerCase())) {
      if (withConnectors && t !== "&") out += (t[0] as string).toUpperCase();
    } else out += (t[0] as string).toUpperCase();
  }
  return out;
}

/**
 * A Title Case Headline ("Kremlin Acknowledges Strain In Relations") reads to a model trained on
 * news sentences as one long name. When most words are capitalised and some of them are everyday
 * words, those everyday words are given to the model in lower case (offsets do not change).
 */
export function sentenceCase(words: string[], lowerWords: Set<string>): string[] {
  let alpha = 0;
  let caps = 0;
  let everyday = 0;
  words.forEach((w, i) => {
    if (!/^\p{L}/u.test(w)) return;
    alpha++;
    if (/^\p{Lu}/u.test(w)) {
      caps++;
      if (i > 0 && w !== w.toUpperCase() && lowerWords.has(w.toLowerCase())) everyday++;
    }
  });
  if (alpha < 3 || caps < 0.8 * alpha || everyday === 0 || caps === words.filter((w) => /^\p{Lu}+$/u.test(w)).length)
    return words;
  return words.map((w, i) =>
    i > 0 && /^\p{Lu}/u.test(w) && w !== w.toUpperCase() && lowerWords.has(w.toLowerCase()) ? w.toLowerCase() : w,
  );
}

/** Entities (PER/ORG/LOC/MISC from the model, the number types from rules) of a whole text. */
export function findEntities(model: NerModel, text: string): Entity[] {
  const tokens = tokenize(text);
  const sentences = splitTokenSentences(text, tokens);
  const labels = labelDocumentFast(
    model,
    sentences.map((s) =>
      sentenceCase(
        s.map((t) => normToken(t.text)),
        model.resources.lowerWords,
      ),
    ),
  );
  const sentenceOf = new Int32Array(tokens.length);
  let spans: Span[] = [];
  let offset = 0;
  sentences.forEach((s, si) => {
    sentenceOf.fill(si, offset, offset + s.length);
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
  const owner = new Int32Array(tokens.length).fill(-1);
  const reindex = () => {
    spans.sort((x, y) => x.a - y.a);
    owner.fill(-1);
    spans.forEach((sp, k) => {
      owner.fill(k, sp.a, sp.b);
    });
  };
  reindex();
  const key = (a: number, b: number) => {
    let k = "";
    for (let i = a; i < b; i++) k += i === a ? (tokens[i] as Token).text : ` ${(tokens[i] as Token).text}`;
    return k;
  };

  const mentionOf = (sp: Span): Mention => ({
    start: (tokens[sp.a] as Token).start,
    end: (tokens[sp.b - 1] as Token).end,
    label: sp.label,
    tokens: tokens.slice(sp.a, sp.b).map((t) => t.text),
    glue: tokens.slice(sp.a, sp.b).map((t, k) => k > 0 && (tokens[sp.a + k - 1] as Token).end === t.start),
    ...(sp.canonical !== undefined ? { canonical: sp.canonical } : {}),
  });

  // acronyms defined in parentheses: "Shanghai Cooperation Organisation (SCO)"
  const acronyms = new Map<string, Span>();
  for (let i = 1; i + 2 < tokens.length; i++) {
    if ((tokens[i] as Token).text !== "(" || (tokens[i + 2] as Token).text !== ")") continue;
    const acr = (tokens[i + 1] as Token).text;
    if (!/^\p{Lu}[\p{Lu}&.\d]*\p{Lu}\.?$/u.test(acr) || acr.length > 12) continue;
    const letters = acr.replace(/[^\p{Lu}]/gu, "");
    let expansion: Span | undefined;
    const before = owner[i - 1] as number;
    const sp = before >= 0 ? spans[before] : undefined;
    if (
      sp &&
      sp.b === i &&
      (initials(tokens, sp.a, sp.b, false) === letters || initials(tokens, sp.a, sp.b, true) === letters)
    )
      expansion = sp;
    else {
      for (let a = i - 1; a >= Math.max(0, i - 12) && sentenceOf[a] === sentenceOf[i]; a--) {
        const t = (tokens[a] as Token).text;
        if (!isCap(t) && !CONNECTOR.has(t.toLowerCase())) break;
        if (!isCap(t)) continue;
        if (initials(tokens, a, i, false) === letters || initials(tokens, a, i, true) === letters) {
          expansion = { a, b: i, label: "ORG" };
          spans = spans.filter((s) => s.b <= a || s.a >= i);
          spans.push(expansion);
          reindex();
          break;
        }
      }
    }
    if (expansion) acronyms.set(acr, expansion);
  }
  for (const [acr, exp] of acronyms) {
    const canonical = baseName(mentionOf(exp));
    for (let i = 0; i < tokens.length; i++) {
      if ((tokens[i] as Token).text !== acr) continue;
      const k = owner[i] as number;
      const sp = k >= 0 ? spans[k] : undefined;
      if (sp && sp.a === i && sp.b === i + 1) {
        sp.label = exp.label;
        sp.canonical = canonical;
      } else if (!sp) spans.push({ a: i, b: i + 1, label: exp.label, canonical });
    }
    reindex();
  }

  // a span made of two names the document knows apart, with other labels ("Lavrov China")
  {
    const votes = new Map<string, Map<EntityLabel, number>>();
    const add = (k: string, label: EntityLabel) => {
      const m = votes.get(k) ?? new Map<EntityLabel, number>();
      m.set(label, (m.get(label) ?? 0) + 1);
      votes.set(k, m);
    };
    for (const sp of spans) {
      add(key(sp.a, sp.b), sp.label);
      if (sp.label === "PER" && sp.b - sp.a > 1) add((tokens[sp.b - 1] as Token).text, "PER");
    }
    const top = (k: string): EntityLabel | undefined => {
      let best: EntityLabel | undefined;
      let n = 0;
      for (const [label, c] of votes.get(k) ?? []) if (c > n) [best, n] = [label, c];
      return best;
    };
    const split: Span[] = [];
    for (const sp of spans) {
      const whole = votes.get(key(sp.a, sp.b));
      let done = false;
      if (
        sp.b - sp.a >= 2 &&
        sp.canonical === undefined &&
        whole &&
        [...whole.values()].reduce((x, y) => x + y) === 1
      ) {
        for (let k = sp.a + 1; k < sp.b && !done; k++) {
          const left = top(key(sp.a, k));
          const right = top(key(k, sp.b));
          if (left && right && left !== sp.label && right !== sp.label) {
            split.push({ a: sp.a, b: k, label: left }, { a: k, b: sp.b, label: right });
            done = true;
          }
        }
      }
      if (!done) split.push(sp);
    }
    if (split.length !== spans.length) {
      spans = split;
      reindex();
    }
  }

  // news agencies read as surnames ("Bloomberg reported") when no person of that name is in the document
  for (const sp of spans) {
    if (sp.label !== "PER" || sp.b - sp.a !== 1) continue;
    const w = (tokens[sp.a] as Token).text;
    if (!NEWS_AGENCIES.has(w)) continue;
    if (spans.some((o) => o.label === "PER" && o.b - o.a > 1 && (tokens[o.b - 1] as Token).text === w)) continue;
    sp.label = "ORG";
  }

  // the surname of a person named in full here, which no gazetteer knows as a place or an
  // organisation, is that person ("apologised to Aliyev"; "in Washington" stays a place)
  const surnames = new Map<string, number>();
  for (const sp of spans)
    if (sp.label === "PER" && sp.b - sp.a > 1) {
      const last = (tokens[sp.b - 1] as Token).text;
      surnames.set(last, (surnames.get(last) ?? 0) + 1);
    }
  for (const sp of spans) {
    if (sp.label === "PER" || sp.b - sp.a !== 1 || sp.canonical !== undefined) continue;
    const w = (tokens[sp.a] as Token).text;
    if (!surnames.has(w) || NEWS_AGENCIES.has(w)) continue;
    if (((model.resources.gaz.get(w.toLowerCase()) ?? 0) & PLACE_OR_ORG) !== 0) continue;
    sp.label = "PER";
  }

  // document consistency: a name found once is the same name where the model missed it
  const known = new Map<string, Map<EntityLabel, number>>();
  const vote = (k: string, label: EntityLabel) => {
    let m = known.get(k);
    if (!m) {
      m = new Map();
      known.set(k, m);
    }
    m.set(label, (m.get(label) ?? 0) + 1);
  };
  let maxLen = 1;
  for (const sp of spans) {
    if (sp.canonical !== undefined) continue;
    vote(key(sp.a, sp.b), sp.label);
    maxLen = Math.max(maxLen, sp.b - sp.a);
    if (sp.label === "PER" && sp.b - sp.a > 1) {
      const last = (tokens[sp.b - 1] as Token).text;
      if (isCap(last) && last.length > 1) vote(last, "PER");
      if (sp.b - sp.a === 2 && isCap((tokens[sp.a] as Token).text)) vote((tokens[sp.a] as Token).text, "PER");
    }
  }
  const added: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if ((owner[i] as number) >= 0 || !isCap((tokens[i] as Token).text)) continue;
    for (let n = Math.min(maxLen, tokens.length - i); n >= 1; n--) {
      if (sentenceOf[i + n - 1] !== sentenceOf[i]) continue;
      let free = true;
      for (let k = i; k < i + n; k++) if ((owner[k] as number) >= 0) free = false;
      if (!free) continue;
      // a capitalised continuation means this is part of a longer name
      const next = tokens[i + n];
      if (next && sentenceOf[i + n] === sentenceOf[i] && isCap(next.text) && !PUNCT.test(next.text)) continue;
      const votes = known.get(key(i, i + n));
      if (!votes) continue;
      let best: EntityLabel | undefined;
      let bestN = 0;
      for (const [label, c] of votes) if (c > bestN) [best, bestN] = [label, c];
      if (best) {
        added.push({ a: i, b: i + n, label: best });
        i += n - 1;
        break;
      }
    }
  }
  if (added.length > 0) {
    spans.push(...added);
    reindex();
  }

  // a short line of nothing but everyday words is page furniture ("Related Articles", "Most Read")
  const lowerWords = model.resources.lowerWords;
  const sentenceStart = new Int32Array(sentences.length + 1);
  for (let s = 0; s < sentences.length; s++)
    sentenceStart[s + 1] = (sentenceStart[s] as number) + (sentences[s] as Token[]).length;
  spans = spans.filter((sp) => {
    const s = sentenceOf[sp.a] as number;
    const a = sentenceStart[s] as number;
    const b = sentenceStart[s + 1] as number;
    if (b - a > 4 || sp.canonical !== undefined) return true;
    for (let k = a; k < b; k++) {
      const t = (tokens[k] as Token).text;
      if (k >= sp.a && k < sp.b ? !lowerWords.has(t.toLowerCase()) : !PUNCT.test(t)) return true;
    }
    return false;
  });
  reindex();

  const mentions: Mention[] = spans.map(mentionOf);
  const canonical = linkMentions(mentions);
  const entities: Entity[] = mentions.map((m, k) => ({
    start: m.start,
    end: m.end,
    label: m.label,
    text: text.slice(m.start, m.end),
    canonical: canonical[k] as string,
  }));
  for (const r of ruleEntities(tokens, (i) => (owner[i] as number) >= 0)) {
    const start = (tokens[r.start] as Token).start;
    const end = (tokens[r.end - 1] as Token).end;
    const t = text.slice(start, end);
    entities.push({ start, end, label: r.label, text: t, canonical: t });
  }
  entities.sort((x, y) => x.start - y.start);
  return entities;
}

/** A tagger over a loaded model. */
export function createTagger(model: NerModel): Tagger {
  return (doc) => {
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
