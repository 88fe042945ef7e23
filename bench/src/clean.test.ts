import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDevPages, scoreSideBySide } from "./clean.js";

const shared = fileURLToPath(new URL("../../../shared", import.meta.url));
const hasDev = existsSync(`${shared}/data/article-extraction-dev/ground-truth.json`);
if (!hasDev)
  process.stderr.write(`skip: ${shared}/data/article-extraction-dev is absent, the side-by-side test does not run\n`);

describe("main-text extraction, side by side", () => {
  it.skipIf(!hasDev)("Sift beats Readability over linkedom on the dev pages and reaches F1 0.965", async () => {
    const pages = loadDevPages(shared) ?? [];
    const r = await scoreSideBySide(pages);
    const line = (name: string, s: { precision: number; recall: number; f1: number }) =>
      `${name.padEnd(22)} P ${s.precision.toFixed(4)}  R ${s.recall.toFixed(4)}  F1 ${s.f1.toFixed(4)}`;
    process.stderr.write(
      `article-extraction-dev (${pages.length} pages)\n${line("sift", r.sift)}\n${line("readability+linkedom", r.readability)}\n`,
    );
    expect(r.sift.f1).toBeGreaterThanOrEqual(0.965);
    expect(r.sift.f1).toBeGreaterThan(r.readability.f1);
  });
});
