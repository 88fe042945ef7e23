import { LOWER, lowerOf, NO_LOWER } from "./lower.js";

/** Text that NFC could change or whose spaces are not plain: it goes the general way. */
const NEEDS_GENERAL =
  /[\u0300-\u036f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\uac00-\ud7af\u1100-\u11ff]|[\u{10000}-\u{10ffff}]/u;

/** The key a line is remembered under across pages: case, spacing and digits folded, hashed (safe as a KV key token). */
export function lineKey(text: string): string {
  lineKeyHalves(text);
  return keyName(KEY[0] as number, KEY[1] as number);
}

/**
 * The two 32-bit halves of a line's key, into `KEY` (the key is `keyName` of them): a reader tells a page's
 * keys apart by these and names each distinct one once, where a Set hashed a string a line.
 */
export const KEY = new Int32Array(2);

export function lineKeyHalves(text: string): void {
  if (buffer.length < text.length) buffer = new Uint16Array(text.length * 2);
  // most lines (all plain ASCII chrome, most Cyrillic or accented Latin) lower unit by unit: folded into a buffer and hashed from it, with no string made
  const n = foldLowerCodes(text, buffer);
  if (beyondAscii && NEEDS_GENERAL.test(text)) hashString(foldAny(text));
  else if (n >= 0) hashCodes(buffer, n);
  else hashString(foldAscii(text));
}

/** A key by its halves: sixteen hex digits. */
export function keyName(h1: number, h2: number): string {
  return hex16(h1, h2);
}

function hashString(folded: string): void {
  if (buffer.length < folded.length) buffer = new Uint16Array(folded.length * 2);
  for (let i = 0; i < folded.length; i++) buffer[i] = folded.charCodeAt(i);
  hashCodes(buffer, folded.length);
}

let buffer = new Uint16Array(256);

/** Two 32-bit FNV-1a-style hashes with different offsets: 64 bits, plenty for lines of one source. */
function hashCodes(codes: Uint16Array, length: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ length;
  for (let i = 0; i < length; i++) {
    const c = codes[i] as number;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  KEY[0] = h1;
  KEY[1] = h2;
}

/** Whether the last `foldLowerCodes` met a unit beyond ASCII (only such text can need the general way). */
let beyondAscii = false;

/**
 * `foldAscii` of text into `out` (as long as the text), lowering unit by unit, returning the folded length;
 * -1 (and `out` spoilt) where a unit does not lower on its own, and the whole string must be lowered.
 */
function foldLowerCodes(text: string, out: Uint16Array): number {
  beyondAscii = false;
  let n = 0;
  let space = false;
  let digit = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      space = n > 0;
      digit = false;
      continue;
    }
    if (space) {
      out[n++] = 32;
      space = false;
    }
    if (c >= 48 && c <= 57) {
      if (!digit) out[n++] = 48;
      digit = true;
      continue;
    }
    digit = false;
    if (c >= 65 && c <= 90) c += 32;
    else if (c > 127) {
      beyondAscii = true;
      c = (LOWER[c] as number) || lowerOf(c);
      if (c === NO_LOWER) return -1;
    }
    out[n++] = c;
  }
  return n;
}

/** Lower-case hex digits' code units. */
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const hex = (x: number) => HEX[x & 15] as number;

/** Two 32-bit numbers as sixteen hex digits, made as one string. */
function hex16(a: number, b: number): string {
  return String.fromCharCode(
    hex(a >>> 28),
    hex(a >>> 24),
    hex(a >>> 20),
    hex(a >>> 16),
    hex(a >>> 12),
    hex(a >>> 8),
    hex(a >>> 4),
    hex(a),
    hex(b >>> 28),
    hex(b >>> 24),
    hex(b >>> 20),
    hex(b >>> 16),
    hex(b >>> 12),
    hex(b >>> 8),
    hex(b >>> 4),
    hex(b),
  );
}

export function foldAny(text: string): string {
  return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").replace(/\d+/g, "0").trim();
}

/** The same folding as `foldAny` for text already in NFC with plain spaces, without building intermediate strings. */
export function foldAscii(text: string): string {
  const codes: number[] = [];
  let space = false;
  let digit = false;
  let other = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      space = codes.length > 0;
      digit = false;
      continue;
    }
    if (space) {
      codes.push(32);
      space = false;
    }
    if (c >= 48 && c <= 57) {
      if (!digit) codes.push(48);
      digit = true;
      continue;
    }
    digit = false;
    if (c >= 65 && c <= 90) c += 32;
    else if (c > 127) other = true;
    codes.push(c);
  }
  const out = String.fromCharCode(...codes);
  // letters beyond ASCII are lowered as a whole: their lower case may be longer (İ)
  return other ? out.toLowerCase() : out;
}
