import type { Removal, SourceMap } from "@sift/contracts";
import {
  type Block,
  type HtmlLayout,
  htmlLayout,
  type PageReading,
  type ReadOptions,
  readBlocks,
  rulesLabels,
} from "@sift/page";
import { isSpace } from "./chars.js";
import type { Draft, Piece } from "./draft.js";
import { draftsOf } from "./page.js";

/** The visible text of an HTML string, with the offset in the HTML of every character. */
interface Visible {
  text: string;
  /** Offset in the HTML where character `i` of `text` starts, and where it ends. */
  from: Int32Array;
  to: Int32Array;
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ndash: "–",
  mdash: "—",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  hellip: "…",
  copy: "©",
  reg: "®",
  laquo: "«",
  raquo: "»",
  middot: "·",
  bull: "•",
  eacute: "é",
  euro: "€",
  pound: "£",
};
const RAW_TEXT = /^(script|style|noscript|template|textarea)\b/i;
/** Tags that do not break the text they sit in ("<a>word</a>." reads "word."). */
const INLINE =
  /^\/?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|ins|del|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr)(?=[\s>/])/i;

/** Tags stripped, entities decoded and whitespace collapsed, as a browser shows the text. */
function visibleText(html: string): Visible {
  const out: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let space = true;
  const emit = (s: string, a: number, b: number) => {
    for (const ch of s) {
      out.push(ch);
      from.push(a);
      to.push(b);
      // astral characters take two code units; keep the arrays aligned with the string
      if (ch.length === 2) {
        from.push(a);
        to.push(b);
      }
    }
  };
  let i = 0;
  const n = html.length;
  while (i < n) {
    const c = html.charCodeAt(i);
    if (c === 60) {
      if (html.startsWith("<!--", i)) {
        const e = html.indexOf("-->", i + 4);
        i = e < 0 ? n : e + 3;
        continue;
      }
      const close = html.indexOf(">", i + 1);
      if (close < 0) break;
      const head = html.slice(i + 1, i + 12);
      const raw = RAW_TEXT.exec(head);
      const inline = INLINE.test(head);
      i = close + 1;
      if (raw?.[1]) {
        const closing = new RegExp(`</${raw[1]}`, "gi");
        closing.lastIndex = i;
        i = closing.exec(html)?.index ?? n;
      }
      if (!space && !inline) {
        emit(" ", close, close + 1);
        space = true;
      }
      continue;
    }
    if (c === 38) {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/i.exec(html.slice(i, i + 12));
      if (m?.[1]) {
        const name = m[1];
        let ch: string | undefined;
        if (name.startsWith("#x") || name.startsWith("#X")) ch = safeCodePoint(Number.parseInt(name.slice(2), 16));
        else if (name.startsWith("#")) ch = safeCodePoint(Number.parseInt(name.slice(1), 10));
        else ch = NAMED[name.toLowerCase()];
        if (ch !== undefined) {
          const isWs = /^\s$/.test(ch);
          if (!isWs || !space) emit(isWs ? " " : ch, i, i + m[0].length);
          space = isWs;
          i += m[0].length;
          continue;
        }
      }
    }
    if (isSpace(c)) {
      if (!space) emit(" ", i, i + 1);
      space = true;
      i++;
      continue;
    }
    const cp = html.codePointAt(i) ?? c;
    const ch = String.fromCodePoint(cp);
    emit(ch, i, i + ch.length);
    space = false;
    i += ch.length;
  }
  return { text: out.join(""), from: Int32Array.from(from), to: Int32Array.from(to) };
}

function safeCodePoint(cp: number): string | undefined {
  if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff) return undefined;
  return String.fromCodePoint(cp);
}

const SLACK = 64;

