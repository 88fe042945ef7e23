import type { Block } from "./lines.js";
import type { Shape } from "./shape.js";

/** A word value's template is marked with this bit; its value is then an index into `FeatureList.words`. */
export const WORD = 0x10000;

/**
 * The features of a page's blocks, in order, as numbers: each feature is a template and a value (a small
 * number, or a word). Training spells them out as strings (`"w=5"`), the run-time model looks them up
 * without building any. Written into typed arrays, not passed to a callback: 6.8M calls a text pass were
 * the reader's largest cost, and the model then sums a block's weights in one loop with no call in it.
 */
export class FeatureList {
  /** Block i's features are `start[i]` up to `start[i + 1]`. */
  start = new Int32Array(64);
  /** Per feature: its template (`| WORD` for a word), and its value (a number, or the word's index in `words`). */
  template = new Int32Array(1024);
  value = new Float64Array(1024);
  /** The page's words (`wordCount` of them; the array keeps its room from page to page, and the words past it are stale). */
  words: string[] = [];
  wordCount = 0;
  count = 0;
  /** Where the current block's reserved room ends. */
  private limit = 0;

  /** Empties the list for a page of n blocks. */
  reset(n: number): void {
    if (this.start.length < n + 1) this.start = new Int32Array(n + 1);
    this.count = 0;
    this.limit = 0;
    this.wordCount = 0;
  }

  /** The features that follow are block i's; `room` more may be added without a check (see `add`). */
  block(i: number, room: number): void {
    this.checkRoom();
    this.start[i] = this.count;
    const need = this.count + room;
    this.limit = need;
    if (need > this.template.length) {
      let size = this.template.length * 2;
      while (size < need) size *= 2;
      const t = new Int32Array(size);
      t.set(this.template);
      this.template = t;
      const v = new Float64Array(size);
      v.set(this.value);
      this.value = v;
    }
  }

  /** Closes the last block (n blocks). */
  end(n: number): void {
    this.checkRoom();
    this.start[n] = this.count;
  }

  /** `add` does not check (a typed array drops a write past its end, silently): a block that outgrew its room is a bug to hear of. */
  private checkRoom(): void {
    if (this.count > this.limit)
      throw new Error(
        `a block got ${this.count - this.limit} features more than its reserved room (MAX_FIXED_FEATURES)`,
      );
  }

  add(template: number, value: number): void {
    const k = this.count++;
    this.template[k] = template;
    this.value[k] = value;
  }

  word(template: number, word: string): void {
    const k = this.count++;
    this.template[k] = template | WORD;
    const at = this.wordCount++;
    this.words[at] = word;
    this.value[k] = at;
  }
}

/** Bucket of a count on a rough log scale: 0, 1, 2, 3-4, 5-8, 9-16, … (small counts from a table) */
const LOG_BUCKETS = Int8Array.from({ length: 4096 }, (_, n) => (n <= 2 ? n : 1 + Math.ceil(Math.log2(n))));
function logBucket(n: number): number {
  return n < 4096 ? (LOG_BUCKETS[n] as number) : 1 + Math.ceil(Math.log2(n));
}

function shareBucket(x: number): number {
  return x <= 0 ? 0 : x < 0.1 ? 1 : x < 0.2 ? 2 : x < 0.3 ? 3 : x < 0.4 ? 4 : x < 0.55 ? 5 : x < 0.75 ? 6 : 7;
}

const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** How a block ends: 0 a sentence stop, 1 ":", 2 "," or ";", 3 a separator, 4 an ellipsis, 5 a digit, 6 a letter, 7 a quote or bracket, 8 other. */
function endClass(s: Shape): number {
  if (s.sentence) return 0;
  const c = s.lastChar;
  const code = c.charCodeAt(0);
  // ASCII letters and digits first: most lines end in one
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return 6;
  if (code >= 48 && code <= 57) return 5;
  if (c === ":") return 1;
  if (c === "," || c === ";") return 2;
  if (c === "|" || c === "»" || c === ">" || c === "›") return 3;
  if (c === "…" || c === ".") return 4;
  if (code > 127 && NUMBER.test(c)) return 5;
  if (code > 127 && LETTER.test(c)) return 6;
  if (c === '"' || c === "'" || c === "”" || c === "’" || c === ")" || c === "]") return 7;
  return 8;
}

