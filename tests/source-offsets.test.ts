import { createPipeline } from "@sift/cli";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

// what the cleaner may change: composition, invisible characters and runs of white space
const normalised = (s: string) =>
  s
    .normalize("NFC")
    .replace(/[\u200b-\u200d\u00ad\ufeff]/g, "")
    .replace(/\s+/g, " ")
    .trim();

const word = fc.constantFrom(
  "the",
  "council",
  "met",
  "in",
  "Paris",
  "on",
  "Monday",
  "Anna",
  "Berg",
  "said",
  "Acme",
  "Corp.",
  "U.S.",
  "3.5%",
  "caf\u0065\u0301",
  "na\u00efve",
  "re\u00adform",
  "zero\u200bwidth",
  "Dr.",
  "\u201cquoted\u201d",
  "(SCO)",
  "Xi",
  "rose",
  "by",
);
const sentence = fc
  .tuple(
    fc.array(word, { minLength: 2, maxLength: 14 }),
    fc.constantFrom(" ", "  ", "\u00a0"),
    fc.constantFrom(".", "!", "?", ""),
  )
  .map(([ws, sep, end]) => `${ws.join(sep)}${end}`);
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 4 }).map((ss) => ss.join(" "));
const page = fc
  .array(fc.tuple(paragraph, fc.constantFrom("\n", "\n\n", "\n\n\n", "\r\n")), { minLength: 1, maxLength: 8 })
  .map((ps) => ps.map(([p, sep]) => p + sep).join(""));

describe("source offsets in `sift process` output", () => {
  const pipeline = createPipeline();
  afterAll(() => pipeline.close());

  it("slice the decoded original to the same characters, up to the normalisation applied", async () => {
    let checked = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(page, async (text) => {
        runs++;
        let out: Awaited<ReturnType<typeof pipeline.processBytes>>;
        try {
          out = await pipeline.processBytes(new TextEncoder().encode(text), { name: "prop.txt" });
        } catch (err) {
          // a page the cleaner refuses (all chrome) is a dead letter, not a wrong offset
          if ((err as { retryable?: boolean }).retryable === false) return;
          throw err;
        }
        for (const doc of out.documents) {
          for (const s of [...doc.paragraphs, ...doc.sentences, ...doc.entities]) {
            expect(s.sourceStart).toBeLessThanOrEqual(s.sourceEnd);
            expect(normalised(text.slice(s.sourceStart, s.sourceEnd))).toBe(normalised(doc.text.slice(s.start, s.end)));
            checked++;
          }
        }
      }),
      { numRuns: 150, seed: 20261127 },
    );
    // most pages must come through, or the property holds only vacuously
    expect(checked).toBeGreaterThan(runs * 3);
  });
});
