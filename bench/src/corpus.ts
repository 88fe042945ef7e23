import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync, gunzipSync } from "node:zlib";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  type PDFFont,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
} from "pdf-lib";

export type Format = "txt" | "md" | "html" | "pdf" | "docx";

export interface CorpusFile {
  name: string;
  format: Format;
  /** Where the text came from and how big the file is meant to be ("bbc, medium"). */
  kind: string;
  bytes: Uint8Array;
}

export interface Corpus {
  files: CorpusFile[];
  /** What was absent and skipped, or how the corpus was built. */
  notes: string[];
  bytes: number;
}

interface Article {
  title: string;
  paragraphs: string[];
  from: string;
}

/** mulberry32: a small seeded generator, so that the corpus is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** News articles (title line, paragraph lines, blank line between articles) from ner-resources/unlabeled. */
function loadUnlabeled(shared: string): Article[] {
  const root = join(shared, "data", "ner-resources", "unlabeled");
  if (!existsSync(root)) return [];
  const out: Article[] = [];
  for (const sub of readdirSync(root).sort()) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith(".txt")) continue;
      const text = readFileSync(join(dir, f), "utf8");
      for (const block of text.split(/\n\s*\n/)) {
        const lines = block
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean);
        const [title, ...paragraphs] = lines;
        if (title && paragraphs.length > 0 && title.length < 200) out.push({ title, paragraphs, from: sub });
      }
    }
  }
  return out;
}

/** CoNLL-2003 documents, detokenised, one sentence a paragraph. */
function loadConll(shared: string): Article[] {
  const file = join(shared, "data", "conll2003", "dev.txt");
  if (!existsSync(file)) return [];
  const docs: Article[] = [];
  let sentences: string[] = [];
  let tokens: string[] = [];
  const flushSentence = () => {
    if (tokens.length > 0) sentences.push(detokenize(tokens));
    tokens = [];
  };
  const flushDoc = () => {
    flushSentence();
    const [title, ...rest] = sentences;
    if (title && rest.length > 0) docs.push({ title, paragraphs: rest, from: "conll2003" });
    sentences = [];
  };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("-DOCSTART-")) flushDoc();
    else if (!line.trim()) flushSentence();
    else tokens.push(line.split(" ")[0] ?? "");
  }
  flushDoc();
  return docs;
}

