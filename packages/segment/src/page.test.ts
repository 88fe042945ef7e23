import { readFileSync } from "node:fs";
import type { SegmentedDocument } from "@sift/contracts";
import { type PageReading, readBlocks, textBlocks } from "@sift/page";
import { describe, expect, it } from "vitest";
import { draftsOfTextPage } from "./page.js";
import { segmentFile } from "./segment.js";
import { fileMeta, hasShared, sharedPath } from "./shared.test-helpers.js";

const PAGE = "fixtures/news-page/page.txt";
const EXPECTED = "fixtures/news-page/expected.json";
const havePage = hasShared(PAGE) && hasShared(EXPECTED);
if (!havePage) console.warn(`skipping the news-page fixture: ${sharedPath(PAGE)} is absent`);

interface ExpectedDoc {
  role: string;
  title: string;
  paragraphs: string[];
  sentenceCount?: number;
  source?: { site: string; published: string };
}

const text = (d: SegmentedDocument, s: { start: number; end: number }) => d.text.slice(s.start, s.end);

async function segmentText(body: string, mtime?: string) {
  const bytes = new TextEncoder().encode(body);
  return segmentFile({ file: fileMeta("page.txt", "text/plain", bytes.length, mtime ? { mtime } : {}), bytes });
}

describe.skipIf(!havePage)("segmentFile on the news-page fixture", async () => {
  const bytes = havePage ? readFileSync(sharedPath(PAGE)) : Buffer.alloc(0);
  const expected: { documents: ExpectedDoc[] } = havePage
    ? JSON.parse(readFileSync(sharedPath(EXPECTED), "utf8"))
    : { documents: [] };
  const mtime = "2025-07-22T10:00:00.000Z";
  const docs = havePage
    ? await segmentFile({ file: fileMeta("page.txt", "text/plain", bytes.length, { mtime }), bytes })
    : [];

  it("finds the main article and the three related ones", () => {
    expect(docs.map((d) => d.role)).toEqual(expected.documents.map((d) => d.role));
    expect(docs.map((d) => d.count)).toEqual([4, 4, 4, 4]);
    expect(docs.map((d) => d.docId)).toEqual([0, 1, 2, 3].map((i) => `${"0".repeat(63)}1-${i}`));
  });

  it("takes the titles exactly", () =>
    expect(docs.map((d) => d.title)).toEqual(expected.documents.map((d) => d.title)));

  it("starts each text with its title and a blank line", () => {
    for (const d of docs) expect(d.text.startsWith(`${d.title}\n\n`)).toBe(true);
  });

  it("has every expected paragraph as one of its paragraphs", () => {
    expected.documents.forEach((e, i) => {
      const mine = (docs[i]?.paragraphs ?? []).map((p) => text(docs[i] as SegmentedDocument, p));
      for (const p of e.paragraphs) expect(mine).toContain(p);
    });
  });

  it("splits the main article's body into 15 sentences", () => {
    const main = docs[0] as SegmentedDocument;
    const body = new Set(expected.documents[0]?.paragraphs);
    const paras = main.paragraphs.filter((p) => body.has(text(main, p)));
    const sentences = main.sentences.filter((s) => paras.some((p) => p.start <= s.start && s.end <= p.end));
    expect(sentences).toHaveLength(expected.documents[0]?.sentenceCount ?? 15);
  });

  it("turns the site and age lines into source metadata", () => {
    for (const [i, e] of expected.documents.entries()) {
      if (!e.source) continue;
      const d = docs[i] as SegmentedDocument;
      expect(d.source.site).toBe(e.source.site);
      expect(d.source.published).toBe(e.source.published);
      expect(d.text).not.toContain(`- ${e.source.site}\n`);
      expect(d.removed.map((r) => r.reason)).toContain("source metadata");
    }
    expect(docs[1]?.source.publishedAt).toBe("2025-07-22T09:00:00.000Z");
    expect(docs[2]?.source.publishedAt).toBe("2025-07-22T05:00:00.000Z");
  });

  it("maps every paragraph and removed line back to the same text in the file", () => {
    const src = bytes.toString("utf8");
    for (const d of docs) {
      for (const p of d.paragraphs) {
        const piece = d.sourceMap.find((m) => m.start === p.start);
        expect(piece && src.slice(piece.srcStart, piece.srcEnd)).toBe(text(d, p));
      }
      for (const r of d.removed) expect(src.slice(r.sourceStart, r.sourceEnd)).toBe(r.text);
    }
  });
});

