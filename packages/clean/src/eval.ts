/** Per-page shares of true positives, false positives and false negatives (they sum to 1, or all 0). */
export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
}

export interface ExtractionScore {
  precision: number;
  recall: number;
  f1: number;
  /** Share of pages whose token sequence equals the gold one. */
  accuracy: number;
  pages: number;
}

const TOKEN = /[\p{L}\p{N}_]+/gu;

/** The benchmark's tokens: `\w+` runs (Unicode letters, digits, underscore; case kept). */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function shingles(tokens: string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  if (tokens.length === 0) return out;
  const add = (key: string) => out.set(key, (out.get(key) ?? 0) + 1);
  if (tokens.length < n) add(tokens.join("\u0001"));
  else for (let i = 0; i + n <= tokens.length; i++) add(tokens.slice(i, i + n).join("\u0001"));
  return out;
}

/** The article-extraction benchmark's per-page score: multiset matching of 4-token shingles. */
export function scorePage(gold: string, pred: string, n = 4): PageScore {
  const g = shingles(tokenize(gold), n);
  const p = shingles(tokenize(pred), n);
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

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Precision and recall averaged over pages, F1 of the two means (the benchmark's evaluate.py). */
export function scoreExtraction(pairs: Array<{ gold: string; pred: string }>): ExtractionScore {
  const scores = pairs.map((p) => scorePage(p.gold, p.pred));
  const precision = mean(scores.filter((s) => s.tp + s.fp > 0).map((s) => s.tp / (s.tp + s.fp)));
  const recall = mean(scores.filter((s) => s.tp + s.fn > 0).map((s) => s.tp / (s.tp + s.fn)));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const same = pairs.filter((p) => tokenize(p.gold).join(" ") === tokenize(p.pred).join(" ")).length;
  return { precision, recall, f1, accuracy: pairs.length ? same / pairs.length : 0, pages: pairs.length };
}
