import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatEvaluation } from "./conll.js";
import { DEFAULT_TRAINING, trainNer } from "./train-run.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** `pnpm train:ner [--max-docs N] [--out FILE] [--no-gazetteers|--no-clusters|--no-document]` */
function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      shared: { type: "string", default: `${repoRoot}../shared` },
      epochs: { type: "string", default: String(DEFAULT_TRAINING.epochs) },
      seed: { type: "string", default: String(DEFAULT_TRAINING.seed) },
      folds: { type: "string", default: String(DEFAULT_TRAINING.folds) },
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
  const run = trainNer({
    data,
    epochs: Number(values.epochs),
    seed: Number(values.seed),
    folds: Number(values.folds),
    features: {
      gazetteers: !values["no-gazetteers"],
      clusters: !values["no-clusters"],
      document: !values["no-document"],
    },
    ...(values["max-docs"] !== undefined ? { maxDocs: Number(values["max-docs"]) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const seconds = (Date.now() - t0) / 1000;
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, run.bytes);
  const sha = createHash("sha256").update(run.bytes).digest("hex");
  process.stdout.write(
    `stage 1 alone: dev F1 ${run.stage1Dev.overall.f1.toFixed(2)}\n` +
      `dev (conlleval: entity level, exact span and type, micro-averaged; the written model)\n${formatEvaluation(run.dev)}\n` +
      `model ${values.out}: ${run.bytes.length} bytes, sha256 ${sha}; ${run.sentences} training sentences, ${run.features} features; ${seconds.toFixed(1)} s\n`,
  );
}

main();
