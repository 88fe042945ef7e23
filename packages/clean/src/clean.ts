import type { CleanedDocument, SegmentedDocument, SourceMap, Span } from "@sift/contracts";
import { type Applied, applyEdits, composeMaps, mapOffset } from "./edits.js";
import { type NormalizeOptions, normalizePasses, repairMojibake } from "./normalize.js";

/** Options of the cleaner: which normalisations to apply. */
export type CleanerOptions = NormalizeOptions;

interface Stage {
  applied: Applied;
}

function mapThrough(stages: Stage[], offset: number, side: "start" | "end"): number {
  let o = offset;
  for (const s of stages) o = mapOffset(s.applied.edits, o, side);
  return o;
}

/** Index of the first value of sorted `xs` above `x`. */
function firstAbove(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Maps spans through the stages, splits them at removal points, trims their whitespace, drops empty ones. */
function mapSpans(spans: Span[], stages: Stage[], cuts: number[], text: string): Span[] {
  const out: Span[] = [];
  const push = (start: number, end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s] ?? "")) s++;
    while (e > s && /\s/.test(text[e - 1] ?? "")) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  for (const span of spans) {
    const s = mapThrough(stages, span.start, "start");
    const e = mapThrough(stages, span.end, "end");
    let from = s;
    // the cuts inside the span, found by a binary search: a loop over every cut for every span is quadratic
    for (let k = firstAbove(cuts, from); k < cuts.length && (cuts[k] as number) < e; k++) {
      push(from, cuts[k] as number);
      from = cuts[k] as number;
    }
    push(from, e);
  }
  return out;
}

/**
 * The cleaning stage: the text normalised (mojibake, invisible characters, NFC, glued sentences, spaces),
 * spans and the source map carried through every edit. What is content and what is chrome was decided
 * by the segmenter, which reads the page; the cleaner changes characters, never lines.
 */
export function createCleaner(options: CleanerOptions = {}) {
  const passes = normalizePasses(options);
  return (doc: SegmentedDocument): CleanedDocument => {
    const text = doc.text;
    const titled = doc.title !== null && doc.title.length > 0 && text.startsWith(doc.title);
    const bodyStart = titled ? (doc.title?.length ?? 0) : 0;
    const stages: Stage[] = [];
    let repaired = 0;
    let prev = text;
    for (const pass of passes) {
      const edits = pass(prev);
      if (pass === repairMojibake) repaired = edits.length;
      // a pass with nothing to do adds no stage: no copy, no map to compose
      if (edits.length > 0) {
        const applied = applyEdits(prev, edits);
        stages.push({ applied });
        prev = applied.text;
      }
    }
    const out = prev;
    let map: SourceMap = doc.sourceMap;
    // identity when the segmenter gave no map: compose against the document's own text
    if (map.length === 0) map = [{ start: 0, end: text.length, srcStart: 0, srcEnd: text.length }];
    for (const s of stages) map = composeMaps(s.applied.pieces, map);
    const warnings = [...doc.warnings];
    if (repaired > 0) warnings.push(`repaired ${repaired} mojibake sequence(s) (UTF-8 read as windows-1252)`);
    const title = titled ? out.slice(0, mapThrough(stages, bodyStart, "end")).trim() : doc.title;
    return {
      ...doc,
      title,
      text: out,
      paragraphs: mapSpans(doc.paragraphs, stages, [], out),
      sentences: mapSpans(doc.sentences, stages, [], out),
      sourceMap: map,
      warnings,
    };
  };
}
