import { loadTagger } from "@sift/tag";
import { z } from "zod";
import { plainDocument } from "./plain-document.js";

const TextRecord = z.object({ id: z.unknown(), text: z.string() });

/**
 * `sift tag --jsonl`: `{"id","text"}` → `{"id","entities":[{start,end,label,canonical}]}`, offsets into the
 * given text. The tagger reads the whole text itself (tokens, sentences), so no segmentation is needed here.
 */
export function createTagRecord() {
  const tag = loadTagger();
  return (record: unknown) => {
    const { id, text } = TextRecord.parse(record);
    const entities = tag(plainDocument(text)).entities.map(({ start, end, label, canonical }) => ({
      start,
      end,
      label,
      canonical,
    }));
    return { id, entities };
  };
}