/** How a block starts: 0 a list marker, 1 a capital, 2 a small letter, 3 a digit, 4 a quote, 5 other. */
function startClass(s: Shape): number {
  if (s.bullet) return 0;
  const c = s.firstChar;
  const code = c.charCodeAt(0);
  if (code >= 65 && code <= 90) return 1;
  if (code >= 97 && code <= 122) return 2;
  if (code >= 48 && code <= 57) return 3;
  if (UPPER.test(c)) return 1;
  if (LOWER.test(c)) return 2;
  if (NUMBER.test(c)) return 3;
  if (c === '"' || c === "'" || c === "“" || c === "‘" || c === "«" || c === "„") return 4;
  return 5;
}

const AGE =
  /\b(?:\d+|an?|one)\s+(?:sec|second|min|minute|hour|hr|day|week|month|year)s?\s+ago\b|\bvor\s+\d+\s+(?:Minuten|Stunden|Tagen)\b|\bil y a\b|\b(?:yesterday|gestern|hier)\b/i;
const DATE =
  /\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)[a-zä]*\.?\s+\d{1,2}|\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)[a-zä]*)\b/i;
const TIME = /\b\d{1,2}[:.]\d{2}\b/;
const YEAR = /\b(?:19|20)\d{2}\b/;
const LINKISH = /https?:|www\.|\.com\b|@\w/;
const COPYRIGHT = /©|\(c\)|copyright/i;
const SEPARATOR = /\s[|•·]\s|\s[-–—]\s/;
/** One token of lower-case letters and digits joined by "/", "-" or "_": a desk code, a slug, a path. */
const CODE = /^[\p{Ll}\p{N}]+(?:[/_-][\p{Ll}\p{N}]+)+$/u;
const LEADING_MARKS = /^[-–—|•·\s]+/;
/** `text.replace(LEADING_MARKS, "")`, the pattern run only where the text starts with a mark or a space. */
function withoutLeadingMarks(text: string): string {
  const c = text.charCodeAt(0);
  // the marks, and everything \s may match: all at or below 32, or from 0xa0 up
  const may =
    c === 45 || c === 0x2013 || c === 0x2014 || c === 124 || c === 0x2022 || c === 0xb7 || c <= 32 || c >= 0xa0;
  return may ? text.replace(LEADING_MARKS, "") : text;
}
const AGE_HINT = /ago|vor|il y|yesterday|gestern|hier/i;
/** What a short line was found to say (bits of `when`). */
const HAS_AGE = 1;
const HAS_DATE = 2;
const HAS_TIME = 4;
const LINK_HINT = /[:.@]/;
const COPY_HINT = /[©(]|opyright/;
const SEP_HINT = /[|•·\-–—]/;

/** Feature templates by number; a feature's name is its template's name, "=", and its value. */
export const TEMPLATE_NAMES: string[] = [];
const template = (name: string): number => {
  // a model's features are found by their template's name: two templates of one name would share a table
  if (TEMPLATE_NAMES.includes(name)) throw new Error(`feature template ${name} is defined twice`);
  return TEMPLATE_NAMES.push(name) - 1;
};
const T = {
  bias: template("bias"),
  c: template("c"),
  pk_w: template("pk.w"),
  pk_p: template("pk.p"),
  pk_e: template("pk.e"),
  cap: template("cap"),
  allcaps: template("allcaps"),
  dig: template("dig"),
  com: template("com"),
  gb: template("gb"),
  ga: template("ga"),
  ind: template("ind"),
  age: template("age"),
  date: template("date"),
  time: template("time"),
  year: template("year"),
  link: template("link"),
  copy: template("copy"),
  code: template("code"),
  sep: template("sep"),
  rep: template("rep"),
  nrep: template("nrep"),
  meta_p1: template("p1:meta"),
  meta_n1: template("n1:meta"),
  meta_p2: template("p2:meta"),
  meta_n2: template("n2:meta"),
  seen_: template("seen>"),
  rel: template("rel"),
  pb: template("pb"),
  pa: template("pa"),
  pos: template("pos"),
  top: template("top"),
  bot: template("bot"),
  win3: template("win3"),
  win10: template("win10"),
  pw2: template("pw2"),
  pw5: template("pw5"),
  p_pw5: template("p.pw5"),
  e_n: template("e.n"),
  e_p: template("e.p"),
  lw: template("lw"),
  m: template("m"),
  sr: template("sr"),
  br: template("br"),
  first: template("first"),
  last: template("last"),
  run: template("run"),
  run_in: template("run.in"),
  run_share: template("run.share"),
  run_top: template("run.top"),
  run_before: template("run.before"),
  run_after: template("run.after"),
  /**
   * What a first reading says around an HTML block (see `stackFeatures`): only the second reading has these,
   * named by training (`withStackFeatures`) and summed by the reader after the block's others (`labelAgain`).
   */
  stack: template("stack"),
};

/** What a block's neighbours are told of it: length, stop words, ending, start, prose, and two pairs of these. */
const CORE_NAMES = ["w", "st", "e", "b", "p", "we", "ws"] as const;
const CORE = CORE_NAMES.map((c) => template(c));
const NEIGHBOURS = [
  [-1, "p1"],
  [1, "n1"],
  [-2, "p2"],
  [2, "n2"],
] as const;
/** Which core features each neighbour gets: all of them one block away, length, ending and prose two away. */
const NEIGHBOUR_CORES = NEIGHBOURS.map(([d]) => (Math.abs(d) === 1 ? [0, 1, 2, 3, 4, 5, 6] : [0, 2, 4]));
/** Templates of the neighbours' core features. */
const NEIGHBOUR_TEMPLATES = NEIGHBOURS.map(([, tag], k) =>
  (NEIGHBOUR_CORES[k] as number[]).map((c) => template(`${tag}:${CORE_NAMES[c]}`)),
);
/**
 * The same in flat arrays, for the loop of every block: neighbour k's offset, and its features `NB_FROM[k]`
 * up to `NB_FROM[k + 1]`, each a template and the core it tells (arrays in arrays were a tenth of emitFeatures).
 */
const NB_OFFSET = Int32Array.from(NEIGHBOURS, ([d]) => d);
const NB_FROM = Int32Array.from({ length: NEIGHBOURS.length + 1 }, (_, k) =>
  NEIGHBOUR_CORES.slice(0, k).reduce((sum, cores) => sum + cores.length, 0),
);
const NB_TEMPLATE = Int32Array.from(NEIGHBOUR_TEMPLATES.flat());
const NB_CORE = Int32Array.from(NEIGHBOUR_CORES.flat());

const CORES = CORE_NAMES.length;

/**
 * emitFeatures' arrays of a page, kept from page to page and grown to the largest (each entry it reads is
 * written first, on each page): made a page, they were a tenth of a text pass's garbage.
 */
class Scratch {
  size = -1;
  ends = new Int8Array(0);
  cores = new Int32Array(0);
  proseBefore = new Float64Array(0);
  proseCount = new Int32Array(0);
  when = new Int8Array(0);
  meta = new Int8Array(0);
  shortRun = new Int32Array(0);
  bulletRun = new Int32Array(0);
  rankOf = new Int32Array(0);

  /** Room for a page of n blocks. */
  fit(n: number): this {
    if (n <= this.size) return this;
    const m = Math.max(64, 2 * n);
    this.size = m;
    this.ends = new Int8Array(m);
    this.cores = new Int32Array(m * CORES);
    this.proseBefore = new Float64Array(m + 1);
    this.proseCount = new Int32Array(m + 1);
    this.when = new Int8Array(m);
    this.meta = new Int8Array(m);
    this.shortRun = new Int32Array(m);
    this.bulletRun = new Int32Array(m);
    this.rankOf = new Int32Array(m);
    return this;
  }
}
const scratch = new Scratch();

/** The core values of every block, CORES a block, into `out`. */
function coreValues(shapes: Shape[], ends: Int8Array, out: Int32Array): Int32Array {
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i] as Shape;
    const words = logBucket(s.words);
    const stop = s.words > 0 ? shareBucket(s.stops / s.words) : 0;
    const end = ends[i] as number;
    const at = i * CORES;
    out[at] = words;
    out[at + 1] = stop;
    out[at + 2] = end;
    out[at + 3] = startClass(s);
    out[at + 4] = s.prose ? 1 : 0;
    out[at + 5] = words * 10 + end;
    out[at + 6] = words * 10 + stop;
  }
  return out;
}

