import type { DocSource } from "@sift/contracts";
import type { Element } from "domhandler";
import { analyseHtml, type DomBlock, type HtmlAnalysis } from "./html.js";
import { Label } from "./labels.js";
import type { Block } from "./lines.js";
import { isSpace } from "./space.js";
import { type BlockStructure, blockStructure } from "./stack.js";

/** Semantic elements whose presence above a block says what region it is in. */
const REGIONS = new Set([
  "article",
  "main",
  "nav",
  "aside",
  "footer",
  "header",
  "form",
  "section",
  "figure",
  "figcaption",
  "blockquote",
  "table",
  "li",
  "ul",
  "ol",
  "dl",
  "menu",
  "details",
]);
const CHROME_NAME =
  /-ad-|\bads?\b|advert|banner|breadcrumb|comment|community|contact|disqus|foot|footer|masthead|menu|modal|nav|newsletter|outbrain|pager|pagination|popup|promo|recirc|related|replies|share|sharing|sidebar|social|sponsor|subscribe|widget|signup|cookie|byline|author|timestamp|dateline|caption|credit|trending|recommend|teaser|taboola|login|paywall|tags?\b/i;
const CONTENT_NAME = /article|body|content|entry|post|text|story|prose|main|blog/i;
const MAX_LEVELS = 12;
const MAX_TOKENS = 6;

function classTokens(el: Element): string[] {
  const raw = `${el.attribs.class ?? ""} ${el.attribs.id ?? ""}`;
  const out: string[] = [];
  for (const part of raw.split(/[\s_\-:.]+/)) {
    for (const t of part.split(/(?<=[a-z])(?=[A-Z])/)) {
      const w = t.toLowerCase();
      if (w.length >= 3 && w.length <= 20 && /^[a-z]+$/.test(w)) out.push(w);
    }
  }
  return out;
}

/** What an element's class and id say, worked out once per distinct `class id` string of a page. */
interface NameInfo {
  named: boolean;
  chromeName: boolean;
  contentName: boolean;
  /** Its class tokens as features (`ct=` + token). */
  tokens: string[];
}

/** What an element says of the blocks below it, worked out once per element. */
interface ElementInfo {
  /** `tag=` + its name. */
  tag: string;
  /** Its region and role as features (`in=` + name), or null. */
  region: string | null;
  names: NameInfo;
  itemprop: boolean;
  role: string | null;
  /** Its container features, by how far above the block it is (1–4). */
  stats: Array<string[] | undefined>;
}

const share = (x: number) => (x <= 0 ? 0 : x < 0.05 ? 1 : x < 0.15 ? 2 : x < 0.3 ? 3 : x < 0.5 ? 4 : x < 0.75 ? 5 : 6);
const log2Bucket = (n: number) => (n <= 0 ? 0 : Math.min(12, Math.ceil(Math.log2(n + 1))));
const parentOf = (el: Element): Element | null => (el.parent?.type === "tag" ? (el.parent as Element) : null);

/**
 * Feature names from small sets of values, made once: built per block they were most of the garbage of an
 * HTML page's features (a template string each, for the same few dozen names).
 */
const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `${prefix}${k}`);
const LD = numbered("ld=", 5);
/** `lca:${k}`, `lca:${k}p${share}` and `lca:c${share}` for k 1–4 and shares 0–6. */
const LCA = numbered("lca:", 5);
const LCA_P = LCA.map((k) => numbered(`${k}p`, 7));
const LCA_C = numbered("lca:c", 7);
const TT_BEFORE = numbered("tt:before", 4);
const TT_AFTER = numbered("tt:after", 7);
const KP_BEFORE = numbered("kp:before", 5);
const KP_AFTER = numbered("kp:after", 5);
const IN_CHROME = ["in=chrome-name-near", "in=chrome-name"];
const IN_CONTENT = ["in=content-name-near", "in=content-name"];
/** Where a block stands to the prose parent (proseParentWhere's codes), as `pp:` features; then with `t`, then `o`. */
const PP_WHERE = ["child", "deep2", "deep3", "before", "after", "between"];
const PP = PP_WHERE.map((w) => [`pp:${w}`, `pp:${w}t`, `pp:${w}o`]);
const PP_NONE = "pp:none";

