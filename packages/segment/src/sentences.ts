import type { Span } from "@sift/contracts";
import { isDigit, isLowerAt, isSpace, isUpperAt, trimSpan } from "./chars.js";

const DOT = 46;
const QUESTION = 63;
const BANG = 33;
const ELLIPSIS = 0x2026;
const SPACE = 32;

/** Characters that may close a sentence after its final stop: quotes and brackets. */
const CLOSERS = new Set([..."'\"”’»›)]}"].map((c) => c.charCodeAt(0)));
/** Characters that may open the next sentence before its first word. */
const OPENERS = new Set([..."'\"“‘«‹([{"].map((c) => c.charCodeAt(0)));
/** Bullets that mark list items inside one paragraph. */
const BULLETS = new Set([..."•⁃◦▪‣●■□▫"].map((c) => c.charCodeAt(0)));

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/** Titles before a name: never the end of a sentence. */
const PREPOSITIVE = words(`mr mrs ms mssrs messrs mme mlle dr prof gen lt col maj capt cmdr cmdt sgt cpl pvt adm
  brig gov sen rep reps rev hon pres supt insp det atty amb sens fr msgr lieut`);
/** Prepositive but also a street ("Main St.") or a mountain: a sentence may end there. */
const PLACE_ABBR = words("st mt ft ave blvd rd hwy pt");
/** Abbreviations that come before a number ("p. 55", "No. 10", "Jan. 5"). */
const BEFORE_NUMBER = words(`no nos vol vols p pp ch chap fig figs art arts sec secs para paras pt pts ed eds op
  cf approx ca c est tel ext rm ste apt bldg nr num n° ref refs sch col cols div mi km kg lb lbs oz ft yd`);
const MONTHS = words("jan feb mar apr jun jul aug sep sept oct nov dec");
/** Abbreviations after which a sentence ends only when a typical sentence opener follows. */
const GENERAL = words(`inc corp co cos ltd llc plc bros jr sr esq etc al vs v dept univ assn assoc est approx
  govt int intl natl misc mfg dist min max mon tue tues wed thu thur thurs fri sat sun yr yrs hr hrs sq cm mm ml
  oz pct deg ph phd ed`);
/** Words that typically open an English sentence; capitalised words outside this list may be names after an abbreviation. */
const STARTERS = words(`a an the i he she it we they you this that these those there here his her its our their my
  your how what when where why who whom whose which did do does is are was were will would can could should shall may
  might must has have had but and so yet or nor if in on at as after before since while although though however
  meanwhile also still then now last earlier later according some many most all both each every no not one another
  such other despite during for from with without to of by under over because once until unlike like today yesterday
  tomorrow let please yes thus therefore instead indeed even only just among amid officials police authorities
  besides former final finally further furthermore moreover nevertheless nonetheless overall similarly likewise
  otherwise consequently hence much more less few several any neither either whether unless whatever whoever
  analysts experts critics residents people shares prices sales profits investors its it's there's that's i'm
  we're they're he's she's what's`);
const TITLES = words("mr mrs ms dr prof gen sen rep gov lt col capt sgt rev pres adm maj");
const AFTER_TIME = words(`monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat
  sun january february march april may june july august september october november december jan feb mar apr jun jul
  aug sep sept oct nov dec et est edt ct cst cdt mt mst mdt pt pst pdt gmt utc bst cet cest ist jst sgt aest hkt local`);
/** "At 5 a.m." opening a sentence: the time ends no sentence there. */
const FRONTED_TIME =
  /^\W*(?:at|by|before|after|until|till|from|around|about|since|shortly (?:after|before)|just (?:after|before)|as of)\s+\d{1,2}(?:[:.]\d\d)?$/i;

/** Letters joined by stops ("U.S", "E.U", "Ph.D"), the final stop left out. */
const DOTTED = /^(?:\p{L}{1,2}\.)+\p{L}{1,2}$/u;

interface ListPlan {
  /** Offsets where a new list item starts. */
  splits: number[];
  /** Offsets of stops that belong to list markers ("1.", "a.", "2.)"). */
  skip: Set<number>;
}

/** Sentences of one paragraph `within`, as trimmed spans of `text`. */
export function splitSentences(text: string, within: Span): Span[] {
  const lo = Math.max(0, Math.min(within.start, text.length));
  const hi = Math.max(lo, Math.min(within.end, text.length));
  const out: Span[] = [];
  const plan = planList(text, lo, hi);
  let sentStart = lo;
  let split = 0;
  const push = (a: number, b: number) => {
    const s = trimSpan(text, a, b);
    if (s) out.push(s);
  };
  let i = lo;
  while (i < hi) {
    const at = nextStop(text, i, hi);
    // list items that start before the next stop
    while (plan && split < plan.splits.length && (plan.splits[split] ?? hi) <= at) {
      const s = plan.splits[split] ?? hi;
      if (s >= sentStart) {
        push(sentStart, s);
        sentStart = s;
      }
      split++;
    }
    if (at >= hi) break;
    if (plan?.skip.has(at)) {
      i = at + 1;
      continue;
    }
    const d = decide(text, at, hi, sentStart);
    if (d.boundary >= 0) {
      push(sentStart, d.boundary);
      sentStart = d.boundary;
    }
    i = d.resume;
  }
  push(sentStart, hi);
  return out;
}