describe("segmentFile on text pages of the same shape", () => {
  it("splits items whose header is one line, site and age together", async () => {
    const page = [
      "Storm closes schools across the region",
      "Heavy rain closed schools on Tuesday.",
      "Officials expect the roads to reopen tomorrow.",
      "",
      "More from our partners",
      "",
      "",
      "Coastal Herald · 3 hours ago",
      "Fishermen stay ashore as winds pick up",
      "Boats stayed in harbour for a second day as gusts reached 90 km/h along the coast, the port authority said.",
      "",
      "",
      "Daily Ledger · 2 days ago",
      "Council approves new flood barriers",
      "The council voted 9-2 to fund the barriers, which will be built over the next three years.",
    ].join("\n");
    const docs = await segmentText(page, "2025-01-10T12:00:00.000Z");
    expect(docs.map((d) => [d.role, d.title, d.source.site ?? null, d.source.published ?? null])).toEqual([
      ["main", "Storm closes schools across the region", null, null],
      ["related", "Fishermen stay ashore as winds pick up", "Coastal Herald", "3 hours ago"],
      ["related", "Council approves new flood barriers", "Daily Ledger", "2 days ago"],
    ]);
    expect(docs[2]?.source.publishedAt).toBe("2025-01-08T12:00:00.000Z");
  });

  it("takes a headline that stands above its site and age", async () => {
    const page = [
      "Main headline here",
      "Body of the main story, which is long enough to be a paragraph of its own.",
      "",
      "",
      "Second story headline",
      "Northern Gazette",
      "45 minutes ago",
      "The second story starts here and goes on for a while, as stories do.",
    ].join("\n");
    const docs = await segmentText(page);
    expect(docs.map((d) => d.title)).toEqual(["Main headline here", "Second story headline"]);
    expect(docs[1]?.source).toEqual({ site: "Northern Gazette", published: "45 minutes ago" });
    expect(docs[1]?.paragraphs.map((p) => docs[1]?.text.slice(p.start, p.end))).toEqual([
      "The second story starts here and goes on for a while, as stories do.",
    ]);
  });

  it("keeps a plain text as one document, its first line a title only when it reads like one", async () => {
    const docs = await segmentText("First line ends here.\nSecond line.\n\nThird paragraph.");
    expect(docs).toHaveLength(1);
    expect(docs[0]?.title).toBeNull();
    expect(docs[0]?.paragraphs.map((p) => docs[0]?.text.slice(p.start, p.end))).toEqual([
      "First line ends here.",
      "Second line.",
      "Third paragraph.",
    ]);
  });

  it("keeps a file of one short line, which the model may read as a headline, as its text", async () => {
    for (const line of ["Lena Fischer lives in Berlin.", "Bananas are yellow.", "Hello world"]) {
      const docs = await segmentText(`${line}\n`);
      expect(docs.map((d) => d.text)).toEqual([line]);
    }
  });
});

describe("segmentFile on a page whose own article carries a byline and a date", () => {
  it("keeps one main document and takes its author and date as source metadata", async () => {
    const page = [
      "Harbour board approves dredging plan",
      "By Jane Doe",
      "July 21, 2025",
      "The harbour board approved a plan to dredge the main channel on Monday, its chairman said.",
      "Work will start next year.",
    ].join("\n");
    const docs = await segmentText(page);
    expect(docs).toHaveLength(1);
    expect(docs[0]?.role).toBe("main");
    expect(docs[0]?.title).toBe("Harbour board approves dredging plan");
    expect(docs[0]?.source).toEqual({ author: "Jane Doe", published: "July 21, 2025" });
    expect(docs[0]?.paragraphs).toHaveLength(2);
  });
});

