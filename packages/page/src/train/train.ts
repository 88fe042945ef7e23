import { FeatureMap, LinearChain, type Sequence, type Weights } from "@sift/learn";
import type { ChildNode, Element } from "domhandler";
import { parseDocument } from "htmlparser2";
import { blockFeatures, HTML_VIEW, pageContext, STACK_TEMPLATE } from "../features.js";
import { analyseHtml } from "../html.js";
import { htmlLayout } from "../html-layout.js";
import { ANY, Label, pageChain } from "../labels.js";
import { identifyLanguage } from "../language.js";
import { lineKey } from "../line-key.js";
import { type Block, textBlocks } from "../lines.js";
import { PageModel, type StoredPageModel, storeModel } from "../model.js";
import { MAX_REMEMBERED_CHARS } from "../read.js";
import { shapesOf } from "../shape.js";
import { type BlockStructure, stackFeatures } from "../stack.js";
import { stopWords } from "../stopwords.js";
import { alignWithGold, alignWithSnippets } from "./align.js";
import { type DevPage, flattenHtml } from "./data.js";
import type { GeneratedPage } from "./generate.js";
import { countSnippets, type Score, scoreExtraction, snippetScore } from "./metrics.js";

/** One training sequence: a page read as HTML blocks or as flattened lines, with what is known of its labels. */
export interface Example {
  view: "html" | "text";
  page: DevPage | null;
  blocks: Block[];
  features: string[][];
  /** Per block, the labels it may take (bit y = label y). */
  masks: Uint32Array;
  /** Pages that share an id fall in one fold (a page's HTML and flattened views). */
  group: string;
  /** A flattened trafilatura page: its masks from the snippets alone, before a reading of its markup filled the rest. */
  snippetMasks?: Uint32Array;
  /** An HTML page's blocks in its markup: what the second reading's features need. */
  structure?: BlockStructure;
}

function textOf(n: ChildNode): string {
  if (n.type === "text") return n.data;
  if ("children" in n) return (n.children as ChildNode[]).map(textOf).join("");
  return "";
}

/** The article's headline of a real page: its first `<h1>`, else `og:title` (the benchmark's gold has no title). */
export function htmlTitle(html: string): string | null {
  const doc = parseDocument(html);
  let og: string | null = null;
  let h1: string | null = null;
  const stack: ChildNode[] = [...doc.children].reverse();
  while (stack.length > 0 && h1 === null) {
    const n = stack.pop() as ChildNode;
    if (n.type !== "tag") continue;
    const el = n as Element;
    if (el.name === "meta" && (el.attribs.property === "og:title" || el.attribs.name === "twitter:title"))
      og ??= el.attribs.content ?? null;
    if (el.name === "h1") h1 = textOf(el).replace(/\s+/g, " ").trim();
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i] as ChildNode);
  }
  return h1 || og;
}

function features(blocks: Block[], seen?: number[]): string[][] {
  const language = identifyLanguage(blocks.map((b) => b.text).join("\n"));
  const ctx = pageContext(blocks);
  if (seen) ctx.seen = seen;
  return blockFeatures(blocks, shapesOf(blocks, stopWords(language.code)), ctx);
}

/** Per block, in how many earlier pages of its group the line was seen: what the run-time line memory tells. */
export class SeenCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  count(group: string, blocks: Block[]): number[] {
    let g = this.counts.get(group);
    if (!g) {
      g = new Map();
      this.counts.set(group, g);
    }
    const keys = blocks.map((b) => (b.text.length <= MAX_REMEMBERED_CHARS ? lineKey(b.text) : ""));
    const out = keys.map((k) => (k ? (g.get(k) ?? 0) : 0));
    for (const k of new Set(keys)) if (k) g.set(k, (g.get(k) ?? 0) + 1);
    return out;
  }
}

const host = (url: string) => {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
};

/** A real page in both views: HTML blocks and the flattened text, labelled from the gold text or the snippets. */
export function realExamples(page: DevPage, seen: SeenCounter, silver: boolean): Example[] {
  const title = page.gold !== undefined ? htmlTitle(page.html) : null;
  const label = (blocks: Block[]) =>
    page.gold !== undefined
      ? alignWithGold(blocks, page.gold, title)
      : alignWithSnippets(blocks, page.with ?? [], page.without ?? []);
  const layout = htmlLayout(page.html);
  const html = layout.blocks;
  const text = textBlocks(flattenHtml(page.html));
  const textMasks = label(text);
  const snippetMasks = page.gold === undefined ? Uint32Array.from(textMasks) : undefined;
  if (silver && page.gold === undefined) {
    // where no snippet says, the rule-based reading of the markup labels the flattened lines
    const main = analyseHtml(page.html).extraction.documents.find((d) => d.role === "main");
    const guess = alignWithGold(text, (main?.blocks ?? []).map((b) => b.text).join("\n"), main?.title ?? null);
    textMasks.forEach((m, i) => {
      if (m === ANY) textMasks[i] = guess[i] as number;
    });
  }
  const group = host(page.url);
  return [
    {
      view: "html",
      page,
      blocks: html,
      features: features(html),
      masks: label(html),
      group: page.id,
      structure: layout.structure,
    },
    {
      view: "text",
      page,
      blocks: text,
      features: features(text, seen.count(group, text)),
      masks: textMasks,
      group: page.id,
      ...(snippetMasks ? { snippetMasks } : {}),
    },
  ];
}