function detokenize(tokens: string[]): string {
  return tokens
    .join(" ")
    .replace(/ ([.,;:!?%)\]}])/g, "$1")
    .replace(/([([{$]) /g, "$1")
    .replace(/ (n't|'s|'re|'ve|'ll|'d)\b/g, "$1")
    .replace(/" (.*?) "/g, '"$1"');
}

const SIZES = { small: 1, medium: 5, large: 40 } as const;
type Size = keyof typeof SIZES;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function toText(arts: Article[]): string {
  return `${arts.map((a) => `${a.title}\n\n${a.paragraphs.join("\n\n")}`).join("\n\n\n")}\n`;
}

function toMarkdown(arts: Article[]): string {
  return `${arts.map((a) => `# ${a.title}\n\n${a.paragraphs.join("\n\n")}`).join("\n\n")}\n`;
}

/** A news page: navigation, the article(s), a related list and a footer. */
function toHtml(arts: Article[], related: Article[], site: string): string {
  const nav = ["Home", "World", "Business", "Politics", "Science", "Sport", "Opinion"]
    .map((s) => `<li><a href="/${s.toLowerCase()}">${s}</a></li>`)
    .join("");
  const body = arts
    .map(
      (a) =>
        `<article><h1>${esc(a.title)}</h1><p class="byline">By Staff Reporter</p>\n${a.paragraphs
          .map((p) => `<p>${esc(p)}</p>`)
          .join("\n")}</article>`,
    )
    .join("\n");
  const rel = related.map((r) => `<li><a href="/story">${esc(r.title)}</a></li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(arts[0]?.title ?? "")} | ${site}</title></head>
<body><header><div class="logo">${site}</div><nav><ul>${nav}</ul></nav></header>
<main>${body}
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<aside><h2>Related stories</h2><ul>${rel}</ul></aside></main>
<footer><p>&copy; 2026 ${site}. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>
`;
}

/**
 * A PDF with the text laid out in lines of Helvetica, pages as needed, and no dates, so it is the same every
 * run. `fillTo` adds a noise image (RGB, deflated, as a scanned figure would be) until the file has about that
 * many bytes: a large report without a long text extraction.
 */
export async function makePdf(
  paragraphs: string[],
  title: string,
  o: { fillTo?: number; seed?: number } = {},
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page = pdf.addPage([595, 842]);
  let y = 800;
  const line = (text: string, f: PDFFont, size: number) => {
    if (y < 50) {
      page = pdf.addPage([595, 842]);
      y = 800;
    }
    page.drawText(text, { x: 50, y, size, font: f });
    y -= size * 1.35;
  };
  line(winAnsi(title), bold, 14);
  y -= 6;
  // Helvetica at 10 pt averages about 5 pt a character: 95 characters fill the 495 pt line
  for (const p of paragraphs) {
    let current = "";
    for (const w of winAnsi(p).split(/\s+/)) {
      if (current && current.length + 1 + w.length > 95) {
        line(current, font, 10);
        current = w;
      } else current = current ? `${current} ${w}` : w;
    }
    if (current) line(current, font, 10);
    y -= 6;
  }
  if (o.fillTo) {
    const textBytes = (await pdf.save({ useObjectStreams: true })).length;
    const need = o.fillTo - textBytes;
    if (need > 0) {
      const width = 1000;
      const height = Math.ceil(need / (width * 3));
      const raw = new Uint8Array(width * 3 * height);
      const rnd = seeded(o.seed ?? 1);
      for (let i = 0; i < raw.length; i += 4) {
        const v = (rnd() * 4294967296) >>> 0;
        raw[i] = v & 255;
        raw[i + 1] = (v >>> 8) & 255;
        raw[i + 2] = (v >>> 16) & 255;
        raw[i + 3] = v >>> 24;
      }
      const image = pdf.context.stream(deflateSync(raw, { level: 1 }), {
        Type: "XObject",
        Subtype: "Image",
        Width: width,
        Height: height,
        ColorSpace: "DeviceRGB",
        BitsPerComponent: 8,
        Filter: "FlateDecode",
      });
      const figure = pdf.addPage([595, 842]);
      figure.node.setXObject(PDFName.of("Fig1"), pdf.context.register(image));
      figure.pushOperators(
        pushGraphicsState(),
        concatTransformationMatrix(495, 0, 0, 700, 50, 80),
        drawObject("Fig1"),
        popGraphicsState(),
      );
      figure.drawText("Figure 1: sensor readings, raw.", { x: 50, y: 60, size: 10, font });
    }
  }
  return pdf.save({ useObjectStreams: true });
}

// the standard fonts only encode WinAnsi
const winAnsi = (s: string) => s.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, " ");

export async function makeDocx(arts: Article[]): Promise<Uint8Array> {
  const doc = new Document({
    creator: "sift bench",
    sections: [
      {
        children: arts.flatMap((a) => [
          new Paragraph({ text: a.title, heading: HeadingLevel.HEADING_1 }),
          ...a.paragraphs.map((p) => new Paragraph({ text: p })),
        ]),
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

export interface Sources {
  articles: Article[];
  conll: Article[];
  devPages: Array<{ id: string; html: Buffer }>;
  newsPage: Buffer | null;
  notes: string[];
}

export function loadSources(shared: string): Sources {
  const notes: string[] = [];
  let articles = loadUnlabeled(shared);
  const conll = loadConll(shared);
  if (articles.length === 0) {
    notes.push("ner-resources/unlabeled absent: articles made from CoNLL or built-in text");
    articles = conll.length > 0 ? conll : builtIn();
  }
  if (conll.length === 0) notes.push("conll2003 absent: no CoNLL files");
  const devDir = join(shared, "data", "article-extraction-dev", "html");
  const devPages = existsSync(devDir)
    ? readdirSync(devDir)
        .filter((f) => f.endsWith(".html.gz"))
        .sort()
        .map((f) => ({ id: f.slice(0, 12), html: gunzipSync(readFileSync(join(devDir, f))) }))
    : [];
  if (devPages.length === 0) notes.push("article-extraction-dev absent: no real HTML pages");
  const pagePath = join(shared, "fixtures", "news-page", "page.txt");
  const newsPage = existsSync(pagePath) ? readFileSync(pagePath) : null;
  if (!newsPage) notes.push("fixtures/news-page absent");
  return { articles, conll, devPages, newsPage, notes };
}

function builtIn(): Article[] {
  const p =
    "The council met in Leeds on Monday to discuss plans for the new library. Mayor Jane Hill said the building would open next spring, after a debate that lasted three hours.";
  return Array.from({ length: 2000 }, (_, i) => ({
    title: `Council story number ${i + 1}`,
    paragraphs: [p, `${p} This is item ${i + 1}.`, p.replace("Monday", "Friday")],
    from: "built-in",
  }));
}

export type Dealer = ReturnType<typeof createDealer>;

/**
 * Hands out articles in a seeded order, never the same one twice until the pool runs out. One dealer serves
 * the whole run, so that the cleaner's cross-document line memory does not see the same text again and again.
 */
export function createDealer(pool: Article[], seed: number) {
  const order = pool.map((_, i) => i);
  const rnd = seeded(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  let next = 0;
  return {
    take(n: number): Article[] {
      const out: Article[] = [];
      for (let k = 0; k < n; k++) out.push(pool[order[next++ % order.length] as number] as Article);
      return out;
    },
    get used() {
      return next;
    },
  };
}

/**
 * The benchmark corpus: text, Markdown and HTML (synthetic and real pages), PDF and DOCX, in several sizes,
 * from the shared news text; the same files for the same seed (DOCX files differ only in their creation time).
 */
export async function makeCorpus(src: Sources, deal: Dealer, o: { quick: boolean }): Promise<Corpus> {
  const files: CorpusFile[] = [];
  const seen = new Set<string>();
  const add = (name: string, format: Format, kind: string, bytes: Uint8Array) => {
    const h = createHash("sha256").update(bytes).digest("hex");
    // intake skips bytes it has seen: every file must be distinct
    if (seen.has(h)) return;
    seen.add(h);
    files.push({ name, format, kind, bytes });
  };
  const enc = (s: string) => new TextEncoder().encode(s);
  const k = o.quick ? 0.15 : 1;
  const n = (x: number) => Math.max(1, Math.round(x * k));
  const plan: Array<[Format, Size, number]> = [
    ["txt", "small", n(60)],
    ["txt", "medium", n(24)],
    ["txt", "large", n(4)],
    ["md", "small", n(30)],
    ["md", "medium", n(12)],
    ["md", "large", n(2)],
    ["html", "small", n(30)],
    ["html", "medium", n(12)],
    ["pdf", "small", n(12)],
    ["pdf", "medium", n(4)],
    ["docx", "small", n(12)],
    ["docx", "medium", n(4)],
  ];
  for (const [format, size, count] of plan) {
    for (let i = 0; i < count; i++) {
      const arts = deal.take(SIZES[size]);
      const from = arts[0]?.from ?? "?";
      const base = `${format}-${size}-${String(i).padStart(3, "0")}`;
      const kind = `${format} ${size}`;
      if (format === "txt") add(`${base}.txt`, format, kind, enc(toText(arts)));
      else if (format === "md") add(`${base}.md`, format, kind, enc(toMarkdown(arts)));
      else if (format === "html") add(`${base}.html`, format, kind, enc(toHtml(arts, deal.take(4), "The Daily Bench")));
      else if (format === "pdf")
        add(
          `${base}.pdf`,
          format,
          kind,
          await makePdf(
            arts.flatMap((a) => [a.title, ...a.paragraphs]),
            `Report ${i + 1} (${from})`,
          ),
        );
      else add(`${base}.docx`, format, kind, await makeDocx(arts));
    }
  }
  for (const p of src.devPages.slice(0, o.quick ? 6 : 40)) add(`dev-${p.id}.html`, "html", "html real page", p.html);
  if (src.newsPage) {
    for (let i = 0; i < n(8); i++) {
      const stamp = `\n\nCorrection ${i + 1}: an earlier version of this story misspelt a name.\n`;
      add(`news-page-${i}.txt`, "txt", "txt news-page fixture", Buffer.concat([src.newsPage, Buffer.from(stamp)]));
    }
  }
  // CoNLL documents that read as prose (most are sports tables, which the cleaner rightly refuses)
  const prose = src.conll.filter(
    (d) => d.paragraphs.filter((p) => p.split(" ").length >= 8).length >= 0.8 * d.paragraphs.length,
  );
  for (let i = 0; i < Math.min(prose.length, n(16)); i++) {
    const doc = prose[i] as Article;
    add(`conll-${String(i).padStart(3, "0")}.txt`, "txt", "txt conll2003", enc(toText([doc])));
  }
  const bytes = files.reduce((s, f) => s + f.bytes.length, 0);
  return { files, notes: [...src.notes], bytes };
}

/**
 * A second corpus of the same recipe, for a pipeline (or a `sift process`) that has just read the first: warm code on
 * files it has not seen. Other articles (`seed`), names prefixed with `again-`, and every text file marked at its end,
 * since the real pages, the fixture and the CoNLL documents would repeat byte for byte and intake skips bytes it has seen
 * (the PDFs and DOCX files are made of other articles).
 */
export async function sameShapeCorpus(src: Sources, seed: number, o: { quick: boolean }): Promise<Corpus> {
  const c = await makeCorpus(src, createDealer(src.articles, seed), o);
  const files = c.files.map((f) => {
    const mark = f.format === "html" ? "\n<!-- again -->\n" : f.format === "txt" || f.format === "md" ? "\n\n" : "";
    return { ...f, name: `again-${f.name}`, bytes: mark ? Buffer.concat([f.bytes, Buffer.from(mark)]) : f.bytes };
  });
  return { files, notes: c.notes, bytes: files.reduce((s, f) => s + f.bytes.length, 0) };
}

/**
 * `count` small text files (a title and a paragraph, under 1 kB), each different, for the many-files run.
 */
export function smallFiles(deal: Dealer, count: number, prefix: string): CorpusFile[] {
  const bodyOf = (a: Article) => {
    let body = a.paragraphs[0] ?? "";
    if (body.length < 200 && a.paragraphs[1]) body = `${body}\n\n${a.paragraphs[1]}`;
    if (body.length > 600) body = body.slice(0, Math.max(body.lastIndexOf(". ", 600) + 1, 300));
    return body;
  };
  const files: CorpusFile[] = [];
  for (let i = 0; i < count; i++) {
    let a = deal.take(1)[0] as Article;
    // prose, not a table of figures (which the cleaner rightly refuses): the point is counting, not content
    for (let tries = 0; tries < 20 && !isProse(bodyOf(a)); tries++) a = deal.take(1)[0] as Article;
    const text = `${a.title}\n\n${bodyOf(a)}\n\nItem ${prefix}-${i}.\n`;
    files.push({
      name: `${prefix}-${String(i).padStart(5, "0")}.txt`,
      format: "txt",
      kind: "txt small",
      bytes: new TextEncoder().encode(text),
    });
  }
  return files;
}

function isProse(text: string): boolean {
  const chars = text.replace(/\s/g, "");
  const digits = chars.replace(/[^0-9]/g, "").length;
  const words = text.split(/\s+/).length;
  const paragraphs = text.split("\n\n");
  return (
    words >= 25 &&
    digits / Math.max(1, chars.length) < 0.04 &&
    paragraphs.every((p) => p.split(/\s+/).length >= 12 && /[.!?"']$/.test(p.trim()))
  );
}

/** About `mb` MB of news text, every article once. */
export function bigText(deal: Dealer, mb: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < mb * 1e6) {
    const t = toText(deal.take(1));
    parts.push(t);
    size += Buffer.byteLength(t);
  }
  return parts.join("\n");
}

/** Writes files into `dir` (created). */
export async function writeFiles(dir: string, files: CorpusFile[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const f of files) {
    const p = join(dir, f.name);
    await writeFile(p, f.bytes);
    paths.push(p);
  }
  return paths;
}

/**
 * Drops files into an intake folder the way a careful copy tool does: written under a dot-name (which intake
 * ignores), then renamed. Returns when each file became complete under its name (performance.now()).
 */
export async function dropFiles(intake: string, files: CorpusFile[]): Promise<Map<string, number>> {
  await mkdir(intake, { recursive: true });
  for (const f of files) await writeFile(join(intake, `.${f.name}.part`), f.bytes);
  const at = new Map<string, number>();
  for (const f of files) {
    await rename(join(intake, `.${f.name}.part`), join(intake, f.name));
    at.set(f.name, performance.now());
  }
  return at;
}

export interface BenchCorpus {
  src: Sources;
  deal: Dealer;
  corpus: Corpus;
}

let cached: Promise<BenchCorpus> | undefined;

/** The sources and the main corpus (seeded), made once per run and shared by the sections. */
export function benchCorpus(o: { shared: string; quick: boolean }): Promise<BenchCorpus> {
  cached ??= (async () => {
    const src = loadSources(o.shared);
    const deal = createDealer(src.articles, 2026);
    return { src, deal, corpus: await makeCorpus(src, deal, { quick: o.quick }) };
  })();
  return cached;
}

/** "270 files, 8.3 MB: txt 96, md 44, …" */
export function describeCorpus(c: Corpus): string {
  const byFormat = new Map<string, number>();
  for (const f of c.files) byFormat.set(f.format, (byFormat.get(f.format) ?? 0) + 1);
  const formats = [...byFormat].map(([k, v]) => `${k} ${v}`).join(", ");
  const notes = c.notes.length > 0 ? ` [${c.notes.join("; ")}]` : "";
  return `${c.files.length} files, ${(c.bytes / 1e6).toFixed(1)} MB (${formats})${notes}`;
}
