import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { LOWER, lowerOf, NO_LOWER } from "./lower.js";

/** A document's language: ISO 639-1 code ("und" when too little text), and how sure the identifier is (0..1). */
export interface Language {
  code: string;
  confidence: number;
}

/** Below this many characters (white space collapsed) a language is not worth guessing. */
const MIN_CHARS = 50;
const WINDOW = 1000;
/** White space that collapsing changes: two in a row, or one that is not a plain space. */
const UNPLAIN_SPACE = /\s\s|[^\S ]/;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The eld release whose detection `GramScorer` repeats (package.json pins it). */
const ELD_VERSION = "2.1.0";

/** eld's n-gram table flattened (entry e's key is `keys` from `keyAt[e]` to `keyAt[e + 1]`), its byte dictionary and word separator. */
interface EldFiles {
  keys: string;
  keyAt: Int32Array;
  /** Entry e's languages and points (as eld stores them) are `langs` and `points` from `pairAt[e]` to `pairAt[e + 1]`. */
  pairAt: Int32Array;
  langs: Uint8Array;
  points: Int32Array;
  languages: Record<string, string>;
  dictionary: string[];
  separators: { source: string; flags: string };
}

/** eld's package directory, found up the node_modules of this file (its package exports only the detector). */
function eldRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const root = join(dir, "node_modules", "eld");
    if (existsSync(join(root, "package.json"))) return root;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Flattens eld's files in a thread of its own. eld keeps its table as a module of object literals (49,553
 * n-grams): evaluated here it would hold ~30 MB of objects and ~80 MB of resident memory in every process
 * that reads a page, for the life of the process; the thread's heap is given back when it ends.
 */
const FLATTEN = `
const { parentPort, workerData } = require("node:worker_threads");
Promise.all(workerData.map((url) => import(url))).then(([data, dict, patterns]) => {
  const ngrams = data.ngramsData.ngrams;
  const keys = Object.keys(ngrams);
  const keyAt = new Int32Array(keys.length + 1);
  const pairAt = new Int32Array(keys.length + 1);
  const langs = [];
  const points = [];
  keys.forEach((key, e) => {
    keyAt[e + 1] = keyAt[e] + key.length;
    const row = ngrams[key];
    for (const lang in row) {
      langs.push(Number(lang));
      points.push(row[lang]);
    }
    pairAt[e + 1] = langs.length;
  });
  const out = {
    keys: keys.join(""), keyAt, pairAt, langs: Uint8Array.from(langs), points: Int32Array.from(points),
    languages: data.ngramsData.languages, dictionary: dict.dictionary,
    separators: { source: patterns.separators.source, flags: patterns.separators.flags },
  };
  parentPort.postMessage(out, [keyAt.buffer, pairAt.buffer, out.langs.buffer, out.points.buffer]);
});`;

/** eld's files as `GramScorer` reads them; null (and eld itself asked) where they are not found or are another release's. */
async function loadEldFiles(root: string | null): Promise<EldFiles | null> {
  try {
    if (!root) return null;
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string };
    if (pkg.version !== ELD_VERSION) return null;
    const files = ["ngrams/extrasmall.js", "dictionary.js", "regexPatterns.js"].map(
      (f) => pathToFileURL(join(root, "src", f)).href,
    );
    const worker = new Worker(FLATTEN, { eval: true, workerData: files });
    try {
      return await new Promise<EldFiles>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`eld's files were not read (thread exit ${code})`)));
      });
    } finally {
      void worker.terminate();
    }
  } catch {
    return null;
  }
}

const root = eldRoot();
const eldFiles = await loadEldFiles(root);

/** eld's detector, for the texts `GramScorer` cannot read exactly: loaded on the first (most processes never need it). */
type Detector = { detect(text: string): { getScores(): Record<string, number> } };
// eld found by its package name where its directory was not (its exports name no entry for require)
let detector: Detector | undefined = root ? undefined : ((await import("eld/extrasmall")).eld as Detector);
function eld(): Detector {
  // an ES module required (Node ≥ 20.19): it loads synchronously, where a window first asks for it
  detector ??= (
    createRequire(import.meta.url)(join(root as string, "src", "entries", "static.extrasmall.js")) as { eld: Detector }
  ).eld;
  return detector;
}

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
    const { keys, keyAt } = files;
    const count = keyAt.length - 1;
    let size = 16;
    while (size < count * 2) size *= 2;
    this.mask = size - 1;
    this.keyLo = new Int32Array(size);
    this.keyHi = new Int32Array(size);
    this.entry = new Int32Array(size);
    for (let e = 0; e < count; e++) {
      const from = keyAt[e] as number;
      const length = (keyAt[e + 1] as number) - from;
      if (length === 0 || length > 6) throw new Error(`eld n-gram of ${length} units`);
      for (let i = 0; i < length; i++) {
        const u = keys.charCodeAt(from + i);
        if (u > 255) throw new Error("eld n-gram unit beyond a byte");
        GRAM[i] = u;
      }
      const lo = packLo(GRAM, 0, length);
      const hi = packHi(GRAM, 0, length);
      let at = hashKey(lo, hi) & this.mask;
      while (this.keyHi[at] !== 0) at = (at + 1) & this.mask;
      this.keyLo[at] = lo;
      this.keyHi[at] = hi;
      this.entry[at] = e;
    }
    this.start = files.pairAt;
    this.langs = files.langs;
    this.points = files.points;
    for (let k = 0; k < this.points.length; k++) this.points[k] = (this.points[k] as number) + BASE_NGRAM_SCORE;
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
  return eld().detect(t.slice(from, to)).getScores();
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
