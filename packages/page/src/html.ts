import type { DocSource } from "@sift/contracts";
import { type ChildNode, DomHandler, Element, Text } from "domhandler";
import { Parser, type parseDocument } from "htmlparser2";
import { isSpace } from "./space.js";

/** One block of text from the markup; offsets point into the HTML string. */
export interface HtmlBlock {
  text: string;
  kind: "heading" | "paragraph" | "list-item" | "quote" | "pre";
  srcStart: number;
  srcEnd: number;
}

export interface HtmlDocument {
  role: "main" | "related" | "teaser";
  title: string | null;
  blocks: HtmlBlock[];
  source: DocSource;
}

export interface HtmlExtraction {
  documents: HtmlDocument[];
  /** Chrome taken out of the page, with why. */
  removed: Array<{ text: string; reason: string; srcStart: number; srcEnd: number }>;
}

/** Elements whose content is never text of the page. */
const SKIP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "math",
  "iframe",
  "object",
  "embed",
  "canvas",
  "select",
  "option",
  "button",
  "input",
  "textarea",
  "head",
  "video",
  "audio",
  "map",
  // ruby annotations (furigana) and their fallback brackets: a reading aid, not text of the page
  "rt",
  "rp",
]);

/** Elements that start a new block of text. */
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "br",
  "center",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "html",
  "li",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);

/** Container names that say "the article is here" (Readability's positive list, widened). */
const POSITIVE =
  /article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story|prose|rich-?text|paragraph/i;
/** Container names that say "chrome" (Readability's negative and unlikely lists, widened). */
const NEGATIVE =
  /-ad-|\bads?\b|advert|banner|breadcrumb|combx|comment|community|contact|disqus|extra|foot|footer|footnote|gdpr|masthead|media|meta|menu|modal|nav|newsletter|outbrain|pager|pagination|popup|promo|recirc|related|remark|replies|rss|scroll|share|sharing|shopping|shoutbox|sidebar|skyscraper|social|sponsor|subscribe|supplemental|tabool|tags?\b|toolbar|tool-?tip|widget|signup|sign-up|cookie|byline|author|timestamp|dateline|caption|credit|most-?(read|popular|viewed)|trending|recommend|read-?more|more-?(stories|from)|also|teaser|taboola|print|login|paywall|inline-?(ad|promo)|jump|toc\b/i;
/** Names that look negative but belong to the article ("article-meta" stays negative, "content-body" positive). */
const KEEP =
  /article-?body|story-?body|post-?body|entry-?content|post-?content|article-?content|articlebody|main-?content|story-?content|article-?text|body-?text|rich-?text/i;
const RELATED =
  /related|more-?(stories|news|from)|recommend|read-?next|also|teaser|recirc|most-?(read|popular|viewed)|trending/i;
const HEADING = /^h[1-6]$/;

export interface DomBlock {
  text: string;
  /** Nearest block-level ancestor element. */
  owner: Element;
  linkChars: number;
  srcStart: number;
  srcEnd: number;
}

export interface Stats {
  chars: number;
  /** Characters of prose blocks below, not counting those under chrome-named elements. */
  prose: number;
  linkChars: number;
  /** Sum of Readability-style paragraph scores credited to this element. */
  score: number;
  blocks: number;
}

const WS = /\s+/g;

/** What an element's names say, worked out once per element: its names, and which lists they match (-1 not yet tested). */
interface Names {
  attrs: string;
  negative: number;
  keep: number;
  positive: number;
  related: number;
}
/** A WeakMap: a module Map emptied after each page made the HTML layout pass 29% slower (CPU time, 4 processes each). */
const namesOf = new WeakMap<Element, Names>();

function names(el: Element): Names {
  let n = namesOf.get(el);
  if (!n) {
    const a = el.attribs;
    n = {
      attrs: `${a.class ?? ""} ${a.id ?? ""} ${a.role ?? ""} ${a.itemprop ?? ""}`,
      negative: -1,
      keep: -1,
      positive: -1,
      related: -1,
    };
    namesOf.set(el, n);
  }
  return n;
}

function attrs(el: Element): string {
  return names(el).attrs;
}

function isNegative(el: Element): boolean {
  const n = names(el);
  if (n.negative < 0) n.negative = NEGATIVE.test(n.attrs) ? 1 : 0;
  return n.negative === 1;
}

function isKeep(el: Element): boolean {
  const n = names(el);
  if (n.keep < 0) n.keep = KEEP.test(n.attrs) ? 1 : 0;
  return n.keep === 1;
}

