import { createInMemoryLineMemory, extractMainText } from "@sift/clean";
import { z } from "zod";

const ContentRecord = z.object({
  id: z.unknown(),
  mediaType: z.enum(["text/html", "text/plain"]),
  content: z.string(),
});

/** `sift clean --jsonl`: `{"id","mediaType","content"}` → `{"id","text"}`, the main text the cleaner keeps. */
export function createCleanRecord() {
  const lines = createInMemoryLineMemory();
  return async (record: unknown) => {
    const { id, mediaType, content } = ContentRecord.parse(record);
    return { id, text: await extractMainText({ mediaType, content }, { lines }) };
  };
}
