import type { DocSource, FileMeta, Removal, Role, SegmentedDocument, SourceMap } from "@sift/contracts";
import { splitSentences } from "./sentences.js";

/** A run of document text and where it came from; `map` is relative to `text` (empty: one proportional piece). */
export interface Piece {
  text: string;
  srcStart: number;
  srcEnd: number;
  map?: SourceMap;
}

/** A document before its text is assembled. */
export interface Draft {
  role: Role;
  title: Piece | null;
  paragraphs: Piece[];
  source: DocSource;
  removed: Removal[];
  warnings: string[];
}

/** Files with more documents than this keep the first ones and say so. */
export const MAX_DOCUMENTS = 1000;

/** A document longer than this (characters) is cut into parts at paragraph boundaries, so no message or stage holds a whole huge text. */
export const MAX_DOCUMENT_CHARS = 2_000_000;

/** Cuts drafts whose paragraphs exceed `maxChars` into consecutive parts; the first part keeps title and metadata. */
export function splitLongDrafts(drafts: Draft[], maxChars = MAX_DOCUMENT_CHARS): Draft[] {
  return drafts.flatMap((d) => {
    const total = d.paragraphs.reduce((n, p) => n + p.text.length + 2, d.title?.text.length ?? 0);
    if (total <= maxChars) return [d];
    const parts: Piece[][] = [[]];
    let size = d.title?.text.length ?? 0;
    // a paragraph longer than a whole part (one huge line) is cut too, at a space where there is one
    const pieces = d.paragraphs.flatMap((p) => (p.text.length > maxChars ? cutPiece(p, maxChars) : [p]));
    for (const p of pieces) {
      const current = parts[parts.length - 1] as Piece[];
      if (current.length > 0 && size + p.text.length > maxChars) {
        parts.push([p]);
        size = p.text.length;
      } else {
        current.push(p);
        size += p.text.length + 2;
      }
    }
    return parts.map((paragraphs, i) => ({
      ...d,
      title: i === 0 ? d.title : null,
      paragraphs,
      removed: i === 0 ? d.removed : [],
      warnings: [...d.warnings, `part ${i + 1} of ${parts.length} of a document longer than ${maxChars} characters`],
    }));
  });
}

/** A piece cut into runs of at most `max` characters, at the last space before each cut when one is near. */
export function cutPiece(p: Piece, max: number): Piece[] {
  const out: Piece[] = [];
  let from = 0;
  while (p.text.length - from > max) {
    let to = from + max;
    // only the last tenth is searched: a search back to the start for every cut is quadratic
    const near = to - Math.floor(max / 10);
    const space = p.text.slice(near, to).lastIndexOf(" ");
    if (space >= 0 && near + space > from) to = near + space + 1;
    // never between the two halves of a surrogate pair
    else if (isLowSurrogate(p.text.charCodeAt(to))) to--;
    out.push(subPiece(p, from, to));
    from = to;
  }
  out.push(subPiece(p, from, p.text.length));
  return out;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** `p.text[a, b)` as a piece of its own, with its offsets into the source. */
function subPiece(p: Piece, a: number, b: number): Piece {
  const text = p.text.slice(a, b);
  if (p.map && p.map.length > 0) {
    const map: SourceMap = [];
    for (const m of p.map) {
      if (m.end <= a || m.start >= b) continue;
      const s = Math.max(m.start, a);
      const e = Math.min(m.end, b);
      // inside one entry, offsets run in step when its lengths agree, else proportionally
      const scale = (m.srcEnd - m.srcStart) / Math.max(1, m.end - m.start);
      map.push({
        start: s - a,
        end: e - a,
        srcStart: m.srcStart + Math.round((s - m.start) * scale),
        srcEnd: m.srcStart + Math.round((e - m.start) * scale),
      });
    }
    return { text, srcStart: map[0]?.srcStart ?? p.srcStart, srcEnd: map[map.length - 1]?.srcEnd ?? p.srcEnd, map };
  }
  const scale = (p.srcEnd - p.srcStart) / Math.max(1, p.text.length);
  return { text, srcStart: p.srcStart + Math.round(a * scale), srcEnd: p.srcStart + Math.round(b * scale) };
}

/** A piece of `src` taken as it is. */
export function slicePiece(src: string, start: number, end: number): Piece {
  return { text: src.slice(start, end), srcStart: start, srcEnd: end };
}

/** Assembles the documents of a file: title, blank line, paragraphs separated by blank lines. */
export function assemble(file: FileMeta, drafts: Draft[], fileWarnings: string[]): SegmentedDocument[] {
  let kept = splitLongDrafts(drafts.filter((d) => d.paragraphs.length > 0 || d.title !== null));
  const warnings = [...fileWarnings];
  if (kept.length > MAX_DOCUMENTS) {
    warnings.push(`the file holds ${kept.length} documents; only the first ${MAX_DOCUMENTS} are kept`);
    kept = kept.slice(0, MAX_DOCUMENTS);
  }
  return kept.map((d, index) => {
    const parts: string[] = [];
    const sourceMap: SourceMap = [];
    let at = 0;
    const add = (p: Piece) => {
      parts.push(p.text);
      if (p.map && p.map.length > 0)
        for (const m of p.map)
          sourceMap.push({ start: at + m.start, end: at + m.end, srcStart: m.srcStart, srcEnd: m.srcEnd });
      else sourceMap.push({ start: at, end: at + p.text.length, srcStart: p.srcStart, srcEnd: p.srcEnd });
      at += p.text.length;
    };
    const sep = () => {
      parts.push("\n\n");
      at += 2;
    };
    if (d.title) {
      add(d.title);
      if (d.paragraphs.length > 0) sep();
    }
    const paragraphs = d.paragraphs.map((p, n) => {
      if (n > 0) sep();
      const start = at;
      add(p);
      return { start, end: at };
    });
    const text = parts.join("");
    return {
      file,
      docId: `${file.fileId}-${index}`,
      index,
      count: kept.length,
      role: d.role,
      title: d.title?.text ?? null,
      source: d.source,
      text,
      paragraphs,
      sentences: paragraphs.flatMap((p) => splitSentences(text, p)),
      sourceMap,
      warnings: [...warnings, ...d.warnings],
      removed: d.removed,
    };
  });
}
