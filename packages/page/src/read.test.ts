import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LABELS, Label } from "./labels.js";
import { textBlocks } from "./lines.js";
import { MODEL_URL, PageModel, type StoredPageModel } from "./model.js";
import { readBlocks } from "./read.js";

/**
 * The committed model with every way into a text or title block costing a million: it reads no block of any page
 * as the article unless made to (what a model does, on a whole page, when it misreads one).
 */
function reluctantModel(): PageModel {
  const stored = JSON.parse(gunzipSync(readFileSync(MODEL_URL)).toString("utf8")) as StoredPageModel;
  const t = stored.t.slice();
  for (let p = 0; p <= LABELS; p++)
    for (const y of [Label.body, Label.title]) t[p * LABELS + y] = (t[p * LABELS + y] as number) - 1e6;
  return new PageModel({ ...stored, t });
}

describe("a page the model reads no text in", () => {
  const model = reluctantModel();

  it("is read by the model's best reading that has some, when it holds prose", () => {
    const page = [
      "Home | News | Sport | Weather",
      "",
      "Harbour plan approved",
      "",
      "The council approved the harbour plan on Tuesday, after a debate about what it will cost the town.",
      "",
      "Building starts next spring and should take two years, the mayor said.",
      "",
      "© 2026 The Coast Times",
    ].join("\n");
    const blocks = textBlocks(page);
    const reading = readBlocks(blocks, { model });
    expect(reading.forcedBody).toBe(true);
    expect(reading.fellBack).toBe(false);
    const main = reading.documents.find((d) => d.role === "main");
    // one block of text (each costs a million): a prose paragraph, not the menu or the footer
    expect(main?.body.length).toBe(1);
    expect(blocks[main?.body[0] as number]?.text).toMatch(/^(The council|Building starts)/);
    // the menu and the footer are listed as removed, with why
    const removed = reading.removed.map((r) => blocks[r.block]?.text);
    expect(removed).toEqual(expect.arrayContaining(["Home | News | Sport | Weather", "© 2026 The Coast Times"]));
  });

  it("is still read as having no text when it holds no prose (menus and links only)", () => {
    const blocks = textBlocks(["Home", "News", "Sport", "Weather", "Contact us", "© 2026 The Coast Times"].join("\n"));
    const reading = readBlocks(blocks, { model });
    expect(reading.forcedBody).toBe(false);
    expect(reading.labels).not.toContain(Label.body);
  });
});