/** First index of `vis.from` at or after `offset`. */
function lowerBound(arr: Int32Array, offset: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((arr[mid] ?? 0) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A piece for `text` found in the visible text between `srcStart` and `srcEnd`, mapped character by character. */
function locate(vis: Visible, text: string, srcStart: number, srcEnd: number): Piece {
  const a = lowerBound(vis.from, srcStart);
  const b = lowerBound(vis.from, srcEnd);
  // the block's offsets are a hint: its text may run a little past them
  const base = vis.text.indexOf(text, Math.max(0, a - SLACK));
  if (base < 0 || base > b + SLACK) return { text, srcStart, srcEnd };
  const map: SourceMap = [];
  for (let i = 0; i < text.length; i++) {
    const s = vis.from[base + i] ?? 0;
    const e = vis.to[base + i] ?? s;
    const prev = map[map.length - 1];
    // identical runs (one character for one character) merge into one piece
    if (
      prev &&
      prev.end === i &&
      prev.srcEnd === s &&
      e - s === 1 &&
      prev.srcEnd - prev.srcStart === prev.end - prev.start
    ) {
      prev.end = i + 1;
      prev.srcEnd = e;
    } else if (prev && prev.srcStart === s && prev.srcEnd === e) prev.end = i + 1;
    else map.push({ start: i, end: i + 1, srcStart: s, srcEnd: e });
  }
  const first = map[0];
  const last = map[map.length - 1];
  return { text, srcStart: first?.srcStart ?? srcStart, srcEnd: last?.srcEnd ?? srcEnd, map };
}

/** Documents of an HTML page as the page model reads its blocks; offsets point into `html`. */
export function draftHtml(html: string, opts: ReadOptions = {}): { drafts: Draft[]; reading: PageReading } {
  const layout = htmlLayout(html);
  const reading = readBlocks(layout.blocks, {
    ...opts,
    structure: layout.structure,
    fallback: () => rulesLabels(layout.analysis),
    comments: layout.comments,
  });
  const vis = visibleText(html);
  const { blocks } = reading;
  const piece = (i: number): Piece => {
    const b = blocks[i] as Block;
    return locate(vis, b.text, b.start, b.end);
  };
  const removal = (i: number, reason: string): Removal => {
    const b = blocks[i] as Block;
    return { text: b.text, reason, sourceStart: b.start, sourceEnd: b.end };
  };
  // the page's own <h1> leading the article is its title, whatever the model made of it
  const article = reading.documents.find((d) => d.role === "main");
  const lead = article?.body[0];
  if (article && article.title === null && lead !== undefined && article.body.length > 1)
    if (blocks[lead]?.markup.includes("tag=h1")) {
      article.title = lead;
      article.body.shift();
    }
  const drafts = draftsOf(reading, piece, removal);
  const main = drafts.find((d) => d.role === "main");
  // what the page's own metadata says (og:site_name, author, published time) fills what its lines did not
  if (main) main.source = { ...layout.source, ...main.source };
  if (main && reading.fellBack)
    main.warnings.push("the page model found no article on the page: its text is the markup rules' reading");
  if (!drafts.some((d) => d.role !== "main")) drafts.push(...relatedOfMarkup(layout, vis, reading));
  return { drafts, reading };
}

/** Linked headlines in a page's related lists (asides, "more stories"), as the markup rules found them. */
function relatedOfMarkup(layout: HtmlLayout, vis: Visible, reading: PageReading): Draft[] {
  const inDocs = new Set(reading.documents.flatMap((d) => (d.title === null ? d.body : [d.title, ...d.body])));
  const taken = new Set([...inDocs].map((i) => reading.blocks[i]?.start));
  return layout.analysis.extraction.documents
    .filter((d) => d.role !== "main" && d.title !== null)
    .filter((d) => !d.blocks.some((b) => taken.has(b.srcStart)))
    .map((d) => {
      const titleText = (d.title ?? "").trim();
      const at = vis.text.indexOf(titleText);
      const title = at >= 0 ? locate(vis, titleText, vis.from[at] ?? 0, vis.to[at + titleText.length - 1] ?? 0) : null;
      const paragraphs = d.blocks.map((b) => locate(vis, b.text.trim(), b.srcStart, b.srcEnd));
      return {
        role: paragraphs.length === 0 ? "teaser" : "related",
        title,
        paragraphs,
        source: { ...d.source },
        removed: [],
        warnings: [],
      } satisfies Draft;
    });
}
