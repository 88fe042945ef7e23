/** Gazetteer categories; a phrase's value in `Resources.gaz` is a bit mask over them. */
export const GAZ_CATS = [
  "pfirst",
  "plast",
  "pfull",
  "country",
  "city",
  "region",
  "locother",
  "company",
  "orgother",
  "club",
  "demonym",
  "title",
  "orgkey",
  "lockey",
] as const;
export type GazCat = (typeof GAZ_CATS)[number];
export const GAZ_FEATS = GAZ_CATS.map((cat) => ["B", "I", "L", "U"].map((part) => `g${cat}${part}`));

export interface Resources {
  /** Lower-cased phrase (tokens joined by one space) → bit mask over GAZ_CATS. */
  gaz: Map<string, number>;
  /** Longest phrase in tokens. */
  gazMax: number;
  /** Proper prefixes (in tokens) of the phrases, so a lookup stops early; built when absent. */
  gazPrefixes?: Set<string>;
  /** Word → Brown cluster bit string. */
  clusters: Map<string, string>;
  /** Words that news text nearly always writes in lower case ("related", "articles"). */
  lowerWords: Set<string>;
}

export interface FeatureOptions {
  gazetteers: boolean;
  clusters: boolean;
  document: boolean;
}

export const ALL_FEATURES: FeatureOptions = { gazetteers: true, clusters: true, document: true };

/** Maps typographic quotes and dashes to the ASCII forms the training data uses. */
export function normToken(s: string): string {
  if (s.length === 1) {
    switch (s) {
      case "‘":
      case "’":
      case "`":
        return "'";
      case "“":
      case "”":
        return '"';
      case "–":
      case "—":
        return "-";
      default:
        return s;
    }
  }
  if (s === "``" || s === "''") return '"';
  return s.includes("’") ? s.replaceAll("’", "'") : s;
}

export function shapeOf(w: string): string {
  let out = "";
  let last = "";
  for (const ch of w) {
    let c: string;
    if (ch >= "a" && ch <= "z") c = "x";
    else if (ch >= "A" && ch <= "Z") c = "X";
    else if (ch >= "0" && ch <= "9") c = "d";
    else if (ch.toLowerCase() !== ch) c = "X";
    else if (ch.toUpperCase() !== ch) c = "x";
    else c = ch;
    if (c !== last) out += c;
    last = c;
  }
  return out;
}

export const isUpper = (ch: string | undefined): boolean =>
  ch !== undefined && ch.toUpperCase() === ch && ch.toLowerCase() !== ch;
export const isLower = (ch: string | undefined): boolean =>
  ch !== undefined && ch.toLowerCase() === ch && ch.toUpperCase() !== ch;
export const isAllCaps = (w: string): boolean => w.toUpperCase() === w && w.toLowerCase() !== w;
export const titleCase = (w: string): string => (w[0] ?? "") + w.slice(1).toLowerCase();

/** The Brown cluster of a word: as written, in lower case, or in title case. */
export function clusterOf(res: Resources, w: string): string | undefined {
  return res.clusters.get(w) ?? res.clusters.get(w.toLowerCase()) ?? res.clusters.get(titleCase(w));
}

/** The proper prefixes of the gazetteer phrases (built once per resources object). */
export function gazPrefixes(res: Resources): Set<string> {
  if (!res.gazPrefixes) {
    const pre = new Set<string>();
    for (const k of res.gaz.keys()) {
      let at = k.indexOf(" ");
      while (at > 0) {
        pre.add(k.slice(0, at));
        at = k.indexOf(" ", at + 1);
      }
    }
    res.gazPrefixes = pre;
  }
  return res.gazPrefixes;
}

/** Gazetteer matches of a sentence: per token, the features "g<cat><part>". */
function gazetteerFeatures(res: Resources, lower: string[], words: string[]): string[][] {
  const n = lower.length;
  const out: string[][] = Array.from({ length: n }, () => []);
  const prefixes = gazPrefixes(res);
  for (let i = 0; i < n; i++) {
    const first = words[i] as string;
    if (!isUpper(first[0]) && !(first[0] !== undefined && first[0] >= "0" && first[0] <= "9")) continue;
    let key = "";
    for (let len = 1; len <= res.gazMax && i + len <= n; len++) {
      key = len === 1 ? (lower[i] as string) : `${key} ${lower[i + len - 1]}`;
      const mask = res.gaz.get(key);
      const more = prefixes.has(key);
      if (mask === undefined) {
        if (more) continue;
        break;
      }
      for (let c = 0; c < GAZ_CATS.length; c++) {
        if ((mask & (1 << c)) === 0) continue;
        const [b, in_, l, u] = GAZ_FEATS[c] as string[];
        if (len === 1) (out[i] as string[]).push(u as string);
        else {
          (out[i] as string[]).push(b as string);
          for (let k = i + 1; k < i + len - 1; k++) (out[k] as string[]).push(in_ as string);
          (out[i + len - 1] as string[]).push(l as string);
        }
      }
      if (!more) break;
    }
  }
  return out;
}

