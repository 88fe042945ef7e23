import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConll } from "./conll.js";
import { labelDocumentFast } from "./fast.js";
import { ALL_FEATURES, normToken } from "./features.js";
import { deserializeModel, labelDocument } from "./model.js";
import { MODEL_URL } from "./tag.js";
import { DEFAULT_TRAINING, trainNer } from "./train-run.js";

const data = fileURLToPath(new URL("../../../../shared/data", import.meta.url));
const present = existsSync(`${data}/conll2003/train.txt`) && existsSync(`${data}/ner-resources`);
if (!present) console.log(`skipping the training tests: ${data}/conll2003 or ner-resources is absent`);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe.skipIf(!present)("training", () => {
  it("a small run (60 documents, 2 epochs, 2 folds) gives the same bytes twice", () => {
    const run = () => trainNer({ data, epochs: 2, seed: 7, folds: 2, features: ALL_FEATURES, maxDocs: 60 });
    const a = run();
    const b = run();
    expect(sha256(a.bytes)).toBe(sha256(b.bytes));
    expect(a.dev.overall.f1).toBeGreaterThan(50);
  });

  it("the full run reproduces the committed model byte for byte, at dev F1 >= 93", () => {
    const run = trainNer({ data, ...DEFAULT_TRAINING, features: ALL_FEATURES });
    expect(sha256(run.bytes)).toBe(sha256(readFileSync(MODEL_URL)));
    expect(run.dev.overall.f1).toBeGreaterThanOrEqual(93);
    expect(run.bytes.length).toBeLessThan(20 * 1024 * 1024);
  }, 600_000);
});

describe.skipIf(!present)("run-time features", () => {
  it("the id path labels dev documents exactly as the string path the model was trained on", () => {
    const bytes = readFileSync(MODEL_URL);
    // fresh models each, so neither path profits from what the other built
    const fast = deserializeModel(bytes);
    const slow = deserializeModel(bytes);
    const dev = parseConll(readFileSync(`${data}/conll2003/dev.txt`, "utf8")).slice(0, 25);
    for (const doc of dev) {
      const words = doc.sentences.map((s) => s.words.map(normToken));
      expect(labelDocumentFast(fast, words)).toEqual(labelDocument(slow, words));
    }
  });
});
