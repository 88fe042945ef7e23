import { ANY, Label, maskOf, NOT_MAIN } from "../labels.js";
import type { Block } from "../lines.js";
import { tokens } from "./metrics.js";

const BODY = maskOf(Label.body);
const TITLE = maskOf(Label.title);
const SEP = "\u0001";

function grams(toks: string[], n: number, into: Set<string>): void {
  for (let i = 0; i + n <= toks.length; i++) into.add(toks.slice(i, i + n).join(SEP));
}

const squash = (s: string) => s.replace(/\s+/g, "");

/**
 * Labels (as masks) of a page's blocks from the full gold text of its article: each block's share of
 * 4-token shingles found in the gold (or its text found whole, for short or unspaced blocks); the
 * article is the run of blocks with the most gold in it (a maximum-sum window), so a copy of the lead
 * elsewhere on the page is left unlabelled rather than called body.
 */
export function alignWithGold(blocks: Block[], gold: string, title: string | null): Uint32Array {
  const g = tokens(gold);
  const sets = [new Set<string>(), new Set<string>(), new Set<string>(), new Set<string>(), new Set<string>()];
  for (let n = 1; n <= 4; n++) grams(g, n, sets[n] as Set<string>);
  const goldFlat = squash(gold);
  const masks = new Uint32Array(blocks.length).fill(NOT_MAIN);
  const cover = blocks.map((b) => {
    const t = tokens(b.text);
    if (t.length === 0) return { n: 0, share: 0 };
    const flat = squash(b.text);
    if (flat.length >= 12 && goldFlat.includes(flat)) return { n: t.length, share: 1 };
    if (t.length < 4) return { n: t.length, share: (sets[t.length] as Set<string>).has(t.join(SEP)) ? 1 : 0 };
    let hit = 0;
    for (let i = 0; i + 4 <= t.length; i++) if ((sets[4] as Set<string>).has(t.slice(i, i + 4).join(SEP))) hit++;
    return { n: t.length, share: hit / (t.length - 3) };
  });
  // the window with the most gold: matched tokens count for it, unmatched ones of long blocks against it
  let best = 0;
  let cur = 0;
  let from = 0;
  let first = -1;
  let last = -1;
  cover.forEach((c, i) => {
    const gain = c.share >= 0.5 ? c.n : c.n >= 8 ? -c.n * (1 - c.share) : -0.5;
    if (cur <= 0) {
      cur = 0;
      from = i;
    }
    cur += gain;
    if (cur > best) {
      best = cur;
      first = from;
      last = i;
    }
  });
  // inside the window each gold shingle counts once: a second copy of a paragraph there is left unlabelled
  const left = new Map<string, number>();
  for (let i = 0; i + 4 <= g.length; i++) {
    const k = g.slice(i, i + 4).join(SEP);
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  const fresh = (b: Block): boolean => {
    const t = tokens(b.text);
    if (t.length < 4) return true;
    const keys: string[] = [];
    for (let i = 0; i + 4 <= t.length; i++) keys.push(t.slice(i, i + 4).join(SEP));
    const hit = keys.filter((k) => (left.get(k) ?? 0) > 0);
    for (const k of hit) left.set(k, (left.get(k) as number) - 1);
    return hit.length >= 0.5 * keys.length;
  };
  cover.forEach((c, i) => {
    const inside = first >= 0 && i >= first && i <= last;
    if (c.share >= 0.5) masks[i] = inside && fresh(blocks[i] as Block) ? BODY : ANY;
    else if (c.share > 0.15) masks[i] = ANY;
  });
  if (title && first >= 0) {
    const tt = tokens(title).join(" ").toLowerCase();
    for (let i = first - 1; i >= Math.max(0, first - 30); i--) {
      const bt = tokens((blocks[i] as Block).text)
        .join(" ")
        .toLowerCase();
      if (
        bt &&
        (bt === tt || (tt.length > 20 && (tt.includes(bt) || bt.includes(tt)) && bt.length > 0.6 * tt.length))
      ) {
        masks[i] = TITLE;
        break;
      }
    }
  }
  return masks;
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** Labels (as masks) from trafilatura's snippets: blocks holding a `with` snippet are body, `without` ones are not main. */
export function alignWithSnippets(blocks: Block[], withs: string[], withouts: string[]): Uint32Array {
  const masks = new Uint32Array(blocks.length).fill(ANY);
  const parts: string[] = [];
  const owner: number[] = [];
  let at = 0;
  blocks.forEach((b) => {
    const t = `${collapse(b.text)} `;
    parts.push(t);
    owner.push(at);
    at += t.length;
  });
  const text = parts.join("");
  const blockAt = (pos: number): number => {
    let lo = 0;
    let hi = owner.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((owner[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const s of withouts) {
    const c = collapse(s);
    if (!c) continue;
    for (let p = text.indexOf(c); p >= 0; p = text.indexOf(c, p + 1))
      for (let b = blockAt(p); b <= blockAt(p + c.length - 1); b++) masks[b] = NOT_MAIN;
  }
  for (const s of withs) {
    const c = collapse(s);
    if (!c) continue;
    const hits: number[] = [];
    for (let p = text.indexOf(c); p >= 0; p = text.indexOf(c, p + 1)) hits.push(p);
    if (hits.length !== 1) continue;
    const p = hits[0] as number;
    for (let b = blockAt(p); b <= blockAt(p + c.length - 1); b++) if (masks[b] === ANY) masks[b] = BODY;
  }
  return masks;
}
