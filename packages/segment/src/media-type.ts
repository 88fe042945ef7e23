export const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * Media types read in linear time from the bytes alone, with nothing to inflate: a small file of one of them may be
 * read without a worker (PDF and Word files are containers: always a worker).
 */
const INLINE_MEDIA_TYPES: ReadonlySet<string> = new Set(["text/plain", "text/markdown", "text/html"]);

/** Whether a file of this size and type is read in the process itself (`maxBytes`: WORK_INLINE_MAX_BYTES). */
export function readsInline(size: number, mediaType: string, maxBytes: number): boolean {
  return size <= maxBytes && INLINE_MEDIA_TYPES.has(mediaType);
}

/** Media type from the first bytes, falling back on the extension for formats that share a container. */
export function sniffMediaType(bytes: Uint8Array, name: string): string {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";
  const head = Buffer.from(bytes.subarray(0, 512)).toString("latin1");
  if (head.startsWith("%PDF-")) return "application/pdf";
  if (head.startsWith("PK\u0003\u0004")) {
    if (ext === "docx" || zipHolds(bytes, "word/document.xml")) return DOCX;
    if (zipHolds(bytes, "ppt/presentation.xml"))
      return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    if (zipHolds(bytes, "xl/workbook.xml")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (ext === "epub" || zipHolds(bytes, "application/epub+zip")) return "application/epub+zip";
    if (ext === "odt") return "application/vnd.oasis.opendocument.text";
    return "application/zip";
  }
  const magic = magicType(bytes, head);
  if (magic) return magic;
  if (bytes.length > 0 && looksBinary(bytes)) return "application/octet-stream";
  const lower = stripBomLatin1(head).trimStart().toLowerCase();
  if (
    /^<(?:!doctype html|html|head|body|meta|title|!--)/.test(lower) ||
    ext === "html" ||
    ext === "htm" ||
    ext === "xhtml"
  )
    return "text/html";
  if (ext === "md" || ext === "markdown" || ext === "mdown" || ext === "mkd") return "text/markdown";
  return "text/plain";
}

/** The media types segmentFile reads, their aliases folded. */
export function normaliseMediaType(mediaType: string): string {
  const t = mediaType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (t === "text/x-markdown") return "text/markdown";
  if (t === "application/xhtml+xml") return "text/html";
  return t;
}

function stripBomLatin1(s: string): string {
  return s.replace(/^\u00EF\u00BB\u00BF|^\u00FF\u00FE|^\u00FE\u00FF/, "").replaceAll(String.fromCharCode(0), "");
}

function magicType(b: Uint8Array, head: string): string | null {
  if (b[0] === 0x89 && head.startsWith("PNG", 1)) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (head.startsWith("GIF8")) return "image/gif";
  if (head.startsWith("RIFF") && head.startsWith("WEBP", 8)) return "image/webp";
  if (b[0] === 0x1f && b[1] === 0x8b) return "application/gzip";
  if (head.startsWith("{\\rtf")) return "application/rtf";
  if (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) return "application/x-ole-storage";
  return null;
}

/** Whether a zip's file names include `entry` (names are stored uncompressed in the headers). */
function zipHolds(bytes: Uint8Array, entry: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(entry, 0, "latin1");
}

/**
 * Whether bytes are binary rather than text. A text with a few stray control bytes (NULs from a bad export
 * or a scraper) is still text; binary formats are full of them, and noise has one in ten.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  // UTF-16 text is full of NULs, so a BOM wins
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
  const n = Math.min(bytes.length, 8192);
  if (n === 0) return false;
  let control = 0;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) {
      if (i % 2 === 0) evenZero++;
      else oddZero++;
    } else if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  // UTF-16 without a BOM: zeros on one side only
  const pairs = n / 2;
  if ((oddZero > 0.4 * pairs && evenZero < 0.05 * pairs) || (evenZero > 0.4 * pairs && oddZero < 0.05 * pairs))
    return false;
  // a few stray bytes are allowed even in a short file
  const zeros = evenZero + oddZero;
  return zeros > Math.max(8, 0.01 * n) || zeros + control > Math.max(8, 0.05 * n);
}