export interface PageContext {
  /**
   * Blocks of HTML (with markup features) or lines of text. Every feature of an HTML block is also learned in
   * a copy of its own (`html:` + name): what the two views share is learned from both, what differs from each
   * (Daumé's feature augmentation), so the flattened pages do not pull the HTML reading off its markup.
   */
  html: boolean;
  /** Per block: how often its exact text occurs on the page. */
  repeats: number[];
  /** Per block: in how many earlier pages of the same source the line was seen (0 when unknown). */
  seen?: number[];
}

/** Per-page context that the features need. */
export function pageContext(blocks: Block[]): PageContext {
  const counts = new Map<string, number>();
  for (const b of blocks) counts.set(b.text, (counts.get(b.text) ?? 0) + 1);
  return { html: blocks.some((b) => b.markup.length > 0), repeats: blocks.map((b) => counts.get(b.text) ?? 1) };
}

/** Most features one block gets besides its markup's and its short words': room reserved in the list a block. */
const MAX_FIXED_FEATURES = 96;

/** The model's features of every block of a page, into a list (emptied first). Linear in the page. */
export function emitFeatures(blocks: Block[], shapes: Shape[], ctx: PageContext, out: FeatureList): void {
  const n = blocks.length;
  out.reset(n);
  const room = scratch.fit(n);
  // a loop, not Int8Array.from(shapes, endClass): that went through the iterator protocol, a seventh of this function
  const ends = room.ends;
  for (let i = 0; i < shapes.length; i++) ends[i] = endClass(shapes[i] as Shape);
  const cores = coreValues(shapes, ends, room.cores);
  // prose mass before each block, to place it relative to the article
  let proseTotal = 0;
  for (const s of shapes) if (s.prose) proseTotal += s.chars;
  const proseBefore = room.proseBefore;
  const proseCount = room.proseCount;
  proseBefore[0] = 0;
  proseCount[0] = 0;
  for (let i = 0; i < n; i++) {
    const s = shapes[i] as Shape;
    proseBefore[i + 1] = (proseBefore[i] as number) + (s.prose ? s.chars : 0);
    proseCount[i + 1] = (proseCount[i] as number) + (s.prose ? 1 : 0);
  }
  // prose blocks in a window around a block (prefix sums keep it linear)
  const window = (i: number, r: number) =>
    (proseCount[Math.min(n, i + r + 1)] as number) - (proseCount[Math.max(0, i - r)] as number);
  const runs = proseRuns(shapes, room.rankOf);
  // what kind of page it is: a document with a few short lines, or a web page full of them
  let shortLines = 0;
  let maxChars = 1;
  for (const s of shapes) {
    if (s.words > 0 && s.words <= 4) shortLines++;
    if (s.chars > maxChars) maxChars = s.chars;
  }
  const pageKind = shareBucket(shortLines / Math.max(1, n)) * 10 + Math.min(8, logBucket(n));
  // a short line said again nearby ("The Star" … "- The Star"): an item's source, not its headline
  const bare = blocks.map((b) => (b.text.length <= 60 ? withoutLeadingMarks(b.text).toLowerCase() : ""));
  const nearRepeat = (i: number): boolean => {
    const key = bare[i] as string;
    if (!key) return false;
    for (let j = Math.max(0, i - 3); j <= Math.min(n - 1, i + 3); j++) if (j !== i && bare[j] === key) return true;
    return false;
  };
  // ages, dates and times of short lines, each pattern run once a block: the meta flags and the features both ask
  const when = room.when;
  for (let i = 0; i < n; i++) {
    const s = shapes[i] as Shape;
    const t = (blocks[i] as Block).text;
    let f = 0;
    if (s.chars < 300 && AGE_HINT.test(t) && AGE.test(t)) f |= HAS_AGE;
    if (s.chars < 80 && s.digits > 0) {
      if (DATE.test(t)) f |= HAS_DATE;
      if (TIME.test(t)) f |= HAS_TIME;
    }
    when[i] = f;
  }
  // which blocks say when or where an item is from (an age, a date, a repeated site name): what stands
  // next to them is an item's headline or text more often than an article's
  const meta = room.meta;
  for (let i = 0; i < n; i++) {
    const s = shapes[i] as Shape;
    let m = 0;
    if (s.chars < 80 && (when[i] as number) !== 0) m |= 1;
    if (nearRepeat(i)) m |= 2;
    meta[i] = m;
  }
  const shortRun = runLengths(shapes, (s) => !s.prose && s.words <= 6, room.shortRun);
  const bulletRun = runLengths(shapes, (s) => s.bullet, room.bulletRun);
  for (let i = 0; i < n; i++) {
    const b = blocks[i] as Block;
    const s = shapes[i] as Shape;
    const core = i * CORES;
    out.block(i, MAX_FIXED_FEATURES + b.markup.length + s.shortWords.length);
    out.add(T.bias, 0);
    for (let k = 0; k < CORES; k++) out.add(CORE[k] as number, cores[core + k] as number);
    out.add(T.c, logBucket(s.chars));
    out.add(T.pk_w, pageKind * 100 + logBucket(s.words));
    out.add(T.pk_p, pageKind * 100 + (s.prose ? 1 : 0));
    out.add(T.pk_e, pageKind * 100 + (ends[i] as number));
    out.add(T.cap, s.words > 0 ? shareBucket(s.capitalised / s.words) : 0);
    if (s.letters >= 3 && s.upper === s.letters) out.add(T.allcaps, 1);
    out.add(T.dig, shareBucket(s.digits / Math.max(1, s.chars)));
    out.add(T.com, Math.min(4, s.commas));
    out.add(T.gb, Math.min(3, b.gapBefore));
    out.add(T.ga, Math.min(3, b.gapAfter));
    out.add(T.ind, Math.min(3, Math.ceil(b.indent / 2)));
    if (s.chars < 300) {
      // dates, ages and codes are short lines; long prose is not scanned for them, and each pattern
      // runs only where a cheap test says it can match
      const t = b.text;
      const f = when[i] as number;
      if (f & HAS_AGE) out.add(T.age, 1);
      if (s.digits > 0 && s.chars < 80) {
        if (f & HAS_DATE) out.add(T.date, 1);
        if (f & HAS_TIME) out.add(T.time, 1);
        if (YEAR.test(t)) out.add(T.year, 1);
      }
      if (LINK_HINT.test(t) && LINKISH.test(t)) out.add(T.link, 1);
      if (COPY_HINT.test(t) && COPYRIGHT.test(t)) out.add(T.copy, 1);
      if (s.chars <= 60 && s.words > 1 && t.indexOf(" ") < 0 && CODE.test(t)) out.add(T.code, 1);
      if (s.chars < 100 && SEP_HINT.test(t) && SEPARATOR.test(t)) out.add(T.sep, 1);
    }
    out.add(T.rep, Math.min(3, ctx.repeats[i] ?? 1));
    if ((meta[i] as number) & 2) out.add(T.nrep, 1);
    out.add(T.meta_p1, i > 0 ? (meta[i - 1] as number) : -1);
    out.add(T.meta_n1, i + 1 < n ? (meta[i + 1] as number) : -1);
    out.add(T.meta_p2, i > 1 ? (meta[i - 2] as number) : -1);
    out.add(T.meta_n2, i + 2 < n ? (meta[i + 2] as number) : -1);
    // only a line seen before says something: most pages are read with no memory of their source
    const seen = ctx.seen?.[i] ?? 0;
    for (let k = 1; k <= Math.min(3, seen); k++) out.add(T.seen_, k);
    out.add(T.rel, shareBucket(s.chars / maxChars));
    const before = proseTotal > 0 ? (proseBefore[i] as number) / proseTotal : 0;
    const after = proseTotal > 0 ? 1 - (proseBefore[i + 1] as number) / proseTotal : 0;
    out.add(T.pb, shareBucket(before));
    out.add(T.pa, shareBucket(after));
    out.add(T.pos, Math.min(9, Math.floor((10 * i) / n)));
    out.add(T.top, logBucket(i));
    out.add(T.bot, logBucket(n - 1 - i));
    out.add(T.win3, Math.min(7, window(i, 3)));
    out.add(T.win10, logBucket(window(i, 10)));
    out.add(T.pw2, window(i, 2));
    const pw5 = Math.round((5 * window(i, 5)) / 11);
    out.add(T.pw5, pw5);
    out.add(T.p_pw5, (s.prose ? 10 : 0) + pw5);
    runFeatures(runs, i, out);
    out.add(T.e_n, (ends[i] as number) * 10 + (i + 1 < n ? (ends[i + 1] as number) : 9));
    out.add(T.e_p, (ends[i] as number) * 10 + (i > 0 ? (ends[i - 1] as number) : 9));
    // short lines: their words say what they are ("Share", "Comments", "Advertisement")
    // indexed loops: for-of over a text line's frozen markup made an iterator and a result object a line
    const shortWords = s.shortWords;
    if (s.words > 0 && s.words <= 4)
      for (let q = 0; q < shortWords.length; q++) out.word(T.lw, shortWords[q] as string);
    const markup = b.markup;
    for (let q = 0; q < markup.length; q++) out.word(T.m, markup[q] as string);
    out.add(T.sr, logBucket(shortRun[i] as number));
    out.add(T.br, logBucket(bulletRun[i] as number));
    if (s.firstWord) out.word(T.first, s.firstWord);
    if (s.lastWord && s.words <= 12) out.word(T.last, s.lastWord);
    for (let k = 0; k < NB_OFFSET.length; k++) {
      const j = i + (NB_OFFSET[k] as number);
      const from = NB_FROM[k] as number;
      if (j < 0 || j >= n) out.add(NB_TEMPLATE[from] as number, -1);
      else {
        const other = j * CORES;
        const to = NB_FROM[k + 1] as number;
        for (let c = from; c < to; c++)
          out.add(NB_TEMPLATE[c] as number, cores[other + (NB_CORE[c] as number)] as number);
      }
    }
  }
  out.end(n);
}

