import type { Block } from "./lines.js";
import { LOWER, lowerOf, NO_LOWER } from "./lower.js";

/** What a block looks like, measured once: the model's features are built from these. */
export interface Shape {
  chars: number;
  words: number;
  stops: number;
  /** Words that start with a capital letter. */
  capitalised: number;
  /** Letters in upper case, and letters in all. */
  upper: number;
  letters: number;
  digits: number;
  commas: number;
  /** Ends like a sentence (. ! ? then closing quotes or brackets, no ellipsis). */
  sentence: boolean;
  lastChar: string;
  firstChar: string;
  /** A list marker at the start ("* ", "- ", "• ", "1. "). */
  bullet: boolean;
  longestWord: number;
  /** Long prose: most articles are made of these. */
  prose: boolean;
  /** The first and last words (lower case, letters only, two or more), for lexical features. */
  firstWord: string;
  lastWord: string;
  /** The words of a short block (four words or fewer), lower case, letters only, two or more. */
  shortWords: string[];
}

// character classes, looked up once per code unit: 1 lower, 2 upper, 3 other letter, 4 digit, 5 other
const CLASS = new Uint8Array(65536);
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
function classOf(c: number): number {
  let k = CLASS[c] as number;
  if (k === 0) {
    const ch = String.fromCharCode(c);
    if (LETTER.test(ch)) {
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      k = lo === up ? 3 : ch === up ? 2 : 1;
    } else k = DIGIT.test(ch) ? 4 : 5;
    CLASS[c] = k;
  }
  return k;
}
// ASCII filled in at once: most text is
for (let c = 0; c < 128; c++) classOf(c);
const isWordChar = (k: number) => k <= 4;
const CLOSERS = new Set([34, 39, 0x201d, 0x2019, 0xbb, 41, 93]);
const STOPS = new Set([46, 33, 63, 0x3002, 0xff01, 0xff1f]);
const BULLET = /^(?:[*\-•·▪◦●–—]\s|\d{1,3}[.)]\s)/u;
/** A code unit that can start BULLET: a digit or one of its marks. */
const mayBeBullet = (c: number) =>
  (c >= 48 && c <= 57) ||
  c === 42 ||
  c === 45 ||
  c === 0x2022 ||
  c === 0xb7 ||
  c === 0x25aa ||
  c === 0x25e6 ||
  c === 0x25cf ||
  c === 0x2013 ||
  c === 0x2014;
/** Stop words are short: longer words are not looked up. */
const MAX_STOP_LENGTH = 14;

// Words are matched against the stop words by a hash of their lower-case code units, so the scan makes
// no string for a word (it made two per word: most of the page reader's garbage). Two 32-bit FNV-1a
// hashes make a 53-bit key: a collision between a word and a stop word is not expected in any page.
/**
 * The stop words' keys (h1, and h2's low 21 bits) in an open-addressing table of typed arrays: a
 * look-up makes no number object, where a Set of 53-bit keys boxed one per word.
 */
class StopKeys {
  private readonly mask: number;
  private readonly k1: Int32Array;
  private readonly k2: Int32Array;

  constructor(words: Iterable<string>) {
    const keys: Array<[number, number]> = [];
    for (const w of words) {
      const lower = w.toLowerCase();
      let h1 = 0x811c9dc5;
      let h2 = 0x050c5d1f;
      for (let i = 0; i < lower.length; i++) {
        const c = lower.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
      }
      keys.push([h1 | 0, h2 & 0x1fffff]);
    }
    let size = 16;
    while (size < keys.length * 4) size *= 2;
    this.mask = size - 1;
    this.k1 = new Int32Array(size);
    // -1: an empty slot (a key's h2 part is 21 bits, never negative)
    this.k2 = new Int32Array(size).fill(-1);
    for (const [h1, h2] of keys) if (!this.has(h1, h2)) this.put(h1, h2);
  }

  private put(h1: number, h2: number): void {
    let at = (h1 ^ (h1 >>> 16)) & this.mask;
    while ((this.k2[at] as number) >= 0) at = (at + 1) & this.mask;
    this.k1[at] = h1;
    this.k2[at] = h2;
  }

  /** Whether the key of these two hashes (h2 cut to its low 21 bits) is a stop word's. */
  has(h1: number, h2: number): boolean {
    const a = h1 | 0;
    const b = h2 & 0x1fffff;
    let at = (a ^ (a >>> 16)) & this.mask;
    for (;;) {
      const k = this.k2[at] as number;
      if (k < 0) return false;
      if (k === b && this.k1[at] === a) return true;
      at = (at + 1) & this.mask;
    }
  }
}
const stopKeys = new WeakMap<Set<string>, StopKeys>();
function keysOf(stopWords: Set<string>): StopKeys {
  let keys = stopKeys.get(stopWords);
  if (!keys) {
    keys = new StopKeys(stopWords);
    stopKeys.set(stopWords, keys);
  }
  return keys;
}

/** One pass over the text: words, stop words, capitals, digits, punctuation. */
export function shapeOf(text: string, stopWords: Set<string>): Shape {
  return shapeWith(text, stopWords, keysOf(stopWords), blankShape());
}

const blankShape = (): Shape => ({
  chars: 0,
  words: 0,
  stops: 0,
  capitalised: 0,
  upper: 0,
  letters: 0,
  digits: 0,
  commas: 0,
  sentence: false,
  lastChar: "",
  firstChar: "",
  bullet: false,
  longestWord: 0,
  prose: false,
  firstWord: "",
  lastWord: "",
  shortWords: NO_WORDS,
});

/** A long block's shortWords: none, one array for all. */
const NO_WORDS: string[] = [];
/** Start and end of the words kept (the first four), sliced once the scan knows which it needs. */
const KEPT = new Int32Array(8);