/** What the document says about its words (Ratinov & Roth's non-local evidence without predictions). */
export interface DocStats {
  /** Lower-cased words seen starting with a lower-case letter. */
  lowerSeen: Set<string>;
  /** Words seen capitalised (not all caps) inside a mixed-case sentence, not first. */
  capMid: Set<string>;
  /** Per sentence: is it mostly upper case (a headline)? */
  allCapsSentence: boolean[];
}

export function docStats(sentences: string[][]): DocStats {
  const lowerSeen = new Set<string>();
  const capMid = new Set<string>();
  const allCapsSentence: boolean[] = [];
  for (const s of sentences) {
    let letters = 0;
    let caps = 0;
    for (const w of s) {
      if (/\p{L}/u.test(w)) {
        letters++;
        if (isAllCaps(w)) caps++;
      }
    }
    const headline = letters >= 2 && caps / letters > 0.6;
    allCapsSentence.push(headline);
    for (let i = 0; i < s.length; i++) {
      const w = s[i] as string;
      if (isLower(w[0])) lowerSeen.add(w.toLowerCase());
      else if (!headline && i > 0 && isUpper(w[0]) && !isAllCaps(w)) capMid.add(w);
    }
  }
  return { lowerSeen, capMid, allCapsSentence };
}

/** Features a word gives by itself, whatever its context (cached per word at run time). */
export interface WordGroups {
  /** for the token itself */
  cur: string[];
  /** for the next token (this word is its left neighbour) */
  prev: string[];
  /** for the previous token */
  next: string[];
  /** two tokens on */
  prev2: string[];
  /** two tokens back */
  next2: string[];
  lower: string;
  shape: string;
}

export function wordGroups(w: string, res: Resources, opts: FeatureOptions): WordGroups {
  const l = w.toLowerCase();
  const sh = shapeOf(w);
  const cur: string[] = ["b", `w=${w}`, `l=${l}`, `s=${sh}`];
  const len = l.length;
  if (len > 1) cur.push(`p2=${l.slice(0, 2)}`, `x2=${l.slice(-2)}`);
  if (len > 2) cur.push(`p3=${l.slice(0, 3)}`, `x3=${l.slice(-3)}`);
  if (len > 3) cur.push(`p4=${l.slice(0, 4)}`, `x4=${l.slice(-4)}`);
  if (len > 4) cur.push(`x5=${l.slice(-5)}`);
  const prev = [`l-1=${l}`, `s-1=${sh}`, `w-1=${w}`];
  const next = [`l+1=${l}`, `s+1=${sh}`, `w+1=${w}`];
  if (opts.clusters) {
    const c = clusterOf(res, w) ?? "";
    if (c) cur.push(`c4=${c.slice(0, 4)}`, `c6=${c.slice(0, 6)}`, `c10=${c.slice(0, 10)}`, `c=${c}`);
    else cur.push("c=none");
    // BLLIP case statistics: a capitalised everyday word ("The", "Related") is seldom a name
    if (isUpper(w[0]) && res.lowerWords.has(l)) {
      cur.push(isAllCaps(w) ? "lwC" : "lw");
      prev.push("lw-1");
      next.push("lw+1");
    }
    prev.push(`c-1=${c.slice(0, 6)}`, `c-1=${c.slice(0, 10)}`);
    next.push(`c+1=${c.slice(0, 6)}`, `c+1=${c.slice(0, 10)}`);
  }
  return { cur, prev, next, prev2: [`l-2=${l}`], next2: [`l+2=${l}`], lower: l, shape: sh };
}

/** Stand-ins for the words before and after a sentence. */
export function boundaryGroups(opts: FeatureOptions): { bos: WordGroups; eos: WordGroups } {
  const bos: WordGroups = {
    cur: [],
    prev: ["l-1=<s>", "s-1=<s>", "w-1=<s>", ...(opts.clusters ? ["c-1=<s>", "c-1=<s>"] : [])],
    next: [],
    prev2: ["l-2=<s>"],
    next2: [],
    lower: "<s>",
    shape: "<s>",
  };
  const eos: WordGroups = {
    cur: [],
    prev: [],
    next: ["l+1=</s>", "s+1=</s>", "w+1=</s>", ...(opts.clusters ? ["c+1=</s>", "c+1=</s>"] : [])],
    prev2: [],
    next2: ["l+2=</s>"],
    lower: "</s>",
    shape: "</s>",
  };
  return { bos, eos };
}

/**
 * The features of each token that depend on more than the word itself: shape and word bigrams,
 * position, gazetteer matches and document evidence.
 */