/** `hr=` features of the rules' reasons (a `class "…"` reason, whatever the class, is `hr=class`), made once a reason. */
const reasonFeatures = new Map<string, string>();
function reasonFeature(reason: string): string {
  let f = reasonFeatures.get(reason);
  if (f === undefined) {
    f = `hr=${reason.replace(/^class .*/, "class")}`;
    // reasons quote class names: a page of odd names must not grow the cache without end
    if (reasonFeatures.size >= 4096) reasonFeatures.clear();
    reasonFeatures.set(reason, f);
  }
  return f;
}

/** Markup features of the page's blocks, worked out once a page: the elements' and their names' information. */
class MarkupFeatures {
  private readonly infos = new Map<Element, ElementInfo>();
  private readonly nameInfos = new Map<string, NameInfo>();
  private readonly tags = new Map<string, string>();
  private readonly a: HtmlAnalysis;
  private readonly pageChars: number;
  private readonly levels: Map<Element, number>;
  private readonly regions: string[] = [];
  private readonly tokens: string[] = [];

  constructor(a: HtmlAnalysis) {
    this.a = a;
    let pageChars = 0;
    for (const b of a.blocks) pageChars += b.text.length;
    this.pageChars = pageChars;
    this.levels = bestLevels(a.best);
  }

  private info(el: Element): ElementInfo {
    let x = this.infos.get(el);
    if (!x) {
      const cls = `${el.attribs.class ?? ""} ${el.attribs.id ?? ""}`;
      let names = this.nameInfos.get(cls);
      if (!names) {
        const named = cls.trim() !== "";
        names = {
          named,
          chromeName: named && CHROME_NAME.test(cls),
          contentName: named && CONTENT_NAME.test(cls),
          tokens: named ? classTokens(el).map((t) => `ct=${t}`) : [],
        };
        this.nameInfos.set(cls, names);
      }
      let tag = this.tags.get(el.name);
      if (tag === undefined) {
        tag = `tag=${el.name}`;
        this.tags.set(el.name, tag);
      }
      x = {
        tag,
        region: REGIONS.has(el.name) ? `in=${el.name}` : null,
        names,
        itemprop: el.attribs.itemprop === "articleBody",
        role: el.attribs.role ? `in=role-${el.attribs.role.toLowerCase().slice(0, 16)}` : null,
        stats: [],
      };
      this.infos.set(el, x);
    }
    return x;
  }

  private statsAt(el: Element, level: number): string[] {
    const x = this.info(el);
    let out = x.stats[level];
    if (!out) {
      const s = this.a.stats.get(el);
      out = s
        ? [
            `a${level}:ps=${share(s.chars / Math.max(1, this.pageChars))}`,
            `a${level}:pr=${share(s.prose / Math.max(1, s.chars))}`,
            `a${level}:ld=${share(s.linkChars / Math.max(1, s.chars))}`,
            `a${level}:n=${log2Bucket(s.blocks)}`,
          ]
        : [];
      x.stats[level] = out;
    }
    return out;
  }

