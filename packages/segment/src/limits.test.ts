import { randomBytes } from "node:crypto";
import { toSourceSpan } from "@sift/contracts";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { checkZip } from "./docx.js";
import { cutPiece, splitLongDrafts } from "./draft.js";
import { htmlDepth } from "./limits.js";
import { DOCX, looksBinary, sniffMediaType } from "./media-type.js";
import { type SegmentInput, segmentFile } from "./segment.js";
import { fileMeta } from "./shared.test-helpers.js";
import { docxBomb, makeZip } from "./zip.test-helpers.js";

const MB = 1024 * 1024;

function segment(name: string, bytes: Uint8Array, limits: SegmentInput["limits"] = {}) {
  return segmentFile({ file: fileMeta(name, sniffMediaType(bytes, name), bytes.length), bytes, limits });
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: { code?: string; retryable?: boolean; message: string }) => err,
  );

describe("htmlDepth", () => {
  it("counts elements open inside each other", () => {
    expect(htmlDepth("<html><body><div><p>text</p></div></body></html>")).toBe(4);
    expect(htmlDepth(`${"<div>".repeat(50)}x${"</div>".repeat(50)}`)).toBe(50);
    expect(htmlDepth("<DIV><Span>x</span></div>")).toBe(2);
  });

  it("does not count what a parser closes or never opens: void elements, implied ends, tags in scripts and comments", () => {
    expect(htmlDepth(`<body>${"<p>para".repeat(5000)}</body>`)).toBe(2);
    expect(htmlDepth(`<ul>${"<li>item".repeat(5000)}</ul>`)).toBe(2);
    expect(htmlDepth(`<table>${"<tr><td>a<td>b".repeat(2000)}</table>`)).toBe(3);
    expect(htmlDepth(`<div>${"<br><img src=x><input>".repeat(2000)}</div>`)).toBe(1);
    expect(htmlDepth(`<script>${"<div>".repeat(2000)}</script><!-- ${"<div>".repeat(2000)} --><p>x</p>`)).toBe(1);
    // outside SVG "<div/>" opens a div, as HTML parsers read it; inside, "<path/>" closes itself
    expect(htmlDepth(`<svg>${"<path/>".repeat(2000)}</svg>`)).toBe(1);
    expect(htmlDepth("<div/><div/><div/>")).toBe(3);
  });

  it("stops counting once past the limit it is given", () => {
    expect(htmlDepth("<div>".repeat(200_000), 1000)).toBe(1001);
  });
});

