import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { eld } from "eld/extrasmall";
import { LOWER, lowerOf, NO_LOWER } from "./lower.js";

/** A document's language: ISO 639-1 code ("und" when too little text), and how sure the identifier is (0..1). */
export interface Language {
  code: string;
  confidence: number;
}

const detector = eld;
/** Below this many characters (white space collapsed) a language is not worth guessing. */
const MIN_CHARS = 50;
const WINDOW = 1000;
/** White space that collapsing changes: two in a row, or one that is not a plain space. */
const UNPLAIN_SPACE = /\s\s|[^\S ]/;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The eld release whose detection `GramScorer` repeats (package.json pins it). */
const ELD_VERSION = "2.1.0";

interface EldFiles {
  ngrams: Record<string, Record<string, number>>;
  languages: Record<string, string>;
  dictionary: string[];
  separators: RegExp;
}

/**
 * eld's n-gram table, byte dictionary and word separator, read from its own files: its package exports only
 * the detector. Null (and eld itself asked) where the files are not found or are another release's.
 */
async function loadEldFiles(): Promise<EldFiles | null> {
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const root = join(dir, "node_modules", "eld");
      if (existsSync(join(root, "package.json"))) {
        const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string };
        if (pkg.version !== ELD_VERSION) return null;
        const load = (file: string) => import(pathToFileURL(join(root, "src", file)).href);
        const [data, dict, patterns] = await Promise.all([
          load("ngrams/extrasmall.js"),
          load("dictionary.js"),
          load("regexPatterns.js"),
        ]);
        return {
          ngrams: data.ngramsData.ngrams,
          languages: data.ngramsData.languages,
          dictionary: dict.dictionary,
          separators: patterns.separators,
        };
      }
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}

const eldFiles = await loadEldFiles();

/** A unit's kind for eld's separator: a letter, an apostrophe (kept where it ends a run of separators), or other. */
const LETTER = 1;
const APOSTROPHE = 2;
const OTHER = 3;
/** eld's score added to each n-gram's stored one (its table stores them less this). */
const BASE_NGRAM_SCORE = 53;
/** eld stops at the first space after this many bytes, and after any character past the second. */
const CUT_AFTER = 350;
const ENFORCE_CUT_AFTER = 380;
/** eld's longest word, in bytes, cut into n-grams (its last n-gram runs to the word's end). */
const MAX_WORD = 70;

/**
 * eld's `detect(text).getScores()` without its strings and objects: eld made a string a character, one an
 * n-gram and an object of them, and summed a table of objects with `for in` (a seventh of reading a page,
 * and a third of its garbage). The same steps over numbers, in eld's order: its separator replaced by a
 * space (an apostrophe that ends a run of separators kept), trimmed, lowered, UTF-8 bytes as eld's dictionary
 * spells them, cut where eld cuts, n-grams as eld takes them, each distinct n-gram's points summed (whole
 * numbers: the order does not change a sum). Texts it cannot read exactly go to eld (see `raw`).
 */
class GramScorer {
  readonly codes: string[];
  private readonly kinds = new Uint8Array(65536);
  private readonly separator: RegExp;
  private readonly dict = new Uint16Array(256);
  /** The n-grams (all of six bytes or fewer), packed in two numbers, in an open-addressing table. */
  private readonly mask: number;
  private readonly keyLo: Int32Array;
  /** The packed n-gram's last two bytes and its length (never 0: an empty slot). */
  private readonly keyHi: Int32Array;
  private readonly entry: Int32Array;
  /** Entry e's languages and points are `langs` and `points` from `start[e]` to `start[e + 1]`. */
  private readonly start: Int32Array;
  private readonly langs: Uint8Array;
  private readonly points: Int32Array;
  /** One text's distinct n-grams: a slot is taken when its stamp is the text's. */
  private readonly seenLo = new Int32Array(1024);
  private readonly seenHi = new Int32Array(1024);
  private readonly seenStamp = new Int32Array(1024);
  private stamp = 0;
  private longSeen = new Set<string>();
  private distinct = 0;
  /** The text's units after eld's separator, one word's bytes (as dictionary units), and the text's sums. */
  private readonly units = new Uint16Array(1024);
  private readonly word = new Uint16Array(ENFORCE_CUT_AFTER + 8);
  readonly sums: Float64Array;

