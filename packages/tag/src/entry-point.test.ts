import type { CleanedDocument } from "@sift/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadTagger } from "./tag.js";

const BUDGET_MS = 60_000;
const tag = loadTagger();

/** A cleaned document around `text` (the tagger reads only its text). */
const doc = (text: string): CleanedDocument => ({
  file: {
    fileId: "b".repeat(64),
    name: "x.txt",
    size: text.length,
    mediaType: "text/plain",
    receivedAt: "2025-01-01T00:00:00.000Z",
  },
  docId: `${"b".repeat(64)}-0`,
  index: 0,
  count: 1,
  role: "main",
  title: null,
  source: {},
  text,
  paragraphs: [],
  sentences: [],
  sourceMap: [],
  warnings: [],
  removed: [],
});

/** Text that looks like what hurts a tagger: names, capitals, digits and punctuation in runs, long words. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom("Peter", "Hall", "MARIA", "Lopez", "Oslo", "Acme", "Corp.", "Mr.", "U.S.", "the", "said", "and"),
      fc.stringMatching(/^[A-Z]{1,30}$/),
      fc.stringMatching(/^[0-9]{1,20}$/),
      fc.stringMatching(/^[!?.,;:'"()\-–—…]{1,20}$/),
      fc.string({ unit: "grapheme", maxLength: 30 }),
    ),
    { maxLength: 300 },
  )
  .chain((ws) => fc.constantFrom(" ", "\n", "  ").map((sep) => ws.join(sep)));

describe("the tagger's entry point on any text", () => {
  it("returns entities inside the text, in order, for random Unicode and hostile runs, within its budget", () =>
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 2000 }), hostileText), (text) => {
        const t0 = performance.now();
        const out = tag(doc(text));
        let prev = 0;
        for (const e of out.entities) {
          expect(e.start).toBeGreaterThanOrEqual(prev);
          expect(e.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(e.start, e.end)).toBe(e.text);
          prev = e.start;
        }
        expect(performance.now() - t0).toBeLessThan(BUDGET_MS);
      }),
      { numRuns: 300 },
    ));
});