  /** Block i's features, onto `f`: its element, the regions above it, the names of its containers, their share of the page, its link density, and the rule-based verdict. */
  block(i: number, f: string[]): void {
    const a = this.a;
    const b = a.blocks[i] as DomBlock;
    const v = a.verdicts[i];
    f.push(this.info(b.owner).tag);
    // the regions and tokens in the order first seen, each once (arrays: a Set each a block was garbage)
    const regions = this.regions;
    const tokens = this.tokens;
    regions.length = 0;
    tokens.length = 0;
    let names = 0;
    let el: Element | null = b.owner;
    for (let level = 0; el && level < MAX_LEVELS; level++) {
      const x = this.info(el);
      if (x.region) addOnce(regions, x.region);
      const n = x.names;
      if (n.named) {
        if (n.chromeName) addOnce(regions, IN_CHROME[level < 3 ? 0 : 1] as string);
        if (n.contentName) addOnce(regions, IN_CONTENT[level < 3 ? 0 : 1] as string);
        if (names < 3)
          for (const t of n.tokens) if (tokens.length < MAX_TOKENS * 3 && !tokens.includes(t)) tokens.push(t);
        names++;
      }
      if (x.itemprop) addOnce(regions, "in=itemprop-body");
      if (x.role) addOnce(regions, x.role);
      el = parentOf(el);
    }
    for (const r of regions) f.push(r);
    for (const t of tokens) f.push(t);
    const chars = nonSpaceChars(b.text);
    const density = chars > 0 ? b.linkChars / chars : 0;
    f.push(LD[density === 0 ? 0 : density < 0.25 ? 1 : density < 0.5 ? 2 : density < 0.9 ? 3 : 4] as string);
    let up = parentOf(b.owner);
    for (let level = 1; up && level <= 4; level++) {
      for (const s of this.statsAt(up, level)) f.push(s);
      up = parentOf(up);
    }
    const best = a.best;
    if (best) {
      lcaFeatures(b.owner, best, this.levels, a, f);
      if (isBelow(b.owner, best)) f.push("best:inside");
      else if (isBelowSibling(b.owner, best, a.roots)) f.push("best:sibling");
      else if (isBelow(best, parentOf(b.owner) ?? b.owner)) f.push("best:near");
      else f.push("best:out");
    }
    if (v) {
      f.push(v.inMain ? "h=main" : "h=out");
      if (v.reason) f.push(reasonFeature(v.reason));
      if (v.edge) f.push("h=edge");
      if (v.title) f.push("h=title");
      if (v.related) f.push("h=related");
      if (v.inMain && !v.reason && !v.edge && !v.title) f.push("h=kept");
    }
  }
}

/** Whether an element is one of the containers kept beside the best one, or below one. */
function isBelowSibling(owner: Element, best: Element, roots: Element[]): boolean {
  for (const r of roots) if (r !== best && (r === owner || isBelow(owner, r))) return true;
  return false;
}

function addOnce(list: string[], s: string): void {
  if (!list.includes(s)) list.push(s);
}

/** `text.replace(/\s+/g, "").length`, counted without making the string (it was a string a block). */
function nonSpaceChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) n++;
  return n;
}

/** The chosen container and its ancestors, each with its height above the container. */
function bestLevels(best: Element | null): Map<Element, number> {
  const levels = new Map<Element, number>();
  let up = 0;
  for (let el: Element | null = best; el && up < 40; up++) {
    levels.set(el, up);
    el = parentOf(el);
  }
  return levels;
}

/**
 * The lowest common ancestor of a block and the chosen container: how many levels above the container it
 * is, and how much of its prose the container holds (text beside the container in a box that holds little
 * else is likely more of the article; a box that is the whole page says nothing).
 */
function lcaFeatures(owner: Element, best: Element, levels: Map<Element, number>, a: HtmlAnalysis, f: string[]): void {
  let el: Element | null = owner;
  for (let d = 0; el && d < 40; d++) {
    const k = levels.get(el);
    if (k !== undefined) {
      if (k === 0) {
        f.push("lca:0");
        return;
      }
      const s = a.stats.get(el);
      const bs = a.stats.get(best);
      const held = s && bs && s.prose > 0 ? bs.prose / s.prose : 1;
      const heldChars = s && bs && s.chars > 0 ? bs.chars / s.chars : 1;
      const at = Math.min(4, k);
      f.push(LCA[at] as string, (LCA_P[at] as string[])[share(held)] as string, LCA_C[share(heldChars)] as string);
      return;
    }
    el = parentOf(el);
  }
  f.push("lca:none");
}

