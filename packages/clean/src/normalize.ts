import type { Edit } from "./edits.js";

export interface NormalizeOptions {
  /**
   * Curly quotes → straight, dashes → "-". The original characters stay reachable through the
   * source map (each replacement is one character for one).
   * @default false
   */
  punctuation?: boolean;
}

/** One normalisation pass: text → edits in that text's offsets. Passes run in order, each on the previous one's output. */
export type NormalizePass = (text: string) => Edit[];

/** windows-1252 bytes 0x80–0x9F as decoded characters (0x81, 0x8D, 0x8F, 0x90, 0x9D decode to the C1 control itself). */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
const BYTE_OF = new Map<string, number>();
for (let i = 0; i < 32; i++) BYTE_OF.set(CP1252_HIGH[i] as string, 0x80 + i);
// UTF-8 read as ISO-8859-1 leaves C1 controls where windows-1252 has punctuation
for (let b = 0x80; b <= 0x9f; b++) if (!BYTE_OF.has(String.fromCharCode(b))) BYTE_OF.set(String.fromCharCode(b), b);
for (let b = 0xa0; b <= 0xff; b++) BYTE_OF.set(String.fromCharCode(b), b);

const CONT = `[${CP1252_HIGH}\\u0080-\\u00BF]`;
/** A UTF-8 lead byte and its continuation bytes, each read as a windows-1252 character. */
const MOJIBAKE = new RegExp(`[\\u00C2-\\u00DF]${CONT}|[\\u00E0-\\u00EF]${CONT}{2}|[\\u00F0-\\u00F4]${CONT}{3}`, "g");
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 that was decoded as windows-1252 or ISO-8859-1 ("â€™" → "’"), repaired where the bytes form valid UTF-8. */
export const repairMojibake: NormalizePass = (text) => {
  const edits: Edit[] = [];
  for (const m of text.matchAll(MOJIBAKE)) {
    const bytes = Uint8Array.from([...m[0]].map((c) => BYTE_OF.get(c) ?? 0));
    let decoded: string;
    try {
      decoded = UTF8.decode(bytes);
    } catch {
      continue;
    }
    edits.push({ start: m.index, end: m.index + m[0].length, text: decoded });
  }
  return edits;
};

/** Zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator, stray C0/C1 controls. */
const INVISIBLE = /(?:[\u200B\u2060\uFEFF\u00AD\u180E]|[^\P{Cc}\t\n\r\f\v])+/gu;

/** Removes invisible characters (ZWJ/ZWNJ and bidi marks stay: some scripts need them). */
export const removeInvisible: NormalizePass = (text) =>
  [...text.matchAll(INVISIBLE)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: "" }));

/** A character outside Latin-1 and its combining marks, or any character with combining marks. */
const NFC_UNIT = /[^\p{ASCII}\u00A0-\u00FF]\p{M}*|[\p{ASCII}\u00A0-\u00FF]\p{M}+/gu;

/** Unicode NFC, edited per character cluster so offsets stay exact elsewhere. */
export const composeNfc: NormalizePass = (text) => {
  if (text.normalize("NFC") === text) return [];
  const edits: Edit[] = [];
  for (const m of text.matchAll(NFC_UNIT)) {
    const n = m[0].normalize("NFC");
    if (n !== m[0]) edits.push({ start: m.index, end: m.index + m[0].length, text: n });
  }
  return edits;
};

const PUNCT: Record<string, string> = {
  "‘": "'",
  "’": "'",
  "‚": "'",
  "‛": "'",
  "“": '"',
  "”": '"',
  "„": '"',
  "‟": '"',
  "‐": "-",
  "‑": "-",
  "‒": "-",
  "–": "-",
  "—": "-",
  "―": "-",
};
const PUNCT_RE = /[‘’‚‛“”„‟‐‑‒–—―]/g;

/** Curly quotes to straight ones, dashes to hyphen-minus, one character for one. */
export const straightenPunctuation: NormalizePass = (text) =>
  [...text.matchAll(PUNCT_RE)].map((m) => ({ start: m.index, end: m.index + 1, text: PUNCT[m[0]] ?? m[0] }));

/** "…the end of it.Next sentence": a sentence end glued to a capitalised word at a lost line break. */
const GLUED = /(?<![\p{L}\p{N}.@/:_-])(\p{L}*\p{Ll}{2})([.!?])(\p{Lu}\p{Ll}+)(?![\p{L}\p{N}.@/_-])/gu;

/**
 * Inserts the lost space only where it is clear: a lower-case word, sentence punctuation, then a
 * capitalised word, with no URL, e-mail or abbreviation shape around. Camel-case joins
 * ("AntonovWriting") stay: names like "McDonald" or "iPhone" look the same.
 */
const GLUED_HINT = /\p{Ll}[.!?]\p{Lu}/u;

export const splitGluedSentences: NormalizePass = (text) =>
  !GLUED_HINT.test(text)
    ? []
    : [...text.matchAll(GLUED)].map((m) => {
        const at = m.index + (m[1] ?? "").length + 1;
        return { start: at, end: at, text: " " };
      });

/** Tabs, no-break and other Unicode spaces, CR and line separators become one plain space or "\n". */
const SPACES =
  /\r\n?|[\u2028\u2029]|[ \t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]{2,}|[\t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

export const canonicalSpaces: NormalizePass = (text) => {
  const edits: Edit[] = [];
  for (const m of text.matchAll(SPACES)) {
    const s = m[0];
    const t = s.startsWith("\r") || s === "\u2028" || s === "\u2029" ? "\n" : " ";
    if (t !== s) edits.push({ start: m.index, end: m.index + s.length, text: t });
  }
  return edits;
};

/** Spaces at line ends go, three or more line breaks become a blank line, the text is trimmed. */
export const tidyLines: NormalizePass = (text) => {
  const edits: Edit[] = [];
  for (const m of text.matchAll(/^\s+|\s+$| *\n[ \n]*/g)) {
    const s = m[0];
    const atEdge = m.index === 0 || m.index + s.length === text.length;
    const breaks = (s.match(/\n/g) ?? []).length;
    const t = atEdge ? "" : breaks >= 2 ? "\n\n" : "\n";
    if (t !== s) edits.push({ start: m.index, end: m.index + s.length, text: t });
  }
  return edits;
};

/** The passes in the order they run. */
export function normalizePasses(opts: NormalizeOptions = {}): NormalizePass[] {
  return [
    repairMojibake,
    removeInvisible,
    composeNfc,
    ...(opts.punctuation ? [straightenPunctuation] : []),
    splitGluedSentences,
    canonicalSpaces,
    tidyLines,
  ];
}

/** Normalises a string the way the cleaner does (for comparisons; the cleaner itself keeps offsets). */
export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  let out = text;
  for (const pass of normalizePasses(opts)) {
    const edits = pass(out).sort((a, b) => a.start - b.start);
    let res = "";
    let pos = 0;
    for (const e of edits) {
      if (e.start < pos) continue;
      res += out.slice(pos, e.start) + e.text;
      pos = e.end;
    }
    out = res + out.slice(pos);
  }
  return out;
}
