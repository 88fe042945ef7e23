import { FeatureMap } from "@sift/learn";
import { type ConllDocument, type Evaluation, evaluate } from "./conll.js";
import { aggregateFeatures, extractFeatures, type FeatureOptions, normToken, type Resources } from "./features.js";
import { bilouOfChunks, type Chunk, chunksOfBilou, chunksOfIob, labelType, NUM_LABELS } from "./labels.js";
import { emissions, type Sequence, trainPerceptron, viterbi, type Weights } from "./perceptron.js";

export interface Dataset {
  seqs: Sequence[];
  gold: Chunk[][];
  /** Normalised words of each document, by sentence. */
  docs: string[][][];
  /** First sequence of each document (plus the total at the end). */
  docStart: number[];
}

export type DocFeatureFn = (doc: string[][], docIndex: number) => string[][][];

export function buildDataset(docs: ConllDocument[], fmap: FeatureMap, grow: boolean, feats: DocFeatureFn): Dataset {
  const seqs: Sequence[] = [];
  const gold: Chunk[][] = [];
  const docWords: string[][][] = [];
  const docStart: number[] = [];
  docs.forEach((doc, d) => {
    const words = doc.sentences.map((s) => s.words.map(normToken));
    docWords.push(words);
    docStart.push(seqs.length);
    const f = feats(words, d);
    doc.sentences.forEach((s, si) => {
      const tf = f[si] as string[][];
      const ids: number[] = [];
      const offs = new Int32Array(s.words.length + 1);
      tf.forEach((fs, i) => {
        for (const name of fs) {
          const id = fmap.id(name, grow);
          if (id >= 0) ids.push(id);
        }
        offs[i + 1] = ids.length;
      });
      const chunks = chunksOfIob(s.tags);
      gold.push(chunks);
      seqs.push({ feats: Int32Array.from(ids), offs, gold: Int32Array.from(bilouOfChunks(s.words.length, chunks)) });
    });
  });
  docStart.push(seqs.length);
  return { seqs, gold, docs: docWords, docStart };
}

export function decode(wts: Weights, seq: Sequence): Int32Array {
  const n = seq.gold.length;
  const em = new Float64Array(n * NUM_LABELS);
  const out = new Int32Array(n);
  emissions(wts, seq.feats, seq.offs, n, em);
  viterbi(em, wts.t, n, out);
  return out;
}

export function evaluateOn(wts: Weights, data: Dataset): Evaluation {
  return evaluate(
    data.seqs.map((s, i) => ({ gold: data.gold[i] as Chunk[], predicted: chunksOfBilou(decode(wts, s)) })),
  );
}

export function localFeatures(res: Resources, opts: FeatureOptions): DocFeatureFn {
  return (doc) => extractFeatures(doc, res, opts);
}

export { FeatureMap, trainPerceptron };

/** First-stage entity types per token (-1 none) of every sentence, decoded with `wts`. */
export function predictTypes(wts: Weights, seqs: Sequence[]): Int8Array[] {
  return seqs.map((s) => Int8Array.from(decode(wts, s), (y) => labelType(y)));
}

/** The dataset with second-stage features appended, from first-stage types per sentence. */
export function withAggregates(data: Dataset, types: Int8Array[], fmap: FeatureMap, grow: boolean): Dataset {
  const seqs: Sequence[] = [];
  for (let d = 0; d < data.docs.length; d++) {
    const a = data.docStart[d] as number;
    const b = data.docStart[d + 1] as number;
    const agg = aggregateFeatures(data.docs[d] as string[][], types.slice(a, b));
    for (let k = a; k < b; k++) {
      const s = data.seqs[k] as Sequence;
      const extra = agg[k - a] as string[][];
      const ids: number[] = [];
      const offs = new Int32Array(s.offs.length);
      for (let i = 0; i < s.gold.length; i++) {
        for (let j = s.offs[i] as number; j < (s.offs[i + 1] as number); j++) ids.push(s.feats[j] as number);
        for (const name of extra[i] as string[]) {
          const id = fmap.id(name, grow);
          if (id >= 0) ids.push(id);
        }
        offs[i + 1] = ids.length;
      }
      seqs.push({ feats: Int32Array.from(ids), offs, gold: s.gold });
    }
  }
  return { ...data, seqs };
}

export interface TwoStageOptions {
  epochs1: number;
  epochs2: number;
  folds: number;
  seed: number;
  log?: (line: string) => void;
}

export interface TwoStageResult {
  stage1: Weights;
  stage2: Weights;
  /** Features the first stage knows (ids below this). */
  numStage1: number;
  dev1: Evaluation;
  dev2: Evaluation;
}

/** Trains both stages; the second stage learns from jackknifed first-stage predictions. */
export function trainTwoStage(train: Dataset, dev: Dataset, fmap: FeatureMap, o: TwoStageOptions): TwoStageResult {
  const log = o.log ?? (() => {});
  const numStage1 = fmap.names.length;
  const trainTypes = new Array<Int8Array>(train.seqs.length);
  for (let k = 0; k < o.folds; k++) {
    const inFold = (d: number) => d % o.folds === k;
    const part: Sequence[] = [];
    for (let d = 0; d < train.docs.length; d++)
      if (!inFold(d)) part.push(...train.seqs.slice(train.docStart[d], train.docStart[d + 1]));
    const wts = trainPerceptron(part, numStage1, { epochs: o.epochs1, seed: o.seed + k + 1 });
    for (let d = 0; d < train.docs.length; d++) {
      if (!inFold(d)) continue;
      for (let s = train.docStart[d] as number; s < (train.docStart[d + 1] as number); s++)
        trainTypes[s] = Int8Array.from(decode(wts, train.seqs[s] as Sequence), (y) => labelType(y));
    }
    log(`fold ${k + 1}/${o.folds} done`);
  }
  const stage1 = trainPerceptron(train.seqs, numStage1, { epochs: o.epochs1, seed: o.seed });
  const dev1 = evaluateOn(stage1, dev);
  log(`stage 1: dev F1 ${dev1.overall.f1.toFixed(2)}`);
  const train2 = withAggregates(train, trainTypes, fmap, true);
  const dev2set = withAggregates(dev, predictTypes(stage1, dev.seqs), fmap, false);
  const stage2 = trainPerceptron(train2.seqs, fmap.names.length, {
    epochs: o.epochs2,
    seed: o.seed,
    onEpoch: (epoch, avg) => log(`stage 2 epoch ${epoch}: dev F1 ${evaluateOn(avg, dev2set).overall.f1.toFixed(2)}`),
  });
  const dev2 = evaluateOn(stage2, dev2set);
  return { stage1, stage2, numStage1, dev1, dev2 };
}
