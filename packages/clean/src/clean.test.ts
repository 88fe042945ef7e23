import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CleanedDocument, SiftError, toSourceSpan } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { createCleaner, createInMemoryLineMemory, sourceKey } from "./clean.js";
import { normalizeText } from "./normalize.js";
import { docFromSource } from "./test-docs.js";

const fixtureDir = fileURLToPath(new URL("../../../../shared/fixtures/news-page/", import.meta.url));
const hasFixture = existsSync(`${fixtureDir}page.txt`);
if (!hasFixture) process.stderr.write(`skip: ${fixtureDir} is absent, the news-page fixture test does not run\n`);

interface Expected {
  documents: Array<{
    role: string;
    title: string;
    paragraphs: string[];
    source?: { site?: string; published?: string };
  }>;
  boilerplate: string[];
  notContent: string[];
}

/** page.txt split the simple way: the main article up to the first teaser's site line, then one document per teaser. */
function fixtureDocs(page: string, keepSourceLines: boolean) {
  const titleEnd = page.indexOf("\n");
  const teaserStarts = [...page.matchAll(/\n\n\n(?=\S)/g)].map((m) => m.index + 3);
  const mainEnd = teaserStarts[0] ?? page.length;
  const docs = [docFromSource(page, { start: titleEnd + 1, end: mainEnd }, { title: { start: 0, end: titleEnd } })];
  teaserStarts.forEach((start, i) => {
    const end = i + 1 < teaserStarts.length ? (teaserStarts[i + 1] as number) - 3 : page.length;
    const lines = page.slice(start, end).split("\n");
    // site / age / "- site" / headline / paragraph
    const site = lines[0] ?? "";
    const headStart = start + lines.slice(0, 3).join("\n").length + 1;
    const headEnd = headStart + (lines[3] ?? "").length;
    const doc = keepSourceLines
      ? docFromSource(page, { start, end }, { index: i + 1, role: "related" })
      : docFromSource(
          page,
          { start: headEnd + 1, end },
          { title: { start: headStart, end: headEnd }, index: i + 1, role: "related", site },
        );
    docs.push(doc);
  });
  return docs;
}

const paragraphTexts = (d: CleanedDocument) => d.paragraphs.map((p) => d.text.slice(p.start, p.end));

describe.skipIf(!hasFixture)("news-page fixture", () => {
  const page = hasFixture ? readFileSync(`${fixtureDir}page.txt`, "utf8") : "";
  const expected: Expected = hasFixture
    ? JSON.parse(readFileSync(`${fixtureDir}expected.json`, "utf8"))
    : { documents: [], boilerplate: [], notContent: [] };

  it("removes every boilerplate line and keeps every paragraph unchanged", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const docs = await Promise.all(fixtureDocs(page, false).map(clean));
    expect(docs).toHaveLength(4);
    const removed = docs.flatMap((d) => d.removed.map((r) => r.text));
    for (const line of expected.boilerplate) {
      expect(removed).toContain(line);
      for (const d of docs) expect(d.text.split("\n")).not.toContain(line);
      for (const d of docs) expect(d.text).not.toContain(line);
    }
    docs.forEach((d, i) => {
      const want = expected.documents[i];
      expect(d.title).toBe(want?.title);
      expect(paragraphTexts(d)).toEqual(want?.paragraphs.map((p) => normalizeText(p)));
      expect(d.text).toBe(`${d.title}\n\n${paragraphTexts(d).join("\n")}`);
    });
  });

  it("gives every removal a reason and the exact source offsets", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const docs = await Promise.all(fixtureDocs(page, false).map(clean));
    for (const r of docs.flatMap((d) => d.removed)) {
      expect(r.reason).not.toBe("");
      expect(page.slice(r.sourceStart, r.sourceEnd)).toBe(r.text);
    }
    for (const d of docs)
      for (const p of d.paragraphs) {
        const s = toSourceSpan(d.sourceMap, p);
        expect(page.slice(s.sourceStart, s.sourceEnd)).toBe(d.text.slice(p.start, p.end));
      }
  });

  it("takes site and age lines left in a teaser's body out as source metadata", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const docs = await Promise.all(fixtureDocs(page, true).map(clean));
    docs.slice(1).forEach((d, i) => {
      const want = expected.documents[i + 1];
      expect(d.source).toEqual(want?.source);
      expect(paragraphTexts(d)).toEqual([want?.title, ...(want?.paragraphs ?? [])]);
      expect(d.removed.map((r) => r.text)).toEqual(
        expect.arrayContaining(
          expected.notContent.filter((n) => page.slice(0).includes(n) && d.removed.some((r) => r.text === n)),
        ),
      );
      for (const line of d.text.split("\n")) expect(expected.notContent).not.toContain(line);
    });
  });
});

