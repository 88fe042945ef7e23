import { createRequire } from "node:module";
import { InvalidInputError } from "@sift/contracts";
import { isTitleLike } from "@sift/page";
import type { Draft, Piece } from "./draft.js";
import { DEFAULT_LIMITS, LimitExceededError, type SegmentLimits } from "./limits.js";

interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
  eol: boolean;
}

interface PdfLine {
  text: string;
  x: number;
  y: number;
  height: number;
  right: number;
}

export interface PdfText {
  /** The extracted text of the file: pages joined by blank lines, paragraphs by blank lines, lines by "\n". */
  text: string;
  /** Paragraph spans of `text`, in reading order. */
  paragraphs: Array<{ start: number; end: number; page: number }>;
  pages: number;
  /** The author named in the document's information dictionary. */
  author?: string;
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | undefined;
const require = createRequire(import.meta.url);

/** pdf.js, imported once per process (a worker imports it when it starts, not on its first PDF). */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs;
}

/** Text of a PDF, page by page, lines in reading order (top to bottom, columns left to right). */
export async function extractPdfText(
  bytes: Uint8Array,
  name: string,
  limits: Pick<SegmentLimits, "maxPdfPages" | "maxTextChars"> = DEFAULT_LIMITS,
): Promise<PdfText> {
  const lib = await loadPdfJs();
  const standardFontDataUrl = `${require.resolve("pdfjs-dist/package.json").replace(/package\.json$/, "")}standard_fonts/`;
  let doc: Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;
  try {
    doc = await lib.getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      standardFontDataUrl,
      verbosity: 0,
    }).promise;
  } catch (err) {
    throw new InvalidInputError("CORRUPT_PDF", `${name}: not a readable PDF (${(err as Error).message})`, {
      cause: err,
    });
  }
  try {
    if (doc.numPages > limits.maxPdfPages)
      throw new LimitExceededError(
        "PDF_TOO_MANY_PAGES",
        `${name}: ${doc.numPages} pages, over the limit of ${limits.maxPdfPages} (SIFT_MAX_PDF_PAGES)`,
      );
    const parts: string[] = [];
    const paragraphs: PdfText["paragraphs"] = [];
    let at = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      if (at > limits.maxTextChars)
        throw new LimitExceededError(
          "TEXT_TOO_LONG",
          `${name}: more than ${limits.maxTextChars} characters of text by page ${p} (SIFT_MAX_TEXT_CHARS)`,
        );
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items: TextItem[] = [];
      for (const it of content.items) {
        if (!("str" in it)) continue;
        items.push({
          str: it.str,
          x: it.transform[4] ?? 0,
          y: it.transform[5] ?? 0,
          width: it.width,
          height: it.height || Math.abs(it.transform[3] ?? 0) || 10,
          eol: it.hasEOL,
        });
      }
      page.cleanup();
      for (const para of paragraphsOf(readingOrder(toLines(items)))) {
        const text = para.join("\n");
        if (!text.trim()) continue;
        if (parts.length > 0) {
          parts.push("\n\n");
          at += 2;
        }
        parts.push(text);
        paragraphs.push({ start: at, end: at + text.length, page: p });
        at += text.length;
      }
    }
    const out: PdfText = { text: parts.join(""), paragraphs, pages: doc.numPages };
    const info = (await doc.getMetadata().catch(() => null))?.info as { Author?: unknown } | undefined;
    if (typeof info?.Author === "string" && info.Author.trim()) out.author = info.Author.trim();
    return out;
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    // a page that pdf.js cannot read makes the file unreadable the same way every time
    throw new InvalidInputError(
      "CORRUPT_PDF",
      `${name}: a page of the PDF cannot be read (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  } finally {
    await doc.destroy();
  }
}

/** Items on one baseline become one line; a gap wider than a space becomes a space. */
function toLines(items: TextItem[]): PdfLine[] {
  const out: PdfLine[] = [];
  let cur: PdfLine | null = null;
  for (const it of items) {
    if (it.str === "" && !it.eol) continue;
    const sameLine = cur !== null && Math.abs(it.y - cur.y) < Math.max(2, 0.5 * Math.min(it.height, cur.height));
    if (cur && sameLine && it.str !== "") {
      const gap = it.x - cur.right;
      if (gap > 0.15 * it.height && !/\s$/.test(cur.text) && !/^\s/.test(it.str)) cur.text += " ";
      cur.text += it.str;
      cur.right = Math.max(cur.right, it.x + it.width);
    } else if (it.str !== "") {
      if (cur) out.push(cur);
      cur = { text: it.str, x: it.x, y: it.y, height: it.height, right: it.x + it.width };
    }
    if (it.eol && cur) {
      out.push(cur);
      cur = null;
    }
  }
  if (cur) out.push(cur);
  return out.map((l) => ({ ...l, text: l.text.replace(/\s+/g, " ").trim() })).filter((l) => l.text !== "");
}

/** The leftmost start and rightmost end of the lines (a loop: spreading a page of many lines into Math.min overflows the stack). */
function extent(ls: PdfLine[]): { left: number; right: number } {
  let left = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  for (const l of ls) {
    if (l.x < left) left = l.x;
    if (l.right > right) right = l.right;
  }
  return { left, right };
}

/** Top to bottom; when the page has two columns with a clear gutter, the left column first. */
function readingOrder(ls: PdfLine[]): PdfLine[] {
  if (ls.length < 6) return [...ls].sort((a, b) => b.y - a.y || a.x - b.x);
  const { left, right } = extent(ls);
  const mid = (left + right) / 2;
  const crossing = ls.filter((l) => l.x < mid - 5 && l.right > mid + 5).length;
  const inRight = ls.filter((l) => l.x >= mid - 5).length;
  if (crossing / ls.length < 0.1 && inRight / ls.length > 0.25) {
    const byY = (a: PdfLine, b: PdfLine) => b.y - a.y || a.x - b.x;
    return [...ls.filter((l) => l.x < mid - 5).sort(byY), ...ls.filter((l) => l.x >= mid - 5).sort(byY)];
  }
  return [...ls].sort((a, b) => b.y - a.y || a.x - b.x);
}

/** Lines into paragraphs: a gap wider than the line spacing, a change of size or a short closing line ends one. */
function paragraphsOf(ls: PdfLine[]): string[][] {
  const gaps: number[] = [];
  for (let i = 1; i < ls.length; i++) {
    const g = (ls[i - 1]?.y ?? 0) - (ls[i]?.y ?? 0);
    if (g > 0) gaps.push(g);
  }
  gaps.sort((a, b) => a - b);
  // the line spacing: most gaps are between lines of one paragraph, so a low quantile finds it
  const usual = gaps[Math.floor(gaps.length / 4)] ?? 0;
  const { left, right } = extent(ls);
  const out: string[][] = [];
  let cur: string[] = [];
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i] as PdfLine;
    const prev = ls[i - 1];
    if (prev) {
      const g = prev.y - l.y;
      // a short line that closes a sentence ends its paragraph even without extra space below it
      const short = prev.right - left < 0.75 * (right - left) && /[.!?:"”]$/.test(prev.text);
      const broken =
        g <= 0 || g > Math.max(usual * 1.4, l.height * 1.9) || Math.abs(l.height - prev.height) > 1.5 || short;
      if (broken && cur.length > 0) {
        out.push(cur);
        cur = [];
      }
    }
    cur.push(l.text);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** One document of a PDF: its first paragraph is the title when it reads like one. */
export function draftPdf(pdf: PdfText): Draft[] {
  const pieces: Piece[] = pdf.paragraphs.map((p) => ({
    // lines of a paragraph read as one run of text; "\n" → " " keeps every offset
    text: pdf.text.slice(p.start, p.end).replace(/\n/g, " "),
    srcStart: p.start,
    srcEnd: p.end,
  }));
  const first = pieces[0];
  const title = first && pieces.length > 1 && isTitleLike(first.text) && first.text.length <= 150 ? first : null;
  return [
    {
      role: "main",
      title,
      paragraphs: title ? pieces.slice(1) : pieces,
      source: pdf.author ? { author: pdf.author } : {},
      removed: [],
      warnings: [],
    },
  ];
}
