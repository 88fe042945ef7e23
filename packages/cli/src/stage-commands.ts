import { createHash } from "node:crypto";
import { createInMemoryLineMemory, extractMainText } from "@sift/clean";
import type { CleanedDocument, FileMeta, SegmentedDocument } from "@sift/contracts";
import { splitParagraphs, splitSentences } from "@sift/segment";
import { loadTagger } from "@sift/tag";
import { z } from "zod";

const TextRecord = z.object({ id: z.unknown(), text: z.string() });
const ContentRecord = z.object({
  id: z.unknown(),
  mediaType: z.enum(["text/html", "text/plain"]),
  content: z.string(),
});

/** `sift segment --jsonl`: `{"id","text"}` → `{"id","sentences":[{start,end}]}` */
export function segmentRecord(record: unknown) {
  const { id, text } = TextRecord.parse(record);
  const sentences = splitParagraphs(text).flatMap((p) => splitSentences(text, p));
  return { id, sentences };
}

/** `sift clean --jsonl`: `{"id","mediaType","content"}` → `{"id","text"}` */
export function createCleanRecord() {
  const lines = createInMemoryLineMemory();
  return async (record: unknown) => {
    const { id, mediaType, content } = ContentRecord.parse(record);
    return { id, text: await extractMainText({ mediaType, content }, { lines }) };
  };
}

/** `sift tag --jsonl`: `{"id","text"}` → `{"id","entities":[{start,end,label,canonical}]}` */
export function createTagRecord() {
  const tag = loadTagger();
  return (record: unknown) => {
    const { id, text } = TextRecord.parse(record);
    const paragraphs = splitParagraphs(text);
    const doc: CleanedDocument = {
      ...plainDocument(text),
      paragraphs,
      sentences: paragraphs.flatMap((p) => splitSentences(text, p)),
      removed: [],
    };
    const entities = tag(doc).entities.map(({ start, end, label, canonical }) => ({ start, end, label, canonical }));
    return { id, entities };
  };
}

/** A one-document wrapper for text that comes without a file. */
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
  };
}