  constructor(files: EldFiles) {
    const codes: string[] = [];
    for (const [i, code] of Object.entries(files.languages)) codes[Number(i)] = code;
    this.codes = codes;
    this.sums = new Float64Array(codes.length);
    // a letter is what eld's separator does not match; the apostrophes it keeps are told apart
    this.separator = new RegExp(files.separators.source, files.separators.flags.replace("g", ""));
    for (let b = 0; b < 256; b++) this.dict[b] = (files.dictionary[b] as string).charCodeAt(0);
    const keys = Object.keys(files.ngrams);
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.mask = size - 1;
    this.keyLo = new Int32Array(size);
    this.keyHi = new Int32Array(size);
    this.entry = new Int32Array(size);
    this.start = new Int32Array(keys.length + 1);
    let langs = new Uint8Array(keys.length * 2);
    let points = new Int32Array(keys.length * 2);
    let pairs = 0;
    for (let e = 0; e < keys.length; e++) {
      const key = keys[e] as string;
      if (key.length === 0 || key.length > 6) throw new Error(`eld n-gram of ${key.length} units`);
      for (let i = 0; i < key.length; i++) {
        const u = key.charCodeAt(i);
        if (u > 255) throw new Error("eld n-gram unit beyond a byte");
        GRAM[i] = u;
      }
      const lo = packLo(GRAM, 0, key.length);
      const hi = packHi(GRAM, 0, key.length);
      let at = hashKey(lo, hi) & this.mask;
      while (this.keyHi[at] !== 0) at = (at + 1) & this.mask;
      this.keyLo[at] = lo;
      this.keyHi[at] = hi;
      this.entry[at] = e;
      this.start[e] = pairs;
      const row = files.ngrams[key] as Record<string, number>;
      for (const lang in row) {
        if (pairs === langs.length) {
          const l = new Uint8Array(2 * pairs);
          l.set(langs);
          langs = l;
          const p = new Int32Array(2 * pairs);
          p.set(points);
          points = p;
        }
        langs[pairs] = Number(lang);
        points[pairs] = (row[lang] as number) + BASE_NGRAM_SCORE;
        pairs++;
      }
    }
    this.start[keys.length] = pairs;
    this.langs = langs;
    this.points = points;
  }

  /** Whether the scorer can stand for eld: its separator as this code reads it, each language and byte fitting a byte. */
  static fits(files: EldFiles): boolean {
    // the separator keeps an apostrophe that ends a run: these three, none of them a letter
    const { source, flags } = files.separators;
    if (!source.endsWith("(?<![\\x27\\x60\\u2019])") || !flags.includes("u")) return false;
    const separator = new RegExp(source, flags.replace("g", ""));
    for (const a of ["'", "`", "\u2019"]) if (separator.exec(`${a}.`)?.[0] !== `${a}.`) return false;
    if (Object.keys(files.languages).length > 256 || files.dictionary.length !== 256) return false;
    return files.dictionary.every((c) => c.length === 1 && c.charCodeAt(0) <= 255);
  }

  private kind(c: number): number {
    let k = this.kinds[c] as number;
    if (k === 0) {
      if (c === 0x27 || c === 0x60 || c === 0x2019) k = APOSTROPHE;
      else k = this.separator.test(String.fromCharCode(c)) ? OTHER : LETTER;
      this.kinds[c] = k;
    }
    return k;
  }

