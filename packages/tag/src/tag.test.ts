import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findEntities, loadModel, sentenceCase } from "./tag.js";
import { tokenize } from "./tokenize.js";

const model = loadModel();
const words = [
  "Xi",
  "Jinping",
  "Russia",
  "'s",
  "Lavrov",
  "(",
  "SCO",
  ")",
  "said",
  "the",
  "U.S.",
  "$",
  "5",
  "million",
  "on",
  "July",
  "21",
  ",",
  "2025",
  "Google-owned",
  "Wells",
  "Fargo",
  "&",
  "Co.",
  "’",
  "“",
  "\n\n",
  "\n",
  ".",
  "-",
  "é",
  "3:30",
];

describe("findEntities on any text", () => {
  it("gives spans inside the text, equal to their text, and names that do not overlap", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(fc.constantFrom(...words), { maxLength: 60 }).map((w) => w.join(" ")),
        ),
        (text) => {
          const es = findEntities(model, text);
          for (const e of es) {
            expect(e.start).toBeGreaterThanOrEqual(0);
            expect(e.end).toBeLessThanOrEqual(text.length);
            expect(e.end).toBeGreaterThan(e.start);
            expect(text.slice(e.start, e.end)).toBe(e.text);
            expect(e.canonical.length).toBeGreaterThan(0);
          }
          for (let k = 1; k < es.length; k++)
            expect((es[k] as { start: number }).start).toBeGreaterThanOrEqual((es[k - 1] as { end: number }).end);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("tokenizes any text into ordered tokens that are slices of it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        let at = 0;
        for (const t of tokenize(text)) {
          expect(t.start).toBeGreaterThanOrEqual(at);
          expect(text.slice(t.start, t.end)).toBe(t.text);
          expect(t.text.trim()).toBe(t.text);
          at = t.end;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("sentenceCase", () => {
  const lower = new Set(["acknowledges", "strain", "in", "relations", "with", "rose", "bulls"]);
  const everyday = (w: string) => lower.has(w);
  it("lower-cases the everyday words of a Title Case Headline only", () => {
    expect(sentenceCase("Kremlin Acknowledges Strain In Relations With Baku".split(" "), everyday)).toEqual(
      "Kremlin acknowledges strain in relations with Baku".split(" "),
    );
  });
  it("leaves ordinary sentences and all-caps headlines alone", () => {
    const s = "The Kremlin said relations with Baku were strained".split(" ");
    expect(sentenceCase(s, everyday)).toEqual(s);
    const caps = "KREMLIN ACKNOWLEDGES STRAIN IN RELATIONS".split(" ");
    expect(sentenceCase(caps, everyday)).toEqual(caps);
    // a results line with one name that is also a word
    const results = "Wigan 42 Bradford Bulls 36".split(" ");
    expect(sentenceCase(results, everyday)).toEqual(results);
  });
});