/** The next sentence stop in `text[from, hi)`, or `hi`: the search never runs past the paragraph. */
function nextStop(text: string, from: number, hi: number): number {
  for (let p = from; p < hi; p++) {
    const c = text.charCodeAt(p);
    if (c === DOT || c === QUESTION || c === BANG || c === ELLIPSIS) return p;
  }
  return hi;
}

interface Decision {
  /** Where the sentence ends, or -1. */
  boundary: number;
  /** Where scanning goes on. */
  resume: number;
}

function decide(text: string, i: number, end: number, sentStart: number): Decision {
  let j = i;
  let dots = 0;
  let marks = 0;
  let spaced = false;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === DOT) dots++;
    else if (c === ELLIPSIS) dots += 3;
    else if (c === QUESTION || c === BANG) marks++;
    else if (c === SPACE && dots > 0 && text.charCodeAt(j + 1) === DOT && spacedDotFollows(text, j + 2, end))
      spaced = true;
    else break;
    j++;
  }
  const runEnd = j;
  while (j < end && CLOSERS.has(text.charCodeAt(j))) j++;
  const no = { boundary: -1, resume: Math.max(runEnd, i + 1) };
  // "3.14", "Jane.Doe", "U.S.A", "Jr.'s": a stop inside a token ends nothing
  if (j < end && !isSpace(text.charCodeAt(j))) return no;
  let k = j;
  while (k < end && isSpace(text.charCodeAt(k))) k++;
  if (k >= end) return { boundary: -1, resume: j };
  // the next word, past opening quotes and brackets
  let m = k;
  while (m < end && m < k + 3 && OPENERS.has(text.charCodeAt(m))) m++;
  const nextLower = isLowerAt(text, m);
  const nextUpper = isUpperAt(text, m);
  const nextDigit = isDigit(text.charCodeAt(m));
  const yes = { boundary: j, resume: j };
  const noMore = { boundary: -1, resume: j };

  // after "?", "!" or an ellipsis a new sentence starts with a capital, a number or a quote; "Wham! - the duo" goes on
  const opens = nextUpper || nextDigit || OPENERS.has(text.charCodeAt(k));
  if (dots === 0) return opens ? yes : noMore;
  // "[...]" marks an elision inside a quotation
  if (dots >= 3 && text.charCodeAt(i - 1) === 91 && text.charCodeAt(runEnd) === 93) return noMore;
  if (spaced) {
    if (!nextUpper) return noMore;
    // "compounds. . . . The": the period ends the sentence, the ellipsis opens the next one
    if (!isSpace(text.charCodeAt(i - 1))) return { boundary: i + 1, resume: j };
    return dots >= 4 ? yes : noMore;
  }
  if (dots >= 2 || marks > 0) return opens ? yes : noMore;
  if (nextLower) return noMore;

  // a single period: what does the word before it say?
  let ts = i;
  while (ts > sentStart && !isSpace(text.charCodeAt(ts - 1))) ts--;
  while (ts < i && OPENERS.has(text.charCodeAt(ts))) ts++;
  const tok = text.slice(ts, i);
  if (tok.length === 0) return yes;
  if (tok.includes("@") || tok.includes("/") || tok.startsWith("www")) return yes;
  const low = tok.toLowerCase();
  if (nextDigit) {
    const endsAlnum = isAlnumAt(tok, tok.length - 1);
    if (BEFORE_NUMBER.has(low) || MONTHS.has(low) || PREPOSITIVE.has(low) || PLACE_ABBR.has(low)) return noMore;
    if (tok.length === 1 || !endsAlnum || DOTTED.test(tok)) return noMore; // "U.S. 30-year bonds"
    return yes;
  }
  if (!nextUpper && !OPENERS.has(text.charCodeAt(k))) {
    // a dash, a number sign, a symbol: still a new sentence after an ordinary word
    return isAbbreviation(tok, low) ? noMore : yes;
  }
  const next = nextWord(text, m, end);
  const starter = STARTERS.has(next.word.toLowerCase()) && !next.dotted;
  const title = next.dotted && TITLES.has(next.word.toLowerCase());
  if (PREPOSITIVE.has(low)) return noMore;
  if (PLACE_ABBR.has(low)) return starter ? yes : noMore;
  if (tok.length === 1 && /\p{L}/u.test(tok)) return starter ? yes : noMore;
  if (tok.includes(".")) {
    if (low === "a.m" || low === "p.m") {
      const before = text.slice(sentStart, ts).trim();
      if (FRONTED_TIME.test(before)) return noMore;
      return AFTER_TIME.has(next.word.toLowerCase()) ? noMore : yes;
    }
    if (/^\p{Ll}(\.\p{Ll})+$/u.test(tok)) return noMore; // e.g., i.e.
    if (/[\p{L}]$/u.test(tok) && /^[\p{L}.]+$/u.test(tok)) return starter ? yes : noMore;
    return yes;
  }
  if (GENERAL.has(low)) return starter || title ? yes : noMore;
  if (MONTHS.has(low)) return starter ? yes : noMore;
  return yes;
}

