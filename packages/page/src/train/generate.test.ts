import { describe, expect, it } from "vitest";
import { textBlocks } from "../lines.js";
import { type Article, generatePages } from "./generate.js";

const articles: Article[] = Array.from({ length: 30 }, (_, i) => ({
  title: `Council approves plan number ${i} after long debate`,
  paragraphs: [
    `The council approved plan ${i} on Monday after a debate that lasted most of the day, officials said.`,
    "Residents who spoke at the meeting were divided, and several asked for more time to study the details.",
    "The plan will now go to the regional government, which is expected to decide before the end of the year.",
  ],
}));

describe("generatePages", () => {
  const pages = generatePages(articles, { portals: 12, documents: 10, seed: 5 });

  it("labels every non-blank line of every page", () => {
    for (const p of pages) expect(textBlocks(p.text)).toHaveLength(p.labels.length);
  });

  it("gives each page one title and some body, and pages of a portal the same chrome", () => {
    for (const p of pages.filter((x) => x.kind === "page")) {
      expect(p.labels.filter((y) => y === 1)).toHaveLength(1);
      expect(p.labels).toContain(3);
    }
    expect(new Set(pages.filter((x) => x.kind === "page").map((x) => x.portal)).size).toBeGreaterThan(5);
  });

  it("is the same for the same seed, and not for another", () => {
    expect(generatePages(articles, { portals: 12, documents: 10, seed: 5 })).toEqual(pages);
    expect(generatePages(articles, { portals: 12, documents: 10, seed: 6 })).not.toEqual(pages);
  });
});