/**
 * Where each block stands relative to the page's prose parent: the element whose children hold the most
 * characters of prose paragraphs (an article's paragraphs are siblings; chrome inside the article sits in
 * boxes of its own, deeper down or beside them). One pass over the blocks and their few nearest ancestors.
 */
function proseParentWhere(a: HtmlAnalysis): { where: Int8Array; tag: string } | null {
  const mass = new Map<Element, number>();
  const ownerTag = new Map<string, number>();
  for (const b of a.blocks) {
    const chars = b.text.length;
    if (chars < 80 || b.linkChars > 0.25 * chars) continue;
    const p = parentOf(b.owner);
    if (p) mass.set(p, (mass.get(p) ?? 0) + chars);
    ownerTag.set(b.owner.name, (ownerTag.get(b.owner.name) ?? 0) + chars);
  }
  let parent: Element | null = null;
  let most = 0;
  for (const [el, m] of mass)
    if (m > most) {
      most = m;
      parent = el;
    }
  let tag = "";
  let mostTag = 0;
  for (const [t, m] of ownerTag)
    if (m > mostTag) {
      mostTag = m;
      tag = t;
    }
  if (!parent) return null;
  // blocks under the prose parent: the first and last, so a block can be placed before, inside or after them
  const n = a.blocks.length;
  const depth = new Int8Array(n).fill(-1);
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    let el: Element | null = (a.blocks[i] as DomBlock).owner;
    for (let d = 0; el && d < 8; d++) {
      if (el === parent) {
        depth[i] = d;
        break;
      }
      el = parentOf(el);
    }
    if ((depth[i] as number) > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  // PP_WHERE's codes: child, deep2, deep3, before, after, between
  const where = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const d = depth[i] as number;
    where[i] = d === 1 ? 0 : d > 1 ? Math.min(3, d) - 1 : i < first ? 3 : i > last ? 4 : 5;
  }
  return { where, tag };
}

function isBelow(el: Element, above: Element): boolean {
  let up: Element | null = el;
  for (let level = 0; up && level < 40; level++) {
    if (up === above) return true;
    up = parentOf(up);
  }
  return false;
}

export interface HtmlLayout {
  /** Blocks for the page model, offsets into the HTML, with markup features. */
  blocks: Block[];
  analysis: HtmlAnalysis;
  source: DocSource;
  /** The page's declared language (`<html lang>`), primary subtag. */
  declaredLanguage: string | undefined;
  /** Where each block sits in the markup, for the second reading. */
  structure: BlockStructure;
  /** Per block, 1 when it lies in a comment section (`COMMENT_SECTION`). */
  comments: Uint8Array;
}

/**
 * Names that mark a page's comment section, as whole class or id tokens: WordPress's `#comments`,
 * `.comment-list` and `.commentlist`, Disqus's `#disqus_thread`, and the like. Readers' comments are not the
 * article, whatever their prose looks like (trafilatura keeps them apart; the benchmarks' gold leaves them out).
 */
const COMMENT_SECTION =
  /^(?:comments|comment-?list|comments?[-_](?:area|section|container|wrapper|wrap|thread|list|block|box|holder)|disqus_thread)$/i;

function isCommentSection(el: Element): boolean {
  for (const v of [el.attribs.class, el.attribs.id])
    if (v) for (const t of v.split(/\s+/)) if (COMMENT_SECTION.test(t)) return true;
  return false;
}

/** Per block, 1 when an element above it is a comment section. */
function commentBlocks(owners: Element[]): Uint8Array {
  const memo = new Map<Element, boolean>();
  const inSection = (el: Element | null): boolean => {
    const path: Element[] = [];
    let found = false;
    for (let e = el; e; e = parentOf(e)) {
      const known = memo.get(e);
      if (known !== undefined) {
        found = known;
        break;
      }
      path.push(e);
      if (isCommentSection(e)) {
        found = true;
        break;
      }
    }
    for (const e of path) memo.set(e, found);
    return found;
  };
  return Uint8Array.from(owners, (o) => (inSection(o) ? 1 : 0));
}

