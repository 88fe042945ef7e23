import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createInMemoryLineMemory, extractMainText } from "./clean.js";
import { scoreExtraction, scorePage, tokenize } from "./eval.js";
import { extractHtml } from "./html.js";

const devDir = fileURLToPath(new URL("../../../../shared/data/article-extraction-dev/", import.meta.url));
const hasDev = existsSync(`${devDir}ground-truth.json`);
if (!hasDev) process.stderr.write(`skip: ${devDir} is absent, the extraction benchmark test does not run\n`);

const page = `<html><head><title>Site | Storm hits coast</title><meta property="og:site_name" content="Coast News"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article><h1>Storm hits coast</h1>
<p class="byline">By A. Writer</p>
<div class="article-body">
<p>The storm reached the coast on Monday night, bringing winds of more than 100 km/h and heavy rain to the region.</p>
<p>Officials said thousands of homes were without power, and schools would stay closed on Tuesday while crews cleared roads.</p>
<div class="share-tools"><a href="/s">Share on X</a> <a href="/f">Share on Facebook</a></div>
<p>Forecasters expect the weather to calm by Wednesday, although more rain is likely later in the week.</p>
</div></article>
<aside class="related"><h2>Related</h2><ul>
<li><a href="/a">Flood warnings issued for the northern valleys tonight</a></li>
<li><a href="/b">How to prepare your home before a winter storm arrives</a></li>
<li><a href="/c">Rail line reopens after a month of repairs in the valley</a><p>Trains run again between the two towns from Friday, the operator said.</p><span>2 hours ago</span></li>
</ul></aside></main>
<footer><p>© 2026 Coast News. All rights reserved.</p></footer></body></html>`;

describe("extractHtml", () => {
  const ex = extractHtml(page);
  const main = ex.documents.find((d) => d.role === "main");

  it("keeps the article's paragraphs in order, with offsets into the HTML", () => {
    expect(main?.title).toBe("Storm hits coast");
    expect(main?.blocks.map((b) => b.text.slice(0, 20))).toEqual([
      "The storm reached th",
      "Officials said thous",
      "Forecasters expect t",
    ]);
    for (const b of main?.blocks ?? []) expect(page.slice(b.srcStart, b.srcEnd)).toBe(b.text);
    expect(main?.source.site).toBe("Coast News");
  });

  it("lists navigation, share links and the footer as removed, with a reason", () => {
    const removed = ex.removed.map((r) => r.text);
    expect(removed).toEqual(expect.arrayContaining(["Home", "Share on X Share on Facebook"]));
    expect(removed.some((t) => t.startsWith("© 2026"))).toBe(true);
    for (const r of ex.removed) expect(r.reason).not.toBe("");
  });

  it("turns the related list into related documents, with an item's own text and age", () => {
    const related = ex.documents.filter((d) => d.role === "related");
    expect(related.map((d) => d.title)).toEqual([
      "Flood warnings issued for the northern valleys tonight",
      "How to prepare your home before a winter storm arrives",
      "Rail line reopens after a month of repairs in the valley",
    ]);
    expect(related[2]?.blocks.map((b) => b.text)).toEqual([
      "Trains run again between the two towns from Friday, the operator said.",
    ]);
    expect(related[2]?.source).toEqual({ published: "2 hours ago" });
    expect(ex.removed.map((r) => r.text)).not.toContain("2 hours ago");
  });

  it("extractMainText returns the body without the title or chrome", async () => {
    const text = await extractMainText(
      { mediaType: "text/html", content: page },
      { lines: createInMemoryLineMemory() },
    );
    expect(text.split("\n\n")).toHaveLength(3);
    expect(text).not.toContain("Share");
  });
});

describe("extractHtml on odd input", () => {
  it("returns an empty main document for empty or tag-less input", () => {
    expect(extractHtml("").documents).toEqual([{ role: "main", title: null, blocks: [], source: {} }]);
    expect(extractHtml("just text, no markup at all").documents[0]?.role).toBe("main");
  });
});

describe("scorePage", () => {
  it("counts 4-token shingles as multisets", () => {
    expect(tokenize("It's a dog_1, é!")).toEqual(["It", "s", "a", "dog_1", "é"]);
    expect(scorePage("a b c d e", "a b c d e")).toEqual({ tp: 1, fp: 0, fn: 0 });
    expect(scorePage("a b c d e", "a b c d")).toEqual({ tp: 0.5, fp: 0, fn: 0.5 });
    expect(scorePage("", "")).toEqual({ tp: 0, fp: 0, fn: 0 });
  });
});

describe("article-extraction-dev", () => {
  it.skipIf(!hasDev)("Sift's F1 on the dev pages is at least 0.965", async () => {
    const gold = JSON.parse(readFileSync(`${devDir}ground-truth.json`, "utf8")) as Record<
      string,
      { articleBody: string }
    >;
    const deps = { lines: createInMemoryLineMemory() };
    const pairs: Array<{ gold: string; pred: string }> = [];
    for (const f of readdirSync(`${devDir}html`).sort()) {
      const html = gunzipSync(readFileSync(`${devDir}html/${f}`)).toString("utf8");
      const pred = await extractMainText({ mediaType: "text/html", content: html }, deps);
      for (const d of extractHtml(html).documents)
        for (const b of d.blocks) {
          expect(b.srcStart).toBeGreaterThanOrEqual(0);
          expect(b.srcEnd).toBeGreaterThan(b.srcStart);
          expect(b.srcEnd).toBeLessThanOrEqual(html.length);
        }
      pairs.push({ gold: gold[f.replace(".html.gz", "")]?.articleBody ?? "", pred });
    }
    const s = scoreExtraction(pairs);
    process.stderr.write(
      `article-extraction-dev: sift P ${s.precision.toFixed(4)} R ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)} over ${s.pages} pages (Readability over linkedom: see bench clean)\n`,
    );
    expect(s.pages).toBe(91);
    expect(s.f1).toBeGreaterThanOrEqual(0.965);
  });
});
