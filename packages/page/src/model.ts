import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { LinearChain, type Weights } from "@sift/learn";
import {
  emitFeatures,
  FeatureList,
  HTML_VIEW,
  type PageContext,
  STACK_TEMPLATE,
  TEMPLATE_NAMES,
  WORD,
} from "./features.js";
import { LABELS, type Label, pageChain } from "./labels.js";
import type { Block } from "./lines.js";
import type { Shape } from "./shape.js";

/** The page model as stored: feature names, emission rows per feature, transitions. */
export interface StoredPageModel {
  version: 1;
  labels: number;
  rows: number;
  features: string[];
  /** `features.length × rows` emission weights, row-major by feature. */
  w: number[];
  /** `(labels + 1) × labels` transition weights; the last row is the start. */
  t: number[];
}

/** Per template, its values' feature ids: numbers in an array (offset by one, so -1 fits), words in a map. */
interface Table {
  nums: Int32Array;
  words: Map<string, number>;
}

/**
 * Words to ids in an open-addressing table with an FNV-1a hash of the word's code units. The reader's words
 * are new strings, and a Map had to hash each in a call out of the loop: the word look-ups were the largest
 * part of labelling. A slot keeps its word's hash beside its id, so a word not in the table (a quarter of
 * them) is told by numbers in one array; a hit is the same string (===), so the ids are the Map's.
 */
class WordIds {
  private readonly mask: number;
  private readonly keys: string[];
  /** Per slot, its word's hash and its id (-1: an empty slot). */
  private readonly slots: Int32Array;

  constructor(words: Map<string, number>) {
    let size = 16;
    while (size < words.size * 4) size *= 2;
    this.mask = size - 1;
    this.keys = new Array<string>(size).fill("");
    this.slots = new Int32Array(2 * size).fill(-1);
    for (const [word, id] of words) {
      const h = hashWord(word);
      let at = h & this.mask;
      while ((this.slots[2 * at + 1] as number) >= 0) at = (at + 1) & this.mask;
      this.keys[at] = word;
      this.slots[2 * at] = h;
      this.slots[2 * at + 1] = id;
    }
  }

  get(word: string): number {
    const h = hashWord(word);
    let at = h & this.mask;
    for (;;) {
      const id = this.slots[2 * at + 1] as number;
      if (id < 0 || (this.slots[2 * at] === h && this.keys[at] === word)) return id;
      at = (at + 1) & this.mask;
    }
  }
}

function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) | 0;
}

const NUMBER = /^-?\d+$/;
const TEMPLATE_INDEX = new Map(TEMPLATE_NAMES.map((name, i) => [name, i]));
/** The stack features' template, by number. */
const STACK = TEMPLATE_NAMES.indexOf(STACK_TEMPLATE);

/**
 * A view's lookup. Numbers: template t's value v has its id at `numIds[numAt[t] + v + 1]`, for v from -1 below
 * `numLen[t] - 1` (0: no numbers), all templates in one array: the reader's loop reads no object for them.
 * Words: a table per template. Each id has its nine label weights in `w`.
 */
interface View {
  numAt: Int32Array;
  numLen: Int32Array;
  numIds: Int32Array;
  wordIds: Array<WordIds | undefined>;
  /** The same ids by template, for names. */
  tables: Array<Table | undefined>;
  w: Float64Array;
}

/** A page model ready to label blocks. */
export class PageModel {
  readonly chain = new LinearChain(pageChain);
  /** Lines of text: the shared features. HTML blocks: each feature's shared and HTML weights summed once, here. */
  private readonly text: View;
  private readonly html: View;
  private readonly t: Float64Array;
  /** A page's features while it is labelled, kept between pages. */
  private readonly features = new FeatureList();
  /** A page's emission scores, kept between pages (every block's nine are written before they are read). */
  private em = new Float64Array(256 * LABELS);

  constructor(stored: StoredPageModel) {
    // label() adds the nine labels' weights written out, one statement each
    if (LABELS !== 9) throw new Error(`PageModel.label adds 9 weights a feature; there are ${LABELS} labels`);
    if (stored.labels !== LABELS || stored.rows !== this.chain.rows)
      throw new Error(
        `page model has ${stored.labels} labels and ${stored.rows} rows; this code reads ${LABELS} and ${this.chain.rows}`,
      );
    // each label's emission rows summed once, here: at run time a feature adds one weight per label
    const R = this.chain.rows;
    const rows = Float64Array.from(stored.w);
    const combined = (id: number, into: Float64Array) => this.chain.combine(rows.subarray(id * R, id * R + R), 1, into);
    const text = new ViewBuilder();
    const html = new ViewBuilder();
    stored.features.forEach((name, id) => {
      const own = name.startsWith(HTML_VIEW);
      const bare = own ? name.slice(HTML_VIEW.length) : name;
      const at = bare.indexOf("=");
      const t = TEMPLATE_INDEX.get(bare.slice(0, at));
      // a template this code no longer makes is left out
      if (t === undefined) return;
      const raw = bare.slice(at + 1);
      const value = NUMBER.test(raw) ? Number(raw) : raw;
      if (!own) text.add(t, value, id);
      html.add(t, value, id);
    });
    this.text = text.build(combined);
    this.html = html.build(combined);
    this.t = Float64Array.from(stored.t);
  }