function isPositive(el: Element): boolean {
  const n = names(el);
  if (n.positive < 0) n.positive = POSITIVE.test(n.attrs) ? 1 : 0;
  return n.positive === 1;
}

/** Whether a string has a character that is not white space (`s.trim() !== ""`). */
function hasText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return true;
  return false;
}

/** `s.replace(WS, " ").trim()`, without a copy when the spacing is already plain. */
function collapseSpaces(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(n - 1))) return s.replace(WS, " ").trim();
  for (let i = 1; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c) && (c !== 32 || isSpace(s.charCodeAt(i + 1)))) return s.replace(WS, " ").trim();
  }
  return s;
}

function isHidden(el: Element): boolean {
  const a = el.attribs;
  if ("hidden" in a || a["aria-hidden"] === "true") return true;
  const style = a.style;
  return style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

const PARSE = { withStartIndices: true, withEndIndices: true, decodeEntities: true };
type Loose = Record<string, unknown>;

/**
 * domhandler's DOM builder with its two common nodes made by plain assignments: the same objects (same
 * prototype, same own properties in the same order), but domhandler's class fields, run for every node
 * of five node classes, made DOM building the largest cost of reading an HTML page.
 */
/** A node of domhandler's with its links and offsets unset, its fields in domhandler's order. */
function bareNode(prototype: object): Loose {
  const node = Object.create(prototype) as Loose;
  node.parent = null;
  node.prev = null;
  node.next = null;
  node.startIndex = null;
  node.endIndex = null;
  return node;
}

class PageDomHandler extends DomHandler {
  private at: { endIndex: number | null } | null = null;

  override onparserinit(parser: { startIndex: number | null; endIndex: number | null }): void {
    super.onparserinit(parser);
    this.at = parser;
  }

  override onopentag(name: string, attribs: { [key: string]: string }): void {
    const el = bareNode(Element.prototype);
    el.children = [];
    el.name = name;
    el.attribs = attribs;
    el.type = name === "script" ? "script" : name === "style" ? "style" : "tag";
    el.namespace = undefined;
    el["x-attribsNamespace"] = undefined;
    el["x-attribsPrefix"] = undefined;
    this.addNode(el as unknown as Element);
    this.tagStack.push(el as unknown as Element);
  }

  override ontext(data: string): void {
    const last = this.lastNode;
    if (last && last.type === "text") {
      last.data += data;
      if (this.at) last.endIndex = this.at.endIndex;
      return;
    }
    const node = bareNode(Text.prototype);
    node.data = data;
    node.type = "text";
    this.addNode(node as unknown as Text);
    this.lastNode = node as unknown as Text;
  }

  override onend(): void {
    super.onend();
    this.at = null;
  }
}

/** `parseDocument(html, PARSE)`, with a faster builder of the same DOM. */
function parsePage(html: string): ReturnType<typeof parseDocument> {
  const handler = new PageDomHandler(undefined, PARSE);
  new Parser(handler, PARSE).end(html);
  return handler.root;
}

/** Splits the page into blocks of text, each owned by its nearest block-level element. Iterative: nesting depth costs no stack. */
function collectBlocks(root: ChildNode[]): DomBlock[] {
  const blocks: DomBlock[] = [];
  // one list of parts, emptied at each block's end (a new one each end, most of them empty, was garbage)
  const parts: string[] = [];
  let linkChars = 0;
  let start = -1;
  let end = -1;
  let owner: Element | null = null;
  const flush = () => {
    if (parts.length === 0) return;
    const text = collapseSpaces(parts.length === 1 ? (parts[0] as string) : parts.join(""));
    if (text && owner) blocks.push({ text, owner, linkChars, srcStart: start, srcEnd: end });
    parts.length = 0;
    linkChars = 0;
    start = -1;
    end = -1;
  };
  // a frame per open element: its children, the next child, and what it was opened with
  interface Frame {
    nodes: ChildNode[];
    at: number;
    inLink: boolean;
    blockOwner: Element | null;
    /** A block element: its end flushes the block and restores the owner outside it. */
    closes: boolean;
    outer: Element | null;
  }
  // frames[0 .. depth) are open; a frame's object is used again by the next element opened at its depth
  const frames: Frame[] = [{ nodes: root, at: 0, inLink: false, blockOwner: null, closes: false, outer: null }];
  let depth = 1;
  const open = (
    nodes: ChildNode[],
    inLink: boolean,
    blockOwner: Element | null,
    closes: boolean,
    outer: Element | null,
  ) => {
    const f = frames[depth];
    if (f) {
      f.nodes = nodes;
      f.at = 0;
      f.inLink = inLink;
      f.blockOwner = blockOwner;
      f.closes = closes;
      f.outer = outer;
    } else frames.push({ nodes, at: 0, inLink, blockOwner, closes, outer });
    depth++;
  };
  while (depth > 0) {
    const f = frames[depth - 1] as Frame;
    if (f.at >= f.nodes.length) {
      depth--;
      if (f.closes) {
        flush();
        owner = f.outer;
      }
      continue;
    }
    const node = f.nodes[f.at++] as ChildNode;
    if (node.type === "text") {
      const data = node.data;
      if (!data) continue;
      if (hasText(data)) {
        if (start < 0) start = node.startIndex ?? -1;
        end = (node.endIndex ?? -1) + 1;
      }
      if (owner === null || parts.length === 0) owner = f.blockOwner;
      parts.push(data);
      if (f.inLink) linkChars += visibleChars(data);
    } else if (node.type === "tag" || node.type === "script" || node.type === "style") {
      const el = node as Element;
      const name = el.name.toLowerCase();
      if (SKIP.has(name) || isHidden(el)) continue;
      if (BLOCK.has(name)) {
        flush();
        owner = el;
        open(el.children, f.inLink, el, true, f.blockOwner);
      } else open(el.children, f.inLink || name === "a", f.blockOwner, false, null);
    }
  }
  flush();
  return blocks;
}

/** Characters that are not white space (`s.replace(WS, "").length`). */
function visibleChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) n++;
  return n;
}