function isAbbreviation(tok: string, low: string): boolean {
  return (
    PREPOSITIVE.has(low) ||
    GENERAL.has(low) ||
    MONTHS.has(low) ||
    (tok.length === 1 && /\p{L}/u.test(tok)) ||
    /^[\p{L}](\.[\p{L}])+$/u.test(tok)
  );
}

/** True when `. ` at `at - 2` continues a spaced ellipsis (". . .") rather than starting ".NET". */
function spacedDotFollows(text: string, at: number, end: number): boolean {
  if (at >= end) return true;
  const c = text.charCodeAt(at);
  return c === SPACE || c === DOT || CLOSERS.has(c) || isSpace(c);
}

function nextWord(text: string, m: number, end: number): { word: string; dotted: boolean } {
  let e = m;
  while (e < end && e < m + 24) {
    const c = text.charCodeAt(e);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 39 || c === 0x2019) e++;
    else if (c >= 128 && LETTER.test(text[e] ?? "")) e++;
    else break;
  }
  return { word: text.slice(m, e), dotted: text.charCodeAt(e) === DOT };
}

const LETTER = /\p{L}/u;
const ALNUM = /[\p{L}\p{N}]/u;

function isAlnumAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return true;
  return c >= 128 && ALNUM.test(s[i] ?? "");
}

const MARKER = /^(?:(\d{1,3})|([a-zA-Z]))(\.\)|\)|\.)(?=\s)/;

/** Lists written inline ("1) first 2) second", "• a • b"): where items start and which stops are markers. */
function planList(text: string, lo: number, hi: number): ListPlan | null {
  let p = lo;
  while (p < hi && isSpace(text.charCodeAt(p))) p++;
  if (p >= hi) return null;
  const first = text.charCodeAt(p);
  const plan: ListPlan = { splits: [], skip: new Set() };
  if (BULLETS.has(first)) {
    for (let q = p + 1; q < hi; q++) {
      if (text.charCodeAt(q) !== first) continue;
      if (!isSpace(text.charCodeAt(q - 1))) continue;
      plan.splits.push(q);
    }
    for (const at of [p, ...plan.splits]) markerAt(text, at + 1, hi, plan);
    return plan;
  }
  const c0 = text.charCodeAt(p);
  if (!isDigit(c0) && !/[a-zA-Z]/.test(text[p] ?? "")) return null;
  const m = MARKER.exec(text.slice(p, Math.min(hi, p + 6)));
  if (!m) return null;
  markSkip(p, m[0], plan);
  const style = m[3] ?? ".";
  let label: string | null = m[1] ?? m[2] ?? null;
  let from = p + m[0].length;
  // items follow in order: 1 → 2 → 3, a → b → c
  while (label !== null) {
    const nextLabel = successor(label);
    if (nextLabel === null) break;
    const needle = ` ${nextLabel}${style}`;
    // searched within the paragraph only: a search to the end of the text for each paragraph is quadratic
    const found = text.slice(from, hi).indexOf(needle);
    const at = found < 0 ? -1 : from + found;
    if (at < 0 || at + needle.length >= hi || !isSpace(text.charCodeAt(at + needle.length))) break;
    plan.splits.push(at + 1);
    markSkip(at + 1, `${nextLabel}${style}`, plan);
    from = at + needle.length;
    label = nextLabel;
  }
  return plan;
}

function markerAt(text: string, at: number, hi: number, plan: ListPlan): void {
  let p = at;
  while (p < hi && isSpace(text.charCodeAt(p))) p++;
  const m = MARKER.exec(text.slice(p, Math.min(hi, p + 6)));
  if (m?.[1] !== undefined) markSkip(p, m[0], plan);
}

function markSkip(at: number, marker: string, plan: ListPlan): void {
  for (let i = 0; i < marker.length; i++) if (marker[i] === ".") plan.skip.add(at + i);
}

function successor(label: string): string | null {
  if (/^\d+$/.test(label)) return String(Number(label) + 1);
  if (label === "z" || label === "Z") return null;
  return String.fromCharCode(label.charCodeAt(0) + 1);
}
