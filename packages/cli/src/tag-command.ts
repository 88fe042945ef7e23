import { splitParagraphs, splitSentences } from "@sift/segment";
import { loadTagger } from "@sift/tag";
import { z } from "zod";
import { plainDocument } from "./plain-document.js";

const TextRecord = z.object({ id: z.unknown(), text: z.string() });

/** `sift tag --jsonl`: `{"id","text"}` → `{"id","entities":[{start,end,label,canonical}]}`, offsets into the given text. */
export function createTagRecord() {
  const tag = loadTagger();
  return (record: unknown) => {
    const { id, text } = TextRecord.parse(record);
    const paragraphs = splitParagraphs(text);
    const doc = { ...plainDocument(text), paragraphs, sentences: paragraphs.flatMap((p) => splitSentences(text, p)) };
    const entities = tag(doc).entities.map(({ start, end, label, canonical }) => ({ start, end, label, canonical }));
    return { id, entities };
  };
}