/**
 * The flattened trafilatura pages labelled anew where their snippets do not say: by what a model trained
 * on the HTML views reads in each page's markup (the markup tells more than its flattened text).
 */
export function withMarkupSilver(examples: Example[], model: StoredPageModel): Example[] {
  const reader = new PageModel(model);
  const htmlOf = new Map(examples.filter((e) => e.view === "html" && e.page).map((e) => [e.page as DevPage, e]));
  return examples.map((e) => {
    const twin = e.page ? htmlOf.get(e.page) : undefined;
    if (e.view !== "text" || !e.snippetMasks || !twin) return e;
    const labels = reader.labelNamed(twin.features);
    let title: string | null = null;
    const body: string[] = [];
    labels.forEach((y, i) => {
      if (y === Label.title && title === null) title = (twin.blocks[i] as Block).text;
      if (y === Label.body) body.push((twin.blocks[i] as Block).text);
    });
    const guess = alignWithGold(e.blocks, body.join("\n"), title);
    const snip = e.snippetMasks;
    return { ...e, masks: Uint32Array.from(guess, (m, i) => (snip[i] !== ANY ? (snip[i] as number) : m)) };
  });
}

/** A generated page: every line's label is known. */
export function generatedExample(g: GeneratedPage, seen: SeenCounter, index: number): Example {
  const blocks = textBlocks(g.text);
  return {
    view: "text",
    page: null,
    blocks,
    features: features(blocks, seen.count(`gen:${g.portal}`, blocks)),
    masks: Uint32Array.from(g.labels, (y) => 1 << y),
    group: `gen:${g.portal}:${index % 5}`,
  };
}

export interface TrainOptions {
  epochs: number;
  seed: number;
  /**
   * Where the flattened trafilatura pages' labels come from beyond their snippets: the rule-based reading
   * of their markup (built into the examples), or a model first trained on the HTML views.
   */
  silver: "rules" | "model";
  /**
   * What a wrong label on a block costs: 1 everywhere ("flat"), or more for a block of more words ("words",
   * see `blockCost`): the benchmarks score words, not blocks.
   */
  cost: "flat" | "words";
}

export const DEFAULT_TRAIN: TrainOptions = { epochs: 20, seed: 1, silver: "model", cost: "words" };

/** Trains the page model on examples: features enter the map in order of first appearance, so a run is reproducible. */
export function trainPageModel(examples: Example[], opts: TrainOptions = DEFAULT_TRAIN): StoredPageModel {
  if (opts.silver === "model") {
    const markup = trainOnce(
      examples.filter((e) => e.view === "html"),
      opts,
    );
    return trainOnce(withMarkupSilver(examples, markup), opts);
  }
  return trainOnce(examples, opts);
}

/** The page model and the model of an HTML page's second reading, as stored. */
export interface StoredPageModels {
  page: StoredPageModel;
  html: StoredPageModel;
}

/**
 * Folds of the training pages whose first readings train the second model: each page is read by a page
 * model not trained on it, as a page at run time is. Three, not five, for the training's time (each fold is
 * a training of the page model); five were not measured.
 */
export const STACK_FOLDS = 3;

/**
 * Trains the page model, then the second reading of HTML pages: a page model trained again with, on every HTML
 * page, what a first reading by a model not trained on that page says around each block (stacked sequential
 * learning; the first readings come from `STACK_FOLDS` folds of the real pages, generated pages train every fold).
 */
export function trainPageModels(
  examples: Example[],
  opts: TrainOptions = DEFAULT_TRAIN,
  folds: FoldModels = trainFoldModels(examples, opts),
): StoredPageModels {
  const page = trainPageModel(examples, opts);
  const readers = folds.models.map((m) => new PageModel(m));
  const stacked = examples.map((e) => {
    const fold = e.structure && e.page ? folds.foldOf.get(e.group) : undefined;
    if (fold === undefined) return e;
    return { ...e, features: withStackFeatures(e, (readers[fold] as PageModel).labelNamed(e.features)) };
  });
  return { page, html: trainPageModel(stacked, opts) };
}

