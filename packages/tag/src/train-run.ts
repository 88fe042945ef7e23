import { readFileSync } from "node:fs";
import { type Evaluation, evaluate, parseConll } from "./conll.js";
import { labelDocumentFast } from "./fast.js";
import { type FeatureOptions, normToken } from "./features.js";
import { chunksOfBilou, chunksOfIob } from "./labels.js";
import { deserializeModel, serializeModel } from "./model.js";
import { loadResources } from "./resources.js";
import { buildDataset, FeatureMap, localFeatures, trainTwoStage } from "./train.js";

export interface TrainRunOptions {
  /** The `data` folder of ../shared (conll2003/, ner-resources/). */
  data: string;
  epochs: number;
  seed: number;
  folds: number;
  features: FeatureOptions;
  /** A smaller deterministic run: the first N training documents (and N/4 dev documents). */
  maxDocs?: number;
  log?: (line: string) => void;
}

export interface TrainRun {
  bytes: Buffer;
  /** Dev scores of the written model, through the run-time path. */
  dev: Evaluation;
  stage1Dev: Evaluation;
  sentences: number;
  features: number;
}

/** Trains the two-stage tagger and serialises it; everything is seeded, so the bytes repeat. */
export function trainNer(o: TrainRunOptions): TrainRun {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  let train = parseConll(readFileSync(`${o.data}/conll2003/train.txt`, "utf8"));
  let dev = parseConll(readFileSync(`${o.data}/conll2003/dev.txt`, "utf8"));
  if (o.maxDocs !== undefined) {
    train = train.slice(0, o.maxDocs);
    dev = dev.slice(0, Math.ceil(o.maxDocs / 4));
  }
  const res = loadResources(`${o.data}/ner-resources`);
  const fmap = new FeatureMap();
  const feats = localFeatures(res, o.features);
  const trainSet = buildDataset(train, fmap, true, feats);
  const devSet = buildDataset(dev, fmap, false, feats);
  log(
    `train: ${trainSet.seqs.length} sentences, ${fmap.names.length} features; prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const t1 = Date.now();
  const result = trainTwoStage(trainSet, devSet, fmap, {
    epochs1: o.epochs,
    epochs2: o.epochs,
    folds: o.folds,
    seed: o.seed,
    log: (line) => log(`${line} (${((Date.now() - t1) / 1000).toFixed(1)} s)`),
  });
  const bytes = serializeModel({
    options: o.features,
    featureNames: fmap.names,
    stage1: result.stage1,
    numStage1: result.numStage1,
    stage2: result.stage2,
    resources: res,
  });
  const model = deserializeModel(bytes);
  const e = evaluate(
    dev.flatMap((doc) => {
      const labels = labelDocumentFast(
        model,
        doc.sentences.map((s) => s.words.map(normToken)),
      );
      return doc.sentences.map((s, i) => ({
        gold: chunksOfIob(s.tags),
        predicted: chunksOfBilou(labels[i] as Int32Array),
      }));
    }),
  );
  return { bytes, dev: e, stage1Dev: result.dev1, sentences: trainSet.seqs.length, features: fmap.names.length };
}

/** What `pnpm train:ner` runs with unless told otherwise. */
export const DEFAULT_TRAINING = { epochs: 6, seed: 1, folds: 5 } as const;
