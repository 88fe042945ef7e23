import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { splitSentences } from "./sentences.js";
import { hasShared, sharedPath } from "./shared.test-helpers.js";

const split = (text: string) =>
  splitSentences(text, { start: 0, end: text.length }).map((s) => text.slice(s.start, s.end));

interface GoldenRule {
  id: number;
  rule: string;
  text: string;
  sentences: string[];
}

const GOLDEN = "data/golden-rules-en.json";
const haveGolden = hasShared(GOLDEN);
if (!haveGolden) console.warn(`skipping the Golden Rules: ${sharedPath(GOLDEN)} is absent`);

describe("splitSentences on the English Golden Rules", () => {
  const rules: GoldenRule[] = haveGolden ? JSON.parse(readFileSync(sharedPath(GOLDEN), "utf8")) : [];
  it.skipIf(!haveGolden)("has the 48 rules", () => expect(rules).toHaveLength(48));
  for (const r of rules)
    it(`rule ${r.id}: ${r.rule}`, () =>
      expect(split(r.text).map((s) => s.trim())).toEqual(r.sentences.map((s) => s.trim())));
});

describe("splitSentences on news English", () => {
  const cases: Array<[string, string[]]> = [
    [
      "Gen. Mark Milley spoke on Jan. 5 in Washington. He left at 6 p.m. Friday.",
      ["Gen. Mark Milley spoke on Jan. 5 in Washington.", "He left at 6 p.m. Friday."],
    ],
    [
      "The U.S. Senate voted. The U.N. General Assembly met.",
      ["The U.S. Senate voted.", "The U.N. General Assembly met."],
    ],
    [
      "Shares rose 2.5% to $14.20 on version 3.1.4 of the app. Analysts were surprised.",
      ["Shares rose 2.5% to $14.20 on version 3.1.4 of the app.", "Analysts were surprised."],
    ],
    [
      "SINGAPORE, July 21 — The embassy refuted the claims. It said so on Saturday.",
      ["SINGAPORE, July 21 — The embassy refuted the claims.", "It said so on Saturday."],
    ],
    [
      '"We will win," he said. "They won\'t." Then he left.',
      ['"We will win," he said.', '"They won\'t."', "Then he left."],
    ],
    [
      "Visit https://example.com/a.b?c=d. Write to press@example.org. Thanks.",
      ["Visit https://example.com/a.b?c=d.", "Write to press@example.org.", "Thanks."],
    ],
    [
      "John F. Kennedy and J.R.R. Tolkien met Apple Inc. executives. Apple Inc. The company declined.",
      ["John F. Kennedy and J.R.R. Tolkien met Apple Inc. executives.", "Apple Inc.", "The company declined."],
    ],
    [
      "He paused... Then he spoke again (slowly.) Everyone listened.",
      ["He paused...", "Then he spoke again (slowly.)", "Everyone listened."],
    ],
    [
      "Wells Fargo & Co. recently suspended travel. Mr. Smith, Ms. Jones and Dr. Lee agreed.",
      ["Wells Fargo & Co. recently suspended travel.", "Mr. Smith, Ms. Jones and Dr. Lee agreed."],
    ],
    [
      "Kremlin acknowledges strain in Russia-Azerbaijan relations",
      ["Kremlin acknowledges strain in Russia-Azerbaijan relations"],
    ],
    ["It ended 3-1. 10 people were hurt, officials said.", ["It ended 3-1.", "10 people were hurt, officials said."]],
    [
      "Sen. Elizabeth Warren (D-Mass.) said so. Gov. Gavin Newsom did not.",
      ["Sen. Elizabeth Warren (D-Mass.) said so.", "Gov. Gavin Newsom did not."],
    ],
    [
      "Markets opened at 9:30 a.m. EST on Monday. No. 10 Downing St. said nothing.",
      ["Markets opened at 9:30 a.m. EST on Monday.", "No. 10 Downing St. said nothing."],
    ],
    [
      "U.S. President Donald J. Trump spoke in St. Louis. He said: 'No.' Then he left.",
      ["U.S. President Donald J. Trump spoke in St. Louis.", "He said: 'No.'", "Then he left."],
    ],
    [
      "The yield on U.S. 10-year notes rose. Wham! - the duo - split in 1986.",
      ["The yield on U.S. 10-year notes rose.", "Wham! - the duo - split in 1986."],
    ],
  ];
  for (const [text, expected] of cases)
    it(JSON.stringify(text.slice(0, 50)), () => expect(split(text)).toEqual(expected));

  it("gives offsets into the whole text, inside the span asked for", () => {
    const text = "Intro.\n\nFirst one. Second one.\n\nOutro.";
    const start = text.indexOf("First");
    const end = text.indexOf("\n\nOutro");
    const spans = splitSentences(text, { start, end });
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(["First one.", "Second one."]);
    expect(spans[0]?.start).toBe(start);
  });

  it("treats a hard-wrapped line break as a space", () =>
    expect(split("The minister said the talks\nwould resume on Monday. Others disagreed.")).toEqual([
      "The minister said the talks\nwould resume on Monday.",
      "Others disagreed.",
    ]));
});
