import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { FileMeta } from "@sift/contracts";
import { DOCX, segmentFile, splitParagraphs, splitSentences } from "@sift/segment";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";
import { PDFDocument, StandardFonts } from "pdf-lib";
import sbd from "sbd";
import type { BenchOptions, BenchRow, BenchSection } from "./table.js";

type Splitter = (paragraph: string) => number;

const intl = new Intl.Segmenter("en", { granularity: "sentence" });

/** Each splitter gets the same paragraphs and returns how many sentences it found. */
const splitters: Array<[string, Splitter]> = [
  ["sift", (p) => splitSentences(p, { start: 0, end: p.length }).length],
  // one paragraph at a time: Intl.Segmenter is super-linear on long strings in Node 20
  [
    "Intl.Segmenter",
    (p) => {
      let n = 0;
      for (const s of intl.segment(p)) if (s.segment.trim()) n++;
      return n;
    },
  ],
  ["sbd", (p) => sbd.sentences(p, { newline_boundaries: false }).length],
];

/** News text for the sentence splitters: the BBC files of ner-resources, else the news-page fixture. */
function loadNews(o: BenchOptions): { text: string; from: string } | null {
  const dir = join(o.shared, "data", "ner-resources", "unlabeled", "bbc");
  const budget = o.quick ? 400_000 : 3_000_000;
  if (existsSync(dir)) {
    let text = "";
    for (const f of readdirSync(dir).sort()) {
      if (text.length >= budget) break;
      text += `${readFileSync(join(dir, f), "utf8")}\n`;
    }
    return { text: text.slice(0, budget), from: "ner-resources/unlabeled/bbc" };
  }
  const page = join(o.shared, "fixtures", "news-page", "page.txt");
  if (existsSync(page)) return { text: readFileSync(page, "utf8"), from: "fixtures/news-page" };
  return null;
}

function timeIt(fn: () => void, minMs: number): number {
  fn(); // warm-up
  let runs = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || runs < 2) {
    fn();
    runs++;
    elapsed = performance.now() - t0;
  }
  return elapsed / runs;
}

async function sentenceRows(o: BenchOptions): Promise<BenchRow[]> {
  const news = loadNews(o);
  if (!news)
    return [{ group: "sentences", name: "skipped", value: 0, unit: "-", note: `${o.shared} has no news text` }];
  const paragraphs = splitParagraphs(news.text).map((p) => news.text.slice(p.start, p.end));
  const mb = Buffer.byteLength(paragraphs.join("\n")) / 1e6;
  const rows: BenchRow[] = [];
  const minMs = o.quick ? 300 : 2000;
  for (const [name, split] of splitters) {
    let sentences = 0;
    const ms = timeIt(() => {
      sentences = 0;
      for (const p of paragraphs) sentences += split(p);
    }, minMs);
    rows.push({
      group: "sentences",
      name: `${name} split MB/s`,
      value: mb / (ms / 1000),
      unit: "MB/s",
      note: `${mb.toFixed(2)} MB of ${news.from}, ${paragraphs.length} paragraphs, ${sentences} sentences`,
    });
  }
  rows.push(...goldenRows(o));
  return rows;
}

/** How many of the 48 English Golden Rules each splitter passes (sentence lists equal after trimming). */
function goldenRows(o: BenchOptions): BenchRow[] {
  const file = join(o.shared, "data", "golden-rules-en.json");
  if (!existsSync(file))
    return [{ group: "sentences", name: "golden rules", value: 0, unit: "-", note: "skipped: absent" }];
  const rules = JSON.parse(readFileSync(file, "utf8")) as Array<{ text: string; sentences: string[] }>;
  const systems: Array<[string, (t: string) => string[]]> = [
    ["sift", (t) => splitSentences(t, { start: 0, end: t.length }).map((s) => t.slice(s.start, s.end))],
    ["Intl.Segmenter", (t) => [...intl.segment(t)].map((s) => s.segment)],
    ["sbd", (t) => sbd.sentences(t, { newline_boundaries: false })],
  ];
  return systems.map(([name, split]) => {
    const passed = rules.filter((r) => {
      const got = split(r.text)
        .map((s) => s.trim())
        .filter(Boolean);
      return JSON.stringify(got) === JSON.stringify(r.sentences.map((s) => s.trim()));
    }).length;
    return { group: "sentences", name: `${name} golden rules`, value: passed, unit: `of ${rules.length}` };
  });
}

