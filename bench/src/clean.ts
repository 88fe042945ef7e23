import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Readability } from "@mozilla/readability";
import {
  createCleaner,
  createInMemoryLineMemory,
  type ExtractionScore,
  extractMainText,
  scoreExtraction,
} from "@sift/clean";
import type { SegmentedDocument } from "@sift/contracts";
import { parseHTML } from "linkedom";
import type { BenchRow, BenchSection } from "./table.js";

export interface DevPage {
  id: string;
  html: string;
  gold: string;
}

/** The article-extraction dev pages, or null when `<shared>/data/article-extraction-dev` is absent. */
export function loadDevPages(shared: string): DevPage[] | null {
  const dir = join(shared, "data", "article-extraction-dev");
  if (!existsSync(join(dir, "ground-truth.json"))) return null;
  const gold = JSON.parse(readFileSync(join(dir, "ground-truth.json"), "utf8")) as Record<
    string,
    { articleBody: string }
  >;
  return readdirSync(join(dir, "html"))
    .filter((f) => f.endsWith(".html.gz"))
    .sort()
    .map((f) => {
      const id = f.replace(".html.gz", "");
      return {
        id,
        html: gunzipSync(readFileSync(join(dir, "html", f))).toString("utf8"),
        gold: gold[id]?.articleBody ?? "",
      };
    });
}

/** Readability.js over linkedom: what a Node user would pick. */
export function readabilityText(html: string): string {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  return article?.textContent ?? "";
}

export async function siftText(html: string): Promise<string> {
  return extractMainText({ mediaType: "text/html", content: html }, { lines: createInMemoryLineMemory() });
}

export interface SideBySide {
  sift: ExtractionScore & { ms: number };
  readability: ExtractionScore & { ms: number };
}

/** Scores both extractors on the same pages with the benchmark's metric, timing each. */
export async function scoreSideBySide(pages: DevPage[]): Promise<SideBySide> {
  let t = performance.now();
  const sift: Array<{ gold: string; pred: string }> = [];
  for (const p of pages) sift.push({ gold: p.gold, pred: await siftText(p.html) });
  const siftMs = performance.now() - t;
  t = performance.now();
  const readability = pages.map((p) => ({ gold: p.gold, pred: readabilityText(p.html) }));
  const readabilityMs = performance.now() - t;
  return {
    sift: { ...scoreExtraction(sift), ms: siftMs },
    readability: { ...scoreExtraction(readability), ms: readabilityMs },
  };
}

/** Plain-text documents for the text cleaner: about 4 KB of prose (20 paragraphs) with chrome lines around it. */
function textDocs(n: number): SegmentedDocument[] {
  const para =
    "The council met on Monday to discuss the plans for the new library, and members agreed that the building should open next spring after a long debate.";
  return Array.from({ length: n }, (_, i) => {
    const body = Array.from({ length: 20 }, (_, k) => `${para} Item ${i * 20 + k} was noted\u00a0too.`);
    const text = ["Menu", "Share this", ...body, "Comments", "Related Articles"].join("\n");
    const fileId = "c".repeat(64);
    return {
      file: {
        fileId,
        name: `bench-${i}.txt`,
        size: text.length,
        mediaType: "text/plain",
        receivedAt: new Date(0).toISOString(),
      },
      docId: `${fileId}-${i}`,
      index: i,
      count: n,
      role: "main" as const,
      title: null,
      source: {},
      text,
      paragraphs: [{ start: 0, end: text.length }],
      sentences: [],
      sourceMap: [],
      warnings: [],
      removed: [],
    };
  });
}

export const benchClean: BenchSection = async ({ quick, shared }) => {
  const rows: BenchRow[] = [];
  const pages = loadDevPages(shared);
  if (pages) {
    const r = await scoreSideBySide(pages);
    const mb = pages.reduce((n, p) => n + Buffer.byteLength(p.html), 0) / 1e6;
    for (const [name, s] of [
      ["sift", r.sift],
      ["readability+linkedom", r.readability],
    ] as const) {
      const note = `article-extraction-dev, ${s.pages} pages`;
      rows.push({ group: "clean", name: `${name} F1`, value: s.f1, unit: "", note });
      rows.push({ group: "clean", name: `${name} precision`, value: s.precision, unit: "", note });
      rows.push({ group: "clean", name: `${name} recall`, value: s.recall, unit: "", note });
      rows.push({ group: "clean", name: `${name} HTML pages/s`, value: (s.pages * 1000) / s.ms, unit: "pages/s" });
      rows.push({ group: "clean", name: `${name} HTML MB/s`, value: (mb * 1000) / s.ms, unit: "MB/s" });
    }
  } else {
    rows.push({
      group: "clean",
      name: "extraction F1",
      value: 0,
      unit: "",
      note: "skipped: article-extraction-dev absent",
    });
  }
  const docs = textDocs(quick ? 100 : 1000);
  const clean = createCleaner({ lines: createInMemoryLineMemory() });
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  const t = performance.now();
  for (const d of docs) await clean(d);
  const ms = performance.now() - t;
  rows.push({
    group: "clean",
    name: "sift plain-text cleaner",
    value: bytes / 1e6 / (ms / 1000),
    unit: "MB/s",
    note: `${docs.length} docs; readability: n/a (needs HTML)`,
  });
  return rows;
};
