import { createHash } from "node:crypto";
import type { FileMeta, SegmentedDocument } from "@sift/contracts";

/** A one-document wrapper for text that comes without a file (the JSONL stage commands). */
export function plainDocument(text: string): SegmentedDocument {
  const fileId = createHash("sha256").update(text).digest("hex");
  const file: FileMeta = {
    fileId,
    name: "stdin",
    size: Buffer.byteLength(text),
    mediaType: "text/plain",
    receivedAt: new Date().toISOString(),
  };
  return {
    file,
    docId: `${fileId}-0`,
    index: 0,
    count: 1,
    role: "main",
    title: null,
    source: {},
    text,
    paragraphs: [],
    sentences: [],
    sourceMap: [{ start: 0, end: text.length, srcStart: 0, srcEnd: text.length }],
    warnings: [],
    removed: [],
  };
}