/** A page of the fixture's shape from another (made-up) site, with other chrome. */
const OTHER_PAGE = [
  "Quorvex council approves new harbour plan after long debate",
  "The Quorvex council approved the new harbour plan on Tuesday after a debate that lasted more than six hours.",
  "Supporters said the plan would bring jobs to the town, while opponents warned about the cost to local families.",
  "The mayor said the first works would start in the spring and that the council would publish the contracts.",
  "zq-brn/tlk/vex",
  "Topics",
  "",
  "Unlock Zintara Premium",
  "See what Zintara Plus can do for your reading:",
  "Sign in to Zintara to keep reading.",
  "Reader Responses (0)",
  "Be the first to respond...",
  "More From Zintara",
  "",
  "",
  "Velmora Times",
  "3 hours ago",
  "- Velmora Times",
  "Harbour workers strike over pay in northern port",
  "VELMORA, May 2 — Harbour workers in the northern port walked out on Thursday after talks over pay broke down, their union said, and the strike could last until the end of the month if no agreement is reached.",
].join("\n");
const OTHER_CHROME = OTHER_PAGE.split("\n").slice(4, 13).filter(Boolean);

describe("a page of the same shape from another site", () => {
  it("removes its chrome and keeps its paragraphs, with nothing learnt before", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    for (const keepSourceLines of [false, true]) {
      const docs = await Promise.all(fixtureDocs(OTHER_PAGE, keepSourceLines).map(clean));
      const removed = docs.flatMap((d) => d.removed.map((r) => r.text));
      for (const line of OTHER_CHROME) {
        expect(removed).toContain(line);
        for (const d of docs) expect(d.text.split("\n")).not.toContain(line);
      }
      expect(paragraphTexts(docs[0] as CleanedDocument)).toEqual(OTHER_PAGE.split("\n").slice(1, 4));
      expect(docs[1]?.source).toEqual(
        keepSourceLines ? { site: "Velmora Times", published: "3 hours ago" } : { site: "Velmora Times" },
      );
      expect(paragraphTexts(docs[1] as CleanedDocument).at(-1)).toMatch(/^VELMORA, May 2/);
    }
  });
});

/** Words found nowhere else in the project: a made-up site's chrome. */
const CHROME = ["Glorbix Vantrel Quizzle", "Spondrak members get the Wexorium digest first.", "Trumble the flibbet"];

function madeUpPage(n: number): string {
  const topics = [
    "harbour",
    "council",
    "railway",
    "museum",
    "orchard",
    "bridge",
    "library",
    "market",
    "festival",
    "school",
  ];
  const people = ["farmers", "teachers", "nurses", "drivers", "bakers", "artists", "sailors"];
  const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const things = [
    "roof",
    "garden",
    "parking",
    "lighting",
    "signs",
    "benches",
    "fence",
    "stairs",
    "windows",
    "paths",
    "doors",
  ];
  const t = topics[n % topics.length] ?? "town";
  const who = people[n % people.length] ?? "people";
  const day = days[n % days.length] ?? "Sunday";
  const what = things[n % things.length] ?? "floor";
  const p1 = `The ${t} committee met on ${day} to discuss the ${what} with local ${who}, and the members agreed on a budget after a long debate.`;
  const p2 = `Residents who attended said the ${t} had changed a lot, and many ${who} hoped that the new ${what} would bring more visitors on ${day}.`;
  const p3 = `A final decision on the ${what} is expected next month, when the ${t} committee will publish its report for the ${who} of the area.`;
  return [`${t} news ${n}`, CHROME[1], p1, CHROME[0], p2, CHROME[2], p3, CHROME[1]].join("\n");
}