  /** The best labels of a page's blocks. */
  label(blocks: Block[], shapes: Shape[], ctx: PageContext): Int32Array {
    emitFeatures(blocks, shapes, ctx, this.features);
    return this.labelFeatures(this.features, blocks.length, ctx.html, undefined);
  }

  /**
   * The best labels of a page another model has just labelled (`first`: its features), with `stack` (per block,
   * what that reading says around it) as this model's stack features, summed after the block's others — where
   * training names them (`withStackFeatures`): the page's features are not made twice.
   */
  labelAgain(first: PageModel, n: number, html: boolean, stack: string[][]): Int32Array {
    return this.labelFeatures(first.features, n, html, stack);
  }

  private labelFeatures(list: FeatureList, n: number, html: boolean, stack: string[][] | undefined): Int32Array {
    if (this.em.length < n * LABELS) this.em = new Float64Array(2 * n * LABELS);
    const em = this.em;
    const { w, numAt, numLen, numIds, wordIds } = html ? this.html : this.text;
    const stackIds = stack ? wordIds[STACK] : undefined;
    const { start, template, value, words } = list;
    // this is the reader's innermost loop: per block, its features' ids looked up and their weights summed,
    // the nine labels in locals, added in the features' order (as training's sums), stored once a block
    for (let i = 0; i < n; i++) {
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      let e4 = 0;
      let e5 = 0;
      let e6 = 0;
      let e7 = 0;
      let e8 = 0;
      const last = start[i + 1] as number;
      // the stack features, after the block's others as `emitFeatures` puts them
      const extra = stackIds ? stack?.[i] : undefined;
      const end = extra ? last + extra.length : last;
      for (let k = start[i] as number; k < end; k++) {
        let id: number;
        if (k >= last) id = (stackIds as WordIds).get((extra as string[])[k - last] as string);
        else {
          const t = template[k] as number;
          if (t & WORD) {
            const table = wordIds[t ^ WORD];
            id = table === undefined ? -1 : table.get(words[value[k] as number] as string);
          } else {
            // read as an int32: every value is a whole number (a bucket, a count, a rounded share), and
            // integer sums index the arrays with no check for a fraction; a template with no numbers has
            // no slots (numLen 0)
            const v = (value[k] as number) | 0;
            id = v >= -1 && v + 1 < (numLen[t] as number) ? (numIds[(numAt[t] as number) + v + 1] as number) : -1;
          }
        }
        if (id < 0) continue;
        const b = id * LABELS;
        e0 += w[b] as number;
        e1 += w[b + 1] as number;
        e2 += w[b + 2] as number;
        e3 += w[b + 3] as number;
        e4 += w[b + 4] as number;
        e5 += w[b + 5] as number;
        e6 += w[b + 6] as number;
        e7 += w[b + 7] as number;
        e8 += w[b + 8] as number;
      }
      const at = i * LABELS;
      em[at] = e0;
      em[at + 1] = e1;
      em[at + 2] = e2;
      em[at + 3] = e3;
      em[at + 4] = e4;
      em[at + 5] = e5;
      em[at + 6] = e6;
      em[at + 7] = e7;
      em[at + 8] = e8;
    }
    return this.decode(em, n);
  }

  /**
   * The best labels of the page this model last read (`label`, `labelAgain`) in which some block has `must`, or null
   * when no reading allowed by the label chain has one.
   */
  labelWith(must: Label, n: number): Int32Array | null {
    const out = new Int32Array(n);
    return this.chain.viterbiWith(this.em, this.t, n, out, must) ? out : null;
  }

  /** The best labels of blocks given their features as names ("template=value"), as training spells them. */
  labelNamed(features: string[][]): Int32Array {
    const n = features.length;
    const em = new Float64Array(n * LABELS);
    // an HTML page's names carry their `html:` copies, whose weights the HTML view has summed in already
    const { w, tables } = features.some((fs) => fs.some((f) => f.startsWith(HTML_VIEW))) ? this.html : this.text;
    features.forEach((fs, i) => {
      for (const name of fs) {
        if (name.startsWith(HTML_VIEW)) continue;
        const at = name.indexOf("=");
        const t = TEMPLATE_INDEX.get(name.slice(0, at));
        const value = name.slice(at + 1);
        const id = t === undefined ? -1 : idOf(tables, t, NUMBER.test(value) ? Number(value) : value);
        if (id < 0) continue;
        for (let y = 0; y < LABELS; y++)
          em[i * LABELS + y] = (em[i * LABELS + y] as number) + (w[id * LABELS + y] as number);
      }
    });
    return this.decode(em, n);
  }

