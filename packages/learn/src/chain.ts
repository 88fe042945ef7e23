/** A sequence as feature ids: the features of item i are `feats[offs[i] .. offs[i+1])`. */
export interface Sequence {
  feats: Int32Array;
  offs: Int32Array;
  /** The gold label of each item; ignored where `mask` is given. */
  gold: Int32Array;
  /**
   * Partial supervision: per item, a bit mask of the labels it may take (bit y = label y). The gold path
   * is then the best path under the current weights that keeps to the masks (a latent-variable perceptron).
   */
  mask?: Uint32Array;
  /**
   * Per item, what a wrong label there costs (default 1): the update there is scaled by it, so items that
   * weigh more in the score the model is judged by (a long paragraph more than a one-word link) teach more.
   */
  cost?: Float32Array;
}

/** Weights of a linear-chain model: emission `w[f * L + y]`, transition `t[prev * L + y]` (prev L = start). */
export interface Weights {
  w: Float32Array | Float64Array;
  t: Float32Array | Float64Array;
}

/** The label set of a chain: how many labels, which may follow which, which may end a sequence. */
export interface ChainSpec {
  labels: number;
  /** `allowed[prev * L + y]`; row `L` is the start of a sequence. */
  allowed: Uint8Array;
  /** `canEnd[y]`: label y may end a sequence. */
  canEnd: Uint8Array;
  /**
   * Emission rows of each label: label y scores the sum of rows `classes[y]`, so labels can share what
   * they have in common (three kinds of chrome, one look). Default: one row per label.
   */
  classes?: number[][];
}

export interface TrainOptions {
  epochs: number;
  seed: number;
  /** Called after each epoch with the averaged weights so far. */
  onEpoch?: (epoch: number, avg: Weights) => void;
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

const ALL = 0xffffffff;

/** Averaged structured perceptron (Collins 2002) with constrained Viterbi over one label set. */
export class LinearChain {
  readonly labels: number;
  /** Emission rows per feature (labels plus shared classes). */
  readonly rows: number;
  private readonly classAt: Int32Array;
  private readonly classList: Int32Array;
  private readonly shared: boolean;
  private readonly prevAt: Int32Array;
  private readonly prev: Int32Array;
  private readonly startOk: Uint8Array;
  private readonly endOk: Uint8Array;
  private delta = new Float64Array(0);
  private readonly row16 = new Float64Array(16);
  private back = new Int32Array(0);

  constructor(spec: ChainSpec) {
    const L = spec.labels;
    if (L > 32) throw new RangeError(`a chain has at most 32 labels (masks are 32 bits), not ${L}`);
    this.labels = L;
    const classes = spec.classes ?? Array.from({ length: L }, (_, y) => [y]);
    this.shared = spec.classes !== undefined;
    this.rows = Math.max(L, ...classes.flat().map((c) => c + 1));
    this.classAt = new Int32Array(L + 1);
    const list: number[] = [];
    for (let y = 0; y < L; y++) {
      this.classAt[y] = list.length;
      list.push(...(classes[y] ?? [y]));
    }
    this.classAt[L] = list.length;
    this.classList = Int32Array.from(list);
    this.prevAt = new Int32Array(L + 1);
    const prev: number[] = [];
    for (let y = 0; y < L; y++) {
      this.prevAt[y] = prev.length;
      for (let p = 0; p < L; p++) if (spec.allowed[p * L + y]) prev.push(p);
    }
    this.prevAt[L] = prev.length;
    this.prev = Int32Array.from(prev);
    this.startOk = Uint8Array.from({ length: L }, (_, y) => spec.allowed[L * L + y] as number);
    this.endOk = Uint8Array.from(spec.canEnd);
  }

