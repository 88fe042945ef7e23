import {
  type FileMeta,
  InvalidInputError,
  type SegmentedDocument,
  type Span,
  UnsupportedMediaTypeError,
} from "@sift/contracts";

export interface SegmentInput {
  file: FileMeta;
  bytes: Uint8Array;
}

/** Splits a file into documents with paragraphs and sentences (first version: one document). */
export async function segmentFile(input: SegmentInput): Promise<SegmentedDocument[]> {
  const { file, bytes } = input;
  if (bytes.length === 0) throw new InvalidInputError("EMPTY_FILE", `${file.name}: the file is empty`);
  if (!file.mediaType.startsWith("text/")) throw new UnsupportedMediaTypeError(file.name, file.mediaType);
  const text = decodeText(bytes);
  const paragraphs = splitParagraphs(text);
  if (paragraphs.length === 0) throw new InvalidInputError("NO_TEXT", `${file.name}: no text in the file`);
  const sentences = paragraphs.flatMap((p) => splitSentences(text, p));
  return [
    {
      file,
      docId: `${file.fileId}-0`,
      index: 0,
      count: 1,
      role: "main",
      title: null,
      source: {},
      text,
      paragraphs,
      sentences,
      sourceMap: [{ start: 0, end: text.length, srcStart: 0, srcEnd: text.length }],
      warnings: [],
      removed: [],
    },
  ];
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Paragraphs are runs of non-blank lines. */
export function splitParagraphs(text: string): Span[] {
  const out: Span[] = [];
  const re = /[^\n]*\S[^\n]*/g;
  for (const m of text.matchAll(re)) {
    const lead = m[0].length - m[0].trimStart().length;
    const start = m.index + lead;
    out.push({ start, end: start + m[0].trim().length });
  }
  return out;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Sentences of one paragraph, as spans of `text`. */
export function splitSentences(text: string, within: Span): Span[] {
  const out: Span[] = [];
  for (const s of segmenter.segment(text.slice(within.start, within.end))) {
    const trimmed = s.segment.trim();
    if (trimmed === "") continue;
    const start = within.start + s.index + (s.segment.length - s.segment.trimStart().length);
    out.push({ start, end: start + trimmed.length });
  }
  return out;
}
