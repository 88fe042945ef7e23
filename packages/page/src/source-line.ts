import type { DocSource } from "@sift/contracts";

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

/** What the source lines of an item say: site, age or date, author. */
export function parseSourceLines(lines: string[], mtime?: string): DocSource {
  const source: DocSource = {};
  let plain: string | undefined;
  let dashed: string | undefined;
  for (const l of lines) {
    const m = classify(l.trim());
    if (!m) continue;
    if (m.author && source.author === undefined) source.author = m.author;
    if (m.published && source.published === undefined) source.published = m.published;
    // a plain name line says the site better than a dashed repeat of it ("- The Star")
    if (m.site && m.kind === "dashed") dashed ??= m.site;
    else if (m.site) plain ??= m.site;
  }
  const site = plain ?? dashed;
  if (site) source.site = site;
  if (source.published) {
    const at = resolvePublished(source.published, mtime);
    if (at) source.publishedAt = at;
  }
  return source;
}