function meta(name: string, mediaType: string, bytes: Uint8Array): FileMeta {
  return {
    fileId: "f".repeat(64),
    name,
    size: bytes.length,
    mediaType,
    mtime: "2025-07-22T10:00:00.000Z",
    receivedAt: "2025-07-22T10:00:00.000Z",
  };
}

async function makePdf(text: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const words = text.split(/\s+/);
  let page = pdf.addPage([595, 842]);
  let y = 800;
  let line = "";
  for (const w of words) {
    if (font.widthOfTextAtSize(`${line} ${w}`, 10) > 495) {
      page.drawText(line, { x: 50, y, size: 10, font });
      line = w;
      y -= 13;
      if (y < 50) {
        page = pdf.addPage([595, 842]);
        y = 800;
      }
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) page.drawText(line, { x: 50, y, size: 10, font });
  return pdf.save();
}

async function makeDocx(paragraphs: string[]): Promise<Uint8Array> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: "Benchmark document", heading: HeadingLevel.TITLE }),
          ...paragraphs.map((p) => new Paragraph({ text: p })),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

async function documentRows(o: BenchOptions): Promise<BenchRow[]> {
  const news = loadNews({ ...o, quick: true });
  const sample = news ? news.text.slice(0, 20_000).replace(/[^\x20-\x7e\n]/g, " ") : "A short text. ".repeat(500);
  const paras = splitParagraphs(sample).map((p) => sample.slice(p.start, p.end));
  const files: Array<[string, string, Uint8Array, string]> = [];
  const page = join(o.shared, "fixtures", "news-page", "page.txt");
  if (existsSync(page)) files.push(["text/plain", "page.txt", readFileSync(page), "news-page fixture"]);
  else files.push(["text/plain", "sample.txt", new TextEncoder().encode(sample), "20 kB of news text"]);
  files.push([
    "text/markdown",
    "sample.md",
    new TextEncoder().encode(`# Sample\n\n${paras.join("\n\n")}`),
    "news text",
  ]);
  const dev = join(o.shared, "data", "article-extraction-dev", "html");
  if (existsSync(dev)) {
    const first = readdirSync(dev)
      .filter((f) => f.endsWith(".html.gz"))
      .sort()[0];
    if (first)
      files.push(["text/html", first, gunzipSync(readFileSync(join(dev, first))), "article-extraction-dev page"]);
  }
  files.push([
    "application/pdf",
    "sample.pdf",
    await makePdf(sample.slice(0, 8000)),
    "8 kB of text, made with pdf-lib",
  ]);
  files.push([DOCX, "sample.docx", await makeDocx(paras.slice(0, 40)), "40 paragraphs, made with docx"]);
  const rows: BenchRow[] = [];
  for (const [mediaType, name, bytes, note] of files) {
    const ms = await timeAsync(() => segmentFile({ file: meta(name, mediaType, bytes), bytes }), o.quick ? 300 : 1500);
    rows.push({
      group: "segment",
      name: `${mediaType} files/s`,
      value: 1000 / ms,
      unit: "files/s",
      note: `${note}, ${(bytes.length / 1000).toFixed(0)} kB`,
    });
  }
  return rows;
}

async function timeAsync(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  await fn();
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || runs < 2) {
    await fn();
    runs++;
  }
  return (performance.now() - t0) / runs;
}

/** Sentence splitting MB/s (Sift, Intl.Segmenter, sbd), Golden Rules passed, and files/s per format. */
export const benchSegment: BenchSection = async (o) => [...(await sentenceRows(o)), ...(await documentRows(o))];
