import type { DocSource } from "@sift/contracts";
import { pageContext } from "./features.js";
import { Label } from "./labels.js";
import { identifyLanguage, type Language } from "./language.js";
import { KEY, keyName, lineKeyHalves } from "./line-key.js";
import type { Block } from "./lines.js";
import { htmlPageModel, type PageModel, pageModel } from "./model.js";
import { type Shape, shapesOf } from "./shape.js";
import { parseSourceLines } from "./source-line.js";
import { type BlockStructure, SECOND_READING_MAX_BLOCKS, stackFeatures } from "./stack.js";
import { stopWords } from "./stopwords.js";

/** One document found on a page; numbers are block indices. */
export interface PageDocument {
  role: "main" | "related" | "teaser";
  title: number | null;
  body: number[];
  /** Blocks that say where the document comes from (site, age, byline). */
  sourceBlocks: number[];
  source: DocSource;
}

export interface PageReading {
  blocks: Block[];
  labels: Int32Array;
  documents: PageDocument[];
  /** Blocks that are in no document, with why. */
  removed: Array<{ block: number; reason: string }>;
  /** The page's language, which chose the stop words. */
  language: Language;
  /** The memory keys of the page's short blocks, to record once the page is read. */
  keys: string[];
  /** The model found no body and `fallback`'s labels were read instead. */
  fellBack: boolean;
  /**
   * The model read no block as the article's text (nor a title), on a page that holds prose, and neither did
   * `fallback`: its best reading in which some block is text was taken instead of refusing the page.
   */
  forcedBody: boolean;
}

export interface ReadOptions {
  /** The file's time, to resolve "5 hours ago". */
  mtime?: string | undefined;
  /** In how many earlier pages of the same source a line was seen, by its key (see `lineKey`). */
  seen?: ReadonlyMap<string, number> | undefined;
  /** The language, when known; otherwise it is identified from the page. */
  language?: Language | undefined;
  /** Another page model than the committed one (cross-validation trains one per fold). */
  model?: PageModel | undefined;
  /**
   * An HTML page's blocks in its markup: the page is read a second time, by `htmlModel`, with what the first
   * reading says around each block (`stackFeatures`).
   */
  structure?: BlockStructure | undefined;
  /**
   * The second reading's model: by default the committed one when `model` is the committed one, none with
   * another `model` (a second model is trained on its own first model's readings).
   */
  htmlModel?: PageModel | undefined;
  /**
   * Labels to read the page by when the model finds no body in it (an HTML page: the markup rules' reading).
   * A model that reads a whole article as chrome is wrong on the whole page, not on a line.
   */
  fallback?: (() => Int32Array) | undefined;
  /** Per block, 1 when the markup puts it in a comment section: not the article's text while other text is. */
  comments?: Uint8Array | undefined;
}

/** Blocks longer than this are prose, not recurring chrome: they are not remembered across pages. */
export const MAX_REMEMBERED_CHARS = 200;

const REASONS: Record<number, string> = {
  [Label.pre]: "chrome before the article",
  [Label.inner]: "chrome inside the article",
  [Label.post]: "chrome after the article",
  [Label.source]: "source metadata",
  [Label.relatedSource]: "source metadata",
};

/**
 * A page's line keys: told apart by their halves in an open-addressing table kept from page to page (a
 * slot is the page's when its stamp is), each distinct key named once.
 */
class PageKeys {
  private mask = -1;
  private h1 = new Int32Array(0);
  private h2 = new Int32Array(0);
  private stamps = new Int32Array(0);
  private names: string[] = [];
  private stamp = 0;
  /** Per block of the last page read, its key ("" for a block too long to remember). */
  blockKeys: string[] = [];

  /** The distinct keys of a page's blocks, in the order first met. */
  read(blocks: Block[]): string[] {
    const n = blocks.length;
    // a new table for a larger page, and before the stamps could come round again
    if (this.mask < 2 * n || this.stamp >= 0x3fffffff) {
      let size = 64;
      while (size < 4 * n) size *= 2;
      this.mask = size - 1;
      this.h1 = new Int32Array(size);
      this.h2 = new Int32Array(size);
      this.stamps = new Int32Array(size);
      this.names = new Array<string>(size).fill("");
      this.stamp = 0;
    }
    this.stamp++;
    const distinct: string[] = [];
    const blockKeys = this.blockKeys;
    for (let i = 0; i < n; i++) {
      const text = (blocks[i] as Block).text;
      if (text.length > MAX_REMEMBERED_CHARS) {
        blockKeys[i] = "";
        continue;
      }
      lineKeyHalves(text);
      const a = KEY[0] as number;
      const b = KEY[1] as number;
      let at = (a ^ (b >>> 7)) & this.mask;
      for (;;) {
        if (this.stamps[at] !== this.stamp) {
          const name = keyName(a, b);
          this.stamps[at] = this.stamp;
          this.h1[at] = a;
          this.h2[at] = b;
          this.names[at] = name;
          distinct.push(name);
          break;
        }
        if (this.h1[at] === a && this.h2[at] === b) break;
        at = (at + 1) & this.mask;
      }
      blockKeys[i] = this.names[at] as string;
    }
    return distinct;
  }
}
const pageKeys = new PageKeys();

