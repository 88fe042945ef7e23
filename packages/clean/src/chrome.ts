/** One line of a document's body, with offsets into the document's text (end excludes the line break). */
export interface Line {
  start: number;
  end: number;
  text: string;
}

export interface LineVerdict {
  line: Line;
  /** Why the line is chrome, or null when it is content. */
  reason: string | null;
}

/** Function words of English, the language of the pages Sift reads first (jusText's main signal). */
const STOP = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing down during each few for from further had has have having he her here hers herself him himself " +
    "his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours " +
    "ourselves out over own same she should so some such than that the their theirs them themselves then there these they this " +
    "those through to too under until up very was we were what when where which while who whom why will with would you your " +
    "yours yourself yourselves said says says since still though whether may might must shall us"
  ).split(" "),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
/** Ends like a sentence: . ! ? then closing quotes or brackets; an ellipsis does not count. */
const SENTENCE_END = /[.!?]["'”’»)\]]*$/;
const ELLIPSIS_END = /(\.\.\.|…)["'”’»)\]]*$/;
/** A wire-desk or path code: lower-case runs joined by "/" or "-", at least one "/", no spaces ("abc-xyz/qq/rr"). */
const DESK_CODE = /^[\p{Ll}\p{N}]+(?:[-/][\p{Ll}\p{N}]+)+$/u;
/** "5 hours ago", "an hour ago", "yesterday": when a teaser was published, relative to the page. */
const AGE =
  /^(?:(?:an?|\d+)\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago|just now|yesterday|today|updated\b.*)$/i;

export interface LineFeatures {
  words: number;
  chars: number;
  stopShare: number;
  sentence: boolean;
  /** Long prose: the body of a document is made of these. */
  prose: boolean;
}

export function lineFeatures(text: string): LineFeatures {
  const words = text.match(WORD) ?? [];
  const stops = words.filter((w) => STOP.has(w.toLowerCase())).length;
  const stopShare = words.length ? stops / words.length : 0;
  const sentence = SENTENCE_END.test(text) && !ELLIPSIS_END.test(text);
  const prose = words.length >= 8 && text.length >= 60 && (sentence || stopShare >= 0.25);
  return { words: words.length, chars: text.length, stopShare, sentence, prose };
}

/** Splits `text[from..]` into non-empty lines. */
export function bodyLines(text: string, from: number): Line[] {
  const out: Line[] = [];
  let start = from;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ start: start + lead, end: start + lead + trimmed.length, text: trimmed });
    start = end + 1;
  }
  return out;
}

/** The key a line is remembered under: case, spacing and digits folded, hashed (safe as a KV key token). */
export function lineKey(text: string): string {
  const folded = text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").replace(/\d+/g, "0").trim();
  // two 32-bit FNV-1a hashes with different offsets: 64 bits, plenty for lines of one source
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ folded.length;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

export interface ClassifyOptions {
  /** The document's site, if known: a line that only names it is chrome. */
  site?: string | undefined;
  /** Per line key: in how many documents of the source it has been seen (this one included). */
  counts: Map<string, number>;
  /** A line seen in at least this many documents of one source is chrome. */
  minRepeats: number;
  /** How often this very document has been seen (its own prose lines' count): 1 unless it came again. */
  baseline?: number;
  /** Precomputed `lineKey` and `lineFeatures` of each line, when the caller has them. */
  keys?: string[];
  features?: LineFeatures[];
  /**
   * Apply the body-edge rule (short non-sentences before or after the body are chrome). Off for
   * documents from markup, whose blocks the HTML extractor already chose with better signals.
   * @default true
   */
  edges?: boolean;
}

/**
 * Classifies body lines jusText-style: long prose anchors the body; short lines that do not read
 * as sentences before its first or after its last anchor are chrome; desk codes anywhere are; lines
 * that recur across documents of the source are (counted above the document's own baseline, so a
 * document seen twice does not lose itself).
 */
export function classifyLines(lines: Line[], opts: ClassifyOptions): LineVerdict[] {
  const feats = opts.features ?? lines.map((l) => lineFeatures(l.text));
  const keys = opts.keys ?? lines.map((l) => lineKey(l.text));
  const anchors = feats.flatMap((f, i) => (f.prose ? [i] : []));
  const first = anchors[0] ?? -1;
  const last = anchors[anchors.length - 1] ?? -1;
  const base = Math.max(0, (opts.baseline ?? 1) - 1);
  const site = opts.site?.trim().toLowerCase();
  const verdicts: LineVerdict[] = lines.map((line, i) => {
    const f = feats[i] as LineFeatures;
    const t = line.text;
    const seen = (opts.counts.get(keys[i] ?? "") ?? 0) - base;
    let reason: string | null = null;
    if (t.length <= 40 && DESK_CODE.test(t) && t.includes("/")) reason = "desk code";
    else if (seen >= opts.minRepeats && !(f.prose && f.chars >= 200)) reason = "recurring line";
    else if (site && t.replace(/^[-–—•|]\s*/, "").toLowerCase() === site) reason = "site name";
    else if (AGE.test(t) && f.words <= 6) reason = "age";
    return { line, reason };
  });
  if (first < 0 || opts.edges === false) return verdicts;
  // outside the body, a short sentence stays only while it still touches the body: once chrome starts, the rest is chrome
  const edge = (i: number, before: boolean, touching: boolean): boolean => {
    const v = verdicts[i] as LineVerdict;
    const f = feats[i] as LineFeatures;
    const keep =
      touching &&
      v.reason === null &&
      ((f.sentence && f.words >= 4) || (before && i === first - 1 && isHeadline(v.line.text, f)));
    if (!keep && v.reason === null) v.reason = before ? "chrome before the body" : "chrome after the body";
    return keep;
  };
  let touching = true;
  for (let i = last + 1; i < lines.length; i++) touching = edge(i, false, touching);
  touching = true;
  for (let i = first - 1; i >= 0; i--) touching = edge(i, true, touching);
  return verdicts;
}

/** A heading right above the body: several words, not a label ("…:"), not shouting. */
function isHeadline(text: string, f: LineFeatures): boolean {
  return f.words >= 3 && !/[:|]$/.test(text) && text !== text.toUpperCase() && /^[\p{Lu}\p{N}"'‘“]/u.test(text);
}

/** Site and age lines at the top of a document ("The Star" / "5 hours ago" / "- The Star"), as source metadata. */
export function leadingSourceLines(lines: Line[]): { site?: string; published?: string } {
  const out: { site?: string; published?: string } = {};
  const head = lines.slice(0, 4).map((l) => l.text);
  for (const t of head) {
    if (out.published === undefined && AGE.test(t)) out.published = t;
    const dashed = /^[-–—•|]\s*(.{2,40})$/.exec(t)?.[1];
    if (out.site === undefined && dashed && head.includes(dashed)) out.site = dashed;
  }
  return out;
}
