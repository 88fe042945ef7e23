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

export interface Resources {
  /** Lower-cased phrase (tokens joined by one space) → bit mask over GAZ_CATS. */
  gaz: Map<string, number>;
  /** Longest phrase in tokens. */
  gazMax: number;
  /** Word → Brown cluster bit string. */
  clusters: Map<string, string>;
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

const isUpper = (ch: string | undefined): boolean =>
  ch !== undefined && ch.toUpperCase() === ch && ch.toLowerCase() !== ch;
const isLower = (ch: string | undefined): boolean =>
  ch !== undefined && ch.toLowerCase() === ch && ch.toUpperCase() !== ch;
const isAllCaps = (w: string): boolean => w.toUpperCase() === w && w.toLowerCase() !== w;
const titleCase = (w: string): string => (w[0] ?? "") + w.slice(1).toLowerCase();

function clusterOf(res: Resources, w: string): string | undefined {
  return res.clusters.get(w) ?? res.clusters.get(w.toLowerCase()) ?? res.clusters.get(titleCase(w));
}

/** Gazetteer matches of a sentence: per token, the features "g<cat><part>". */
function gazetteerFeatures(res: Resources, lower: string[], words: string[]): string[][] {
  const n = lower.length;
  const out: string[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const first = words[i] as string;
    if (!isUpper(first[0]) && !(first[0] !== undefined && first[0] >= "0" && first[0] <= "9")) continue;
    let key = "";
    for (let len = 1; len <= res.gazMax && i + len <= n; len++) {
      key = len === 1 ? (lower[i] as string) : `${key} ${lower[i + len - 1]}`;
      const mask = res.gaz.get(key);
      if (mask === undefined) continue;
      for (let c = 0; c < GAZ_CATS.length; c++) {
        if ((mask & (1 << c)) === 0) continue;
        const cat = GAZ_CATS[c] as string;
        if (len === 1) (out[i] as string[]).push(`g${cat}U`);
        else {
          (out[i] as string[]).push(`g${cat}B`);
          for (let k = i + 1; k < i + len - 1; k++) (out[k] as string[]).push(`g${cat}I`);
          (out[i + len - 1] as string[]).push(`g${cat}L`);
        }
      }
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

/**
 * Local, gazetteer, cluster and document features of every token of a document, as strings.
 * `sentences` holds normalised token texts.
 */
export function extractFeatures(
  sentences: string[][],
  res: Resources,
  opts: FeatureOptions = ALL_FEATURES,
): string[][][] {
  const stats = opts.document ? docStats(sentences) : null;
  const out: string[][][] = [];
  for (let s = 0; s < sentences.length; s++) {
    const words = sentences[s] as string[];
    const n = words.length;
    const lower = words.map((w) => w.toLowerCase());
    const shapes = words.map(shapeOf);
    const clusters = opts.clusters ? words.map((w) => clusterOf(res, w) ?? "") : null;
    const gaz = opts.gazetteers ? gazetteerFeatures(res, lower, words) : null;
    const headline = stats ? (stats.allCapsSentence[s] as boolean) : false;
    const sent: string[][] = [];
    for (let i = 0; i < n; i++) {
      const w = words[i] as string;
      const l = lower[i] as string;
      const sh = shapes[i] as string;
      const f: string[] = ["b", `w=${w}`, `l=${l}`, `s=${sh}`];
      const len = l.length;
      if (len > 1) f.push(`p2=${l.slice(0, 2)}`, `x2=${l.slice(-2)}`);
      if (len > 2) f.push(`p3=${l.slice(0, 3)}`, `x3=${l.slice(-3)}`);
      if (len > 3) f.push(`p4=${l.slice(0, 4)}`, `x4=${l.slice(-4)}`);
      if (len > 4) f.push(`x5=${l.slice(-5)}`);
      const prevL = i > 0 ? (lower[i - 1] as string) : "<s>";
      const nextL = i + 1 < n ? (lower[i + 1] as string) : "</s>";
      f.push(
        `l-1=${prevL}`,
        `l+1=${nextL}`,
        `l-2=${i > 1 ? lower[i - 2] : "<s>"}`,
        `l+2=${i + 2 < n ? lower[i + 2] : "</s>"}`,
        `s-1=${i > 0 ? shapes[i - 1] : "<s>"}`,
        `s+1=${i + 1 < n ? shapes[i + 1] : "</s>"}`,
        `s-1s=${i > 0 ? shapes[i - 1] : "<s>"}|${sh}`,
        `ss+1=${sh}|${i + 1 < n ? shapes[i + 1] : "</s>"}`,
        `l-1l=${prevL}|${l}`,
        `ll+1=${l}|${nextL}`,
        `w-1=${i > 0 ? words[i - 1] : "<s>"}`,
        `w+1=${i + 1 < n ? words[i + 1] : "</s>"}`,
      );
      if (i === 0) f.push(`first|${sh}`);
      if (headline) f.push(`hl|${sh}`);
      if (n === 1) f.push("alone");
      if (clusters) {
        const c = clusters[i] as string;
        if (c) f.push(`c4=${c.slice(0, 4)}`, `c6=${c.slice(0, 6)}`, `c10=${c.slice(0, 10)}`, `c=${c}`);
        else f.push("c=none");
        const cp = i > 0 ? (clusters[i - 1] as string) : "<s>";
        const cn = i + 1 < n ? (clusters[i + 1] as string) : "</s>";
        f.push(`c-1=${cp.slice(0, 6)}`, `c+1=${cn.slice(0, 6)}`, `c-1=${cp.slice(0, 10)}`, `c+1=${cn.slice(0, 10)}`);
      }
      if (gaz) {
        for (const g of gaz[i] as string[]) f.push(g);
        if (i > 0) for (const g of gaz[i - 1] as string[]) f.push(`-${g}`);
        if (i + 1 < n) for (const g of gaz[i + 1] as string[]) f.push(`+${g}`);
      }
      if (stats && isUpper(w[0])) {
        if (stats.lowerSeen.has(l)) f.push(headline ? "dLowH" : i === 0 ? "dLow0" : "dLow");
        if (i === 0 || headline || isAllCaps(w)) {
          const tc = isAllCaps(w) ? titleCase(w) : w;
          if (stats.capMid.has(tc)) f.push(headline ? "dCapH" : "dCap");
          else if (!stats.lowerSeen.has(l)) f.push(headline ? "dNoneH" : "dNone");
        }
      }
      sent.push(f);
    }
    out.push(sent);
  }
  return out;
}

const TYPE_NAMES = ["PER", "ORG", "LOC", "MISC"];

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
