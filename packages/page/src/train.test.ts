import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { HTML_MODEL_URL, MODEL_URL, type StoredPageModel } from "./model.js";
import { buildTrainingData, type TrainingData } from "./train/build.js";
import { sharedDir } from "./train/data.js";
import {
  type CrossValidation,
  crossValidateFirstReading,
  DEFAULT_TRAIN,
  type FoldModels,
  trainFoldModels,
  trainPageModels,
} from "./train/train.js";

const shared = sharedDir();
const present =
  existsSync(join(shared, "data", "article-extraction-dev")) &&
  existsSync(join(shared, "data", "trafilatura-eval-dev"));
if (!present) console.log(`skipping the page model's training tests: ${shared}/data has no dev sets`);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * The training run and a cross-validation share one preparation of the pages and the fold models: the second
 * reading's training needs page models each trained without a third of the pages, and those same models
 * read their held-out third for the first reading's 3-fold figures. The full 5-fold figures of both readings
 * take `pnpm bench` or `pnpm train:page --cv` (many minutes).
 */
describe.skipIf(!present)("the page model", () => {
  let data: TrainingData;
  let folds: FoldModels;
  let cv: CrossValidation;
  beforeAll(() => {
    data = buildTrainingData(shared) as TrainingData;
    folds = trainFoldModels(data.examples);
    cv = crossValidateFirstReading(data.examples, folds);
    const f = (x: number) => x.toFixed(4);
    console.log(
      `page model (first reading), ${cv.folds}-fold cross-validation: html ae ${f(cv.html.ae.f1)} te ${f(cv.html.te.f1)}, flattened ae ${f(cv.text.ae.f1)} te ${f(cv.text.te.f1)}`,
    );
  }, 900_000);

  it("pnpm train:page reproduces the committed models byte for byte", () => {
    const models = trainPageModels(data.examples, DEFAULT_TRAIN, folds);
    for (const [model, url] of [
      [models.page, MODEL_URL],
      [models.html, HTML_MODEL_URL],
    ] as const) {
      const bytes = gzipSync(JSON.stringify(model), { level: 9 });
      const committed = readFileSync(url);
      expect({ url: url.pathname, sha256: sha256(bytes) }).toEqual({ url: url.pathname, sha256: sha256(committed) });
      const stored = JSON.parse(gunzipSync(committed).toString("utf8")) as StoredPageModel;
      expect(stored.features.length).toBeGreaterThan(1000);
    }
    // two training runs beside the folds' (the page model, the second reading): about a minute and a half on a
    // quiet machine, more on a loaded one
  }, 900_000);

  // floors on pages each fold's model was not trained on (the first reading: the second's folds would take
  // three more trainings each)
  it("reads flattened pages it was not trained on: article-extraction-dev F1 and trafilatura-eval-dev F1", () => {
    expect(cv.text.ae.f1).toBeGreaterThanOrEqual(FLOORS.textAe);
    expect(cv.text.te.f1).toBeGreaterThanOrEqual(FLOORS.textTe);
  });

  it("reads HTML pages it was not trained on: article-extraction-dev F1 and trafilatura-eval-dev F1", () => {
    expect(cv.html.ae.f1).toBeGreaterThanOrEqual(FLOORS.htmlAe);
    expect(cv.html.te.f1).toBeGreaterThanOrEqual(FLOORS.htmlTe);
  });
});

/**
 * The first reading's 3-fold figures (html 0.967 / 0.918, flattened 0.889 / 0.882) less about a hundredth, so that
 * a regression fails CI. Three folds draw the pages otherwise than five (flattened article-extraction-dev 0.889 on 3,
 * 0.901 on 2, 0.917 on 5): the floors (flattened 0.90 / 0.85, HTML 0.97 / 0.93) are for the bench's
 * 5-fold cross-validation of both readings. Training is seeded: on any machine the same folds give the same figures.
 */
const FLOORS = { textAe: 0.88, textTe: 0.87, htmlAe: 0.955, htmlTe: 0.905 };
