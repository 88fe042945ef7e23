import { type SegmentedDocument, SiftError } from "@sift/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCleaner } from "./clean.js";
import { docFromSource } from "./test-docs.js";

const BUDGET_MS = 60_000;

/** A segmented document of random text: one paragraph per line, as the segmenter would give it. */
function randomDoc(text: string, mediaType: string): SegmentedDocument {
  const doc = docFromSource(text, { start: 0, end: text.length });
  return { ...doc, file: { ...doc.file, mediaType } };
}

describe("the cleaner's entry point on any document", () => {
  it("returns a cleaned document or throws one of our errors for random Unicode, within its budget", () =>
    fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 2000 }),
        fc.constantFrom("text/plain", "text/html"),
        async (text, mediaType) => {
          const clean = createCleaner();
          const t0 = performance.now();
          try {
            const out = await clean(randomDoc(text, mediaType));
            for (const s of [...out.paragraphs, ...out.sentences]) {
              expect(s.start).toBeLessThanOrEqual(s.end);
              expect(s.end).toBeLessThanOrEqual(out.text.length);
            }
          } catch (err) {
            expect(err, String((err as Error).stack)).toBeInstanceOf(SiftError);
          }
          expect(performance.now() - t0).toBeLessThan(BUDGET_MS);
        },
      ),
      { numRuns: 300 },
    ));
});
