import chardet from "chardet";
import iconv from "iconv-lite";

export interface Decoded {
  text: string;
  /** The charset the bytes were read as (lower case, as iconv-lite names it). */
  charset: string;
  /** How the charset was chosen. */
  via: "bom" | "meta" | "utf-8" | "detector" | "fallback";
  warnings: string[];
}

/** Share of U+FFFD in the decoded text above which the decoding is reported as suspect. */
const MAX_REPLACEMENT_SHARE = 0.001;

/**
 * Decodes the bytes of a text file: a byte-order mark wins, then a charset declared in HTML,
 * then valid UTF-8, then the statistical detector. The result never hides a bad guess: replacement
 * characters beyond a small share are reported in `warnings`.
 */
export function decodeBytes(bytes: Uint8Array, opts: { html?: boolean } = {}): Decoded {
  const bom = bomCharset(bytes);
  if (bom) return finish(bytes, bom, "bom");
  const utf8Valid = isUtf8(bytes);
  if (opts.html) {
    const declared = declaredCharset(bytes);
    if (declared === "utf-8" && !utf8Valid) {
      const guess = detectCharset(bytes) ?? "windows-1252";
      const d = finish(bytes, guess, "detector");
      d.warnings.unshift(`the page declares utf-8 but is not valid UTF-8; read as ${guess}`);
      return d;
    }
    if (declared && declared !== "utf-8" && utf8Valid && hasMultibyte(bytes)) {
      const d = finish(bytes, "utf-8", "utf-8");
      d.warnings.unshift(`the page declares ${declared} but its bytes are UTF-8; read as utf-8`);
      return d;
    }
    if (declared) return finish(bytes, declared, "meta");
  }
  if (utf8Valid) return finish(bytes, "utf-8", "utf-8");
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return finish(bytes, utf16, "detector");
  const guess = detectCharset(bytes);
  if (guess) return finish(bytes, guess, "detector");
  return finish(bytes, "windows-1252", "fallback");
}

function finish(bytes: Uint8Array, charset: string, via: Decoded["via"]): Decoded {
  const text = iconv.decode(bytes, charset, { stripBOM: true });
  const warnings: string[] = [];
  let bad = 0;
  for (let i = text.indexOf("\uFFFD"); i >= 0; i = text.indexOf("\uFFFD", i + 1)) bad++;
  if (bad > 0 && bad / Math.max(1, text.length) > MAX_REPLACEMENT_SHARE)
    warnings.push(
      `decoding as ${charset} (${via}) gave ${bad} replacement characters (${((100 * bad) / text.length).toFixed(2)}% of the text): the charset may be wrong`,
    );
  const mojibake = text.match(MOJIBAKE)?.length ?? 0;
  if (mojibake >= 3 && mojibake / Math.max(1, text.length) > MAX_REPLACEMENT_SHARE)
    warnings.push(`the text read as ${charset} looks like UTF-8 decoded twice (${mojibake} sequences such as "Ã©")`);
  return { text, charset, via, warnings };
}

/** UTF-8 read as windows-1252: "Ã©" for "é", "â€™" for "’". */
const MOJIBAKE = /[ÂÃ][\u00a0-\u00bf]|â€[\u2122\u0153\u009d\u02dc\u201c\u201d\u2019\u2018\u00a6]/g;

function hasMultibyte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] ?? 0) >= 0x80) return true;
  return false;
}

export function bomCharset(b: Uint8Array): string | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  if (b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  return null;
}

/** `<meta charset>` or `<meta http-equiv content="…; charset=…">` within the first bytes of an HTML page. */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  const m =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head);
  const name = m?.[1]?.toLowerCase();
  if (!name) return null;
  // as browsers do: a page labelled Latin-1 is read as its superset windows-1252
  const normal = name === "iso-8859-1" || name === "latin1" || name === "us-ascii" ? "windows-1252" : name;
  return iconv.encodingExists(normal) ? normal : null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** UTF-16 without a byte-order mark: text whose every other byte is mostly zero. */
export function utf16WithoutBom(bytes: Uint8Array): string | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero / pairs > 0.4 && evenZero / pairs < 0.05) return "utf-16le";
  if (evenZero / pairs > 0.4 && oddZero / pairs < 0.05) return "utf-16be";
  return null;
}

function detectCharset(bytes: Uint8Array): string | null {
  for (const match of chardet.analyse(bytes)) {
    let name = match.name.toLowerCase();
    if (name === "iso-8859-1" || name === "ascii") name = "windows-1252";
    if (name === "utf-8") continue; // already known not to be valid UTF-8
    if (iconv.encodingExists(name)) return name;
  }
  return null;
}