function commas(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 0xff0c || c === 0x3001) n++;
  }
  return n;
}

function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p?.type === "tag" ? (p as Element) : null;
}

/** Ancestors beyond this many levels say nothing more about a block, and deep nesting must not cost depth × blocks. */
const MAX_ANCESTORS = 40;

function ancestors(el: Element): Element[] {
  const out: Element[] = [];
  let p = el.parent;
  while (p && p.type === "tag" && out.length < MAX_ANCESTORS) {
    out.push(p as Element);
    p = p.parent;
  }
  return out;
}

/** `ancestors(el).includes(above)`, without the array. */
function hasAncestor(el: Element, above: Element): boolean {
  let p = el.parent;
  for (let k = 0; p && p.type === "tag" && k < MAX_ANCESTORS; k++) {
    if (p === above) return true;
    p = p.parent;
  }
  return false;
}

function classWeight(el: Element): number {
  let w = 0;
  if (isKeep(el)) w += 40;
  else {
    if (isPositive(el)) w += 25;
    if (isNegative(el)) w -= 25;
  }
  if (el.attribs.itemprop === "articleBody") w += 50;
  const name = el.name;
  if (name === "article") w += 10;
  if (name === "main") w += 5;
  if (name === "aside" || name === "nav" || name === "footer" || name === "form") w -= 40;
  return w;
}

/** Why a block inside the chosen root is chrome, or null when it is content. */
function chromeReason(block: DomBlock, root: Element, stats: Map<Element, Stats>): string | null {
  for (let el: Element | null = block.owner; el && el !== root; ) {
    const name = el.name;
    if (name === "nav") return "navigation";
    if (name === "aside") return "aside";
    if (name === "footer") return "footer";
    if (name === "header") return "header";
    if (name === "form") return "form";
    if (name === "figcaption" || name === "figure") return "caption";
    if (isChromeNamed(el, stats)) return `class "${attrs(el).trim().slice(0, 40)}"`;
    el = parentElement(el);
  }
  const chars = visibleChars(block.text);
  // a long linked sentence inside the article (a listicle's items) is text; a short linked line is navigation
  const sentence = block.owner.name === "li" && chars >= 150 && /[.!?。！？]["”’)]?$/.test(block.text);
  if (chars > 0 && block.linkChars / chars > 0.5 && !sentence) return "link list";
  return null;
}

function blockKind(owner: Element): HtmlBlock["kind"] {
  const n = owner.name;
  if (HEADING.test(n)) return "heading";
  if (n === "li" || n === "dd" || n === "dt") return "list-item";
  if (n === "blockquote") return "quote";
  if (n === "pre") return "pre";
  return "paragraph";
}

function metaContent(doc: ReturnType<typeof parseDocument>, keys: string[]): string | undefined {
  const stack: ChildNode[] = [...doc.children].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as ChildNode;
    if (n.type !== "tag") continue;
    const el = n as Element;
    if (el.name === "meta") {
      const k = el.attribs.property ?? el.attribs.name ?? el.attribs.itemprop;
      if (k && keys.includes(k.toLowerCase()) && el.attribs.content) return el.attribs.content.trim();
    }
    if (el.name === "body") continue;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i] as ChildNode);
  }
  return undefined;
}

