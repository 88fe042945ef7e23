import { describe, expect, it } from "vitest";
import { splitLongDrafts } from "./draft.js";
import { splitParagraphs } from "./paragraphs.js";

const paras = (t: string) => splitParagraphs(t).map((p) => t.slice(p.start, p.end));

describe("splitParagraphs", () => {
  it("separates at blank lines and trims", () => expect(paras("  One.\n\n\n Two. \n")).toEqual(["One.", "Two."]));

  it("takes each long line for a paragraph of its own", () => {
    const a =
      "A line of a scraped page that runs well past any width a text wrapper would use, so it stands alone as a paragraph.";
    const b =
      "Another line of the same kind, just as long, which the scraper wrote on one line because it was one paragraph.";
    expect(paras(`${a}\n${b}`)).toEqual([a, b]);
  });

  it("joins the lines of hard-wrapped prose, keeping the line breaks inside the span", () => {
    const t = [
      "The committee met on Tuesday to discuss the proposal, which would",
      "extend the opening hours of the library on weekends and public",
      "holidays.",
      "",
      "A second paragraph follows here.",
    ].join("\n");
    expect(paras(t)).toEqual([
      "The committee met on Tuesday to discuss the proposal, which would\nextend the opening hours of the library on weekends and public\nholidays.",
      "A second paragraph follows here.",
    ]);
  });

  it("keeps a list of headlines apart even when the lines are of similar width", () => {
    const t = [
      "Payments to Saddam regime not bribes: ATO",
      "Cattle ID scheme issues being resolved: NLIS chairman",
      "Drought blamed for lucerne crop failure",
      "Turf grass producer bites the dust",
    ].join("\n");
    expect(paras(t)).toHaveLength(4);
  });

  it("keeps list items and short lines apart inside wrapped text", () => {
    const t = [
      "The report lists three findings that the board is asked to note:",
      "- costs rose faster than the budget allowed for this financial year",
      "- two projects are late and will need more money before they finish",
    ].join("\n");
    expect(paras(t)).toHaveLength(3);
  });
});

describe("splitLongDrafts", () => {
  const piece = (text: string, at: number) => ({ text, srcStart: at, srcEnd: at + text.length });
  const draft = (n: number) => ({
    role: "main" as const,
    title: piece("Title", 0),
    paragraphs: Array.from({ length: n }, (_, i) => piece(`Paragraph number ${i} says something.`, 10 + i * 40)),
    source: { site: "Example" },
    removed: [{ text: "Menu", reason: "navigation", sourceStart: 0, sourceEnd: 4 }],
    warnings: [],
  });

  it("leaves a document under the limit alone", () => {
    expect(splitLongDrafts([draft(3)], 1000)).toHaveLength(1);
  });

  it("cuts a long document at paragraph boundaries, keeping every paragraph once and in order", () => {
    const parts = splitLongDrafts([draft(50)], 300);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((p) => p.paragraphs.map((x) => x.text))).toEqual(draft(50).paragraphs.map((x) => x.text));
    for (const p of parts) expect(p.paragraphs.reduce((n, x) => n + x.text.length, 0)).toBeLessThanOrEqual(300);
    expect(parts[0]?.title?.text).toBe("Title");
    expect(parts.slice(1).every((p) => p.title === null && p.removed.length === 0)).toBe(true);
    expect(parts.every((p) => p.source.site === "Example" && p.warnings.some((w) => w.includes("part")))).toBe(true);
  });
});