  /**
   * eld's raw sums of `text.slice(from, to)` (at most 1,000 units) into `sums`, by language index; returns the
   * number of distinct n-grams, or -1 where eld must read it: a letter whose lower case is not one unit of
   * its own (İ, Σ), or a surrogate.
   */
  raw(text: string, from: number, to: number): number {
    this.sums.fill(0);
    this.distinct = 0;
    this.stamp++;
    if (this.longSeen.size > 0) this.longSeen = new Set();
    // eld's separator: each run of units that are not letters one space, but for the apostrophes that end
    // it; trimmed (no space before the first unit). Read no further than eld's cut can reach (a unit a byte at least).
    const units = this.units;
    let n = 0;
    let i = from;
    const end = Math.min(to, from + 1000);
    while (i < end && n <= ENFORCE_CUT_AFTER) {
      const c = text.charCodeAt(i);
      if (this.kind(c) === LETTER) {
        units[n++] = c;
        i++;
        continue;
      }
      let e = i;
      let lastOther = -1;
      while (e < end) {
        const k = this.kind(text.charCodeAt(e));
        if (k === LETTER) break;
        if (k === OTHER) lastOther = e;
        e++;
      }
      let kept = i;
      if (lastOther >= 0) {
        if (n > 0) units[n++] = 32;
        kept = lastOther + 1;
      }
      for (let q = kept; q < e; q++) units[n++] = text.charCodeAt(q);
      i = e;
    }
    // lowered, as UTF-8 bytes in eld's dictionary, cut into words at spaces, and cut where eld cuts
    const word = this.word;
    const dict = this.dict;
    let w = 0;
    let count = 0;
    for (let q = 0; q < n; q++) {
      let l = units[q] as number;
      if (l >= 65 && l <= 90) l += 32;
      else if (l >= 128) {
        l = (LOWER[l] as number) || lowerOf(l);
        if (l === NO_LOWER) return -1;
      }
      if (l < 0x80) {
        if (l === 32) {
          if (w > 0) {
            this.grams(w);
            w = 0;
          }
          if (count > CUT_AFTER) return this.distinct;
        } else word[w++] = l;
        count++;
      } else if (l < 0x800) {
        word[w++] = dict[0xc0 | (l >> 6)] as number;
        word[w++] = dict[0x80 | (l & 0x3f)] as number;
        count += 2;
      } else if (l < 0xd800 || l >= 0xe000) {
        word[w++] = dict[0xe0 | (l >> 12)] as number;
        word[w++] = dict[0x80 | ((l >> 6) & 0x3f)] as number;
        word[w++] = dict[0x80 | (l & 0x3f)] as number;
        count += 3;
      } else return -1;
      if (count > ENFORCE_CUT_AFTER) break;
    }
    if (w > 0) this.grams(w);
    return this.distinct;
  }

  /** A word's n-grams as eld takes them: four bytes in steps of three (the first after a space), and the end. */
  private grams(len: number): void {
    const cut = Math.min(MAX_WORD, len);
    let j = 0;
    for (; j + 4 < cut; j += 3) this.gram(j === 0, j, j + 4, false);
    this.gram(j === 0, Math.max(0, cut - 4), len, true);
  }

  private gram(lead: boolean, from: number, to: number, trail: boolean): void {
    const units = GRAM;
    let n = 0;
    if (lead) units[n++] = 32;
    if (to - from + n + (trail ? 1 : 0) > 6) {
      // longer than any in the table: only counted
      let s = lead ? " " : "";
      for (let k = from; k < to; k++) s += String.fromCharCode(this.word[k] as number);
      if (trail) s += " ";
      if (!this.longSeen.has(s)) {
        this.longSeen.add(s);
        this.distinct++;
      }
      return;
    }
    for (let k = from; k < to; k++) units[n++] = this.word[k] as number;
    if (trail) units[n++] = 32;
    const lo = packLo(units, 0, n);
    const hi = packHi(units, 0, n);
    const h = hashKey(lo, hi);
    let at = h & 1023;
    for (;;) {
      if (this.seenStamp[at] !== this.stamp) break;
      if (this.seenLo[at] === lo && this.seenHi[at] === hi) return;
      at = (at + 1) & 1023;
    }
    this.seenStamp[at] = this.stamp;
    this.seenLo[at] = lo;
    this.seenHi[at] = hi;
    this.distinct++;
    at = h & this.mask;
    for (;;) {
      const k = this.keyHi[at] as number;
      if (k === 0) return;
      if (k === hi && this.keyLo[at] === lo) break;
      at = (at + 1) & this.mask;
    }
    const e = this.entry[at] as number;
    const sums = this.sums;
    for (let p = this.start[e] as number; p < (this.start[e + 1] as number); p++) {
      const lang = this.langs[p] as number;
      sums[lang] = (sums[lang] as number) + (this.points[p] as number);
    }
  }
}