describe("learning across documents", () => {
  it("removes the chrome lines a site repeats, from some page on", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const firstClean: number[] = [];
    for (let n = 1; n <= 30; n++) {
      const text = madeUpPage(n);
      const doc = docFromSource(
        text,
        { start: text.indexOf("\n") + 1, end: text.length },
        {
          title: { start: 0, end: text.indexOf("\n") },
          name: `glorbix-${String(n).padStart(4, "0")}-story.txt`,
          index: 0,
        },
      );
      const out = await clean({ ...doc, docId: `${"b".repeat(63)}${n % 10}-0` });
      const lines = out.text.split("\n");
      const chromeLeft = CHROME.filter((c) => lines.includes(c));
      if (chromeLeft.length === 0) firstClean.push(n);
      // the prose never goes
      expect(
        paragraphTexts(out).filter((p) => p.startsWith("The ") || p.startsWith("Residents") || p.startsWith("A final")),
      ).toHaveLength(3);
    }
    // page 1 keeps its interior chrome (nothing to learn from yet); from page 3 on every page is clean
    expect(firstClean[0]).toBeGreaterThan(1);
    expect(firstClean).toEqual(Array.from({ length: 31 - (firstClean[0] ?? 0) }, (_, i) => (firstClean[0] ?? 0) + i));
    expect(firstClean[0]).toBeLessThanOrEqual(3);
  });

  it("does not take a document for chrome because it came twice", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const text = madeUpPage(4);
    const doc = docFromSource(text, { start: 0, end: text.length }, { name: "again.txt" });
    for (let i = 0; i < 5; i++) {
      const out = await clean(doc);
      expect(out.text).toContain("Residents who attended");
    }
  });

  it("keys sources by host, site, then file-name pattern", () => {
    const doc = docFromSource("x", { start: 0, end: 1 }, { name: "zorbly-news-0042-storm.txt" });
    expect(sourceKey(doc)).toBe("file.zorbly-news");
    expect(sourceKey({ ...doc, source: { site: "The Star" } })).toBe("site.the-star");
    expect(sourceKey({ ...doc, source: { url: "https://www.example.org/a/b" } })).toBe("host.example.org");
    expect(sourceKey({ ...doc, role: "related", source: { site: "The Star" } })).toBe("file.zorbly-news");
  });
});

describe("documents from HTML", () => {
  it("keep short closing lines the HTML extractor chose, but still lose desk codes", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const src =
      "The council met on Monday to discuss the plans for the new library, and members agreed on a budget.\nApples\nPears\nabc-de/fg/hi";
    const doc = docFromSource(src, { start: 0, end: src.length });
    const out = await clean({ ...doc, file: { ...doc.file, mediaType: "text/html" } });
    expect(out.text.split("\n")).toEqual([
      "The council met on Monday to discuss the plans for the new library, and members agreed on a budget.",
      "Apples",
      "Pears",
    ]);
    expect((await clean(doc)).text.split("\n")).toHaveLength(1);
  });
});