export function contextFeatures(
  sentences: string[][],
  groups: WordGroups[][],
  res: Resources,
  opts: FeatureOptions,
): string[][][] {
  const stats = opts.document ? docStats(sentences) : null;
  return sentences.map((words, s) => {
    const n = words.length;
    const g = groups[s] as WordGroups[];
    const gaz = opts.gazetteers
      ? gazetteerFeatures(
          res,
          g.map((x) => x.lower),
          words,
        )
      : null;
    const headline = stats ? (stats.allCapsSentence[s] as boolean) : false;
    return words.map((w, i) => {
      const me = g[i] as WordGroups;
      const sh = me.shape;
      const l = me.lower;
      const pv = i > 0 ? (g[i - 1] as WordGroups) : null;
      const nx = i + 1 < n ? (g[i + 1] as WordGroups) : null;
      const f: string[] = [
        `s-1s=${pv ? pv.shape : "<s>"}|${sh}`,
        `ss+1=${sh}|${nx ? nx.shape : "</s>"}`,
        `l-1l=${pv ? pv.lower : "<s>"}|${l}`,
        `ll+1=${l}|${nx ? nx.lower : "</s>"}`,
      ];
      if (i === 0) f.push(`first|${sh}`);
      if (headline) f.push(`hl|${sh}`);
      if (n === 1) f.push("alone");
      if (gaz) {
        for (const x of gaz[i] as string[]) f.push(x);
        if (i > 0) for (const x of gaz[i - 1] as string[]) f.push(`-${x}`);
        if (i + 1 < n) for (const x of gaz[i + 1] as string[]) f.push(`+${x}`);
      }
      if (stats && isUpper(w[0])) {
        if (stats.lowerSeen.has(l)) f.push(headline ? "dLowH" : i === 0 ? "dLow0" : "dLow");
        if (i === 0 || headline || isAllCaps(w)) {
          const tc = isAllCaps(w) ? titleCase(w) : w;
          if (stats.capMid.has(tc)) f.push(headline ? "dCapH" : "dCap");
          else if (!stats.lowerSeen.has(l)) f.push(headline ? "dNoneH" : "dNone");
        }
      }
      return f;
    });
  });
}

/**
 * Local, gazetteer, cluster and document features of every token of a document, as strings.
 * `sentences` holds normalised token texts.
 */
export function extractFeatures(
  sentences: string[][],
  res: Resources,
  opts: FeatureOptions = ALL_FEATURES,
): string[][][] {
  const { bos, eos } = boundaryGroups(opts);
  const groups = sentences.map((ws) => ws.map((w) => wordGroups(w, res, opts)));
  const ctx = contextFeatures(sentences, groups, res, opts);
  return ctx.map((sent, s) => {
    const g = groups[s] as WordGroups[];
    const n = g.length;
    return sent.map((f, i) => [
      ...(g[i] as WordGroups).cur,
      ...(i > 0 ? (g[i - 1] as WordGroups) : bos).prev,
      ...(i + 1 < n ? (g[i + 1] as WordGroups) : eos).next,
      ...(i > 1 ? (g[i - 2] as WordGroups) : bos).prev2,
      ...(i + 2 < n ? (g[i + 2] as WordGroups) : eos).next2,
      ...f,
    ]);
  });
}

export const TYPE_NAMES = ["PER", "ORG", "LOC", "MISC"];

/**
 * Second-stage features (Ratinov & Roth 2009, prediction aggregation): how the first stage labelled
 * the other occurrences of each word in the document, and this token's own first-stage label.
 * `types[s][i]` is the first-stage entity type of a token (-1 for none).
 */
export function aggregateFeatures(sentences: string[][], types: Int8Array[]): string[][][] {
  const counts = new Map<string, number[]>();
  const key = (w: string) => w.toLowerCase();
  sentences.forEach((words, s) => {
    const ts = types[s] as Int8Array;
    words.forEach((w, i) => {
      if (!/\p{L}/u.test(w)) return;
      let c = counts.get(key(w));
      if (!c) {
        c = [0, 0, 0, 0, 0];
        counts.set(key(w), c);
      }
      const t = (ts[i] as number) + 1;
      c[t] = (c[t] as number) + 1;
    });
  });
  return sentences.map((words, s) => {
    const ts = types[s] as Int8Array;
    return words.map((w, i) => {
      const own = ts[i] as number;
      const f: string[] = [`s1=${own < 0 ? "O" : TYPE_NAMES[own]}`];
      const prev = i > 0 ? (ts[i - 1] as number) : -2;
      const next = i + 1 < ts.length ? (ts[i + 1] as number) : -2;
      f.push(`s1-1=${prev}|${own}`, `s1+1=${own}|${next}`);
      const c = counts.get(key(w));
      if (!c || !isUpper(w[0])) return f;
      const others = c.slice();
      others[own + 1] = (others[own + 1] as number) - 1;
      const total = others.reduce((a, b) => a + b, 0);
      if (total === 0) return f;
      let best = 0;
      for (let t = 1; t < 5; t++) if ((others[t] as number) > (others[best] as number)) best = t;
      for (let t = 1; t < 5; t++) {
        const n = others[t] as number;
        if (n > 0) f.push(`a=${TYPE_NAMES[t - 1]}`, `a=${TYPE_NAMES[t - 1]}|${n * 2 >= total ? "most" : "some"}`);
      }
      f.push(`am=${best === 0 ? "O" : TYPE_NAMES[best - 1]}`);
      return f;
    });
  });
}