/** Page models each trained without one fold of the real pages (generated pages train every one), and the folds. */
export interface FoldModels {
  /** A real page's fold, by its example's group. */
  foldOf: Map<string, number>;
  models: StoredPageModel[];
}

/** `k` page models, model i trained without the real pages of fold i: first readings of pages a model was not trained on. */
export function trainFoldModels(examples: Example[], opts: TrainOptions = DEFAULT_TRAIN, k = STACK_FOLDS): FoldModels {
  const split = foldSplit(examples, k);
  const models = Array.from({ length: k }, (_, fold) => trainPageModel(split.trainingFor(fold), opts));
  return { foldOf: split.foldOf, models };
}

/**
 * The real pages in k folds by their group, in order of first appearance (both views of a page in one fold), and
 * each fold's training set: the real pages of the other folds, then every generated page.
 */
function foldSplit(examples: Example[], k: number) {
  const real = examples.filter((e) => e.page !== null);
  const generated = examples.filter((e) => e.page === null);
  const foldOf = new Map([...new Set(real.map((e) => e.group))].map((g, i) => [g, i % k]));
  return {
    real,
    foldOf,
    trainingFor: (fold: number) => [...real.filter((e) => foldOf.get(e.group) !== fold), ...generated],
    heldOut: (fold: number) => real.filter((e) => foldOf.get(e.group) === fold),
  };
}

/** An HTML example's features with what a first reading says around each block, named as `emitFeatures` names them. */
export function withStackFeatures(e: Example, labels: Int32Array): string[][] {
  const stack = stackFeatures(e.structure as BlockStructure, e.blocks, labels);
  return e.features.map((fs, i) => {
    const out = fs.slice();
    for (const s of stack[i] as string[]) out.push(`${STACK_TEMPLATE}=${s}`, `${HTML_VIEW}${STACK_TEMPLATE}=${s}`);
    return out;
  });
}

/** Page models ready to read: the page model, and the second reading of HTML pages (or none). */
export interface PageModels {
  page: PageModel;
  html: PageModel | null;
}

/** The best labels of an example as the reader finds them: the page model's, then on an HTML page the second reading's. */
export function readExample(models: PageModels, e: Example): Int32Array {
  const labels = models.page.labelNamed(e.features);
  if (!e.structure || !models.html) return labels;
  return models.html.labelNamed(withStackFeatures(e, labels));
}

/** Features seen on fewer pages than this are left out: what one site says would be learned by heart. */
export const MIN_PAGES = 3;

/**
 * An example's feature names as ids of one table that every training of the process shares: a run trains the
 * page model ten times over mostly the same examples, and counting and mapping their names anew each time
 * (a string set per example, a map per training) took about a sixth of training (train.test 313 → 267 s).
 * The table only grows by names not seen before (a stacked training's few hundred stack features); an
 * example's features are not changed once made, so their ids are kept by the array.
 */
interface CodedFeatures {
  /** Per block, its features' shared ids (`offs[i]` to `offs[i + 1]`), in the names' order. */
  ids: Int32Array;
  offs: Int32Array;
  /** The example's distinct ids: what counts the pages a feature is seen on. */
  distinct: Int32Array;
}
const SHARED_NAMES = new FeatureMap();
const CODED = new WeakMap<string[][], CodedFeatures>();

function codedFeatures(features: string[][]): CodedFeatures {
  let coded = CODED.get(features);
  if (coded) return coded;
  let total = 0;
  for (const fs of features) total += fs.length;
  const ids = new Int32Array(total);
  const offs = new Int32Array(features.length + 1);
  let k = 0;
  features.forEach((fs, i) => {
    for (const f of fs) ids[k++] = SHARED_NAMES.id(f, true);
    offs[i + 1] = k;
  });
  coded = { ids, offs, distinct: Int32Array.from(new Set(ids)) };
  CODED.set(features, coded);
  return coded;
}

