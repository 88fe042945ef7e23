import type { DocSource, Removal } from "@sift/contracts";
import { type Draft, type Piece, slicePiece } from "./draft.js";
import { type Line, lines, paragraphsIn } from "./paragraphs.js";

const UNIT = "(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|wks?|months?|mos?|years?|yrs?|[smhdwy])";
const RELATIVE = new RegExp(
  `^(?:(?:updated|posted|published|about|around|over|almost)\\s+)*(an?|one|a few|few|\\d{1,3})\\s*(${UNIT})\\.?\\s+ago$`,
  "i",
);
const MONTH =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const WEEKDAY = "(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\\.?,?";
const CLOCK = "(?:,?\\s*(?:at\\s+)?\\d{1,2}[:.]\\d{2}(?:\\s*[ap]\\.?m\\.?)?(?:\\s*[A-Z]{2,4})?)?";
const ABSOLUTE = new RegExp(
  `^(?:(?:updated|posted|published)\\s*:?\\s*)?(?:${WEEKDAY}\\s*)?(?:${MONTH}\\s+\\d{1,2}(?:,?\\s+\\d{4})?|\\d{1,2}\\s+${MONTH}(?:,?\\s+\\d{4})?|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{2,4})${CLOCK}$`,
  "i",
);
const OTHER_TIME =
  /^(?:just now|moments? ago|yesterday|today|an? (?:few|couple of) \w+ ago|\d{1,3}\s?(?:s|m|min|h|hr|d|w|mo|y))$/i;
const DASHED = /^(?:[-–—|·•]|via)\s*(\S.*)$/i;
const COMBINED = /^(.+?)\s+[·|•–—-]\s+(.+)$/;

/** Unit → milliseconds, for "5 hours ago". */
const UNIT_MS: Array<[RegExp, number]> = [
  [/^s/i, 1000],
  [/^mo/i, 30 * 86_400_000],
  [/^m/i, 60_000],
  [/^h/i, 3_600_000],
  [/^d/i, 86_400_000],
  [/^w/i, 7 * 86_400_000],
  [/^y/i, 365 * 86_400_000],
];

export function isTimeLine(s: string): boolean {
  return RELATIVE.test(s) || ABSOLUTE.test(s) || OTHER_TIME.test(s);
}

/** The ISO time "5 hours ago" stands for, when the file's time is known. */
export function resolvePublished(published: string, mtime: string | undefined): string | undefined {
  if (!mtime) return undefined;
  const m = RELATIVE.exec(published.trim());
  if (!m) return undefined;
  const count = /^\d+$/.test(m[1] ?? "") ? Number(m[1]) : /few/i.test(m[1] ?? "") ? 3 : 1;
  const unit = UNIT_MS.find(([re]) => re.test(m[2] ?? ""))?.[1];
  const base = Date.parse(mtime);
  if (unit === undefined || Number.isNaN(base)) return undefined;
  return new Date(base - count * unit).toISOString();
}

/** A short name-like line: a site, an outlet ("The Star", "Malay Mail"). */
function isSiteName(s: string): boolean {
  if (s.length < 2 || s.length > 50) return false;
  if (s.split(/\s+/).length > 6) return false;
  if (!/^[\p{L}\p{N}]/u.test(s)) return false;
  if (/[.,;:?]$/.test(s)) return false;
  return !isTimeLine(s);
}

