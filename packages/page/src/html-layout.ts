import type { DocSource } from "@sift/contracts";
import type { Element } from "domhandler";
import { analyseHtml, type HtmlAnalysis } from "./html.js";
import { Label } from "./labels.js";
import type { Block } from "./lines.js";
import { isSpace } from "./space.js";

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

/** What an element says of the blocks below it, worked out once per element. */
interface ElementInfo {
  region: string | null;
  named: boolean;
  chromeName: boolean;
  contentName: boolean;
  tokens: string[];
  itemprop: boolean;
  role: string | null;
  /** Its container features, by how far above the block it is (1–4). */
  stats: Array<string[] | undefined>;
}

const share = (x: number) => (x <= 0 ? 0 : x < 0.05 ? 1 : x < 0.15 ? 2 : x < 0.3 ? 3 : x < 0.5 ? 4 : x < 0.75 ? 5 : 6);
const log2Bucket = (n: number) => (n <= 0 ? 0 : Math.min(12, Math.ceil(Math.log2(n + 1))));
const parentOf = (el: Element): Element | null => (el.parent?.type === "tag" ? (el.parent as Element) : null);

/** Markup features of every block: its element, the regions above it, the names of its containers, their share of the page, its link density, and the rule-based verdict. */
function markupFeatures(a: HtmlAnalysis): string[][] {
  let pageChars = 0;
  for (const b of a.blocks) pageChars += b.text.length;
  const infos = new Map<Element, ElementInfo>();
  const info = (el: Element): ElementInfo => {
    let x = infos.get(el);
    if (!x) {
      const cls = `${el.attribs.class ?? ""} ${el.attribs.id ?? ""}`;
      const named = cls.trim() !== "";
      x = {
        region: REGIONS.has(el.name) ? el.name : null,
        named,
        chromeName: named && CHROME_NAME.test(cls),
        contentName: named && CONTENT_NAME.test(cls),
        tokens: named ? classTokens(el) : [],
        itemprop: el.attribs.itemprop === "articleBody",
        role: el.attribs.role ? `role-${el.attribs.role.toLowerCase().slice(0, 16)}` : null,
        stats: [],
      };
      infos.set(el, x);
    }
    return x;
  };
  const statsAt = (el: Element, level: number): string[] => {
    const x = info(el);
    let out = x.stats[level];
    if (!out) {
      const s = a.stats.get(el);
      out = s
        ? [
            `a${level}:ps=${share(s.chars / Math.max(1, pageChars))}`,
            `a${level}:pr=${share(s.prose / Math.max(1, s.chars))}`,
            `a${level}:ld=${share(s.linkChars / Math.max(1, s.chars))}`,
            `a${level}:n=${log2Bucket(s.blocks)}`,
          ]
        : [];
      x.stats[level] = out;
    }
    return out;
  };
  const best = a.best;
  const levels = bestLevels(best);
  return a.blocks.map((b, i) => {
    const v = a.verdicts[i];
    const f: string[] = [`tag=${b.owner.name}`];
    const regions = new Set<string>();
    let names = 0;
    const tokens = new Set<string>();
    let el: Element | null = b.owner;
    for (let level = 0; el && level < MAX_LEVELS; level++) {
      const x = info(el);
      if (x.region) regions.add(x.region);
      if (x.named) {
        if (x.chromeName) regions.add(level < 3 ? "chrome-name-near" : "chrome-name");
        if (x.contentName) regions.add(level < 3 ? "content-name-near" : "content-name");
        if (names < 3) for (const t of x.tokens) if (tokens.size < MAX_TOKENS * 3) tokens.add(t);
        names++;
      }
      if (x.itemprop) regions.add("itemprop-body");
      if (x.role) regions.add(x.role);
      el = parentOf(el);
    }
    for (const r of regions) f.push(`in=${r}`);
    for (const t of tokens) f.push(`ct=${t}`);
    const chars = nonSpaceChars(b.text);
    const density = chars > 0 ? b.linkChars / chars : 0;
    f.push(`ld=${density === 0 ? 0 : density < 0.25 ? 1 : density < 0.5 ? 2 : density < 0.9 ? 3 : 4}`);
    let up = parentOf(b.owner);
    for (let level = 1; up && level <= 4; level++) {
      f.push(...statsAt(up, level));
      up = parentOf(up);
    }
    if (best) {
      f.push(...lcaFeatures(b.owner, best, levels, a));
      if (isBelow(b.owner, best)) f.push("best:inside");
      else if (a.roots.some((r) => r !== best && (r === b.owner || isBelow(b.owner, r)))) f.push("best:sibling");
      else if (isBelow(best, parentOf(b.owner) ?? b.owner)) f.push("best:near");
      else f.push("best:out");
    }
    if (v) {
      f.push(v.inMain ? "h=main" : "h=out");
      if (v.reason) f.push(`hr=${v.reason.replace(/^class .*/, "class")}`);
      if (v.edge) f.push("h=edge");
      if (v.title) f.push("h=title");
      if (v.related) f.push("h=related");
      if (v.inMain && !v.reason && !v.edge && !v.title) f.push("h=kept");
    }
    return f;
  });
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
function lcaFeatures(owner: Element, best: Element, levels: Map<Element, number>, a: HtmlAnalysis): string[] {
  let el: Element | null = owner;
  for (let d = 0; el && d < 40; d++) {
    const k = levels.get(el);
    if (k !== undefined) {
      if (k === 0) return ["lca:0"];
      const s = a.stats.get(el);
      const bs = a.stats.get(best);
      const held = s && bs && s.prose > 0 ? bs.prose / s.prose : 1;
      const heldChars = s && bs && s.chars > 0 ? bs.chars / s.chars : 1;
      return [`lca:${Math.min(4, k)}`, `lca:${Math.min(4, k)}p${share(held)}`, `lca:c${share(heldChars)}`];
    }
    el = parentOf(el);
  }
  return ["lca:none"];
}

/**
 * Where each block stands relative to the page's prose parent: the element whose children hold the most
 * characters of prose paragraphs (an article's paragraphs are siblings; chrome inside the article sits in
 * boxes of its own, deeper down or beside them). One pass over the blocks and their few nearest ancestors.
 */
function proseParentFeatures(a: HtmlAnalysis): string[][] {
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
  if (!parent) return a.blocks.map(() => ["pp:none"]);
  // blocks under the prose parent: the first and last, so a block can be placed before, inside or after them
  const depth = a.blocks.map((b) => {
    let el: Element | null = b.owner;
    for (let d = 0; el && d < 8; d++) {
      if (el === parent) return d;
      el = parentOf(el);
    }
    return -1;
  });
  let first = -1;
  let last = -1;
  depth.forEach((d, i) => {
    if (d > 0) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return a.blocks.map((b, i) => {
    const d = depth[i] as number;
    const same = b.owner.name === tag ? "t" : "o";
    const where =
      d === 1 ? "child" : d > 1 ? `deep${Math.min(3, d)}` : i < first ? "before" : i > last ? "after" : "between";
    return [`pp:${where}`, `pp:${where}${same}`];
  });
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
}

/** The blocks of an HTML page as the page model reads them. */
export function htmlLayout(html: string): HtmlLayout {
  const analysis = analyseHtml(html);
  const markup = markupFeatures(analysis);
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
  const pp = proseParentFeatures(analysis);
  // the title: the rules' choice, else the first h1; the blocks between it and the first kept paragraph are its byline, lead and picture
  let titleAt = analysis.verdicts.findIndex((v) => v.title);
  if (titleAt < 0) titleAt = analysis.blocks.findIndex((b) => b.owner.name === "h1");
  const titleFeature = (i: number): string => {
    if (titleAt < 0) return "tt:none";
    if (i === titleAt) return "tt:is";
    if (i < titleAt) return `tt:before${Math.min(3, titleAt - i)}`;
    if (firstProse >= 0 && i >= firstProse) return "tt:body";
    return `tt:after${Math.min(6, i - titleAt)}`;
  };
  const blocks: Block[] = analysis.blocks.map((b, i) => ({
    text: b.text,
    start: b.srcStart,
    end: b.srcEnd,
    gapBefore: 0,
    gapAfter: 0,
    indent: 0,
    markup: [
      ...(markup[i] as string[]),
      ...(pp[i] as string[]),
      titleFeature(i),
      firstProse < 0
        ? "kp:none"
        : i < firstProse
          ? `kp:before${Math.min(4, firstProse - i)}`
          : i > lastProse
            ? `kp:after${Math.min(4, i - lastProse)}`
            : "kp:inside",
    ],
  }));
  let declaredLanguage: string | undefined;
  for (const n of analysis.doc.children) {
    if (n.type === "tag" && (n as Element).name === "html") {
      const lang = (n as Element).attribs.lang ?? (n as Element).attribs["xml:lang"];
      declaredLanguage = lang?.trim().toLowerCase().split(/[-_]/)[0] || undefined;
    }
  }
  const source = analysis.extraction.documents[0]?.source ?? {};
  return { blocks, analysis, source, declaredLanguage };
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
