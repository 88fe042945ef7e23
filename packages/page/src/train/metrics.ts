/** The article-extraction benchmark's metric (its evaluate.py) and trafilatura's snippet metric. */

const TOKEN = /[\p{L}\p{N}_]+/gu;

/** The benchmark's tokens: `\w+` runs (Unicode letters, digits, underscore; case kept). */
export function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function shingles(toks: string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  if (toks.length === 0) return out;
  const add = (key: string) => out.set(key, (out.get(key) ?? 0) + 1);
  if (toks.length < n) add(toks.join("\u0001"));
  else for (let i = 0; i + n <= toks.length; i++) add(toks.slice(i, i + n).join("\u0001"));
  return out;
}

export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
}

/** Per-page shares of true positives, false positives and false negatives of 4-token shingles. */
export function scorePage(gold: string, pred: string): PageScore {
  const g = shingles(tokens(gold), 4);
  const p = shingles(tokens(pred), 4);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, gc] of g) {
    const pc = p.get(key) ?? 0;
    tp += Math.min(gc, pc);
    fn += Math.max(0, gc - pc);
  }
  for (const [key, pc] of p) fp += Math.max(0, pc - (g.get(key) ?? 0));
  const sum = tp + fp + fn;
  return sum > 0 ? { tp: tp / sum, fp: fp / sum, fn: fn / sum } : { tp: 0, fp: 0, fn: 0 };
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
  pages: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Precision and recall averaged over pages, F1 of the two means (evaluate.py). */
export function scoreExtraction(pairs: Array<{ gold: string; pred: string }>): Score {
  const scores = pairs.map((p) => scorePage(p.gold, p.pred));
  const precision = mean(scores.filter((s) => s.tp + s.fp > 0).map((s) => s.tp / (s.tp + s.fp)));
  const recall = mean(scores.filter((s) => s.tp + s.fn > 0).map((s) => s.tp / (s.tp + s.fn)));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, pages: pairs.length };
}

export interface SnippetCounts {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** trafilatura's `count_item`: which `with` snippets the text has, and which `without` ones. */
export function countSnippets(text: string, withs: string[], withouts: string[]): SnippetCounts {
  const t = collapse(text);
  const c = { tp: 0, fn: 0, fp: 0, tn: 0 };
  for (const s of withs) t.includes(collapse(s)) ? c.tp++ : c.fn++;
  for (const s of withouts) t.includes(collapse(s)) ? c.fp++ : c.tn++;
  return c;
}

export function snippetScore(counts: SnippetCounts[]): Score {
  const sum = counts.reduce((a, c) => ({ tp: a.tp + c.tp, fn: a.fn + c.fn, fp: a.fp + c.fp, tn: a.tn + c.tn }), {
    tp: 0,
    fn: 0,
    fp: 0,
    tn: 0,
  });
  const precision = sum.tp / Math.max(1, sum.tp + sum.fp);
  const recall = sum.tp / Math.max(1, sum.tp + sum.fn);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, pages: counts.length };
}