/** The template of the second reading's features, as training names them. */
export const STACK_TEMPLATE = TEMPLATE_NAMES[T.stack] as string;

/** The prefix of the HTML view's own copy of a feature. */
export const HTML_VIEW = "html:";

/** The features of every block as strings ("template=value", and the HTML view's copies), as training and tests see them. */
export function blockFeatures(blocks: Block[], shapes: Shape[], ctx: PageContext): string[][] {
  const list = new FeatureList();
  emitFeatures(blocks, shapes, ctx, list);
  const { start, template, value, words } = list;
  return blocks.map((_, i) => {
    const names: string[] = [];
    for (let k = start[i] as number; k < (start[i + 1] as number); k++) {
      const t = template[k] as number;
      const v = value[k] as number;
      const name = t & WORD ? `${TEMPLATE_NAMES[t ^ WORD]}=${words[v]}` : `${TEMPLATE_NAMES[t]}=${v}`;
      names.push(name);
      if (ctx.html) names.push(HTML_VIEW + name);
    }
    return names;
  });
}

interface Run {
  first: number;
  last: number;
  mass: number;
}

/** Runs of prose blocks with at most two other blocks between neighbours: candidate articles, largest first. */
function proseRuns(shapes: Shape[], rankOf: Int32Array): { runs: Run[]; rankOf: Int32Array; total: number } {
  const runs: Run[] = [];
  let cur: Run | null = null;
  shapes.forEach((s, i) => {
    if (!s.prose) return;
    if (cur && i - cur.last <= 3) {
      cur.last = i;
      cur.mass += s.chars;
    } else {
      cur = { first: i, last: i, mass: s.chars };
      runs.push(cur);
    }
  });
  runs.sort((a, b) => b.mass - a.mass || a.first - b.first);
  // each block's run, by rank (-1 outside every run): one pass, not a search per block
  rankOf.fill(-1, 0, shapes.length);
  runs.forEach((r, rank) => {
    rankOf.fill(rank, r.first, r.last + 1);
  });
  let total = 0;
  for (const r of runs) total += r.mass;
  return { runs, rankOf, total };
}

