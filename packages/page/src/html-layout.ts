import type { DocSource } from "@sift/contracts";
import type { Element } from "domhandler";
import { analyseHtml, type HtmlAnalysis } from "./html.js";
import type { Block } from "./lines.js";

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
    const chars = b.text.replace(/\s+/g, "").length;
    const density = chars > 0 ? b.linkChars / chars : 0;
    f.push(`ld=${density === 0 ? 0 : density < 0.25 ? 1 : density < 0.5 ? 2 : density < 0.9 ? 3 : 4}`);
    let up = parentOf(b.owner);
    for (let level = 1; up && level <= 4; level++) {
      f.push(...statsAt(up, level));
      up = parentOf(up);
    }
    if (best) {
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
  const blocks: Block[] = analysis.blocks.map((b, i) => ({
    text: b.text,
    start: b.srcStart,
    end: b.srcEnd,
    gapBefore: 0,
    gapAfter: 0,
    indent: 0,
    markup: [
      ...(markup[i] as string[]),
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