/** How many spaces a string has (`s.split(" ").length - 1`, without the array). */
function spaces(s: string): number {
  let n = 0;
  for (let i = s.indexOf(" "); i >= 0; i = s.indexOf(" ", i + 1)) n++;
  return n;
}

/** Related items (asides, teaser lists): one document per linked headline, with the item's own text as its blocks. */
function relatedDocuments(blocks: DomBlock[], skip: Set<DomBlock>, used: Set<DomBlock>): HtmlDocument[] {
  const out: HtmlDocument[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < blocks.length && out.length < 20; i++) {
    const b = blocks[i] as DomBlock;
    if (skip.has(b)) continue;
    const chars = visibleChars(b.text);
    if (chars < 25 || chars > 200 || b.linkChars / chars < 0.9 || spaces(b.text) < 3) continue;
    const chain = [b.owner, ...ancestors(b.owner)];
    const region = chain.find((el) => el.name === "aside" || isRelated(el));
    if (!region || seen.has(b.text)) continue;
    seen.add(b.text);
    used.add(b);
    // the item: the nearest list item or article around the headline, inside the region
    const item = chain.slice(0, chain.indexOf(region)).find((el) => el.name === "li" || el.name === "article");
    const doc: HtmlDocument = { role: "related", title: b.text, blocks: [], source: {} };
    for (let j = i + 1; item && j < blocks.length; j++) {
      const next = blocks[j] as DomBlock;
      if (next.owner !== item && !hasAncestor(next.owner, item)) break;
      const n = visibleChars(next.text);
      if (skip.has(next) || next.linkChars / Math.max(1, n) > 0.5) continue;
      used.add(next);
      if (n < 40 && /\bago$|\d{4}|^\d{1,2}[:.]\d{2}/.test(next.text)) doc.source.published = next.text;
      // counters and labels ("2", "Video") are not text of the item
      else if (n >= 20 && next.text.includes(" "))
        doc.blocks.push({ text: next.text, kind: "paragraph", srcStart: next.srcStart, srcEnd: next.srcEnd });
    }
    out.push(doc);
  }
  return out;
}

/** Main-content extraction: scores containers by the prose they hold, keeps the best one's blocks minus its chrome. */
export function extractHtml(html: string): HtmlExtraction {
  return analyseHtml(html).extraction;
}

/** What the rule-based reading said of one block: inside the chosen article container, and why it is chrome if it is. */
export interface BlockVerdict {
  inMain: boolean;
  reason: string | null;
  /** Dropped at the edge of the body (short non-sentence). */
  edge: boolean;
  title: boolean;
  /** Used by a related item. */
  related: boolean;
}

export interface HtmlAnalysis {
  doc: ReturnType<typeof parseDocument>;
  blocks: DomBlock[];
  /** Per element: the text below it (chars, prose, links). */
  stats: Map<Element, Stats>;
  /** The container the rules chose, and the containers kept with it. */
  best: Element | null;
  roots: Element[];
  verdicts: BlockVerdict[];
  extraction: HtmlExtraction;
}

