import type { Span } from "@sift/contracts";
import { isSpace } from "./chars.js";

/** A line of text: `[start, end)` is its content without surrounding whitespace (empty when blank). */
export interface Line {
  start: number;
  end: number;
  blank: boolean;
}

/** Lines of `text[from, to)`, trimmed. */
export function lines(text: string, from = 0, to = text.length): Line[] {
  const out: Line[] = [];
  let p = from;
  while (p <= to) {
    let nl = text.indexOf("\n", p);
    if (nl < 0 || nl > to) nl = to;
    let s = p;
    let e = nl;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    out.push({ start: s, end: e, blank: s === e });
    if (nl >= to) break;
    p = nl + 1;
  }
  return out;
}

/** Lines no longer than this are never taken for hard-wrapped prose. */
const MIN_WRAP_WIDTH = 40;
/** Lines longer than this are never hard-wrapped: each is a paragraph of its own. */
const MAX_WRAP_WIDTH = 110;
const ITEM_START = /^(?:[-*•⁃◦▪‣●–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s)/;

/**
 * Paragraphs of a text: blank lines always separate them; inside a block, each line is a paragraph unless
 * the block is hard-wrapped prose (lines filled up to a width), whose lines are joined.
 */
export function splitParagraphs(text: string): Span[] {
  return paragraphsIn(text, 0, text.length);
}

export function paragraphsIn(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  const all = lines(text, from, to);
  let i = 0;
  while (i < all.length) {
    if (all[i]?.blank) {
      i++;
      continue;
    }
    let j = i;
    while (j < all.length && !all[j]?.blank) j++;
    addBlock(text, all.slice(i, j), out);
    i = j;
  }
  return out;
}

function addBlock(text: string, block: Line[], out: Span[]): void {
  let width = 0;
  for (const l of block) width = Math.max(width, l.end - l.start);
  const wrapped = block.length > 1 && width >= MIN_WRAP_WIDTH && width <= MAX_WRAP_WIDTH && filled(block, width);
  let cur: Span | null = null;
  for (let n = 0; n < block.length; n++) {
    const l = block[n] as Line;
    if (cur === null) {
      cur = { start: l.start, end: l.end };
      continue;
    }
    const prev = block[n - 1] as Line;
    // two lines are thin evidence of wrapping: a closed sentence at the end of the first ends the paragraph
    const closed = block.length === 2 && /[.!?]["'”’)]*$/.test(text.slice(prev.start, prev.end));
    if (wrapped && !closed && continues(text, prev, l, width)) cur.end = l.end;
    else {
      out.push(cur);
      cur = { start: l.start, end: l.end };
    }
  }
  if (cur) out.push(cur);
}

/** A wrapper fills its lines up to the width: most lines but the last come close to it (a list of headlines does not). */
function filled(block: Line[], width: number): boolean {
  let near = 0;
  for (let n = 0; n < block.length - 1; n++) {
    const l = block[n] as Line;
    if (l.end - l.start >= 0.8 * width) near++;
  }
  return near >= 0.6 * (block.length - 1);
}

/** Whether `next` continues the paragraph of `prev` in hard-wrapped prose. */
function continues(text: string, prev: Line, next: Line, width: number): boolean {
  const len = prev.end - prev.start;
  if (len < 0.7 * width) return false;
  if (text.charCodeAt(prev.end - 1) === 58) return false; // "…:" introduces what follows
  return !ITEM_START.test(text.slice(next.start, next.start + 4));
}
