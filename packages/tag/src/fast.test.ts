import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wordByNames, wordByValues } from "./fast.js";
import { loadModel } from "./tag.js";

const model = loadModel();

describe("a word not seen before (newWord)", () => {
  const same = (w: string) => expect(wordByValues(model, w), JSON.stringify(w)).toEqual(wordByNames(model, w));

  it("sums the same rows as the feature names of wordGroups, on tricky words", () => {
    for (const w of ["|", "=", "l=", "w=", "p2=ab", "c=none", "a|b", "x", "", "ab", "abc", "abcd", "abcde", "abcdef"])
      same(w);
    for (const w of ["The", "THE", "Related", "RELATED", "ÉCOLE", "İstanbul", "ǅemal", "ß", "ﬁne", "Σίσυφος", "日本"])
      same(w);
    for (const w of ["12", "1st", "O'Neil", "U.S.", "Google-owned", "McDonald", "$", "(", "'s", "n't"]) same(w);
  });

  it("sums the same rows on the values the model's own features are made of", () => {
    let n = 0;
    for (const name of model.features.keys()) {
      const at = name.indexOf("=");
      // one in twenty: all of them take several seconds
      if (at > 0 && n++ % 20 === 0) same(name.slice(at + 1));
    }
  });

  it("sums the same rows on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite", maxLength: 12 }), (w) => {
        same(w);
      }),
      { numRuns: 500 },
    );
  });
});