/** The shape of a text, written into `s`. */
function shapeWith(text: string, stopWords: Set<string>, stopKeySet: StopKeys, s: Shape): Shape {
  const n = text.length;
  let words = 0;
  let stops = 0;
  let capitalised = 0;
  let upper = 0;
  let letters = 0;
  let digits = 0;
  let commas = 0;
  let longestWord = 0;
  let firstStart = -1;
  let firstEnd = -1;
  let lastStart = -1;
  let lastEnd = -1;
  let kept = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // the table read here, its filler called only for a unit not yet seen: a call for every unit made V8
    // box numbers in this loop (5 KB of garbage a line of Russian)
    const k = (CLASS[c] as number) || classOf(c);
    if (c === 44) commas++;
    if (!isWordChar(k)) {
      i++;
      continue;
    }
    // a word: a letter or digit, then letters, digits and joiners
    const start = i;
    let wordLetters = 0;
    let j = i;
    // the hashes of the word's lower case, as far as MAX_STOP_LENGTH; plain: no code unit without one
    let h1 = 0x811c9dc5;
    let h2 = 0x050c5d1f;
    let plain = true;
    while (j < n) {
      const d = text.charCodeAt(j);
      const kd = (CLASS[d] as number) || classOf(d);
      if (isWordChar(kd)) {
        if (kd === 4) digits++;
        else {
          letters++;
          wordLetters++;
          if (kd === 2) upper++;
        }
      } else if (d !== 39 && d !== 0x2019 && d !== 45) break;
      if (j - start < MAX_STOP_LENGTH) {
        const l = d < 128 ? (d >= 65 && d <= 90 ? d + 32 : d) : (LOWER[d] as number) || lowerOf(d);
        if (l === NO_LOWER) plain = false;
        h1 = Math.imul(h1 ^ l, 0x01000193);
        h2 = Math.imul(h2 ^ l, 0x01000193) ^ (h2 >>> 13);
      }
      j++;
    }
    words++;
    const len = j - start;
    if (len > longestWord) longestWord = len;
    if (k === 2) capitalised++;
    if (len <= MAX_STOP_LENGTH) {
      if (plain ? stopKeySet.has(h1, h2) : stopWords.has(text.slice(start, j).toLowerCase())) stops++;
      if (wordLetters === len && len >= 2) {
        // the words kept as strings (the first, the last, a short block's) are sliced once the scan is done:
        // a long block's first four were sliced for nothing, a short block's first and last twice
        if (firstStart < 0) {
          firstStart = start;
          firstEnd = j;
        }
        lastStart = start;
        lastEnd = j;
        if (words <= 4) {
          KEPT[2 * kept] = start;
          KEPT[2 * kept + 1] = j;
          kept++;
        }
      }
    }
    i = j;
  }
  let shortWords = NO_WORDS;
  let firstWord = "";
  let lastWord = "";
  if (words <= 4 && kept > 0) {
    // every word kept is a short block's word: the first and last are among them
    // an array of its size: pushed into, one grew room for 17 words (a tenth of a text pass's garbage)
    shortWords = new Array<string>(kept);
    for (let q = 0; q < kept; q++)
      shortWords[q] = text.slice(KEPT[2 * q] as number, KEPT[2 * q + 1] as number).toLowerCase();
    firstWord = shortWords[0] as string;
    lastWord = shortWords[kept - 1] as string;
  } else if (firstStart >= 0) {
    firstWord = text.slice(firstStart, firstEnd).toLowerCase();
    lastWord = lastStart === firstStart ? firstWord : text.slice(lastStart, lastEnd).toLowerCase();
  }
  let end = n - 1;
  while (end >= 0 && CLOSERS.has(text.charCodeAt(end))) end--;
  const last = text.charCodeAt(end);
  const ellipsis =
    last === 0x2026 || (last === 46 && text.charCodeAt(end - 1) === 46 && text.charCodeAt(end - 2) === 46);
  const sentence = end >= 0 && STOPS.has(last) && !ellipsis;
  const stopShare = words > 0 ? stops / words : 0;
  s.chars = n;
  s.words = words;
  s.stops = stops;
  s.capitalised = capitalised;
  s.upper = upper;
  s.letters = letters;
  s.digits = digits;
  s.commas = commas;
  s.sentence = sentence;
  s.lastChar = text[n - 1] ?? "";
  s.firstChar = text[0] ?? "";
  s.bullet = mayBeBullet(text.charCodeAt(0)) && BULLET.test(text.slice(0, 5));
  s.longestWord = longestWord;
  // a long line without a closing stop is prose only when it is long: a headline has function words too
  s.prose = words >= 8 && n >= 50 && (sentence || (stopShare >= 0.25 && words >= 20));
  s.firstWord = firstWord;
  s.lastWord = lastWord;
  s.shortWords = shortWords;
  return s;
}

/**
 * The shapes of a page's blocks. With `pool`, the shapes are its objects, written over (and it grows to the
 * page): the reader's page of short lines made a shape object a line, a sixth of its shapes' time, and garbage.
 * Such shapes are good until the pool's next page.
 */
export function shapesOf(blocks: Block[], stopWords: Set<string>, pool?: Shape[]): Shape[] {
  const keys = keysOf(stopWords);
  const out = new Array<Shape>(blocks.length);
  for (let i = 0; i < blocks.length; i++) {
    let s: Shape;
    if (pool) {
      s = pool[i] ?? blankShape();
      pool[i] = s;
    } else s = blankShape();
    out[i] = shapeWith((blocks[i] as Block).text, stopWords, keys, s);
  }
  return out;
}