/** The blocks of an HTML page as the page model reads them. */
export function htmlLayout(html: string): HtmlLayout {
  const analysis = analyseHtml(html);
  const markup = new MarkupFeatures(analysis);
  // the first and last long paragraph the rules kept: what lies beyond them inside the container is its head or tail
  let firstProse = -1;
  let lastProse = -1;
  analysis.blocks.forEach((b, i) => {
    const v = analysis.verdicts[i];
    if (v?.inMain && !v.reason && b.text.length >= 80 && b.linkChars < 0.25 * b.text.length) {
      if (firstProse < 0) firstProse = i;
      lastProse = i;
    }
  });
  const pp = proseParentWhere(analysis);
  // the title: the rules' choice, else the first h1; the blocks between it and the first kept paragraph are its byline, lead and picture
  let titleAt = analysis.verdicts.findIndex((v) => v.title);
  if (titleAt < 0) titleAt = analysis.blocks.findIndex((b) => b.owner.name === "h1");
  const titleFeature = (i: number): string => {
    if (titleAt < 0) return "tt:none";
    if (i === titleAt) return "tt:is";
    if (i < titleAt) return TT_BEFORE[Math.min(3, titleAt - i)] as string;
    if (firstProse >= 0 && i >= firstProse) return "tt:body";
    return TT_AFTER[Math.min(6, i - titleAt)] as string;
  };
  // a block's features are gathered in one list, then copied out at their size: one array a block
  const f: string[] = [];
  const blocks: Block[] = analysis.blocks.map((b, i) => {
    f.length = 0;
    markup.block(i, f);
    if (pp) {
      const w = PP[pp.where[i] as number] as string[];
      f.push(w[0] as string, w[b.owner.name === pp.tag ? 1 : 2] as string);
    } else f.push(PP_NONE);
    f.push(
      titleFeature(i),
      firstProse < 0
        ? "kp:none"
        : i < firstProse
          ? (KP_BEFORE[Math.min(4, firstProse - i)] as string)
          : i > lastProse
            ? (KP_AFTER[Math.min(4, i - lastProse)] as string)
            : "kp:inside",
    );
    return {
      text: b.text,
      start: b.srcStart,
      end: b.srcEnd,
      gapBefore: 0,
      gapAfter: 0,
      indent: 0,
      markup: f.slice(),
    };
  });
  let declaredLanguage: string | undefined;
  for (const n of analysis.doc.children) {
    if (n.type === "tag" && (n as Element).name === "html") {
      const lang = (n as Element).attribs.lang ?? (n as Element).attribs["xml:lang"];
      declaredLanguage = lang?.trim().toLowerCase().split(/[-_]/)[0] || undefined;
    }
  }
  const source = analysis.extraction.documents[0]?.source ?? {};
  const owners = analysis.blocks.map((b) => b.owner);
  return {
    blocks,
    analysis,
    source,
    declaredLanguage,
    structure: blockStructure(owners),
    comments: commentBlocks(owners),
  };
}

/**
 * The markup rules' reading of a page as block labels: its title, the blocks they kept as the article's
 * body, the rest chrome before, inside or after it. What a page is read by when the model finds no body.
 */
export function rulesLabels(analysis: HtmlAnalysis): Int32Array {
  const { blocks, verdicts, extraction } = analysis;
  const labels = new Int32Array(blocks.length).fill(Label.pre);
  const kept = new Set(extraction.documents.find((d) => d.role === "main")?.blocks.map((b) => b.srcStart));
  let first = -1;
  let last = -1;
  blocks.forEach((b, i) => {
    if (!kept.has(b.srcStart)) return;
    labels[i] = Label.body;
    if (first < 0) first = i;
    last = i;
  });
  for (let i = first + 1; i < last; i++) if (labels[i] !== Label.body) labels[i] = Label.inner;
  if (last >= 0) labels.fill(Label.post, last + 1);
  const title = verdicts.findIndex((v) => v.title);
  if (title >= 0 && labels[title] !== Label.body) labels[title] = Label.title;
  return labels;
}