/** The rule-based reading of a page (Readability-style container scoring), with its verdict on every block. */
export function analyseHtml(html: string): HtmlAnalysis {
  const doc = parsePage(html);
  const blocks = collectBlocks(doc.children);
  const stats = new Map<Element, Stats>();
  const statOf = (el: Element) => {
    let s = stats.get(el);
    if (!s) {
      s = { chars: 0, prose: 0, linkChars: 0, score: 0, blocks: 0 };
      stats.set(el, s);
    }
    return s;
  };
  for (const b of blocks) {
    const chars = visibleChars(b.text);
    const prose = b.text.length >= 80 && b.linkChars / Math.max(1, chars) < 0.25;
    const scored = !(b.text.length < 25 || b.linkChars / Math.max(1, chars) > 0.5);
    const score = scored ? 1 + commas(b.text) + Math.min(3, Math.floor(b.text.length / 100)) : 0;
    // the paragraph's container and its ancestors share the credit, less the further up
    const first = b.owner.name === "div" || b.owner.name === "td" ? 0 : 1;
    let blocked = false;
    // the block's owner, then its ancestors (at most MAX_ANCESTORS)
    let el: Element = b.owner;
    for (let k = 0; ; k++) {
      const s = statOf(el);
      if (prose && !blocked) {
        s.prose += chars;
        if (isChromeElement(el)) blocked = true;
      }
      s.chars += chars;
      s.linkChars += b.linkChars;
      s.blocks += 1;
      const level = k - first;
      if (scored && level >= 0 && level < 5)
        s.score += level === 0 ? score : level === 1 ? score / 2 : score / (level * 3);
      const p = el.parent;
      if (k >= MAX_ANCESTORS || !p || p.type !== "tag") break;
      el = p as Element;
    }
  }
  let best: Element | null = null;
  let bestScore = -Infinity;
  for (const [el, s] of stats) {
    if (s.score <= 0) continue;
    const final = (s.score + classWeight(el)) * (1 - s.linkChars / Math.max(1, s.chars));
    if (final > bestScore) {
      bestScore = final;
      best = el;
    }
  }
  if (best) best = climb(best, stats);
  const title = pickTitle(doc, blocks, best);
  const verdicts: BlockVerdict[] = blocks.map(() => ({
    inMain: false,
    reason: null,
    edge: false,
    title: false,
    related: false,
  }));
  let roots: Element[] = [];
  const removed: HtmlExtraction["removed"] = [];
  const kept: HtmlBlock[] = [];
  if (best) {
    roots = withSiblings(best, bestScore, stats);
    const rootSet = new Set(roots);
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i] as DomBlock;
      const root = rootOf(b.owner, rootSet);
      if (!root) continue;
      const reason = chromeReason(b, root, stats);
      const v = verdicts[i] as BlockVerdict;
      v.inMain = true;
      v.reason = reason;
      if (reason) {
        removed.push({ text: b.text, reason, srcStart: b.srcStart, srcEnd: b.srcEnd });
        continue;
      }
      if (title && HEADING.test(b.owner.name) && b.text === title.text) {
        v.title = true;
        continue;
      }
      kept.push({ text: b.text, kind: blockKind(b.owner), srcStart: b.srcStart, srcEnd: b.srcEnd });
    }
  }
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as DomBlock;
    if (!(verdicts[i] as BlockVerdict).inMain)
      removed.push({ text: b.text, reason: "outside main content", srcStart: b.srcStart, srcEnd: b.srcEnd });
  }
  const source: DocSource = {};
  const site = metaContent(doc, ["og:site_name"]);
  if (site) source.site = site;
  const url = metaContent(doc, ["og:url"]);
  if (url) source.url = url;
  const author = metaContent(doc, ["author", "article:author"]);
  if (author && !/^https?:/.test(author)) source.author = author;
  const published = metaContent(doc, ["article:published_time", "datepublished", "date"]);
  if (published) source.published = published;
  const main: HtmlDocument = { role: "main", title: title?.text ?? null, blocks: trimEdges(kept, removed), source };
  const keptSet = new Set(main.blocks.map((k) => k.srcStart));
  const used = new Set<DomBlock>();
  const related = relatedDocuments(blocks, new Set(blocks.filter((b) => keptSet.has(b.srcStart))), used);
  const usedAt = new Set([...used].map((b) => b.srcStart));
  const keptAt = new Set(main.blocks.map((b) => b.srcStart));
  blocks.forEach((b, i) => {
    const v = verdicts[i] as BlockVerdict;
    if (v.inMain && v.reason === null && !v.title && !keptAt.has(b.srcStart)) v.edge = true;
    if (usedAt.has(b.srcStart)) v.related = true;
  });
  return {
    doc,
    blocks,
    stats,
    best,
    roots,
    verdicts,
    extraction: { documents: [main, ...related], removed: removed.filter((r) => !usedAt.has(r.srcStart)) },
  };
}

/** The root (of disjoint subtrees) that holds an element: itself or one of its MAX_ANCESTORS ancestors. */
function rootOf(owner: Element, roots: Set<Element>): Element | undefined {
  let el: Element = owner;
  for (let k = 0; ; k++) {
    if (roots.has(el)) return el;
    const p = el.parent;
    if (k >= MAX_ANCESTORS || !p || p.type !== "tag") return undefined;
    el = p as Element;
  }
}