/** The reader's shape objects, written over page after page (no page's shapes outlive its reading). */
const shapePool: Shape[] = [];

/** Labels every block of a page with the page model and cuts the page into documents where the labels say. */
export function readBlocks(blocks: Block[], opts: ReadOptions = {}): PageReading {
  // the stop words follow the page's language, read from its longest lines (documents get their own later)
  const language = opts.language ?? identifyLanguage(sampleText(blocks), 1);
  const shapes = shapesOf(blocks, stopWords(language.code), shapePool);
  const ctx = pageContext(blocks);
  // the page's distinct keys in order, each named once, and what the memory says of each block's
  const distinct = pageKeys.read(blocks);
  if (opts.seen) {
    const seen = opts.seen;
    ctx.seen = pageKeys.blockKeys.slice(0, blocks.length).map((k) => (k ? (seen.get(k) ?? 0) : 0));
  }
  const model = opts.model ?? pageModel();
  let labels = blocks.length > 0 ? model.label(blocks, shapes, ctx) : new Int32Array(0);
  const second = opts.htmlModel ?? (opts.model ? undefined : htmlPageModel());
  // the model whose reading the labels are: what it scored each block is asked again when the page has no body
  let reader = model;
  if (opts.structure && second && blocks.length > 0 && blocks.length <= SECOND_READING_MAX_BLOCKS) {
    // the page's features as the first reading made them, with what it says around each block
    labels = second.labelAgain(model, blocks.length, ctx.html, stackFeatures(opts.structure, blocks, labels));
    reader = second;
  }
  const inComments = opts.comments ? outOfComments(labels, opts.comments) : [];
  let fellBack = false;
  let forcedBody = false;
  if (blocks.length > 0 && !labels.includes(Label.body)) {
    const other = opts.fallback?.();
    if (other?.includes(Label.body)) {
      labels = other;
      fellBack = true;
    } else if (!labels.includes(Label.title) && shapes.some((s) => s.prose)) {
      // a page with prose that the model read all as chrome or related items is misread as a whole, not empty: its
      // best reading with some text beats refusing it (a page of menus alone, with no prose, is still refused)
      const forced = reader.labelWith(Label.body, blocks.length);
      if (forced) {
        labels = forced;
        forcedBody = true;
      }
    }
  }
  titleWithoutBody(labels);
  noPageAround(blocks, shapes, labels);
  const { documents, removed } = documentsOf(blocks, labels, opts.mtime);
  if (inComments.length > 0) {
    const dropped = new Set(inComments);
    for (const r of removed) if (dropped.has(r.block)) r.reason = "a comment section (the markup names it so)";
  }
  // what the memory said is part of why: a reader of the output can see a line was dropped as a site's recurring chrome
  if (ctx.seen)
    for (const r of removed) {
      const n = ctx.seen[r.block] ?? 0;
      if (n > 0) r.reason = `${r.reason} (seen on ${n} earlier page${n > 1 ? "s" : ""} of this source)`;
    }
  return { blocks, labels, documents, removed, language, keys: distinct, fellBack, forcedBody };
}

/**
 * Takes the article's text and title out of a comment section, when some text is left outside it: a
 * comment's prose reads like the article's, its markup says it is not. The blocks taken out, in order.
 */
function outOfComments(labels: Int32Array, comments: Uint8Array): number[] {
  const main = (y: number) => y === Label.body || y === Label.title;
  let lastOutside = -1;
  for (let i = 0; i < labels.length; i++) if (!comments[i] && labels[i] === Label.body) lastOutside = i;
  if (lastOutside < 0) return [];
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++)
    if (comments[i] && main(labels[i] as number)) {
      labels[i] = i < lastOutside ? Label.inner : Label.post;
      out.push(i);
    }
  return out;
}

/**
 * A title with no text under it is the text: a file of a line or two ("Bananas are yellow.") has no
 * page around it, and what reads as a headline is all there is to keep.
 */
function titleWithoutBody(labels: Int32Array): void {
  if (labels.includes(Label.body) || !labels.includes(Label.title)) return;
  for (let i = 0; i < labels.length; i++) if (labels[i] === Label.title) labels[i] = Label.body;
}

