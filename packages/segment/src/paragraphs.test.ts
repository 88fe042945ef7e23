import { describe, expect, it } from "vitest";
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
