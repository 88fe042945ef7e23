import { type SourceMap, toSourceOffset } from "@sift/contracts";

/** Replace `[start, end)` of a text with `text` ("" deletes). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The result of applying edits: new text and where each new piece came from in the old text. */
export interface Applied {
  text: string;
  /** Sorted, non-overlapping edits in old-text offsets. */
  edits: Edit[];
  /** New text → old text, covering every character of the new text (the SourceMap shape). */
  pieces: SourceMap;
}

/** Applies sorted, non-overlapping edits; later edits that overlap an earlier one are dropped. */
export function applyEdits(old: string, edits: Edit[]): Applied {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: Edit[] = [];
  const parts: string[] = [];
  const pieces: SourceMap = [];
  let pos = 0;
  let out = 0;
  const keep = (to: number) => {
    if (to <= pos) return;
    parts.push(old.slice(pos, to));
    pieces.push({ start: out, end: out + (to - pos), srcStart: pos, srcEnd: to });
    out += to - pos;
    pos = to;
  };
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start) continue;
    if (e.start === e.end && e.text === "") continue;
    keep(e.start);
    kept.push(e);
    parts.push(e.text);
    if (e.text.length > 0) pieces.push({ start: out, end: out + e.text.length, srcStart: e.start, srcEnd: e.end });
    out += e.text.length;
    pos = e.end;
  }
  keep(old.length);
  return { text: parts.join(""), edits: kept, pieces };
}

/** Per edits array: the total length change of the edits before each one (index i: edits 0..i-1). */
const deltas = new WeakMap<Edit[], Float64Array>();

function deltasOf(edits: Edit[]): Float64Array {
  let d = deltas.get(edits);
  if (!d) {
    d = new Float64Array(edits.length + 1);
    for (let i = 0; i < edits.length; i++) {
      const e = edits[i] as Edit;
      d[i + 1] = (d[i] ?? 0) + e.text.length - (e.end - e.start);
    }
    deltas.set(edits, d);
  }
  return d;
}

/**
 * Maps an old-text offset to the new text. Inside an edit, a start moves to the edit's
 * replacement start and an end to its replacement end (a deleted stretch collapses to a point).
 * `edits` are sorted and do not overlap (as `applyEdits` keeps them): a binary search finds the one that
 * matters, so mapping every span of a document stays linear in its size.
 */
export function mapOffset(edits: Edit[], offset: number, side: "start" | "end"): number {
  // the last edit that starts before the offset: only it can hold the offset
  let lo = 0;
  let hi = edits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edits[mid] as Edit).start < offset) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return offset;
  const d = deltasOf(edits);
  const e = edits[lo - 1] as Edit;
  if (offset < e.end) {
    const newStart = e.start + (d[lo - 1] ?? 0);
    return side === "start" ? newStart : newStart + e.text.length;
  }
  return offset + (d[lo] ?? 0);
}

/** Composes new → mid (`outer`) with mid → source (`inner`; empty means identity) into new → source. */
export function composeMaps(outer: SourceMap, inner: SourceMap): SourceMap {
  const out: SourceMap = [];
  const push = (start: number, end: number, srcStart: number, srcEnd: number) => {
    if (end <= start) return;
    const last = out[out.length - 1];
    // contiguous equal-length pieces merge, so a lightly edited text keeps a short map
    if (
      last &&
      last.end === start &&
      last.srcEnd === srcStart &&
      last.end - last.start === last.srcEnd - last.srcStart &&
      end - start === srcEnd - srcStart
    ) {
      last.end = end;
      last.srcEnd = srcEnd;
      return;
    }
    out.push({ start, end, srcStart, srcEnd });
  };
  let j = 0;
  for (const p of outer) {
    const len = p.end - p.start;
    if (len <= 0) continue;
    if (inner.length === 0) {
      push(p.start, p.end, p.srcStart, p.srcEnd);
      continue;
    }
    if (len !== p.srcEnd - p.srcStart) {
      push(p.start, p.end, toSourceOffset(inner, p.srcStart, "start"), toSourceOffset(inner, p.srcEnd, "end"));
      continue;
    }
    while (j > 0 && (inner[j]?.start ?? 0) > p.srcStart) j--;
    while (j < inner.length && (inner[j]?.end ?? 0) <= p.srcStart) j++;
    for (let k = j; k < inner.length; k++) {
      const m = inner[k];
      if (!m || m.start >= p.srcEnd) break;
      const x = Math.max(p.srcStart, m.start);
      const y = Math.min(p.srcEnd, m.end);
      if (x >= y) continue;
      const a = p.start + (x - p.srcStart);
      const b = p.start + (y - p.srcStart);
      if (m.end - m.start === m.srcEnd - m.srcStart) push(a, b, m.srcStart + (x - m.start), m.srcStart + (y - m.start));
      else if (x === m.start && y === m.end) push(a, b, m.srcStart, m.srcEnd);
      else push(a, b, toSourceOffset(inner, x, "start"), toSourceOffset(inner, y, "end"));
    }
  }
  return out;
}
