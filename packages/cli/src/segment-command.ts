import { splitParagraphs, splitSentences } from "@sift/segment";
import { z } from "zod";

const TextRecord = z.object({ id: z.unknown(), text: z.string() });

/** `sift segment --jsonl`: `{"id","text"}` → `{"id","sentences":[{start,end}]}`, offsets into the given text. */
export function segmentRecord(record: unknown) {
  const { id, text } = TextRecord.parse(record);
  const sentences = splitParagraphs(text).flatMap((p) => splitSentences(text, p));
  return { id, sentences };
}