describe("normalisation with offsets", () => {
  const clean = createCleaner({ lines: createInMemoryLineMemory() });
  const one = async (source: string) => clean(docFromSource(source, { start: 0, end: source.length }));

  it("repairs UTF-8 read as windows-1252 (real bytes)", async () => {
    // E2 80 99 (’) read as windows-1252 is â € ™; C3 A9 (é) is Ã ©; E2 80 94 (—) is â € ”; E2 80 9C (“) is â € œ; E2 80 9D (”) is â € + 0x9D
    const mojibake =
      "It\u00e2\u20ac\u2122s caf\u00c3\u00a9 \u00e2\u20ac\u201d ok, the minister\u00e2\u20ac\u2122s \u00e2\u20ac\u0153plan\u00e2\u20ac\u009d was approved by the council on Monday.";
    expect(mojibake).toContain("â€™");
    const out = await one(mojibake);
    expect(out.text).toBe("It’s café — ok, the minister’s “plan” was approved by the council on Monday.");
    expect(out.warnings.some((w) => w.includes("mojibake"))).toBe(true);
    const s = toSourceSpan(out.sourceMap, { start: 0, end: out.text.length });
    expect(normalizeText(mojibake.slice(s.sourceStart, s.sourceEnd))).toBe(out.text);
  });

  it("repairs UTF-8 read as ISO-8859-1 (Node's TextDecoder for windows-1252 gives C1 controls)", async () => {
    const bytes = Buffer.from(
      "The minister’s café — on Monday, the council approved the plan for the new library.",
      "utf8",
    );
    const latin1 = bytes.toString("latin1");
    expect(latin1).toContain("\u00e2\u0080\u0099");
    expect((await one(latin1)).text).toBe(
      "The minister’s café — on Monday, the council approved the plan for the new library.",
    );
  });

  it("drops invisible characters: zero-width space, soft hyphen, BOM", async () => {
    const src = new TextDecoder("utf-8", { ignoreBOM: true }).decode(
      Uint8Array.from([
        0xef,
        0xbb,
        0xbf,
        ...Buffer.from("Hel"),
        0xc2,
        0xad,
        ...Buffer.from("lo wor"),
        0xe2,
        0x80,
        0x8b,
        ...Buffer.from("ld, the committee met on Monday to agree the plans."),
      ]),
    );
    expect(src.charCodeAt(0)).toBe(0xfeff);
    const out = await one(src);
    expect(out.text).toBe("Hello world, the committee met on Monday to agree the plans.");
    const p = out.paragraphs[0];
    expect(p && toSourceSpan(out.sourceMap, p)).toMatchObject({ sourceStart: 1, sourceEnd: src.length });
  });

  it("composes NFC and collapses no-break and repeated spaces", async () => {
    const src = `Cafe\u0301 owners\u00a0and  farmers met in the town hall on Monday to talk about prices.`;
    const out = await one(src);
    expect(out.text).toBe("Café owners and farmers met in the town hall on Monday to talk about prices.");
    const w = out.text.indexOf("owners");
    expect(toSourceSpan(out.sourceMap, { start: w, end: w + 6 })).toMatchObject({ sourceStart: 6, sourceEnd: 12 });
  });

  it("splits a sentence glued at a lost line break, but not names or camel case", async () => {
    const src =
      "The vote was held on Monday and the motion passed.Officials said the result was final. (Reporting by Dmitry AntonovWriting by Maxim) See example.com and U.S.Army too.";
    const out = await one(src);
    expect(out.text).toContain("passed. Officials");
    expect(out.text).toContain("AntonovWriting");
    expect(out.text).toContain("See example.com and");
    expect(out.text).toContain("U.S.Army");
    const w = out.text.indexOf("Officials");
    expect(src.slice(...Object.values(toSourceSpan(out.sourceMap, { start: w, end: w + 9 })).slice(2))).toBe(
      "Officials",
    );
  });

  it("straightens quotes and dashes only when asked, keeping the original through the map", async () => {
    const src = "He said “yes” — twice, and the council’s members agreed with him on every point.";
    expect((await one(src)).text).toBe(src);
    const straight = createCleaner({ lines: createInMemoryLineMemory(), options: { punctuation: true } });
    const out = await straight(docFromSource(src, { start: 0, end: src.length }));
    expect(out.text).toBe(`He said "yes" - twice, and the council's members agreed with him on every point.`);
    const q = out.text.indexOf('"');
    const s = toSourceSpan(out.sourceMap, { start: q, end: q + 1 });
    expect(src.slice(s.sourceStart, s.sourceEnd)).toBe("“");
  });
});

describe("too much removed", () => {
  it("throws a non-retryable error instead of emptying a document", async () => {
    const clean = createCleaner({
      lines: createInMemoryLineMemory(),
      options: { maxRemovedShare: 0.3, minCheckedChars: 10 },
    });
    const src =
      "Menu\nHome\nThe committee met on Monday to discuss the plans for the new library in town.\nShare this\nComments\nSubscribe now\nFollow us\nSign in\nContact";
    const err = await clean(docFromSource(src, { start: 0, end: src.length })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SiftError);
    expect(err).toMatchObject({ code: "CLEAN_REMOVES_TOO_MUCH", retryable: false });
    expect((err as Error).message).toMatch(/doc a+-0: cleaning would remove \d+% of its text \(limit 30%\)/);
  });

  it("lets a short stray line go without a dead letter", async () => {
    const clean = createCleaner({ lines: createInMemoryLineMemory() });
    const src = "The council met on Monday to discuss the plans for the new library in town.\nShare this";
    const doc = docFromSource(src, { start: 0, end: src.length });
    const out = await clean({ ...doc, text: "abc-de/fg", paragraphs: [{ start: 0, end: 9 }], sourceMap: [] });
    expect(out.text).toBe("");
    expect(out.removed.map((r) => r.reason)).toEqual(["desk code"]);
  });
});
