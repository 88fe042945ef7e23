import { gunzipSync, gzipSync } from "node:zlib";
import {
  aggregateFeatures,
  boundaryGroups,
  contextFeatures,
  type FeatureOptions,
  type Resources,
  type WordGroups,
  wordGroups,
} from "./features.js";
import { labelType, NUM_LABELS } from "./labels.js";
import { emissions, viterbi, type Weights } from "./perceptron.js";

const L = NUM_LABELS;
export const MODEL_FORMAT = "sift-ner/1";

/** A loaded two-stage model with the resources its features need. */
export interface NerModel {
  options: FeatureOptions;
  features: Map<string, number>;
  stage1: Weights;
  stage2: Weights;
  /** Both stages' emission weights (in steps) side by side: row f is `[f * 2L, f * 2L + 2L)`. */
  both: Int16Array;
  resources: Resources;
}

interface ModelJson {
  format: string;
  step: number;
  options: FeatureOptions;
  features: string[];
  stage1: { trans: number[]; rows: number[] };
  stage2: { trans: number[]; rows: number[] };
  gazMax: number;
  gazetteer: { keys: string; masks: number[] };
  clusters: Array<[string, string]>;
  lowerWords: string;
}

/** Weight step of the quantised model. */
const STEP = 0.01;
/** A weight in steps, within int16 (the run-time weights are Int16Array). */
const q = (x: number): number => {
  const v = Math.max(-32767, Math.min(32767, Math.round(x / STEP)));
  return v === 0 ? 0 : v; // no -0
};

function encodeRows(w: Weights["w"], ids: number[], numRows: number): number[] {
  const out: number[] = [];
  for (const f of ids) {
    let mask = 0;
    const vals: number[] = [];
    if (f < numRows) {
      for (let y = 0; y < L; y++) {
        const v = q(w[f * L + y] as number);
        if (v !== 0) {
          mask |= 1 << y;
          vals.push(v);
        }
      }
    }
    out.push(mask, ...vals);
  }
  return out;
}

function decodeRows(rows: number[], n: number): Float32Array {
  const w = new Float32Array(n * L);
  let k = 0;
  for (let f = 0; f < n; f++) {
    const mask = rows[k++] as number;
    for (let y = 0; y < L; y++) if (mask & (1 << y)) w[f * L + y] = rows[k++] as number;
  }
  return w;
}

/**
 * Serialises a trained model: weights quantised to STEP, features whose weights all round to zero
 * dropped, resources in sorted order, gzip with fixed settings — the same input gives the same bytes.
 */