  /** Emission scores of a sequence (n × L). */
  emissions(wts: Weights, feats: Int32Array, offs: Int32Array, n: number, out: Float64Array): void {
    const L = this.labels;
    const w = wts.w;
    out.fill(0, 0, n * L);
    if (this.shared) {
      this.sharedEmissions(w, feats, offs, n, out);
      return;
    }
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

  private sharedEmissions(w: Weights["w"], feats: Int32Array, offs: Int32Array, n: number, out: Float64Array): void {
    const L = this.labels;
    const R = this.rows;
    const row = new Float64Array(R);
    for (let i = 0; i < n; i++) {
      row.fill(0);
      for (let k = offs[i] as number; k < (offs[i + 1] as number); k++) {
        const f = feats[k] as number;
        if (f < 0) continue;
        const at = f * R;
        for (let r = 0; r < R; r++) row[r] = (row[r] as number) + (w[at + r] as number);
      }
      for (let y = 0; y < L; y++) {
        let v = 0;
        for (let c = this.classAt[y] as number; c < (this.classAt[y + 1] as number); c++)
          v += row[this.classList[c] as number] as number;
        out[i * L + y] = v;
      }
    }
  }

  /** Emission scores (n × L) from scores per emission row (n × rows): each label sums its rows. */
  combine(rowScores: Float64Array, n: number, out: Float64Array): void {
    const L = this.labels;
    const R = this.rows;
    for (let i = 0; i < n; i++)
      for (let y = 0; y < L; y++) {
        let v = 0;
        for (let c = this.classAt[y] as number; c < (this.classAt[y + 1] as number); c++)
          v += rowScores[i * R + (this.classList[c] as number)] as number;
        out[i * L + y] = v;
      }
  }

  /** Best allowed label sequence under the scores; with `mask`, item i keeps to the labels set in `mask[i]`. */
  viterbi(em: Float64Array, trans: Weights["t"], n: number, out: Int32Array, mask?: Uint32Array): void {
    if (n === 0) return;
    const L = this.labels;
    if (this.delta.length < n * L) {
      this.delta = new Float64Array(n * L * 2);
      this.back = new Int32Array(n * L * 2);
    }
    const delta = this.delta;
    const back = this.back;
    const prevAt = this.prevAt;
    const prevList = this.prev;
    const NEG = Number.NEGATIVE_INFINITY;
    const m0 = mask ? (mask[0] as number) : ALL;
    for (let y = 0; y < L; y++)
      delta[y] = this.startOk[y] && (m0 >>> y) & 1 ? (em[y] as number) + (trans[L * L + y] as number) : NEG;
    for (let i = 1; i < n; i++) {
      const base = (i - 1) * L;
      const cur = i * L;
      const mi = mask ? (mask[i] as number) : ALL;
      for (let y = 0; y < L; y++) {
        let best = NEG;
        let arg = 0;
        if ((mi >>> y) & 1) {
          const end = prevAt[y + 1] as number;
          for (let k = prevAt[y] as number; k < end; k++) {
            const p = prevList[k] as number;
            const v = (delta[base + p] as number) + (trans[p * L + y] as number);
            if (v > best) {
              best = v;
              arg = p;
            }
          }
        }
        delta[cur + y] = best + (em[cur + y] as number);
        back[cur + y] = arg;
      }
    }
    let best = NEG;
    let arg = -1;
    const last = (n - 1) * L;
    for (let y = 0; y < L; y++) {
      const v = delta[last + y] as number;
      if (this.endOk[y] && v > best) {
        best = v;
        arg = y;
      }
    }
    // masks no path satisfies: fall back to the unconstrained path rather than an invalid one
    if (arg < 0) {
      if (mask) {
        this.viterbi(em, trans, n, out);
        return;
      }
      arg = 0;
    }
    for (let i = n - 1; i >= 0; i--) {
      out[i] = arg;
      arg = back[i * L + arg] as number;
    }
  }

  /**
   * The best allowed label sequence in which at least one item has label `must` (Viterbi over each label and
   * whether `must` was seen yet: exact, at twice the work); false, `out` untouched, when no allowed path has it.
   */
  viterbiWith(em: Float64Array, trans: Weights["t"], n: number, out: Int32Array, must: number): boolean {
    if (n === 0) return false;
    const L = this.labels;
    const W = 2 * L;
    // layer 0 (index y): `must` not seen yet; layer 1 (index L + y): seen
    const delta = new Float64Array(n * W);
    const back = new Int32Array(n * W);
    const NEG = Number.NEGATIVE_INFINITY;
    for (let y = 0; y < L; y++) {
      const v = this.startOk[y] ? (em[y] as number) + (trans[L * L + y] as number) : NEG;
      delta[y] = y === must ? NEG : v;
      delta[L + y] = y === must ? v : NEG;
    }
    for (let i = 1; i < n; i++) {
      const base = (i - 1) * W;
      const cur = i * W;
      for (let y = 0; y < L; y++) {
        const end = this.prevAt[y + 1] as number;
        // each layer from itself; `must` lifts either layer into the seen one
        for (let layer = 0; layer < 2; layer++) {
          let best = NEG;
          let arg = 0;
          if (!(y === must && layer === 0))
            for (let k = this.prevAt[y] as number; k < end; k++) {
              const p = this.prev[k] as number;
              const t = trans[p * L + y] as number;
              for (let l = y === must ? 0 : layer; l <= layer; l++) {
                const v = (delta[base + l * L + p] as number) + t;
                if (v > best) {
                  best = v;
                  arg = l * L + p;
                }
              }
            }
          delta[cur + layer * L + y] = best + (em[i * L + y] as number);
          back[cur + layer * L + y] = arg;
        }
      }
    }
    let best = NEG;
    let arg = -1;
    const last = (n - 1) * W;
    for (let y = 0; y < L; y++) {
      const v = delta[last + L + y] as number;
      if (this.endOk[y] && v > best) {
        best = v;
        arg = L + y;
      }
    }
    if (arg < 0) return false;
    for (let i = n - 1; i >= 0; i--) {
      out[i] = arg % L;
      arg = back[i * W + arg] as number;
    }
    return true;
  }

  /** The best labels of one sequence. */
  decode(wts: Weights, seq: Pick<Sequence, "feats" | "offs">, n: number): Int32Array {
    const em = new Float64Array(n * this.labels);
    const out = new Int32Array(n);
    this.emissions(wts, seq.feats, seq.offs, n, em);
    this.viterbi(em, wts.t, n, out);
    return out;
  }

  /**
   * Training's emission scores (n × L) from weights of 16 rows a feature: the rows are summed in sixteen locals
   * written out, not in an array read and written at every feature (the sums were over half of training's time;
   * the same additions in the same order, so the same scores to the bit).
   */
  private emissions16(w: Float64Array, feats: Int32Array, offs: Int32Array, n: number, out: Float64Array): void {
    const L = this.labels;
    const row = this.row16;
    for (let i = 0; i < n; i++) {
      let r0 = 0,
        r1 = 0,
        r2 = 0,
        r3 = 0,
        r4 = 0,
        r5 = 0,
        r6 = 0,
        r7 = 0;
      let r8 = 0,
        r9 = 0,
        r10 = 0,
        r11 = 0,
        r12 = 0,
        r13 = 0,
        r14 = 0,
        r15 = 0;
      const end = offs[i + 1] as number;
      for (let k = offs[i] as number; k < end; k++) {
        const f = feats[k] as number;
        if (f < 0) continue;
        const at = f << 4;
        r0 += w[at] as number;
        r1 += w[at + 1] as number;
        r2 += w[at + 2] as number;
        r3 += w[at + 3] as number;
        r4 += w[at + 4] as number;
        r5 += w[at + 5] as number;
        r6 += w[at + 6] as number;
        r7 += w[at + 7] as number;
        r8 += w[at + 8] as number;
        r9 += w[at + 9] as number;
        r10 += w[at + 10] as number;
        r11 += w[at + 11] as number;
        r12 += w[at + 12] as number;
        r13 += w[at + 13] as number;
        r14 += w[at + 14] as number;
        r15 += w[at + 15] as number;
      }
      row[0] = r0;
      row[1] = r1;
      row[2] = r2;
      row[3] = r3;
      row[4] = r4;
      row[5] = r5;
      row[6] = r6;
      row[7] = r7;
      row[8] = r8;
      row[9] = r9;
      row[10] = r10;
      row[11] = r11;
      row[12] = r12;
      row[13] = r13;
      row[14] = r14;
      row[15] = r15;
      for (let y = 0; y < L; y++) {
        let v = 0;
        for (let c = this.classAt[y] as number; c < (this.classAt[y + 1] as number); c++)
          v += row[this.classList[c] as number] as number;
        out[i * L + y] = v;
      }
    }
  }

  /** Trains the averaged perceptron; sequences with masks are partially supervised. */
  train(seqs: Sequence[], numFeatures: number, opts: TrainOptions): Weights {
    const L = this.labels;
    const R = this.rows;
    // while training, a feature's rows are padded to 16 (zeros) when they fit, for emissions16
    const S = Math.max(R, 16);
    const w = new Float64Array(numFeatures * S);
    const u = new Float64Array(numFeatures * S);
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
    const latent = new Int32Array(maxN);
    const full = L === 32 ? 0xffffffff : (1 << L) - 1;
    const average = (): Weights => {
      const aw = new Float64Array(numFeatures * R);
      for (let f = 0; f < numFeatures; f++)
        for (let r = 0; r < R; r++) aw[f * R + r] = (w[f * S + r] as number) - (u[f * S + r] as number) / c;
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
        if (S === 16) this.emissions16(w, s.feats, s.offs, n, em);
        else this.emissions(cur, s.feats, s.offs, n, em);
        let gold: ArrayLike<number> = s.gold;
        const mask = s.mask;
        if (mask) {
          this.viterbi(em, t, n, latent, mask);
          gold = latent;
        }
        // an unlabelled item teaches nothing: left free, it would let transitions explain away the labelled ones
        const free = (i: number) => mask !== undefined && ((mask[i] as number) & full) === full;
        const cost = s.cost;
        this.viterbi(em, t, n, pred);
        for (let i = 0; i < n; i++) {
          const g = gold[i] as number;
          const p = pred[i] as number;
          const skip = free(i);
          const step = cost ? (cost[i] as number) : 1;
          const sc = step * c;
          if (g !== p && !skip) {
            for (let k = s.offs[i] as number; k < (s.offs[i + 1] as number); k++) {
              const f = s.feats[k] as number;
              if (f < 0) continue;
              for (let a = this.classAt[g] as number; a < (this.classAt[g + 1] as number); a++) {
                const at = f * S + (this.classList[a] as number);
                w[at] = (w[at] as number) + step;
                u[at] = (u[at] as number) + sc;
              }
              for (let a = this.classAt[p] as number; a < (this.classAt[p + 1] as number); a++) {
                const at = f * S + (this.classList[a] as number);
                w[at] = (w[at] as number) - step;
                u[at] = (u[at] as number) - sc;
              }
            }
          }
          const gp = i === 0 ? L : (gold[i - 1] as number);
          const pp = i === 0 ? L : (pred[i - 1] as number);
          if ((gp !== pp || g !== p) && !skip && !(i > 0 && free(i - 1))) {
            t[gp * L + g] = (t[gp * L + g] as number) + step;
            ut[gp * L + g] = (ut[gp * L + g] as number) + sc;
            t[pp * L + p] = (t[pp * L + p] as number) - step;
            ut[pp * L + p] = (ut[pp * L + p] as number) - sc;
          }
        }
        c++;
      }
      opts.onEpoch?.(epoch, average());
    }
    return average();
  }
}