function trainOnce(examples: Example[], opts: TrainOptions): StoredPageModel {
  const chain = new LinearChain(pageChain);
  const coded = examples.map((e) => codedFeatures(e.features));
  const pages = new Int32Array(SHARED_NAMES.names.length);
  for (const c of coded) for (const g of c.distinct) pages[g] = (pages[g] as number) + 1;
  // the model's ids in order of first appearance among the kept features: a run is reproducible
  const local = new Int32Array(SHARED_NAMES.names.length).fill(-1);
  const names: string[] = [];
  for (const c of coded)
    for (const g of c.ids)
      if ((pages[g] as number) >= MIN_PAGES && local[g] === -1) {
        local[g] = names.length;
        names.push(SHARED_NAMES.names[g] as string);
      }
  const seqs = coded.map((c, k) => toSequence(c, local, (examples[k] as Example).masks));
  if (opts.cost === "words")
    seqs.forEach((s, k) => {
      s.cost = Float32Array.from((examples[k] as Example).blocks, blockCost);
    });
  const w: Weights = chain.train(seqs, names.length, opts);
  return storeModel(names, w, chain.rows);
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A block's weight in what the model is judged by: its words, damped (log2 of 2 + words: 1 for an empty line,
 * 3 for a six-word link, 6 for a paragraph of sixty) so that one long paragraph does not drown the page's
 * other decisions. On 5-fold cross-validation, against a flat cost (seeds 1 and 2): HTML article-extraction-dev
 * 0.9674 → 0.9692, trafilatura-eval-dev 0.9207 → 0.9215; flattened 0.9010 → 0.9088, 0.8801 → 0.8826 (√ words
 * was worse on three of the four).
 */
export function blockCost(b: Block): number {
  return Math.log2(2 + (b.text.match(WORD)?.length ?? 0));
}

/** A sequence of the model's ids: features it does not keep (`local` -1) are left out. */
function toSequence(c: CodedFeatures, local: Int32Array, masks: Uint32Array): Sequence {
  const ids: number[] = [];
  const n = c.offs.length - 1;
  const offs = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let k = c.offs[i] as number; k < (c.offs[i + 1] as number); k++) {
      const id = local[c.ids[k] as number] as number;
      if (id >= 0) ids.push(id);
    }
    offs[i + 1] = ids.length;
  }
  return { feats: Int32Array.from(ids), offs, gold: new Int32Array(n), mask: masks };
}

/** The main text of a page as the model read it: title and body blocks (the benchmark's HTML gold has no title). */
export function mainText(e: Example, labels: Int32Array, withTitle: boolean): string {
  const out: string[] = [];
  labels.forEach((y, i) => {
    if (y === Label.body || (withTitle && y === Label.title)) out.push((e.blocks[i] as Block).text);
  });
  return out.join("\n");
}

export interface CrossValidation {
  folds: number;
  html: { ae: Score; te: Score };
  text: { ae: Score; te: Score };
}

/** k-fold cross-validation over the real pages (both views of a page in one fold); generated pages train every fold. */
export async function crossValidate(
  examples: Example[],
  k: number,
  opts: TrainOptions = DEFAULT_TRAIN,
): Promise<CrossValidation> {
  const split = foldSplit(examples, k);
  const preds = new Map<Example, string>();
  for (let fold = 0; fold < k; fold++) {
    const stored = trainPageModels(split.trainingFor(fold), opts);
    const models = { page: new PageModel(stored.page), html: new PageModel(stored.html) };
    for (const e of split.heldOut(fold)) preds.set(e, readMainText(models, e));
    await new Promise((r) => setImmediate(r));
  }
  return scoreReadings(split.real, preds, k);
}

/**
 * The first reading's figures over fold models' own held-out pages (`trainFoldModels`): a cross-validation of
 * the page model alone that costs no training beyond the folds the second reading's training needs anyway.
 */
export function crossValidateFirstReading(examples: Example[], folds: FoldModels): CrossValidation {
  const real = examples.filter((e) => e.page !== null);
  const readers = folds.models.map((m) => ({ page: new PageModel(m), html: null }));
  const preds = new Map<Example, string>();
  for (const e of real) preds.set(e, readMainText(readers[folds.foldOf.get(e.group) as number] as PageModels, e));
  return scoreReadings(real, preds, folds.models.length);
}

/** The page's main text as the models read it (the benchmark's HTML gold has no title; the snippets may be in it). */
function readMainText(models: PageModels, e: Example): string {
  return mainText(e, readExample(models, e), !(e.view === "html" && e.page?.set === "ae"));
}

function scoreReadings(real: Example[], preds: Map<Example, string>, folds: number): CrossValidation {
  const score = (view: "html" | "text") => {
    const ae = real.filter((e) => e.view === view && e.page?.set === "ae");
    const te = real.filter((e) => e.view === view && e.page?.set === "te");
    return {
      ae: scoreExtraction(ae.map((e) => ({ gold: e.page?.gold ?? "", pred: preds.get(e) ?? "" }))),
      te: snippetScore(te.map((e) => countSnippets(preds.get(e) ?? "", e.page?.with ?? [], e.page?.without ?? []))),
    };
  };
  return { folds, html: score("html"), text: score("text") };
}
