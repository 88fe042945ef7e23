import { describe, expect, it } from "vitest";
import { splitTokenSentences, tokenize } from "./tokenize.js";

const texts = (s: string) => tokenize(s).map((t) => t.text);

describe("tokenize", () => {
  it("keeps offsets into the text", () => {
    const s = "  Xi Jinping tells Russia’s Lavrov:\n“Hello” (SCO) — fine.";
    for (const t of tokenize(s)) expect(s.slice(t.start, t.end)).toBe(t.text);
  });

  it("splits possessives and clitics the CoNLL way", () => {
    expect(texts("Russia's foreign ministry")).toEqual(["Russia", "'s", "foreign", "ministry"]);
    expect(texts("Russia’s TASS")).toEqual(["Russia", "’s", "TASS"]);
    expect(texts("they don't know O'Neill")).toEqual(["they", "do", "n't", "know", "O'Neill"]);
    expect(texts("the companies' fears")).toEqual(["the", "companies", "'", "fears"]);
  });

  it("keeps hyphenated compounds, but lets a name stand apart from a lower-case tail", () => {
    expect(texts("a three-year campaign")).toEqual(["a", "three-year", "campaign"]);
    expect(texts("Russia-Azerbaijan relations")).toEqual(["Russia-Azerbaijan", "relations"]);
    expect(texts("Google-owned Mandiant")).toEqual(["Google", "-", "owned", "Mandiant"]);
    expect(texts("the 10-member SCO")).toEqual(["the", "10-member", "SCO"]);
  });

  it("keeps abbreviations, initials, numbers and URLs whole", () => {
    expect(texts("The U.S. Commerce Dept. and Mr. J. Smith")).toEqual([
      "The",
      "U.S.",
      "Commerce",
      "Dept.",
      "and",
      "Mr.",
      "J.",
      "Smith",
    ]);
    expect(texts("$1,234.50 (5%) on 1996-08-22 at 10:30")).toEqual([
      "$",
      "1,234.50",
      "(",
      "5",
      "%",
      ")",
      "on",
      "1996-08-22",
      "at",
      "10:30",
    ]);
    expect(texts("see https://example.com/a?b=1.")).toEqual(["see", "https://example.com/a?b=1", "."]);
    expect(texts("Wells Fargo & Co. said")).toEqual(["Wells", "Fargo", "&", "Co.", "said"]);
  });

  it("reads already-tokenized text the CoNLL way (standalone clitics, ordinals, list numbers)", () => {
    expect(texts("Russia 's team do n't")).toEqual(["Russia", "'s", "team", "do", "n't"]);
    expect(texts("the 19th and 21st , batting .596")).toEqual(["the", "19th", "and", "21st", ",", "batting", ".596"]);
    expect(texts("1. Michelle Freeman\n2. Ludmila Engquist won in 1996.")).toEqual([
      "1.",
      "Michelle",
      "Freeman",
      "2.",
      "Ludmila",
      "Engquist",
      "won",
      "in",
      "1996",
      ".",
    ]);
  });

  it("separates quotes from words", () => {
    expect(texts('‘strengthen mutual support\' "best"')).toEqual([
      "‘",
      "strengthen",
      "mutual",
      "support",
      "'",
      '"',
      "best",
      '"',
    ]);
  });

  it("splits sentences at line breaks and at final stops before a capital", () => {
    const s = "Title here\n\nMr. Smith went to Washington. He said no. the end";
    const sents = splitTokenSentences(s, tokenize(s)).map((x) => x.map((t) => t.text).join(" "));
    expect(sents).toEqual(["Title here", "Mr. Smith went to Washington .", "He said no. the end"]);
    const q = '"We will win." he said. Then he left.';
    expect(splitTokenSentences(q, tokenize(q)).map((x) => x.map((t) => t.text).join(" "))).toEqual([
      '" We will win . " he said .',
      "Then he left .",
    ]);
  });
});