function isRelated(el: Element): boolean {
  const n = names(el);
  if (n.related < 0) n.related = RELATED.test(n.attrs) ? 1 : 0;
  return n.related === 1;
}

function isChromeElement(el: Element): boolean {
  const n = el.name;
  if (n === "nav" || n === "aside" || n === "footer" || n === "form" || n === "header") return true;
  if (n === "body" || n === "html") return false;
  return isNegative(el) && !isKeep(el) && !isPositive(el);
}

/** A chrome-named element, unless it is large prose or also named like content. */
function isChromeNamed(el: Element, stats: Map<Element, Stats>): boolean {
  if (!isNegative(el) || isKeep(el)) return false;
  const s = stats.get(el);
  if (!s) return true;
  const density = s.linkChars / Math.max(1, s.chars);
  // a long, link-poor element named "meta" is still text; a short one is chrome
  if (s.chars >= 600 && density <= 0.3) return false;
  if (s.prose >= 400 && s.prose >= 0.4 * s.chars) return false;
  return !(isPositive(el) && s.chars >= 300 && density <= 0.3);
}

/** Moves up from the best container while an ancestor adds prose of its own (articles split by figures or ads). */
function climb(best: Element, stats: Map<Element, Stats>): Element {
  const base = stats.get(best)?.prose ?? 0;
  let out = best;
  let el = best;
  for (let level = 0; level < 6; level++) {
    const parent = parentElement(el);
    if (!parent) break;
    if (parent.name === "body" || parent.name === "html") break;
    el = parent;
    const s = stats.get(el);
    if (!s) continue;
    const added = s.prose - base;
    if (added >= Math.max(150, 0.1 * base) && s.linkChars / Math.max(1, s.chars) < 0.35) out = el;
  }
  return out;
}

/** Readability's sibling step: siblings of the best container that hold prose join it. */
function withSiblings(best: Element, bestScore: number, stats: Map<Element, Stats>): Element[] {
  const parent = parentElement(best);
  if (!parent) return [best];
  const threshold = Math.max(10, bestScore * 0.2);
  const out: Element[] = [];
  for (const sib of parent.children) {
    if (sib.type !== "tag") continue;
    const el = sib as Element;
    if (el === best) {
      out.push(el);
      continue;
    }
    const s = stats.get(el);
    if (!s || s.chars === 0) continue;
    const density = s.linkChars / s.chars;
    const name = el.name;
    if (name === "aside" || name === "nav" || name === "footer") continue;
    if (isNegative(el) && !isKeep(el)) continue;
    const score = (s.score + classWeight(el)) * (1 - density);
    if (score >= threshold || (name === "p" && s.chars > 80 && density < 0.25)) out.push(el);
  }
  return out;
}

function pickTitle(
  doc: ReturnType<typeof parseDocument>,
  blocks: DomBlock[],
  best: Element | null,
): { text: string } | null {
  const headings = blocks.filter((b) => b.owner.name === "h1");
  const og = metaContent(doc, ["og:title", "twitter:title"]);
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  if (og) {
    const match = headings.find((h) => norm(og).includes(norm(h.text)) && norm(h.text).length > 10);
    if (match) return { text: match.text };
  }
  if (best) {
    const inside = headings.find((h) => hasAncestor(h.owner, best));
    if (inside) return { text: inside.text };
  }
  if (headings.length === 1 && headings[0]) return { text: headings[0].text };
  return og ? { text: og } : null;
}

/** Drops short non-sentence blocks at the ends of the body (bylines, "Advertisement", share prompts). */
function trimEdges(kept: HtmlBlock[], removed: HtmlExtraction["removed"]): HtmlBlock[] {
  const isShortChrome = (b: HtmlBlock) =>
    b.kind !== "heading" && b.text.length < 40 && !/[.!?"”’。！？」』]$/.test(b.text);
  let lo = 0;
  let hi = kept.length;
  while (lo < hi && kept[lo] && isShortChrome(kept[lo] as HtmlBlock)) lo++;
  while (hi > lo && kept[hi - 1] && isShortChrome(kept[hi - 1] as HtmlBlock)) hi--;
  for (const b of [...kept.slice(0, lo), ...kept.slice(hi)])
    removed.push({ text: b.text, reason: "edge of body", srcStart: b.srcStart, srcEnd: b.srcEnd });
  return kept.slice(lo, hi);
}