const GRAM: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
/** Up to six byte units packed: the first four, then the last two and the length. */
const packLo = (u: number[], from: number, to: number): number => {
  let lo = 0;
  for (let k = 0; k < 4 && from + k < to; k++) lo |= (u[from + k] as number) << (8 * k);
  return lo;
};
const packHi = (u: number[], from: number, to: number): number => {
  let hi = (to - from) << 16;
  for (let k = 4; k < 6 && from + k < to; k++) hi |= (u[from + k] as number) << (8 * (k - 4));
  return hi;
};
const hashKey = (lo: number, hi: number): number => {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
};

/** Whether windows are scored by `GramScorer` (eld's files found and read), not by eld itself. */
export function gramScorerInUse(): boolean {
  return gramScorer() !== null;
}

/** Built on first use (tens of ms): a process that reads no page does not pay for it. */
let scorer: GramScorer | null | undefined;
function gramScorer(): GramScorer | null {
  if (scorer === undefined) {
    try {
      scorer = eldFiles && GramScorer.fits(eldFiles) ? new GramScorer(eldFiles) : null;
    } catch {
      scorer = null;
    }
  }
  return scorer;
}

/** One window's scores as eld's `detect(t.slice(from, to)).getScores()` gives them (eld itself asked where the scorer cannot read the text). */
export function windowScores(t: string, from: number, to: number): Record<string, number> {
  const scorer = gramScorer();
  if (scorer) {
    const count = scorer.raw(t, from, to);
    if (count >= 0) {
      const scores: Record<string, number> = {};
      const { sums, codes } = scorer;
      for (let l = 0; l < sums.length; l++) {
        const r = sums[l] as number;
        if (r <= 0) continue;
        // eld's scale: the mean points an n-gram, s / (s + 25)
        const s = r / count;
        scores[codes[l] as string] = s / (s + 25);
      }
      return scores;
    }
  }
  return detector.detect(t.slice(from, to)).getScores();
}

/**
 * The language of a text by eld (n-gram scores). eld reads only the first 1,000 characters of what it
 * is given, so up to five windows spread over the text are scored and averaged: a page's menus at the
 * top do not decide alone.
 */
export function identifyLanguage(text: string, maxWindows = 5): Language {
  // white space collapsed in a bounded head and tail: a long text is sampled, not copied whole
  const raw = text.length > 40_000 ? `${text.slice(0, 20_000)} ${text.slice(-20_000)}` : text;
  // most texts have no white space to collapse: the test makes no string, the replace made a dozen
  const t = UNPLAIN_SPACE.test(raw) ? raw.replace(/\s+/g, " ").trim() : raw.trim();
  if (t.length < MIN_CHARS) return { code: "und", confidence: 0 };
  const n = Math.max(1, Math.min(maxWindows, Math.ceil(t.length / WINDOW)));
  const step = n > 1 ? (t.length - WINDOW) / (n - 1) : 0;
  // one window (the reader's sample): its scores are the sums, taken as they come (s / 1 is s)
  let scores: Record<string, number>;
  if (n === 1) scores = windowScores(t, 0, Math.min(t.length, WINDOW));
  else {
    scores = {};
    for (let i = 0; i < n; i++) {
      const from = Math.round(i * step);
      for (const [code, s] of Object.entries(windowScores(t, from, Math.min(t.length, from + WINDOW))))
        scores[code] = (scores[code] ?? 0) + s / n;
    }
  }
  // the best two, higher score first, the earlier code of two as high: a scan, not a sort of all
  let first: string | undefined;
  let second: string | undefined;
  const above = (a: string, b: string | undefined) =>
    b === undefined || (scores[a] as number) > (scores[b] as number) || (scores[a] === scores[b] && a < b);
  for (const code in scores) {
    if (above(code, first)) {
      second = first;
      first = code;
    } else if (above(code, second)) second = code;
  }
  if (first === undefined) return { code: "und", confidence: 0 };
  const best = scores[first] as number;
  const next = second === undefined ? 0 : (scores[second] as number);
  // eld's scores cluster between 0.7 and 0.85: the margin over the runner-up says more than the score
  const confidence = clamp01((best - 0.6) / 0.2) * clamp01((best - next) / 0.15);
  return { code: first, confidence: Math.round(confidence * 1000) / 1000 };
}
