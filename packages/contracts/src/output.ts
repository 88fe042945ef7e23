import { z } from "zod";
import {
  DocLanguage,
  DocSource,
  Entity,
  EntityIndexEntry,
  FileMeta,
  Removal,
  Role,
  type SourceMap,
  SourceSpan,
  type Span,
  type TaggedDocument,
} from "./messages.js";

export const OutputEntity = Entity.extend({
  sourceStart: z.number().int().nonnegative(),
  sourceEnd: z.number().int().nonnegative(),
});
export type OutputEntity = z.infer<typeof OutputEntity>;

export const OutputDocument = z.object({
  docId: z.string(),
  index: z.number().int().nonnegative(),
  role: Role,
  title: z.string().nullable(),
  source: DocSource,
  language: DocLanguage.optional(),
  text: z.string(),
  paragraphs: z.array(SourceSpan),
  sentences: z.array(SourceSpan),
  entities: z.array(OutputEntity),
  entityIndex: z.array(EntityIndexEntry),
  removed: z.array(Removal),
  warnings: z.array(z.string()),
});
export type OutputDocument = z.infer<typeof OutputDocument>;

/** `data/output/<name>.json`: one per input file, documents in order. */
export const OutputFile = z.object({
  v: z.literal(1),
  file: FileMeta.omit({ bytesInline: true }),
  completedAt: z.iso.datetime(),
  documents: z.array(OutputDocument),
});
export type OutputFile = z.infer<typeof OutputFile>;

/** Maps an offset of a document's text to the decoded source through its map. */
export function toSourceOffset(map: SourceMap, offset: number, side: "start" | "end"): number {
  if (map.length === 0) return offset;
  let lo = 0;
  let hi = map.length - 1;
  // the last piece whose start is <= offset (for an end offset, < offset, so it stays in the piece it closes)
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const piece = map[mid];
    if (piece && (side === "start" ? piece.start <= offset : piece.start < offset)) lo = mid;
    else hi = mid - 1;
  }
  const p = map[lo];
  if (!p) return offset;
  if (offset <= p.start) return p.srcStart;
  if (offset >= p.end) return p.srcEnd;
  const len = p.end - p.start;
  const srcLen = p.srcEnd - p.srcStart;
  if (len === srcLen) return p.srcStart + (offset - p.start);
  return p.srcStart + Math.round(((offset - p.start) * srcLen) / len);
}

export function toSourceSpan<T extends Span>(map: SourceMap, span: T): T & { sourceStart: number; sourceEnd: number } {
  const { sourceStart, sourceEnd } = sourceSpan(map, span.start, span.end);
  return { ...span, sourceStart, sourceEnd };
}

/** A paragraph's or sentence's span with its place in the decoded source (toSourceSpan without the spread). */
function sourceSpan(map: SourceMap, start: number, end: number) {
  const sourceStart = toSourceOffset(map, start, "start");
  const sourceEnd = Math.max(sourceStart, toSourceOffset(map, end, "end"));
  return { start, end, sourceStart, sourceEnd };
}

/** The output file's document: every span also points into the decoded source. */
export function toOutputDocument(doc: TaggedDocument): OutputDocument {
  const map = doc.sourceMap;
  return {
    docId: doc.docId,
    index: doc.index,
    role: doc.role,
    title: doc.title,
    source: doc.source,
    ...(doc.language ? { language: doc.language } : {}),
    text: doc.text,
    paragraphs: doc.paragraphs.map((s) => sourceSpan(map, s.start, s.end)),
    sentences: doc.sentences.map((s) => sourceSpan(map, s.start, s.end)),
    entities: doc.entities.map((e) => {
      const { sourceStart: _s, sourceEnd: _e, ...rest } = e;
      return toSourceSpan(map, rest);
    }),
    entityIndex: doc.entityIndex,
    removed: doc.removed,
    warnings: doc.warnings,
  };
}

export function buildOutputFile(file: FileMeta, docs: TaggedDocument[], completedAt: Date): OutputFile {
  const documents = [...docs].sort((a, b) => a.index - b.index).map(toOutputDocument);
  return { v: 1, file: outputFileMeta(file), completedAt: completedAt.toISOString(), documents };
}

/** The file as an output describes it: how its bytes travelled through the pipeline is not said there. */
export function outputFileMeta(file: FileMeta): OutputFile["file"] {
  const { bytesInline: _inline, ...meta } = file;
  return meta;
}
