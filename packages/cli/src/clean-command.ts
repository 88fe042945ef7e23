import { createHash } from "node:crypto";
import { createCleaner } from "@sift/clean";
import type { FileMeta } from "@sift/contracts";
import { segmentFile } from "@sift/segment";
import { z } from "zod";

const ContentRecord = z.object({
  id: z.unknown(),
  mediaType: z.enum(["text/html", "text/plain"]),
  content: z.string(),
});

/**
 * `sift clean --jsonl`: `{"id","mediaType","content"}` → `{"id","text"}`: the body of the main document
 * as the pipeline reads and cleans it (no title, as the article-extraction benchmark's `articleBody`),
 * paragraphs separated by a blank line. A page with no article text gives "".
 */
export function createCleanRecord() {
  const clean = createCleaner();
  return async (record: unknown) => {
    const { id, mediaType, content } = ContentRecord.parse(record);
    const bytes = Buffer.from(content, "utf8");
    const file: FileMeta = {
      fileId: createHash("sha256").update(bytes).digest("hex"),
      name: mediaType === "text/html" ? "record.html" : "record.txt",
      size: bytes.length,
      mediaType,
      receivedAt: new Date().toISOString(),
    };
    const docs = await segmentFile({ file, bytes }).catch((err: unknown) => {
      if ((err as { code?: string }).code === "NO_BODY") return [];
      throw err;
    });
    const main = docs.find((d) => d.role === "main");
    if (!main) return { id, text: "" };
    const cleaned = clean(main);
    return { id, text: cleaned.paragraphs.map((p) => cleaned.text.slice(p.start, p.end)).join("\n\n") };
  };
}
