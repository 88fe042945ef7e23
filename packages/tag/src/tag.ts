import type { CleanedDocument, Entity, EntityIndexEntry, TaggedDocument } from "@sift/contracts";

export type Tagger = (doc: CleanedDocument) => TaggedDocument;

/** First version: runs of capitalised words that do not start a sentence are MISC. */
export function createTagger(): Tagger {
  return (doc) => {
    const entities: Entity[] = [];
    const sentenceStarts = new Set(doc.sentences.map((s) => s.start));
    for (const m of doc.text.matchAll(/\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+)*/gu)) {
      if (sentenceStarts.has(m.index)) continue;
      entities.push({ start: m.index, end: m.index + m[0].length, label: "MISC", text: m[0], canonical: m[0] });
    }
    const index = new Map<string, EntityIndexEntry>();
    for (const e of entities) {
      const entry = index.get(e.canonical);
      if (entry) entry.mentions++;
      else
        index.set(e.canonical, {
          canonical: e.canonical,
          label: e.label,
          mentions: 1,
          firstStart: e.start,
          aliases: [],
        });
    }
    return { ...doc, entities, entityIndex: [...index.values()] };
  };
}

/** The tagger with the committed model, loaded once. */
export function loadTagger(): Tagger {
  return createTagger();
}