/** Where a block stands relative to the largest runs of prose. */
function runFeatures({ runs, rankOf, total }: ReturnType<typeof proseRuns>, i: number, out: FeatureList): void {
  const top = runs[0];
  if (!top) {
    out.add(T.run, -1);
    return;
  }
  const rank = rankOf[i] as number;
  if (rank >= 0) {
    const r = runs[rank] as Run;
    out.add(T.run_in, Math.min(3, rank));
    out.add(T.run_share, shareBucket(r.mass / total));
    out.add(T.run_top, shareBucket(r.mass / top.mass));
  } else out.add(T.run, 0);
  if (i < top.first) out.add(T.run_before, logBucket(top.first - i));
  else if (i > top.last) out.add(T.run_after, logBucket(i - top.last));
}

/** Per block: the length of the run of consecutive blocks that pass `test` around it (0 when it fails), into `out`. */
function runLengths(shapes: Shape[], test: (s: Shape) => boolean, out: Int32Array): Int32Array {
  out.fill(0, 0, shapes.length);
  let i = 0;
  while (i < shapes.length) {
    if (!test(shapes[i] as Shape)) {
      i++;
      continue;
    }
    let j = i;
    while (j < shapes.length && test(shapes[j] as Shape)) j++;
    out.fill(j - i, i, j);
    i = j;
  }
  return out;
}
