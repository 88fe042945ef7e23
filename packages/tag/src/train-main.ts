import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { evaluate, formatEvaluation, parseConll } from "./conll.js";
import { normToken } from "./features.js";
import { chunksOfBilou, chunksOfIob } from "./labels.js";
import { deserializeModel, labelDocument, serializeModel } from "./model.js";
import { loadResources } from "./resources.js";
import { buildDataset, FeatureMap, localFeatures, trainTwoStage } from "./train.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      shared: { type: "string", default: `${repoRoot}../shared` },
      epochs: { type: "string", default: "6" },
      seed: { type: "string", default: "1" },
      folds: { type: "string", default: "5" },
      "no-gazetteers": { type: "boolean", default: false },
      "no-clusters": { type: "boolean", default: false },
      "no-document": { type: "boolean", default: false },
      "max-docs": { type: "string" },
      out: { type: "string", default: fileURLToPath(new URL("../model/ner-model.json.gz", import.meta.url)) },
    },
  });
  const data = `${values.shared}/data`;
  if (!existsSync(`${data}/conll2003/train.txt`)) throw new Error(`no training data at ${data}/conll2003`);
  const t0 = Date.now();
  let train = parseConll(readFileSync(`${data}/conll2003/train.txt`, "utf8"));
  let dev = parseConll(readFileSync(`${data}/conll2003/dev.txt`, "utf8"));
  if (values["max-docs"]) {
    train = train.slice(0, Number(values["max-docs"]));
    dev = dev.slice(0, Math.ceil(Number(values["max-docs"]) / 4));
  }
  const res = loadResources(`${data}/ner-resources`);
  const opts = {
    gazetteers: !values["no-gazetteers"],
    clusters: !values["no-clusters"],
    document: !values["no-document"],
  };
  const fmap = new FeatureMap();
  const feats = localFeatures(res, opts);
  const trainSet = buildDataset(train, fmap, true, feats);
  const devSet = buildDataset(dev, fmap, false, feats);
  process.stderr.write(
    `train: ${trainSet.seqs.length} sentences, ${fmap.names.length} features; prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  const t1 = Date.now();
  const result = trainTwoStage(trainSet, devSet, fmap, {
    epochs1: Number(values.epochs),
    epochs2: Number(values.epochs),
    folds: Number(values.folds),
    seed: Number(values.seed),
    log: (line) => process.stderr.write(`${line} (${((Date.now() - t1) / 1000).toFixed(1)} s)\n`),
  });
  const bytes = serializeModel({
    options: opts,
    featureNames: fmap.names,
    stage1: result.stage1,
    numStage1: result.numStage1,
    stage2: result.stage2,
    resources: res,
  });
  const trainSeconds = (Date.now() - t0) / 1000;
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, bytes);
  // score the model as it was written, through the run-time path
  const model = deserializeModel(bytes);
  const e = evaluate(
    dev.flatMap((doc) => {
      const words = doc.sentences.map((s) => s.words.map(normToken));
      const labels = labelDocument(model, words);
      return doc.sentences.map((s, i) => ({
        gold: chunksOfIob(s.tags),
        predicted: chunksOfBilou(labels[i] as Int32Array),
      }));
    }),
  );
  const sha = createHash("sha256").update(bytes).digest("hex");
  process.stdout.write(
    `stage 1 dev F1 ${result.dev1.overall.f1.toFixed(2)}; two-stage dev F1 ${result.dev2.overall.f1.toFixed(2)} before quantisation\n` +
      `dev (conlleval, entity level, the written model)\n${formatEvaluation(e)}\n` +
      `model ${values.out}: ${bytes.length} bytes, sha256 ${sha}; trained in ${trainSeconds.toFixed(1)} s\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
