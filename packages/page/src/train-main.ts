import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { HTML_MODEL_URL, MODEL_URL } from "./model.js";
import { buildTrainingData } from "./train/build.js";
import { sharedDir } from "./train/data.js";
import { crossValidate, trainPageModels } from "./train/train.js";

/**
 * `pnpm train:page [--cv] [--out dir]`: trains the page model and the second reading of HTML pages from ../shared
 * and writes them (gzip'd JSON) into the package's model folder, or `dir`.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { cv: { type: "boolean", default: false }, out: { type: "string" } } });
  const t0 = performance.now();
  const shared = sharedDir();
  const data = buildTrainingData(shared);
  if (!data) {
    process.stderr.write(`train:page: ${shared}/data/article-extraction-dev or trafilatura-eval-dev is absent\n`);
    return 2;
  }
  const real = data.examples.filter((e) => e.page !== null).length;
  process.stderr.write(
    `train:page: ${data.pages.length} real pages (${real} examples in two views), ${data.examples.length - real} generated, prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  if (values.cv) {
    const cv = await crossValidate(data.examples, 5);
    const f = (x: number) => x.toFixed(4);
    for (const view of ["html", "text"] as const)
      process.stdout.write(
        `${view}: article-extraction-dev F1 ${f(cv[view].ae.f1)} (P ${f(cv[view].ae.precision)} R ${f(cv[view].ae.recall)}), trafilatura-eval-dev F1 ${f(cv[view].te.f1)} (P ${f(cv[view].te.precision)} R ${f(cv[view].te.recall)}) — ${cv.folds}-fold cross-validation\n`,
      );
  }
  const models = trainPageModels(data.examples);
  for (const [model, url] of [
    [models.page, MODEL_URL],
    [models.html, HTML_MODEL_URL],
  ] as const) {
    const bytes = gzipSync(JSON.stringify(model), { level: 9 });
    const out = values.out ? join(values.out, basename(url.pathname)) : fileURLToPath(url);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
    process.stderr.write(
      `train:page: ${model.features.length} features, ${(bytes.length / 1e6).toFixed(2)} MB → ${out} at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
