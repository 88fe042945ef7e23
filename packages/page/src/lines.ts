/** One block of a page: a line of a flattened page, or a block element of an HTML page. */
export interface Block {
  /** The block's text, trimmed (a list marker kept). */
  text: string;
  /** Offsets of `text` in the page's text (or, for HTML, in the markup). */
  start: number;
  end: number;
  /** Blank lines right before and after the block (0 for HTML blocks). */
  gapBefore: number;
  gapAfter: number;
  /** Leading spaces of the line (list nesting in a flattened page). */
  indent: number;
  /** Markup features of an HTML block ("tag=h2", "in=nav", …); empty for text. */
  markup: string[];
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0x3000 || c === 0xfeff;

/**
 * A line's markup: none, one frozen array for all (an array a line was a fifth of the blocks' garbage);
 * frozen, so that a push into it throws rather than gives every line the markup.
 */
const NO_MARKUP = Object.freeze([]) as unknown as string[];

/** The non-blank lines of a text, with the blank lines around each. Linear in the text. */
export function textBlocks(text: string, from = 0, to = text.length): Block[] {
  const out: Block[] = [];
  let gap = 0;
  let p = from;
  while (p <= to) {
    let nl = text.indexOf("\n", p);
    if (nl < 0 || nl > to) nl = to;
    let s = p;
    let e = nl;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s === e) gap++;
    else {
      const prev = out[out.length - 1];
      if (prev) prev.gapAfter = gap;
      out.push({
        text: text.slice(s, e),
        start: s,
        end: e,
        gapBefore: out.length === 0 ? 9 : gap,
        gapAfter: 9,
        indent: s - p,
        markup: NO_MARKUP,
      });
      gap = 0;
    }
    if (nl >= to) break;
    p = nl + 1;
  }
  return out;
}