/** A line that can be a headline: short, capitalised, not closed like a sentence of prose. */
export function isTitleLike(s: string): boolean {
  if (s.length < 2 || s.length > 200) return false;
  if (s.split(/\s+/).length > 30) return false;
  if (!/^[\p{Lu}\p{N}"'“‘«]/u.test(s)) return false;
  if (/[.,;:]$/.test(s) && !/\.\.\.$|…$/.test(s)) return false;
  if (!/\p{L}/u.test(s)) return false;
  return !isTimeLine(s) && !DASHED.test(s);
}

interface Meta {
  kind: "time" | "dashed" | "site" | "combined";
  site?: string;
  published?: string;
  author?: string;
}

const BYLINE = /^[Bb][Yy]\s+(\p{Lu}[\p{L}'’.-]*(?:\s+(?:and\s+)?\p{Lu}[\p{L}'’.-]*){0,5})$/u;

function classify(s: string): Meta | null {
  if (isTimeLine(s)) return { kind: "time", published: s };
  const d = DASHED.exec(s);
  if (d?.[1] && isSiteName(d[1])) return { kind: "dashed", site: d[1] };
  const c = COMBINED.exec(s);
  if (c?.[1] && c[2]) {
    if (isSiteName(c[1]) && isTimeLine(c[2])) return { kind: "combined", site: c[1], published: c[2] };
    if (isTimeLine(c[1]) && isSiteName(c[2])) return { kind: "combined", site: c[2], published: c[1] };
  }
  const by = BYLINE.exec(s);
  if (by?.[1]) return { kind: "site", author: by[1] };
  if (isSiteName(s)) return { kind: "site", site: s };
  return null;
}

/** Consecutive lines that say where an item comes from and when ("The Star" / "an hour ago" / "- The Star"). */
interface Header {
  /** First and last line index of the cluster. */
  first: number;
  last: number;
  source: DocSource;
}

function findHeaders(text: string, ls: Line[]): Header[] {
  const metas = ls.map((l) => (l.blank ? null : classify(text.slice(l.start, l.end))));
  const headers: Header[] = [];
  const isStrong = (m: Meta | null | undefined) => m?.kind === "time" || m?.kind === "dashed" || m?.kind === "combined";
  let t = 0;
  while (t < ls.length) {
    const meta = metas[t];
    if (!isStrong(meta)) {
      t++;
      continue;
    }
    let first = t;
    let last = t;
    // one plain name line just before a time ("The Star" / "an hour ago")
    while (first > 0 && isStrong(metas[first - 1])) first--;
    const before = metas[first - 1];
    if (before?.kind === "site" && (metas[first]?.kind === "time" || metas[first]?.kind === "dashed")) first--;
    const names = new Set<string>();
    for (let n = first; n <= last; n++) if (metas[n]?.site) names.add((metas[n]?.site ?? "").toLowerCase());
    for (;;) {
      const next = metas[last + 1];
      if (isStrong(next) || (next?.kind === "site" && names.has((next.site ?? "").toLowerCase()))) {
        last++;
        if (next?.site) names.add(next.site.toLowerCase());
      } else break;
    }
    const cluster = metas.slice(first, last + 1);
    const hasTime = cluster.some((m) => m?.published !== undefined);
    const siteCount = new Map<string, number>();
    for (const m of cluster)
      if (m?.site) siteCount.set(m.site.toLowerCase(), (siteCount.get(m.site.toLowerCase()) ?? 0) + 1);
    const repeated = [...siteCount.values()].some((n) => n > 1);
    if (hasTime || repeated) {
      const plain = cluster.find((m) => m?.kind === "site" || m?.kind === "combined")?.site;
      const site = plain ?? cluster.find((m) => m?.site)?.site;
      const published = cluster.find((m) => m?.published)?.published;
      const author = cluster.find((m) => m?.author)?.author;
      const source: DocSource = {};
      if (author) source.author = author;
      if (site) source.site = site;
      if (published) source.published = published;
      headers.push({ first, last, source });
    }
    t = last + 1;
  }
  return headers;
}

interface Item {
  /** Line index where the item begins (its title when the title comes first). */
  begin: number;
  title: number | null;
  bodyFrom: number;
  header: Header | null;
}

/**
 * Splits a text page into documents: what comes before the first item header is the main article; each
 * header (site, age, site again) starts a related item whose title is the headline next to it.
 */
export function draftTextPage(text: string, mtime: string | undefined): Draft[] {
  const ls = lines(text);
  const nonBlank = (i: number) => i >= 0 && i < ls.length && !(ls[i] as Line).blank;
  const lineText = (i: number) => {
    const l = ls[i] as Line;
    return text.slice(l.start, l.end);
  };
  const headers = findHeaders(text, ls);
  const items: Item[] = [];
  for (const h of headers) {
    const before = h.first - 1;
    const after = h.last + 1;
    const beforeIsTitle =
      nonBlank(before) && isTitleLike(lineText(before)) && !nonBlank(before - 1) && !claimed(items, before);
    if (beforeIsTitle) items.push({ begin: before, title: before, bodyFrom: after, header: h });
    else if (nonBlank(after) && isTitleLike(lineText(after)))
      items.push({ begin: h.first, title: after, bodyFrom: after + 1, header: h });
    else if (h.source.site !== undefined || h.source.author !== undefined)
      items.push({ begin: h.first, title: null, bodyFrom: after, header: h });
    // a date alone, with no headline next to it, is part of the text it stands in
  }
  if (items.length === 0) items.push(...listedItems(text, ls));
  const firstBegin = items[0]?.begin ?? ls.length;
  let hasLead = false;
  for (let i = 0; i < firstBegin; i++) if (nonBlank(i)) hasLead = true;
  if (hasLead) {
    let first = 0;
    while (!nonBlank(first)) first++;
    let more = false;
    for (let i = first + 1; i < firstBegin; i++) if (nonBlank(i)) more = true;
    const title = more && isTitleLike(lineText(first)) ? first : null;
    items.unshift({ begin: first, title, bodyFrom: title === null ? first : first + 1, header: null });
  }
  return items.map((item, n) => {
    const endLine = n + 1 < items.length ? (items[n + 1] as Item).begin : ls.length;
    const from = item.bodyFrom < ls.length ? (ls[item.bodyFrom] as Line).start : text.length;
    const to = endLine < ls.length ? (ls[endLine] as Line).start : text.length;
    const paragraphs: Piece[] =
      from < to ? paragraphsIn(text, from, to).map((p) => slicePiece(text, p.start, p.end)) : [];
    const removed: Removal[] = [];
    const source: DocSource = {};
    if (item.header) {
      Object.assign(source, item.header.source);
      const at = resolvePublished(source.published ?? "", mtime);
      if (at) source.publishedAt = at;
      for (let i = item.header.first; i <= item.header.last; i++) {
        const l = ls[i] as Line;
        removed.push({ text: lineText(i), reason: "source metadata", sourceStart: l.start, sourceEnd: l.end });
      }
    }
    const titleLine = item.title === null ? null : (ls[item.title] as Line);
    const title = titleLine ? slicePiece(text, titleLine.start, titleLine.end) : null;
    // an item with a headline and no text of its own is a teaser
    const role = n === 0 ? "main" : paragraphs.length === 0 ? "teaser" : "related";
    return { role, title, paragraphs, source, removed, warnings: [] };
  });
}

function claimed(items: Item[], line: number): boolean {
  const last = items[items.length - 1];
  return last !== undefined && (last.title === line || (last.header?.last ?? -1) >= line);
}

/** Blank lines in a row that set items of a list apart. */
const ITEM_GAP = 2;

/**
 * Items with no source lines: after a short section heading and a run of blank lines, blocks set apart by
 * runs of blank lines, each a headline over its text ("Related Articles" / "" / "" / "Headline" / "Text…").
 */
function listedItems(text: string, ls: Line[]): Item[] {
  const blocks: Array<{ first: number; last: number; gapBefore: number }> = [];
  let gap = 0;
  for (let i = 0; i < ls.length; i++) {
    if ((ls[i] as Line).blank) {
      gap++;
      continue;
    }
    let j = i;
    while (j + 1 < ls.length && !(ls[j + 1] as Line).blank) j++;
    blocks.push({ first: i, last: j, gapBefore: i === 0 ? Number.POSITIVE_INFINITY : gap });
    gap = 0;
    i = j;
  }
  const lineText = (i: number) => text.slice((ls[i] as Line).start, (ls[i] as Line).end);
  const itemLike = (b: { first: number; last: number; gapBefore: number }) =>
    b.gapBefore >= ITEM_GAP &&
    b.last > b.first &&
    isTitleLike(lineText(b.first)) &&
    !isTitleLike(lineText(b.first + 1)) &&
    lineText(b.first + 1).length >= 60;
  // the trailing run of item-like blocks
  let k = blocks.length;
  while (k > 0 && itemLike(blocks[k - 1] as (typeof blocks)[number])) k--;
  if (blocks.length - k < 2 || k === 0) return [];
  const before = blocks[k - 1] as (typeof blocks)[number];
  const heading = lineText(before.last);
  const isHeading = isTitleLike(heading) && heading.split(/\s+/).length <= 6 && !/[.!?]$/.test(heading);
  if (!isHeading) return [];
  return blocks.slice(k).map((b) => ({ begin: b.first, title: b.first, bodyFrom: b.first + 1, header: null }));
}
