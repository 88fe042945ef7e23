import { InvalidInputError } from "@sift/contracts";
import { isTitleLike } from "@sift/page";
import mammoth from "mammoth";
import yauzl from "yauzl";
import type { Draft, Piece } from "./draft.js";
import { DEFAULT_LIMITS, LimitExceededError, type SegmentLimits } from "./limits.js";

export interface DocxText {
  /** The extracted text of the file: one block (paragraph, heading, list item, cell) per paragraph, blank lines between. */
  text: string;
  blocks: Array<{ start: number; end: number; heading: boolean }>;
  warnings: string[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

/** Paragraphs of a Word file, through mammoth's HTML (which keeps headings and list items apart). */
export async function extractDocxText(
  bytes: Uint8Array,
  name: string,
  limits: Pick<SegmentLimits, "maxInflatedBytes" | "maxZipEntries" | "maxTextChars"> = DEFAULT_LIMITS,
): Promise<DocxText> {
  // mammoth inflates whole parts in memory, outside any heap limit: the sizes are checked first, while streaming
  await checkZip(bytes, name, limits);
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      {
        styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"],
        externalFileAccess: false,
        // text only: images are never read, so their bytes are never inflated
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
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
  if (at > limits.maxTextChars)
    throw new LimitExceededError(
      "TEXT_TOO_LONG",
      `${name}: ${at} characters of text, over the limit of ${limits.maxTextChars} (SIFT_MAX_TEXT_CHARS)`,
    );
  const warnings = messages.filter((msg) => msg.type === "error").map((msg) => `Word conversion: ${msg.message}`);
  return { text: parts.join(""), blocks, warnings };
}

/** The parts a reader inflates: XML and relationships (images and embedded files are never read). */
const READ_PART = /\.(xml|rels)$/i;

/**
 * Checks a zip container against the limits before anything inflates it whole: the number of entries,
 * then the sizes its parts declare, then the bytes they really inflate to, counted while streaming
 * (a part that inflates past what it declares, or past the limit, stops the check at once).
 */
export async function checkZip(
  bytes: Uint8Array,
  name: string,
  limits: Pick<SegmentLimits, "maxInflatedBytes" | "maxZipEntries">,
): Promise<void> {
  const max = limits.maxInflatedBytes;
  const corrupt = (err: unknown) =>
    new InvalidInputError("CORRUPT_DOCX", `${name}: not a readable Word file (${(err as Error).message})`, {
      cause: err,
    });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (err, zf) => (err || !zf ? reject(corrupt(err)) : resolve(zf)),
    ),
  );
  try {
    if (zip.entryCount > limits.maxZipEntries)
      throw new LimitExceededError(
        "ZIP_TOO_MANY_ENTRIES",
        `${name}: ${zip.entryCount} entries in the zip, over the limit of ${limits.maxZipEntries}`,
      );
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (e: yauzl.Entry) => {
        if (READ_PART.test(e.fileName)) entries.push(e);
        zip.readEntry();
      });
      zip.once("end", () => resolve());
      zip.once("error", (err) => reject(corrupt(err)));
      zip.readEntry();
    });
    const declared = entries.reduce((n, e) => n + e.uncompressedSize, 0);
    if (declared > max)
      throw new LimitExceededError(
        "ZIP_TOO_LARGE",
        `${name}: its parts declare ${declared} bytes inflated, over the limit of ${max} (SIFT_MAX_INFLATED_BYTES)`,
      );
    let total = 0;
    for (const e of entries) {
      total += await inflatedSize(zip, e, max - total, name, corrupt);
    }
  } finally {
    zip.close();
  }
}

/** Streams one entry through inflate, counting bytes; stops as soon as it passes `room` or its declared size. */
function inflatedSize(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  room: number,
  name: string,
  corrupt: (err: unknown) => Error,
): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(corrupt(err));
      let n = 0;
      stream.on("data", (chunk: Buffer) => {
        n += chunk.length;
        if (n > room) {
          stream.destroy();
          reject(
            new LimitExceededError(
              "ZIP_TOO_LARGE",
              `${name}: ${entry.fileName} inflates past the limit of SIFT_MAX_INFLATED_BYTES for all parts`,
            ),
          );
        }
      });
      stream.once("error", (e) =>
        reject(
          /too many bytes/.test(e.message)
            ? new LimitExceededError(
                "ZIP_TOO_LARGE",
                `${name}: ${entry.fileName} inflates to more than the ${entry.uncompressedSize} bytes it declares`,
              )
            : corrupt(e),
        ),
      );
      stream.once("end", () => resolve(n));
    });
  });
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