const SENTENCE_END = /[.!?…。！？]["”’)»]?$/u;
/** A letter's closing ("Kind regards,", "Cheers,"), or the line before a signature: it ends in a comma. */
const VALEDICTION = /[,，]$/u;
/** A signature's lines: a name, a role ("Head of Sales"), a few words each. */
const SIGNATURE_WORDS = 4;

/**
 * A file with no page around it is all text. One block has nothing to be the chrome of; and a file with no
 * chrome before its text, none inside it and no related items (a note, not a scraped page: a page's menus
 * come first) has no chrome after it either: what follows its last paragraph there is its closing — a line that
 * ends a sentence ("See you there."; "Share this" stays chrome), or a letter's closing and signature
 * ("Kind regards," then a name: short lines after a line ending in a comma).
 */
function noPageAround(blocks: Block[], shapes: Shape[], labels: Int32Array): void {
  const n = labels.length;
  if (n === 1) {
    labels[0] = Label.body;
    return;
  }
  if (n < 2) return;
  // only title and body, then a run of chrome at the very end
  let tail = -1;
  for (let i = 0; i < n; i++) {
    const y = labels[i] as number;
    if (y === Label.post) {
      if (tail < 0) tail = i;
    } else if (tail >= 0 || (y !== Label.title && y !== Label.body)) return;
  }
  if (tail <= 0 || labels[tail - 1] !== Label.body) return;
  const text = (i: number) => (blocks[i] as Block).text.trimEnd();
  const closing = tail === n - 1 && SENTENCE_END.test(text(tail));
  // the closing: the last line ending in a comma, with at most two lines after it
  let v = n - 1;
  while (v > n - 3 && v > 0 && !VALEDICTION.test(text(v))) v--;
  let signature = VALEDICTION.test(text(v));
  for (let i = v + 1; signature && i < n; i++)
    signature = (shapes[i] as Shape).words <= SIGNATURE_WORDS && !SENTENCE_END.test(text(i));
  if (closing || signature) labels.fill(Label.body, tail);
}

/** About a thousand characters of the page's longest blocks, in page order: the article's language more than the menus'. */
function sampleText(blocks: Block[]): string {
  // the twelve longest, longest first (the earlier of two as long): kept in order while scanning, not a sort of every block
  const longest: Array<{ i: number; len: number }> = [];
  for (let i = 0; i < blocks.length; i++) {
    const len = (blocks[i] as Block).text.length;
    if (longest.length === 12 && len <= (longest[11] as { len: number }).len) continue;
    let at = longest.length;
    while (at > 0 && (longest[at - 1] as { len: number }).len < len) at--;
    longest.splice(at, 0, { i, len });
    if (longest.length > 12) longest.pop();
  }
  const picked: number[] = [];
  let chars = 0;
  for (const { i, len } of longest) {
    if (chars >= 1000) break;
    picked.push(i);
    chars += len;
  }
  // joined by a space, not a line break: identifyLanguage collapses white space alike, and skips a text with none to collapse
  return picked
    .sort((a, b) => a - b)
    .map((i) => (blocks[i] as Block).text.slice(0, 1000))
    .join(" ");
}

function documentsOf(
  blocks: Block[],
  labels: Int32Array,
  mtime: string | undefined,
): { documents: PageDocument[]; removed: PageReading["removed"] } {
  const removed: PageReading["removed"] = [];
  const main: PageDocument = { role: "main", title: null, body: [], sourceBlocks: [], source: {} };
  const related: PageDocument[] = [];
  let item: PageDocument | null = null;
  const text = (i: number) => (blocks[i] as Block).text;
  labels.forEach((y, i) => {
    switch (y) {
      case Label.title:
        // a second headline line belongs to the text rather than to nowhere
        if (main.title === null) main.title = i;
        else main.body.push(i);
        break;
      case Label.body:
        main.body.push(i);
        break;
      case Label.source:
        main.sourceBlocks.push(i);
        break;
      case Label.relatedTitle:
        if (!item || item.title !== null || item.body.length > 0) {
          item = { role: "related", title: null, body: [], sourceBlocks: [], source: {} };
          related.push(item);
        }
        item.title = i;
        break;
      case Label.relatedSource:
        if (!item || item.body.length > 0) {
          item = { role: "related", title: null, body: [], sourceBlocks: [], source: {} };
          related.push(item);
        }
        item.sourceBlocks.push(i);
        break;
      case Label.relatedBody:
        if (!item) {
          item = { role: "related", title: null, body: [], sourceBlocks: [], source: {} };
          related.push(item);
        }
        item.body.push(i);
        break;
      default:
        item = null;
    }
    const reason = REASONS[y];
    if (reason) removed.push({ block: i, reason });
  });
  const documents: PageDocument[] = [];
  for (const d of [main, ...related]) {
    d.source = parseSourceLines(d.sourceBlocks.map(text), mtime);
    if (d.role === "related" && d.body.length === 0) d.role = "teaser";
    if (d.body.length > 0 || (d.role !== "main" && d.title !== null)) documents.push(d);
    else if (d.title !== null) removed.push({ block: d.title, reason: "a headline with no text" });
  }
  removed.sort((a, b) => a.block - b.block);
  return { documents, removed };
}
