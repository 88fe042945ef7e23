/** A token of the text with its character offsets (`text === source.slice(start, end)`). */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** Abbreviations that keep their final period (lower case, without the period). */
const ABBREVIATIONS = new Set(
  (
    "mr mrs ms dr jr sr st co corp inc ltd plc bros gen lt col sgt capt cmdr adm gov sen rep rev prof messrs mme mlle " +
    "vs etc no nos mt ft jan feb mar apr jun jul aug sep sept oct nov dec ave blvd rd dept univ assn est approx " +
    "ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev okla ore pa tenn " +
    "tex va vt wash wis wyo"
  ).split(" "),
);

const CLITICS = /^(?:['’](?:s|S|re|RE|ve|VE|ll|LL|d|D|m|M)|n['’]t|N['’]T)$/;

// One alternative per token kind, tried in order at each position.
const TOKEN =
  /(?<url>(?:https?:\/\/|www\.)[^\s"'<>()[\]{}]+[^\s"'<>()[\]{}.,;:!?])|(?<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?<abbr>\p{L}(?:\.\p{L})+\.?)|(?<num>[+-]?\d+(?:[.,:/-]\d+)*(?:st|nd|rd|th|-\p{L}+)*(?![\p{L}\d])|[+-]?\.\d+)|(?<word>[\p{L}\p{M}\p{N}]+(?:[-&][\p{L}\p{M}\p{N}]+)*(?:['’]\p{L}+)*)|(?<clitic>['’](?:[sSdDmM]|re|RE|ve|VE|ll|LL)(?![\p{L}\p{N}]))|(?<dots>\.{2,}|…)|(?<dash>-{2,}|[–—])|(?<other>\S)/uy;

/** Splits news English into tokens in the style of CoNLL-2003 (possessives and clitics apart). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 160 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000) {
      i++;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m) {
      i++;
      continue;
    }
    const g = m.groups ?? {};
    let s = m[0];
    if (g.word !== undefined) {
      // "Google-owned", "Atlanta-based": the name stands apart from a lower-case tail
      const h = s.lastIndexOf("-");
      if (h > 0 && /^\p{Lu}/u.test(s) && /^\p{Ll}+$/u.test(s.slice(h + 1))) {
        const head = s.slice(0, h);
        out.push({ text: head, start: i, end: i + head.length });
        out.push({ text: "-", start: i + h, end: i + h + 1 });
        out.push({ text: s.slice(h + 1), start: i + h + 1, end: i + s.length });
        i += s.length;
        continue;
      }
      // split clitics and possessives: "Russia's" → "Russia" "'s", "don't" → "do" "n't"
      const q = s.search(/(?:n['’]t|['’]\p{L}+)$/u);
      if (q > 0 && CLITICS.test(s.slice(q))) {
        out.push({ text: s.slice(0, q), start: i, end: i + q });
        out.push({ text: s.slice(q), start: i + q, end: i + s.length });
        i += s.length;
        continue;
      }
      // keep the period of a known abbreviation or of an initial ("J.")
      if (text.charCodeAt(i + s.length) === 46) {
        const lower = s.toLowerCase();
        if (ABBREVIATIONS.has(lower) || (s.length === 1 && /\p{Lu}/u.test(s))) s += ".";
      }
    } else if (
      g.num !== undefined &&
      /^\d{1,3}$/.test(s) &&
      text[i + s.length] === "." &&
      /\s/.test(text[i + s.length + 1] ?? " ")
    ) {
      // "1. Michelle Freeman": the number of a list item at the start of a line keeps its period
      let b = i - 1;
      while (b >= 0 && (text[b] === " " || text[b] === "\t")) b--;
      if (b < 0 || text[b] === "\n") s += ".";
    } else if (g.abbr !== undefined && !s.endsWith(".") && text.charCodeAt(i + s.length) === 46) {
      s += ".";
    }
    out.push({ text: s, start: i, end: i + s.length });
    i += s.length;
  }
  return out;
}

const isUpperStart = (s: string): boolean => /^[\p{Lu}\d"'‘“(]/u.test(s);

/** Tokens of one sentence at most: no real sentence is this long, and labelling holds a sentence's scores at once. */
export const MAX_SENTENCE_TOKENS = 1000;

/**
 * Groups tokens into sentences: a line break between two tokens ends one, and so does a final
 * ".", "!" or "?" followed by a token that can start a sentence, and so does the MAX_SENTENCE_TOKENS-th token.
 */
export function splitTokenSentences(text: string, tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    const prev = cur[cur.length - 1];
    // a "sentence" with no end (one huge line) is labelled in pieces: the model's buffers grow with a sentence
    if (prev && (cur.length >= MAX_SENTENCE_TOKENS || text.slice(prev.end, t.start).includes("\n"))) {
      out.push(cur);
      cur = [];
    }
    cur.push(t);
    const next = tokens[k + 1];
    if (next && (t.text === "." || t.text === "!" || t.text === "?") && isUpperStart(next.text)) {
      // a closing quote stays with its sentence: a quote with nothing, a line break or a small letter after it
      const after = tokens[k + 2];
      const closing =
        /^["'’”]$/.test(next.text) &&
        (!after || text.slice(next.end, after.start).includes("\n") || /^\p{Ll}/u.test(after.text));
      if (!closing) {
        out.push(cur);
        cur = [];
      }
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