  private decode(em: Float64Array, n: number): Int32Array {
    const out = new Int32Array(n);
    this.chain.viterbi(em, this.t, n, out);
    return out;
  }
}

/** The feature id of a template's value in a view, or -1. */
function idOf(tables: Array<Table | undefined>, t: number, value: number | string): number {
  const table = tables[t];
  if (!table) return -1;
  if (typeof value === "number")
    return value + 1 < table.nums.length && value >= -1 ? (table.nums[value + 1] as number) : -1;
  return table.words.get(value) ?? -1;
}

/** Gathers a view's features (a template's value may stand for several stored rows, summed) and lays out its tables. */
class ViewBuilder {
  private readonly ids = new Map<number, Map<number | string, number[]>>();

  add(t: number, value: number | string, storedId: number): void {
    let values = this.ids.get(t);
    if (!values) {
      values = new Map();
      this.ids.set(t, values);
    }
    const list = values.get(value);
    if (list) list.push(storedId);
    else values.set(value, [storedId]);
  }

  build(combine: (storedId: number, into: Float64Array) => void): View {
    let count = 0;
    for (const values of this.ids.values()) count += values.size;
    const w = new Float64Array(count * LABELS);
    const row = new Float64Array(LABELS);
    const tables: Array<Table | undefined> = [];
    const wordIds: Array<WordIds | undefined> = [];
    let next = 0;
    for (const [t, values] of this.ids) {
      const table: Table = { nums: new Int32Array(0), words: new Map() };
      tables[t] = table;
      let max = -1;
      for (const v of values.keys()) if (typeof v === "number" && v > max) max = v;
      if (max >= -1) table.nums = new Int32Array(max + 2).fill(-1);
      for (const [v, stored] of values) {
        const id = next++;
        for (const s of stored) {
          row.fill(0);
          combine(s, row);
          for (let y = 0; y < LABELS; y++) w[id * LABELS + y] = (w[id * LABELS + y] as number) + (row[y] as number);
        }
        if (typeof v === "number") {
          if (v >= -1) table.nums[v + 1] = id;
        } else table.words.set(v, id);
      }
      wordIds[t] = new WordIds(table.words);
    }
    // all templates' number ids in one array
    const templates = TEMPLATE_NAMES.length;
    const numAt = new Int32Array(templates);
    const numLen = new Int32Array(templates);
    let slots = 0;
    for (const table of tables) if (table) slots += table.nums.length;
    const numIds = new Int32Array(slots);
    let at = 0;
    tables.forEach((table, t) => {
      if (!table) return;
      numAt[t] = at;
      numLen[t] = table.nums.length;
      numIds.set(table.nums, at);
      at += table.nums.length;
    });
    return { numAt, numLen, numIds, wordIds, tables, w };
  }
}

/** Weights kept to four decimals, features whose weights are all zero dropped: a small, byte-stable file. */
export function storeModel(features: string[], wts: Weights, rows: number): StoredPageModel {
  const keep: number[] = [];
  const w: number[] = [];
  const round = (x: number) => Math.round(x * 1e4) / 1e4 || 0;
  features.forEach((_, f) => {
    let any = false;
    for (let r = 0; r < rows; r++) if (round(wts.w[f * rows + r] as number) !== 0) any = true;
    if (!any) return;
    keep.push(f);
    for (let r = 0; r < rows; r++) w.push(round(wts.w[f * rows + r] as number));
  });
  return {
    version: 1,
    labels: LABELS,
    rows,
    features: keep.map((f) => features[f] as string),
    w,
    t: Array.from(wts.t, round),
  };
}

export const MODEL_URL = new URL("../model/page-model.json.gz", import.meta.url);
/** The second reading of HTML pages: the page model's features and what its reading says around each block. */
export const HTML_MODEL_URL = new URL("../model/page-html-model.json.gz", import.meta.url);

const load = (url: URL) => new PageModel(JSON.parse(gunzipSync(readFileSync(url)).toString("utf8")) as StoredPageModel);
let loaded: PageModel | undefined;
let loadedHtml: PageModel | undefined;

/** The committed page model (made by `pnpm train:page`), loaded once. */
export function pageModel(): PageModel {
  loaded ??= load(MODEL_URL);
  return loaded;
}

/** The committed model of the second reading of an HTML page (made by `pnpm train:page` with the page model), loaded once. */
export function htmlPageModel(): PageModel {
  loadedHtml ??= load(HTML_MODEL_URL);
  return loadedHtml;
}
