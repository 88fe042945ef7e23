import { gunzipSync, gzipSync } from "node:zlib";
import { aggregateFeatures, extractFeatures, type FeatureOptions, type Resources } from "./features.js";
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
}

/** Weight step of the quantised model. */
const STEP = 0.01;
const q = (x: number): number => {
  const v = Math.round(x / STEP);
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
    for (let y = 0; y < L; y++) if (mask & (1 << y)) w[f * L + y] = (rows[k++] as number) * STEP;
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
  const trans = (t: number[]) => Float32Array.from(t, (v) => v * json.step);
  return {
    options: json.options,
    features,
    stage1: { w: decodeRows(json.stage1.rows, n), t: trans(json.stage1.trans) },
    stage2: { w: decodeRows(json.stage2.rows, n), t: trans(json.stage2.trans) },
    resources: { gaz, gazMax: json.gazMax, clusters },
  };
}

function toIds(features: Map<string, number>, tokenFeatures: string[][], extra?: string[][]) {
  const ids: number[] = [];
  const offs = new Int32Array(tokenFeatures.length + 1);
  for (let i = 0; i < tokenFeatures.length; i++) {
    for (const name of tokenFeatures[i] as string[]) {
      const id = features.get(name);
      if (id !== undefined) ids.push(id);
    }
    if (extra)
      for (const name of extra[i] as string[]) {
        const id = features.get(name);
        if (id !== undefined) ids.push(id);
      }
    offs[i + 1] = ids.length;
  }
  return { feats: Int32Array.from(ids), offs };
}

/** BILOU labels for every sentence of a document (normalised token texts), both stages. */
export function labelDocument(model: NerModel, sentences: string[][]): Int32Array[] {
  const local = extractFeatures(sentences, model.resources, model.options);
  const decodeWith = (wts: Weights, extra?: string[][][]) =>
    local.map((tf, s) => {
      const n = tf.length;
      const { feats, offs } = toIds(model.features, tf, extra?.[s]);
      const em = new Float64Array(n * L);
      const out = new Int32Array(n);
      emissions(wts, feats, offs, n, em);
      viterbi(em, wts.t, n, out);
      return out;
    });
  const first = decodeWith(model.stage1);
  const types = first.map((ys) => Int8Array.from(ys, (y) => labelType(y)));
  return decodeWith(model.stage2, aggregateFeatures(sentences, types));
}
