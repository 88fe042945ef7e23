import { ALLOWED, CAN_END, NUM_LABELS } from "./labels.js";

const L = NUM_LABELS;

/** A sentence as feature ids: the features of token i are `feats[offs[i] .. offs[i+1])`. */
export interface Sequence {
  feats: Int32Array;
  offs: Int32Array;
  gold: Int32Array;
}

/** Weights of a linear-chain model: emission `w[f * L + y]`, transition `t[prev * L + y]` (prev L = start). */
export interface Weights {
  w: Float32Array | Float64Array;
  t: Float32Array | Float64Array;
}

/** Emission scores of a sequence (n × L). */
export function emissions(wts: Weights, feats: Int32Array, offs: Int32Array, n: number, out: Float64Array): void {
  const w = wts.w;
  out.fill(0, 0, n * L);
  for (let i = 0; i < n; i++) {
    const base = i * L;
    for (let k = offs[i] as number; k < (offs[i + 1] as number); k++) {
      const f = feats[k] as number;
      if (f < 0) continue;
      const row = f * L;
      for (let y = 0; y < L; y++) out[base + y] = (out[base + y] as number) + (w[row + y] as number);
    }
  }
}

/** For each label, the labels that may precede it, flattened: `PREV[PREV_AT[y] .. PREV_AT[y + 1])`. */
const PREV_AT = new Int32Array(L + 1);
const PREV: Int32Array = (() => {
  const out: number[] = [];
  for (let y = 0; y < L; y++) {
    PREV_AT[y] = out.length;
    for (let p = 0; p < L; p++) if (ALLOWED[p * L + y]) out.push(p);
  }
  PREV_AT[L] = out.length;
  return Int32Array.from(out);
})();
const START_OK = Uint8Array.from({ length: L }, (_, y) => ALLOWED[L * L + y] as number);
const END_OK = Uint8Array.from({ length: L }, (_, y) => (CAN_END(y) ? 1 : 0));
let deltaBuf = new Float64Array(64 * L);
let backBuf = new Int32Array(64 * L);

/** Best BILOU-valid label sequence under the scores. */
export function viterbi(em: Float64Array, trans: Weights["t"], n: number, out: Int32Array): void {
  if (n === 0) return;
  if (deltaBuf.length < n * L) {
    deltaBuf = new Float64Array(n * L * 2);
    backBuf = new Int32Array(n * L * 2);
  }
  const delta = deltaBuf;
  const back = backBuf;
  const prevAt = PREV_AT;
  const prevList = PREV;
  const NEG = Number.NEGATIVE_INFINITY;
  for (let y = 0; y < L; y++) delta[y] = START_OK[y] ? (em[y] as number) + (trans[L * L + y] as number) : NEG;
  for (let i = 1; i < n; i++) {
    const base = (i - 1) * L;
    const cur = i * L;
    for (let y = 0; y < L; y++) {
      let best = NEG;
      let arg = 0;
      const end = prevAt[y + 1] as number;
      for (let k = prevAt[y] as number; k < end; k++) {
        const p = prevList[k] as number;
        const v = (delta[base + p] as number) + (trans[p * L + y] as number);
        if (v > best) {
          best = v;
          arg = p;
        }
      }
      delta[cur + y] = best + (em[cur + y] as number);
      back[cur + y] = arg;
    }
  }
  let best = NEG;
  let arg = 0;
  const last = (n - 1) * L;
  for (let y = 0; y < L; y++) {
    const v = delta[last + y] as number;
    if (END_OK[y] && v > best) {
      best = v;
      arg = y;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    out[i] = arg;
    arg = back[i * L + arg] as number;
  }
}

/** mulberry32: a small seeded generator, so shuffles are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrainOptions {
  epochs: number;
  seed: number;
  /** Called after each epoch with the averaged weights so far. */
  onEpoch?: (epoch: number, avg: Weights) => void;
}

/** Averaged structured perceptron (Collins 2002) over BILOU sequences. */
export function trainPerceptron(seqs: Sequence[], numFeatures: number, opts: TrainOptions): Weights {
  const w = new Float64Array(numFeatures * L);
  const u = new Float64Array(numFeatures * L);
  const t = new Float64Array((L + 1) * L);
  const ut = new Float64Array((L + 1) * L);
  const cur: Weights = { w, t };
  const order = seqs.map((_, i) => i);
  const rand = rng(opts.seed);
  let c = 1;
  let maxN = 0;
  for (const s of seqs) maxN = Math.max(maxN, s.gold.length);
  const em = new Float64Array(maxN * L);
  const pred = new Int32Array(maxN);
  const average = (): Weights => {
    const aw = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) aw[k] = (w[k] as number) - (u[k] as number) / c;
    const at = new Float64Array(t.length);
    for (let k = 0; k < t.length; k++) at[k] = (t[k] as number) - (ut[k] as number) / c;
    return { w: aw, t: at };
  };
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = order[i] as number;
      order[i] = order[j] as number;
      order[j] = tmp;
    }
    for (const idx of order) {
      const s = seqs[idx] as Sequence;
      const n = s.gold.length;
      emissions(cur, s.feats, s.offs, n, em);
      viterbi(em, t, n, pred);
      for (let i = 0; i < n; i++) {
        const g = s.gold[i] as number;
        const p = pred[i] as number;
        if (g !== p) {
          for (let k = s.offs[i] as number; k < (s.offs[i + 1] as number); k++) {
            const f = s.feats[k] as number;
            if (f < 0) continue;
            w[f * L + g] = (w[f * L + g] as number) + 1;
            u[f * L + g] = (u[f * L + g] as number) + c;
            w[f * L + p] = (w[f * L + p] as number) - 1;
            u[f * L + p] = (u[f * L + p] as number) - c;
          }
        }
        const gp = i === 0 ? L : (s.gold[i - 1] as number);
        const pp = i === 0 ? L : (pred[i - 1] as number);
        if (gp !== pp || g !== p) {
          t[gp * L + g] = (t[gp * L + g] as number) + 1;
          ut[gp * L + g] = (ut[gp * L + g] as number) + c;
          t[pp * L + p] = (t[pp * L + p] as number) - 1;
          ut[pp * L + p] = (ut[pp * L + p] as number) - c;
        }
      }
      c++;
    }
    opts.onEpoch?.(epoch, average());
  }
  return average();
}
