import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldAny, foldAscii, lineKey } from "./line-key.js";

describe("lineKey", () => {
  it("folds case, spacing and digits", () => {
    expect(lineKey("Read more: 5 things")).toBe(lineKey("read  MORE: 17 things"));
    expect(lineKey("Share this")).not.toBe(lineKey("Share that"));
    expect(lineKey("Café crème")).toBe(lineKey("CAFÉ CRÈME"));
    expect(lineKey("Новости  ДНЯ 5")).toBe(lineKey("новости дня 12"));
    // İ and Σ lower as a whole string only: the same key as their lower case all the same
    expect(lineKey("İSTANBUL ΟΔΟΣ")).toBe(lineKey("İSTANBUL ΟΔΟΣ".toLowerCase()));
  });

  it("folds text with plain spaces and no combining marks in one pass exactly as the general folding does", () =>
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."aZq09 \t:-.X!éÜßÇ€ſİ".split("")), maxLength: 40 }), (s) => {
        expect(foldAscii(s)).toBe(foldAny(s));
      }),
      { numRuns: 500 },
    ));
});
