import { eld } from "eld/extrasmall";

/** A document's language: ISO 639-1 code ("und" when too little text), and how sure the identifier is (0..1). */
export interface Language {
  code: string;
  confidence: number;
}

const detector = eld;
/** Below this many characters (white space collapsed) a language is not worth guessing. */
const MIN_CHARS = 50;
const WINDOW = 1000;
/** White space that collapsing changes: two in a row, or one that is not a plain space. */
const UNPLAIN_SPACE = /\s\s|[^\S ]/;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The language of a text by eld (n-gram scores). eld reads only the first 1,000 characters of what it
 * is given, so up to five windows spread over the text are scored and averaged: a page's menus at the
 * top do not decide alone.
 */
export function identifyLanguage(text: string, maxWindows = 5): Language {
  // white space collapsed in a bounded head and tail: a long text is sampled, not copied whole
  const raw = text.length > 40_000 ? `${text.slice(0, 20_000)} ${text.slice(-20_000)}` : text;
  // most texts have no white space to collapse: the test makes no string, the replace made a dozen
  const t = UNPLAIN_SPACE.test(raw) ? raw.replace(/\s+/g, " ").trim() : raw.trim();
  if (t.length < MIN_CHARS) return { code: "und", confidence: 0 };
  const n = Math.max(1, Math.min(maxWindows, Math.ceil(t.length / WINDOW)));
  const step = n > 1 ? (t.length - WINDOW) / (n - 1) : 0;
  // one window (the reader's sample): its scores are the sums, taken as they come (s / 1 is s)
  let scores: Record<string, number>;
  if (n === 1) scores = detector.detect(t.slice(0, WINDOW)).getScores();
  else {
    scores = {};
    for (let i = 0; i < n; i++) {
      const from = Math.round(i * step);
      for (const [code, s] of Object.entries(detector.detect(t.slice(from, from + WINDOW)).getScores()))
        scores[code] = (scores[code] ?? 0) + s / n;
    }
  }
  // the best two, higher score first, the earlier code of two as high: a scan, not a sort of all
  let first: string | undefined;
  let second: string | undefined;
  const above = (a: string, b: string | undefined) =>
    b === undefined || (scores[a] as number) > (scores[b] as number) || (scores[a] === scores[b] && a < b);
  for (const code in scores) {
    if (above(code, first)) {
      second = first;
      first = code;
    } else if (above(code, second)) second = code;
  }
  if (first === undefined) return { code: "und", confidence: 0 };
  const best = scores[first] as number;
  const next = second === undefined ? 0 : (scores[second] as number);
  // eld's scores cluster between 0.7 and 0.85: the margin over the runner-up says more than the score
  const confidence = clamp01((best - 0.6) / 0.2) * clamp01((best - next) / 0.15);
  return { code: first, confidence: Math.round(confidence * 1000) / 1000 };
}