describe("segmentFile on a page from another site with other chrome", () => {
  it("finds the items by their layout, whatever the names", async () => {
    const page = [
      "Singapore unveils plan to cut emissions by 2030",
      "SINGAPORE: The government on Monday announced a plan to cut carbon emissions by a third by 2030, officials said.",
      "The plan would cost S$5 billion over the next five years and would be funded from the carbon tax.",
      "Share this article",
      "Advertisement",
      "",
      "You may also like",
      "",
      "",
      "CNA",
      "2 hours ago",
      "- CNA",
      "Malaysia to raise minimum wage next year",
      "KUALA LUMPUR: Malaysia will raise the minimum wage to RM1,700 next year, the minister said on Tuesday.",
      "",
      "",
      "theSun",
      "a day ago",
      "- theSun",
      "Floods displace thousands in Kelantan",
      "KOTA BHARU: More than 5,000 people have been moved to relief centres after heavy rain flooded several districts.",
    ].join("\n");
    const docs = await segmentText(page, "2025-07-22T10:00:00Z");
    expect(docs.map((d) => [d.role, d.title, d.source.site ?? null, d.source.published ?? null])).toEqual([
      ["main", "Singapore unveils plan to cut emissions by 2030", null, null],
      ["related", "Malaysia to raise minimum wage next year", "CNA", "2 hours ago"],
      ["related", "Floods displace thousands in Kelantan", "theSun", "a day ago"],
    ]);
    expect(docs.map((d) => d.paragraphs.length)).toEqual([2, 1, 1]);
    // the chrome between the article and the items is read as such, and said
    const removed = docs.flatMap((d) => d.removed.map((r) => r.text));
    for (const line of ["Share this article", "Advertisement", "You may also like"]) expect(removed).toContain(line);
  });
});

describe("segmentFile on a text with a date line inside it", () => {
  it("does not split the text there", async () => {
    const page = [
      "Diary of a voyage",
      "We left the harbour early and sailed north along the coast for most of the day.",
      "July 21, 2025",
      "The wind dropped in the afternoon and we anchored in a quiet bay for the night.",
    ].join("\n");
    const docs = await segmentText(page);
    expect(docs).toHaveLength(1);
    expect(docs[0]?.paragraphs).toHaveLength(3);
  });
});

describe("segmentFile on a related list with no source lines", () => {
  const item = (title: string) => [
    title,
    `${title} — the text of this item goes on long enough to be a paragraph of prose.`,
  ];
  it("loses nothing of items under a section heading: they are related documents or text of the page", async () => {
    const page = [
      "Main story headline",
      "The main story has a body that is long enough to be a paragraph, with a full stop at the end.",
      "",
      "Read next",
      "",
      "",
      ...item("First related headline"),
      "",
      "",
      ...item("Second related headline"),
    ].join("\n");
    const docs = await segmentText(page);
    expect(docs[0]?.title).toBe("Main story headline");
    // with nothing but a heading to tell them apart from sections of one text, the items may be either
    const kept = docs.flatMap((d) => d.text.split("\n")).concat(docs.flatMap((d) => d.removed.map((r) => r.text)));
    for (const line of page.split("\n").filter(Boolean)) expect(kept).toContain(line);
  });

  it("keeps a text whose sections have no heading above them as one document", async () => {
    const page = [
      "The first part ends with a sentence.",
      "",
      "",
      ...item("Part two"),
      "",
      "",
      ...item("Part three"),
    ].join("\n");
    expect(await segmentText(page)).toHaveLength(1);
  });
});

describe("a page read by the model's best reading that has text", () => {
  it("says so in its main document's warnings", () => {
    const page = "Harbour plan approved\n\nThe council approved the harbour plan on Tuesday, after a long debate.\n";
    const reading = readBlocks(textBlocks(page));
    const say = (r: PageReading) => draftsOfTextPage(page, r).find((d) => d.role === "main")?.warnings ?? [];
    expect(say(reading)).toEqual([]);
    expect(say({ ...reading, forcedBody: true })).toEqual([
      expect.stringMatching(/read none of the page as the article's text/),
    ]);
  });
});
