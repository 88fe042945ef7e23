import { createHash } from "node:crypto";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** Parses JSON bytes; undefined when they are not JSON. */
export const safeJson = (data: Uint8Array): unknown => {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
};

/** Names longer than this (UTF-8 bytes) are shortened, leaving room for what Sift appends (`-<file id>`, `.error.json`, a temp suffix) within the usual 255-byte limit. */
export const MAX_NAME_BYTES = 150;

/**
 * A file name made safe to use as one path segment: no separators, no control characters, and no longer
 * than `maxBytes` — a longer name keeps its start and its extension, and a hash of the part cut out
 * tells it apart ("a-very-long-…-name.txt" → "a-very-long-~3f9a1c2b7d.txt").
 */
export function safeFileName(name: string, maxBytes = MAX_NAME_BYTES): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced
  const cleaned = name.replace(/[/\\\u0000-\u001f\u007f]/g, "_").trim();
  if (cleaned === "" || cleaned === "." || cleaned === "..") return `_${cleaned}`;
  return fitName(cleaned, maxBytes);
}

function fitName(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const ext = /\.[A-Za-z0-9]{1,16}$/.exec(name)?.[0] ?? "";
  const stem = name.slice(0, name.length - ext.length);
  const start = utf8Prefix(stem, Math.max(1, maxBytes - utf8Length(ext) - 11));
  const hash = createHash("sha256").update(stem.slice(start.length)).digest("hex").slice(0, 10);
  return `${start}~${hash}${ext}`;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** The longest start of `s` within `maxBytes` of UTF-8 that does not split a character. */
function utf8Prefix(s: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.slice(0, i);
}
