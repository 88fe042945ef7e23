import { InvalidInputError } from "@sift/contracts";
import mammoth from "mammoth";
import type { Draft, Piece } from "./draft.js";
import { isTitleLike } from "./page.js";

export interface DocxText {
  /** The extracted text of the file: one block (paragraph, heading, list item, cell) per paragraph, blank lines between. */
  text: string;
  blocks: Array<{ start: number; end: number; heading: boolean }>;
  warnings: string[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

/** Paragraphs of a Word file, through mammoth's HTML (which keeps headings and list items apart). */
export async function extractDocxText(bytes: Uint8Array, name: string): Promise<DocxText> {
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      {
        styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"],
        externalFileAccess: false,
      },
    );
    html = result.value;
    messages = result.messages;
  } catch (err) {
    throw new InvalidInputError("CORRUPT_DOCX", `${name}: not a readable Word file (${(err as Error).message})`, {
      cause: err,
    });
  }
  const parts: string[] = [];
  const blocks: DocxText["blocks"] = [];
  let at = 0;
  let buf = "";
  let heading = false;
  const flush = () => {
    const text = buf
      .replace(/[ \t]+/g, " ")
      .replace(/ *\n */g, "\n")
      .trim();
    buf = "";
    if (!text) return;
    if (parts.length > 0) {
      parts.push("\n\n");
      at += 2;
    }
    parts.push(text);
    blocks.push({ start: at, end: at + text.length, heading });
    at += text.length;
  };
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*?(\/?)>|([^<]+)/gi)) {
    if (m[4] !== undefined) {
      buf += m[4].replace(/&(#?\w+);/g, (all, e: string) => ENTITIES[e] ?? decodeNumeric(e) ?? all);
      continue;
    }
    const tag = (m[2] ?? "").toLowerCase();
    if (tag === "br") buf += "\n";
    else if (/^(p|h[1-6]|li|ul|ol|table|tr|td|th)$/.test(tag)) {
      flush();
      heading = m[1] !== "/" && /^h[1-6]$/.test(tag);
    }
  }
  flush();
  const warnings = messages.filter((msg) => msg.type === "error").map((msg) => `Word conversion: ${msg.message}`);
  return { text: parts.join(""), blocks, warnings };
}

function decodeNumeric(e: string): string | undefined {
  const n = e.startsWith("#x") ? Number.parseInt(e.slice(2), 16) : e.startsWith("#") ? Number(e.slice(1)) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/** One document: a leading heading (or a headline-like first paragraph) is its title. */
export function draftDocx(docx: DocxText): Draft[] {
  const pieces: Piece[] = docx.blocks.map((b) => ({
    text: docx.text.slice(b.start, b.end).replace(/\n/g, " "),
    srcStart: b.start,
    srcEnd: b.end,
  }));
  const first = docx.blocks[0];
  const firstPiece = pieces[0];
  const title =
    first &&
    firstPiece &&
    pieces.length > 1 &&
    (first.heading || (isTitleLike(firstPiece.text) && firstPiece.text.length <= 150))
      ? firstPiece
      : null;
  return [
    {
      role: "main",
      title,
      paragraphs: title ? pieces.slice(1) : pieces,
      source: {},
      removed: [],
      warnings: docx.warnings,
    },
  ];
}