describe("limits at the door", () => {
  it("fails HTML nested past SIFT_MAX_HTML_DEPTH at once, with a reason", async () => {
    const html = `<html><body>${"<div>".repeat(200_000)}deep${"</div>".repeat(200_000)}</body></html>`;
    const err = await rejection(segment("deep.html", new TextEncoder().encode(html)));
    expect(err).toMatchObject({ code: "HTML_TOO_DEEP", retryable: false });
    expect(err.message).toMatch(/deep\.html: elements nested more than 1000 deep/);
  });

  it("fails a text with more lines than SIFT_MAX_LINES", async () => {
    const err = await rejection(segment("lines.txt", new TextEncoder().encode("a\n".repeat(1000)), { maxLines: 500 }));
    expect(err).toMatchObject({ code: "TOO_MANY_LINES", retryable: false });
    expect(err.message).toMatch(/lines\.txt: more than 500 lines \(1001\)/);
  });

  it("reads a text with a few NUL and control bytes as text: each becomes a space, with a warning", async () => {
    const text = "The council met on Monday.\u0000\u0000 It approved the budget.\u0007\n\nThe vote was close.\n";
    const bytes = new TextEncoder().encode(text);
    expect(sniffMediaType(bytes, "nul.txt")).toBe("text/plain");
    const [doc] = await segment("nul.txt", bytes);
    expect(doc?.text.includes("\u0000") || doc?.text.includes("\u0007")).toBe(false);
    expect(doc?.text).toContain("It approved the budget.");
    expect(doc?.warnings.some((w) => /3 control character/.test(w))).toBe(true);
    // offsets still point at the same characters of the decoded original
    const p = doc?.paragraphs[1];
    const span = toSourceSpan(doc?.sourceMap ?? [], p ?? { start: 0, end: 0 });
    expect(text.slice(span.sourceStart, span.sourceEnd)).toBe("The vote was close.");
  });

  it("still takes noise for binary", () => {
    expect(looksBinary(randomBytes(4096))).toBe(true);
    expect(looksBinary(new TextEncoder().encode(`${"plain text. ".repeat(100)}\u0000\u0000\u0000`))).toBe(false);
  });

  it("fails a Word file whose parts declare more than SIFT_MAX_INFLATED_BYTES, before inflating them", async () => {
    const bomb = await docxBomb(8 * MB);
    expect(sniffMediaType(bomb, "bomb.docx")).toBe(DOCX);
    const err = await rejection(segment("bomb.docx", bomb, { maxInflatedBytes: MB }));
    expect(err).toMatchObject({ code: "ZIP_TOO_LARGE", retryable: false });
    expect(err.message).toMatch(/declare \d+ bytes inflated, over the limit of 1048576/);
  });

  it("fails a Word file whose part inflates to more than it declares, while inflating", async () => {
    const liar = await docxBomb(8 * MB, 1000);
    const err = await rejection(segment("liar.docx", liar, { maxInflatedBytes: 4 * MB }));
    expect(err).toMatchObject({ code: "ZIP_TOO_LARGE", retryable: false });
    expect(err.message).toMatch(/word\/document\.xml inflates to more than the 1000 bytes it declares/);
  });

  it("fails a zip with more entries than allowed", async () => {
    const many = await makeZip(
      Array.from({ length: 30 }, (_, i) => ({ name: `x/${i}.xml`, chunks: () => [Buffer.from("<a/>")] })),
    );
    const err = await rejection(checkZip(many, "many.docx", { maxInflatedBytes: MB, maxZipEntries: 20 }));
    expect(err).toMatchObject({ code: "ZIP_TOO_MANY_ENTRIES" });
  });

  it("fails a PDF with more pages than SIFT_MAX_PDF_PAGES", async () => {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 3; i++) pdf.addPage().drawText(`Page ${i + 1} has some text on it.`);
    const err = await rejection(segment("pages.pdf", await pdf.save(), { maxPdfPages: 2 }));
    expect(err).toMatchObject({ code: "PDF_TOO_MANY_PAGES", retryable: false });
  });
});

describe("one huge line", () => {
  it("is cut into documents of at most the document limit, at spaces, keeping every character in order", () => {
    const line = "word ".repeat(5000);
    const parts = cutPiece({ text: line, srcStart: 100, srcEnd: 100 + line.length }, 1000);
    expect(parts.every((p) => p.text.length <= 1000)).toBe(true);
    expect(parts.map((p) => p.text).join("")).toBe(line);
    expect(parts.slice(0, -1).every((p) => p.text.endsWith(" "))).toBe(true);
    // offsets of each part still point at its text in the source
    for (const p of parts) expect(`${" ".repeat(100)}${line}`.slice(p.srcStart, p.srcEnd)).toBe(p.text);
    const drafts = splitLongDrafts(
      [
        {
          role: "main",
          title: null,
          paragraphs: [{ text: line, srcStart: 0, srcEnd: line.length }],
          source: {},
          removed: [],
          warnings: [],
        },
      ],
      1000,
    );
    expect(drafts.length).toBeGreaterThanOrEqual(25);
  });

  it("is cut even with no space in it, never between the halves of a character", () => {
    const word = "😀".repeat(1500);
    const parts = cutPiece({ text: word, srcStart: 0, srcEnd: word.length }, 1001);
    expect(parts.map((p) => p.text).join("")).toBe(word);
    expect(parts.every((p) => !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p.text))).toBe(true);
  });
});