export function serializeModel(m: {
  options: FeatureOptions;
  featureNames: string[];
  stage1: Weights;
  numStage1: number;
  stage2: Weights;
  resources: Resources;
}): Buffer {
  const keep: number[] = [];
  for (let f = 0; f < m.featureNames.length; f++) {
    let any = false;
    for (let y = 0; y < L && !any; y++) {
      if (q(m.stage2.w[f * L + y] as number) !== 0) any = true;
      if (f < m.numStage1 && q(m.stage1.w[f * L + y] as number) !== 0) any = true;
    }
    if (any) keep.push(f);
  }
  const keys = [...m.resources.gaz.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const byBits = new Map<string, string[]>();
  for (const [word, bits] of m.resources.clusters) {
    const list = byBits.get(bits);
    if (list) list.push(word);
    else byBits.set(bits, [word]);
  }
  const clusters: Array<[string, string]> = [...byBits.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((bits) => [bits, (byBits.get(bits) as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(" ")]);
  const json: ModelJson = {
    format: MODEL_FORMAT,
    step: STEP,
    options: m.options,
    features: keep.map((f) => m.featureNames[f] as string),
    stage1: { trans: Array.from(m.stage1.t, q), rows: encodeRows(m.stage1.w, keep, m.numStage1) },
    stage2: { trans: Array.from(m.stage2.t, q), rows: encodeRows(m.stage2.w, keep, Number.MAX_SAFE_INTEGER) },
    gazMax: m.resources.gazMax,
    gazetteer: { keys: keys.join("\n"), masks: keys.map((k) => m.resources.gaz.get(k) as number) },
    clusters,
    lowerWords: [...m.resources.lowerWords].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(" "),
  };
  return gzipSync(Buffer.from(JSON.stringify(json)), { level: 9 });
}

export function deserializeModel(bytes: Buffer): NerModel {
  const json = JSON.parse(gunzipSync(bytes).toString("utf8")) as ModelJson;
  if (json.format !== MODEL_FORMAT) throw new Error(`unknown model format ${json.format}`);
  const n = json.features.length;
  const features = new Map<string, number>();
  json.features.forEach((f, i) => {
    features.set(f, i);
  });
  const gaz = new Map<string, number>();
  const keys = json.gazetteer.keys.split("\n");
  keys.forEach((k, i) => {
    gaz.set(k, json.gazetteer.masks[i] as number);
  });
  const clusters = new Map<string, string>();
  for (const [bits, words] of json.clusters) for (const w of words.split(" ")) clusters.set(w, bits);
  // weights stay in steps (whole numbers), so every path sums them exactly
  const trans = (t: number[]) => Float32Array.from(t);
  const w1 = decodeRows(json.stage1.rows, n);
  const w2 = decodeRows(json.stage2.rows, n);
  const both = new Int16Array(n * 2 * L);
  for (let f = 0; f < n; f++)
    for (let y = 0; y < L; y++) {
      both[f * 2 * L + y] = w1[f * L + y] as number;
      both[f * 2 * L + L + y] = w2[f * L + y] as number;
    }
  return {
    options: json.options,
    features,
    stage1: { w: w1, t: trans(json.stage1.trans) },
    stage2: { w: w2, t: trans(json.stage2.trans) },
    both,
    resources: { gaz, gazMax: json.gazMax, clusters, lowerWords: new Set(json.lowerWords.split(" ")) },
  };
}

interface CachedWord {
  groups: WordGroups;
  cur: Int32Array;
  prev: Int32Array;
  next: Int32Array;
  prev2: Int32Array;
  next2: Int32Array;
}

const lookup = (features: Map<string, number>, names: string[]): Int32Array => {
  const ids: number[] = [];
  for (const name of names) {
    const id = features.get(name);
    if (id !== undefined) ids.push(id);
  }
  return Int32Array.from(ids);
};

const cachedWord = (model: NerModel, g: WordGroups): CachedWord => ({
  groups: g,
  cur: lookup(model.features, g.cur),
  prev: lookup(model.features, g.prev),
  next: lookup(model.features, g.next),
  prev2: lookup(model.features, g.prev2),
  next2: lookup(model.features, g.next2),
});

const caches = new WeakMap<NerModel, { words: Map<string, CachedWord>; bos: CachedWord; eos: CachedWord }>();
const CACHE_LIMIT = 200_000;

function cacheOf(model: NerModel) {
  let c = caches.get(model);
  if (!c) {
    const { bos, eos } = boundaryGroups(model.options);
    c = { words: new Map(), bos: cachedWord(model, bos), eos: cachedWord(model, eos) };
    caches.set(model, c);
  }
  return c;
}

function wordOf(model: NerModel, cache: ReturnType<typeof cacheOf>, w: string): CachedWord {
  let c = cache.words.get(w);
  if (!c) {
    c = cachedWord(model, wordGroups(w, model.resources, model.options));
    if (cache.words.size >= CACHE_LIMIT) cache.words.clear();
    cache.words.set(w, c);
  }
  return c;
}

/** BILOU labels for every sentence of a document (normalised token texts), both stages. */
export function labelDocument(model: NerModel, sentences: string[][]): Int32Array[] {
  const cache = cacheOf(model);
  const words = sentences.map((ws) => ws.map((w) => wordOf(model, cache, w)));
  const ctx = contextFeatures(
    sentences,
    words.map((ws) => ws.map((c) => c.groups)),
    model.resources,
    model.options,
  );
  const local = words.map((ws, s) => {
    const n = ws.length;
    const tf = ctx[s] as string[][];
    const ids: number[] = [];
    const offs = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      for (const arr of [
        (ws[i] as CachedWord).cur,
        (i > 0 ? (ws[i - 1] as CachedWord) : cache.bos).prev,
        (i + 1 < n ? (ws[i + 1] as CachedWord) : cache.eos).next,
        (i > 1 ? (ws[i - 2] as CachedWord) : cache.bos).prev2,
        (i + 2 < n ? (ws[i + 2] as CachedWord) : cache.eos).next2,
      ])
        for (let k = 0; k < arr.length; k++) ids.push(arr[k] as number);
      for (const name of tf[i] as string[]) {
        const id = model.features.get(name);
        if (id !== undefined) ids.push(id);
      }
      offs[i + 1] = ids.length;
    }
    return { ids, offs };
  });
  const decodeWith = (wts: Weights, feats: Int32Array, offs: Int32Array) => {
    const n = offs.length - 1;
    const em = new Float64Array(n * L);
    const out = new Int32Array(n);
    emissions(wts, feats, offs, n, em);
    viterbi(em, wts.t, n, out);
    return out;
  };
  const first = local.map(({ ids, offs }) => decodeWith(model.stage1, Int32Array.from(ids), offs));
  const types = first.map((ys) => Int8Array.from(ys, (y) => labelType(y)));
  const agg = aggregateFeatures(sentences, types);
  return local.map(({ ids, offs }, s) => {
    const tf = agg[s] as string[][];
    const all: number[] = [];
    const offs2 = new Int32Array(offs.length);
    for (let i = 0; i + 1 < offs.length; i++) {
      for (let k = offs[i] as number; k < (offs[i + 1] as number); k++) all.push(ids[k] as number);
      for (const name of tf[i] as string[]) {
        const id = model.features.get(name);
        if (id !== undefined) all.push(id);
      }
      offs2[i + 1] = all.length;
    }
    return decodeWith(model.stage2, Int32Array.from(all), offs2);
  });
}
