import type { CleanedDocument } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { entityModelFor } from "./language.js";
import { loadTagger } from "./tag.js";

function docFromText(text: string): CleanedDocument {
  return {
    file: {
      fileId: "0".repeat(64),
      name: "x.txt",
      size: text.length,
      mediaType: "text/plain",
      receivedAt: "2026-01-01T00:00:00.000Z",
    },
    docId: `${"0".repeat(64)}-0`,
    index: 0,
    count: 1,
    role: "main",
    title: null,
    source: {},
    text,
    paragraphs: [{ start: 0, end: text.length }],
    sentences: [{ start: 0, end: text.length }],
    sourceMap: [],
    warnings: [],
    removed: [],
  };
}

describe("the entity model and a document's language", () => {
  it("runs on English and on documents whose language is not known", () => {
    expect(entityModelFor({ language: { code: "en", confidence: 0.9 } })).toEqual({ run: true });
    expect(entityModelFor({ language: { code: "und", confidence: 0 } })).toEqual({ run: true });
    expect(entityModelFor({})).toEqual({ run: true });
  });

  it("tags no English entities in a German document and says why", () => {
    const doc = docFromText("Angela Merkel traf am Montag in Berlin den französischen Präsidenten Emmanuel Macron.");
    const out = loadTagger()({ ...doc, language: { code: "de", confidence: 0.9 } });
    expect(out.entities).toEqual([]);
    expect(out.warnings.join(" ")).toMatch(/language "de".*English/);
    expect(loadTagger()({ ...doc, language: { code: "en", confidence: 0.9 } }).entities.length).toBeGreaterThan(0);
  });
});
