import { toSourceSpan } from "@sift/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCleaner } from "./clean.js";
import { normalizeText } from "./normalize.js";
import { docFromSource } from "./test-docs.js";

const WORDS = [
  "the",
  "council",
  "met",
  "on",
  "Monday",
  "and",
  "said",
  "plans",
  "for",
  "a",
  "new",
  "café",
  "naïve",
  "road",
  "of",
  "were",
];

/** Noise the cleaner must normalise: mojibake, invisibles, odd spaces, decomposed accents, glued sentences. */
const NOISE = [
  "\u00e2\u20ac\u2122", // ’ as windows-1252
  "\u00c3\u00a9", // é as windows-1252
  "\u200b",
  "\u00ad",
  "\ufeff",
  "\u00a0",
  "  ",
  "\t",
  "e\u0301",
  ".Officials",
  "’",
  "—",
];

const word = fc.constantFrom(...WORDS);
const noisyWord = fc
  .tuple(word, fc.option(fc.constantFrom(...NOISE), { freq: 3 }))
  .map(([w, n]) => (n ? `${w}${n}` : w));
const prose = fc.array(noisyWord, { minLength: 9, maxLength: 30 }).map((ws) => `${ws.join(" ")}.`);
const chrome = fc.array(noisyWord, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(" "));
const line = fc.oneof({ arbitrary: prose, weight: 3 }, { arbitrary: chrome, weight: 2 });
const body = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 12 }), fc.constantFrom("\n", "\r\n", "\n\n", "\n \n"))
  .map(([ls, sep]) => ls.join(sep));

const canon = (s: string) => normalizeText(s).replace(/\s+/g, " ").trim();

describe("offsets through cleaning", () => {
  it("every paragraph, sentence and removal maps to source text equal up to normalisation", async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), fc.boolean(), async (text, titled, punctuation) => {
        const header = "HEADER junk\n";
        const title = "A title\u00a0with  spaces";
        const source = `${header}${titled ? `${title}\n` : ""}${text}\nFOOTER`;
        const bodyStart = header.length + (titled ? title.length + 1 : 0);
        const doc = docFromSource(
          source,
          { start: bodyStart, end: bodyStart + text.length },
          {
            ...(titled ? { title: { start: header.length, end: header.length + title.length } } : {}),
          },
        );
        const clean = createCleaner({ punctuation });
        const out = await clean(doc);
        const norm = (s: string) => (punctuation ? canon(normalizeText(s, { punctuation: true })) : canon(s));
        for (const span of [...out.paragraphs, ...out.sentences]) {
          expect(span.start).toBeLessThan(span.end);
          expect(span.end).toBeLessThanOrEqual(out.text.length);
          const s = toSourceSpan(out.sourceMap, span);
          expect(norm(source.slice(s.sourceStart, s.sourceEnd))).toBe(norm(out.text.slice(span.start, span.end)));
        }
        for (const r of out.removed) expect(canon(source.slice(r.sourceStart, r.sourceEnd))).toBe(canon(r.text));
        if (titled) expect(out.title).toBe("A title with spaces");
      }),
      { numRuns: 300 },
    );
  });
});
