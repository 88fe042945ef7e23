import {
  boundaryGroups,
  clusterOf,
  GAZ_CATS,
  GAZ_FEATS,
  gazPrefixes,
  isAllCaps,
  isLower,
  isUpper,
  shapeOf,
  TYPE_NAMES,
  titleCase,
  type WordGroups,
  wordGroups,
} from "./features.js";
import { labelType, NUM_LABELS } from "./labels.js";
import type { NerModel } from "./model.js";
import { viterbi } from "./perceptron.js";

/*
 * The run-time feature path. It computes the same features as `extractFeatures` +
 * `aggregateFeatures` (a test checks it), but as ids: everything that depends on one word is
 * worked out once per word type and cached, and the pair features are looked up by word ids, so
 * tagging makes almost no new strings.
 */

const L = NUM_LABELS;
const [CUR, PREV, NEXT, PREV2, NEXT2] = [0, 2 * L, 4 * L, 6 * L, 8 * L] as const;

export interface Word {
  w: string;
  lower: string;
  shape: string;
  /** the title-case form of an all-caps word, else the word */
  tc: string;
  letters: boolean;
  upper0: boolean;
  lower0: boolean;
  digit0: boolean;
  allCaps: boolean;
  /**
   * Summed emission weights (both stages, 2L) of each group of the word's own features, one after another in one
   * array (one allocation a word, not five): for the token itself at CUR, for the next token at PREV, the previous
   * at NEXT, two on at PREV2, two back at NEXT2.
   */
  rows: Int32Array;
  lowerId: number;
  shapeId: number;
  firstF: number;
  hlF: number;
  /** gazetteer categories of the word alone, -1 for none */
  gaz1: number;
  gazPrefix: boolean;
  /** a "|" in the word: pair features go through strings */
  bar: boolean;
}

type PairMap = Map<number, Map<number, number>>;

/** Summed weight rows of the features a word gives its own, the next and the previous token (cur, prev, next). */
interface Part {
  cur: Int32Array;
  prev: Int32Array;
  next: Int32Array;
}

/** What a word's shape gives: its rows and the ids of `first|<shape>` and `hl|<shape>`. */
interface ShapePart extends Part {
  firstF: number;
  hlF: number;
}

interface Fast {
  words: Map<string, Word>;
  bos: Word;
  eos: Word;
  lowerIds: Map<string, number>;
  shapeIds: Map<string, number>;
  pairs: { ll: PairMap; lln: PairMap; ss: PairMap; ssn: PairMap };
  /** gazetteer feature ids by [prefix 0 none / 1 "-" / 2 "+"][cat * 4 + part] */
  gaz: Int32Array[];
  /** ids of "alone" and the document features, in DOC_FEATURES order */
  doc: Int32Array;
  s1: Int32Array;
  s1p: Int32Array;
  s1n: Int32Array;
  agg: Int32Array;
  aggMost: Int32Array;
  aggSome: Int32Array;
  am: Int32Array;
  /**
   * Feature ids by the value they are made of, so that a word not seen before needs no feature names:
   * a lower-cased word's `l=`, `l-1=`, `l+1=`, `l-2=`, `l+2=` (LOWER_TEMPLATES), a word's `w=`, `w-1=`, `w+1=`,
   * an affix's `p2=` … `x5=` (-1 where the model has none).
   */
  byLower: Map<string, Int32Array>;
  byWord: Map<string, Int32Array>;
  byAffix: Map<string, Int32Array>;
  /** Summed rows of what depends on the shape alone, on the cluster alone, on the "lower-case word" flag, and of "b". */
  shapes: Map<string, ShapePart>;
  clusterParts: Map<string, Part>;
  lw: Part;
  lwC: Part;
  b: Int32Array;
}

const LOWER_TEMPLATES = ["l=", "l-1=", "l+1=", "l-2=", "l+2="] as const;
const WORD_TEMPLATES = ["w=", "w-1=", "w+1="] as const;
const AFFIX_TEMPLATES = ["p2=", "p3=", "p4=", "x2=", "x3=", "x4=", "x5="] as const;
const [P2, P3, P4, X2, X3, X4, X5] = [0, 1, 2, 3, 4, 5, 6] as const;

const DOC_FEATURES = ["alone", "dLowH", "dLow0", "dLow", "dCapH", "dCap", "dNoneH", "dNone"];
const [ALONE, D_LOW_H, D_LOW_0, D_LOW, D_CAP_H, D_CAP, D_NONE_H, D_NONE] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const fasts = new WeakMap<NerModel, Fast>();
const CACHE_LIMIT = 50_000;
const PAIR_PREFIXES = { ll: "l-1l=", lln: "ll+1=", ss: "s-1s=", ssn: "ss+1=" } as const;

function fastOf(model: NerModel): Fast {
  const have = fasts.get(model);
  if (have) return have;
  gazPrefixes(model.resources);
  const f = model.features;
  const id = (name: string) => f.get(name) ?? -1;
  const lowerIds = new Map<string, number>();
  const shapeIds = new Map<string, number>();
  const pairs = { ll: new Map(), lln: new Map(), ss: new Map(), ssn: new Map() } as Fast["pairs"];
  const intern = (m: Map<string, number>, s: string) => {
    let v = m.get(s);
    if (v === undefined) {
      v = m.size;
      m.set(s, v);
    }
    return v;
  };
  const byLower = new Map<string, Int32Array>();
  const byWord = new Map<string, Int32Array>();
  const byAffix = new Map<string, Int32Array>();
  const byValue = (m: Map<string, Int32Array>, templates: readonly string[], name: string, fid: number): boolean => {
    for (let t = 0; t < templates.length; t++) {
      const prefix = templates[t] as string;
      if (!name.startsWith(prefix)) continue;
      const value = name.slice(prefix.length);
      let ids = m.get(value);
      if (!ids) {
        ids = new Int32Array(templates.length).fill(-1);
        m.set(value, ids);
      }
      ids[t] = fid;
      return true;
    }
    return false;
  };
  for (const [name, fid] of f) {
    // (no template's prefix is a prefix of another's: a name belongs to one template at most)
    if (byValue(byLower, LOWER_TEMPLATES, name, fid) || byValue(byWord, WORD_TEMPLATES, name, fid)) continue;
    if (byValue(byAffix, AFFIX_TEMPLATES, name, fid)) continue;
    for (const [k, prefix] of Object.entries(PAIR_PREFIXES) as Array<[keyof Fast["pairs"], string]>) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const bar = rest.indexOf("|");
      if (bar < 0 || rest.indexOf("|", bar + 1) >= 0) continue;
      const table = k === "ll" || k === "lln" ? lowerIds : shapeIds;
      const a = intern(table, rest.slice(0, bar));
      const b = intern(table, rest.slice(bar + 1));
      const map = pairs[k];
      let inner = map.get(a);
      if (!inner) {
        inner = new Map();
        map.set(a, inner);
      }
      inner.set(b, fid);
    }
  }
  const gaz = ["", "-", "+"].map((p) =>
    Int32Array.from(GAZ_FEATS.flatMap((parts) => parts.map((name) => id(`${p}${name}`)))),
  );
  const doc = Int32Array.from(DOC_FEATURES, id);
  const typeName = (t: number) => (t < 0 ? "O" : (TYPE_NAMES[t] as string));
  // s1-1 / s1+1 by (neighbour + 2) * 5 + (own + 1), neighbour -2..3, own -1..3
  const s1p = new Int32Array(30);
  const s1n = new Int32Array(30);
  for (let nb = -2; nb <= 3; nb++)
    for (let own = -1; own <= 3; own++) {
      s1p[(nb + 2) * 5 + own + 1] = id(`s1-1=${nb}|${own}`);
      s1n[(nb + 2) * 5 + own + 1] = id(`s1+1=${own}|${nb}`);
    }
  const fast: Fast = {
    words: new Map(),
    bos: undefined as unknown as Word,
    eos: undefined as unknown as Word,
    lowerIds,
    shapeIds,
    pairs,
    gaz,
    doc,
    s1: Int32Array.from([-1, 0, 1, 2, 3], (t) => id(`s1=${typeName(t)}`)),
    s1p,
    s1n,
    agg: Int32Array.from(TYPE_NAMES, (t) => id(`a=${t}`)),
    aggMost: Int32Array.from(TYPE_NAMES, (t) => id(`a=${t}|most`)),
    aggSome: Int32Array.from(TYPE_NAMES, (t) => id(`a=${t}|some`)),
    am: Int32Array.from([-1, 0, 1, 2, 3], (t) => id(`am=${typeName(t)}`)),
    byLower,
    byWord,
    byAffix,
    shapes: new Map(),
    clusterParts: new Map(),
    lw: { cur: lookup(model, ["lw"]), prev: lookup(model, ["lw-1"]), next: lookup(model, ["lw+1"]) },
    lwC: { cur: lookup(model, ["lwC"]), prev: lookup(model, ["lw-1"]), next: lookup(model, ["lw+1"]) },
    b: lookup(model, ["b"]),
  };
  const { bos, eos } = boundaryGroups(model.options);
  fast.bos = makeWord(model, fast, "<s>", bos);
  fast.eos = makeWord(model, fast, "</s>", eos);
  fasts.set(model, fast);
  return fast;
}

/** The summed weight rows (both stages) of the named features. */
function lookup(model: NerModel, names: string[]): Int32Array {
  const out = new Int32Array(2 * L);
  for (const name of names) {
    const v = model.features.get(name);
    if (v === undefined) continue;
    const row = v * 2 * L;
    for (let y = 0; y < 2 * L; y++) out[y] = (out[y] as number) + (model.both[row + y] as number);
  }
  return out;
}

function makeWord(model: NerModel, fast: Fast, w: string, g: WordGroups): Word {
  const rows = new Int32Array(10 * L);
  rows.set(lookup(model, g.cur), CUR);
  rows.set(lookup(model, g.prev), PREV);
  rows.set(lookup(model, g.next), NEXT);
  rows.set(lookup(model, g.prev2), PREV2);
  rows.set(lookup(model, g.next2), NEXT2);
  const firstF = model.features.get(`first|${g.shape}`) ?? -1;
  return wordRecord(model, fast, w, g.lower, g.shape, rows, firstF, model.features.get(`hl|${g.shape}`) ?? -1);
}

/** A word's record around its summed rows: what `makeWord` and `newWord` build alike. */
function wordRecord(
  model: NerModel,
  fast: Fast,
  w: string,
  lower: string,
  shape: string,
  rows: Int32Array,
  firstF: number,
  hlF: number,
): Word {
  const res = model.resources;
  const c0 = w[0];
  const allCaps = isAllCaps(w);
  return {
    w,
    lower,
    shape,
    tc: allCaps ? titleCase(w) : w,
    letters: /\p{L}/u.test(w),
    upper0: isUpper(c0),
    lower0: isLower(c0),
    digit0: c0 !== undefined && c0 >= "0" && c0 <= "9",
    allCaps,
    rows,
    lowerId: fast.lowerIds.get(lower) ?? -1,
    shapeId: fast.shapeIds.get(shape) ?? -1,
    firstF,
    hlF,
    gaz1: res.gaz.get(lower) ?? -1,
    gazPrefix: gazPrefixes(res).has(lower),
    bar: w.includes("|"),
  };
}

/** Adds a feature's weight row to `out` at `at`. */
function addRow(model: NerModel, out: Int32Array, at: number, fid: number): void {
  if (fid < 0) return;
  const both = model.both;
  const row = fid * 2 * L;
  for (let y = 0; y < 2 * L; y++) out[at + y] = (out[at + y] as number) + (both[row + y] as number);
}

function addAll(out: Int32Array, at: number, part: Int32Array): void {
  for (let y = 0; y < 2 * L; y++) out[at + y] = (out[at + y] as number) + (part[y] as number);
}

function shapePart(model: NerModel, fast: Fast, sh: string): ShapePart {
  let part = fast.shapes.get(sh);
  if (!part) {
    const f = model.features;
    part = {
      cur: lookup(model, [`s=${sh}`]),
      prev: lookup(model, [`s-1=${sh}`]),
      next: lookup(model, [`s+1=${sh}`]),
      firstF: f.get(`first|${sh}`) ?? -1,
      hlF: f.get(`hl|${sh}`) ?? -1,
    };
    fast.shapes.set(sh, part);
  }
  return part;
}

/** The cluster's features as `wordGroups` names them ("" for a word in no cluster), summed. */
function clusterPart(model: NerModel, fast: Fast, c: string): Part {
  let part = fast.clusterParts.get(c);
  if (!part) {
    part = {
      cur: lookup(
        model,
        c ? [`c4=${c.slice(0, 4)}`, `c6=${c.slice(0, 6)}`, `c10=${c.slice(0, 10)}`, `c=${c}`] : ["c=none"],
      ),
      prev: lookup(model, [`c-1=${c.slice(0, 6)}`, `c-1=${c.slice(0, 10)}`]),
      next: lookup(model, [`c+1=${c.slice(0, 6)}`, `c+1=${c.slice(0, 10)}`]),
    };
    fast.clusterParts.set(c, part);
  }
  return part;
}

/**
 * A word not seen before: the same sums as `makeWord` over `wordGroups` (a test checks it), from ids found by the
 * values they are made of and from parts summed once per shape and per cluster, with no feature name made.
 */
function newWord(model: NerModel, fast: Fast, w: string): Word {
  const opts = model.options;
  const res = model.resources;
  const l = w.toLowerCase();
  const sh = shapeOf(w);
  const rows = new Int32Array(10 * L);
  addAll(rows, CUR, fast.b);
  const wIds = fast.byWord.get(w);
  if (wIds) {
    addRow(model, rows, CUR, wIds[0] as number);
    addRow(model, rows, PREV, wIds[1] as number);
    addRow(model, rows, NEXT, wIds[2] as number);
  }
  const lIds = fast.byLower.get(l);
  if (lIds) {
    addRow(model, rows, CUR, lIds[0] as number);
    addRow(model, rows, PREV, lIds[1] as number);
    addRow(model, rows, NEXT, lIds[2] as number);
    addRow(model, rows, PREV2, lIds[3] as number);
    addRow(model, rows, NEXT2, lIds[4] as number);
  }
  const shape = shapePart(model, fast, sh);
  addAll(rows, CUR, shape.cur);
  addAll(rows, PREV, shape.prev);
  addAll(rows, NEXT, shape.next);
  const len = l.length;
  const affix = (value: string, t: number) => addRow(model, rows, CUR, fast.byAffix.get(value)?.[t] ?? -1);
  if (len > 1) {
    affix(l.slice(0, 2), P2);
    affix(l.slice(-2), X2);
  }
  if (len > 2) {
    affix(l.slice(0, 3), P3);
    affix(l.slice(-3), X3);
  }
  if (len > 3) {
    affix(l.slice(0, 4), P4);
    affix(l.slice(-4), X4);
  }
  if (len > 4) affix(l.slice(-5), X5);
  if (opts.clusters) {
    const c = clusterPart(model, fast, clusterOf(res, w) ?? "");
    addAll(rows, CUR, c.cur);
    addAll(rows, PREV, c.prev);
    addAll(rows, NEXT, c.next);
    if (isUpper(w[0]) && res.lowerWords.has(l)) {
      const lw = isAllCaps(w) ? fast.lwC : fast.lw;
      addAll(rows, CUR, lw.cur);
      addAll(rows, PREV, lw.prev);
      addAll(rows, NEXT, lw.next);
    }
  }
  return wordRecord(model, fast, w, l, sh, rows, shape.firstF, shape.hlF);
}

/** A word as `makeWord` builds it from `wordGroups`' feature names: what `newWord` must equal (for tests). */
export function wordByNames(model: NerModel, w: string): Word {
  return makeWord(model, fastOf(model), w, wordGroups(w, model.resources, model.options));
}

/** A word as the run-time path builds it (for tests). */
export function wordByValues(model: NerModel, w: string): Word {
  return newWord(model, fastOf(model), w);
}

function wordOf(model: NerModel, fast: Fast, w: string): Word {
  let word = fast.words.get(w);
  if (!word) {
    word = newWord(model, fast, w);
    if (fast.words.size >= CACHE_LIMIT) fast.words.clear();
    fast.words.set(w, word);
  }
  return word;
}

/** Growable id list. */
class Ids {
  a = new Int32Array(4096);
  n = 0;
  push(v: number) {
    if (v < 0) return;
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

const pair = (m: PairMap, a: number, b: number): number => (a < 0 || b < 0 ? -1 : (m.get(a)?.get(b) ?? -1));

const NONE: number[] = [];

/** Gazetteer matches per token as codes `cat * 4 + part` (shared empty list where none). */
function gazetteerCodes(model: NerModel, ws: Word[]): number[][] {
  const n = ws.length;
  const out: number[][] = new Array(n).fill(NONE);
  const at = (k: number): number[] => {
    if (out[k] === NONE) out[k] = [];
    return out[k] as number[];
  };
  const res = model.resources;
  for (let i = 0; i < n; i++) {
    const first = ws[i] as Word;
    if (!first.upper0 && !first.digit0) continue;
    let key = first.lower;
    for (let len = 1; len <= res.gazMax && i + len <= n; len++) {
      let mask: number;
      let more: boolean;
      if (len === 1) {
        mask = first.gaz1;
        more = first.gazPrefix;
      } else {
        key = `${key} ${(ws[i + len - 1] as Word).lower}`;
        mask = res.gaz.get(key) ?? -1;
        more = gazPrefixes(res).has(key);
      }
      if (mask < 0) {
        if (more) continue;
        break;
      }
      for (let c = 0; c < GAZ_CATS.length; c++) {
        if ((mask & (1 << c)) === 0) continue;
        if (len === 1) at(i).push(c * 4 + 3);
        else {
          at(i).push(c * 4);
          for (let k = i + 1; k < i + len - 1; k++) at(k).push(c * 4 + 1);
          at(i + len - 1).push(c * 4 + 2);
        }
      }
      if (!more) break;
    }
  }
  return out;
}

/** Emission scores of both stages over the same feature ids, in one pass over the interleaved rows. */
function emissions2(both: Int16Array, ids: Ids, offs: Int32Array, n: number, e1: Float64Array, e2: Float64Array): void {
  const a = ids.a;
  const L2 = 2 * L;
  for (let i = 0; i < n; i++) {
    const base = i * L;
    for (let k = offs[i] as number; k < (offs[i + 1] as number); k++) {
      const row = (a[k] as number) * L2;
      for (let y = 0; y < L; y++) {
        e1[base + y] = (e1[base + y] as number) + (both[row + y] as number);
        e2[base + y] = (e2[base + y] as number) + (both[row + L + y] as number);
      }
    }
  }
}

/** BILOU labels for every sentence of a document (normalised token texts), both stages. */
export function labelDocumentFast(model: NerModel, sentences: string[][]): Int32Array[] {
  const fast = fastOf(model);
  const opts = model.options;
  const docWords = sentences.map((s) => s.map((w) => wordOf(model, fast, w)));
  // document statistics (as docStats)
  const lowerSeen = new Set<string>();
  const capMid = new Set<string>();
  const headlines = docWords.map((ws) => {
    let letters = 0;
    let caps = 0;
    for (const w of ws)
      if (w.letters) {
        letters++;
        if (w.allCaps) caps++;
      }
    const headline = letters >= 2 && caps / letters > 0.6;
    if (opts.document)
      ws.forEach((w, i) => {
        if (w.lower0) lowerSeen.add(w.lower);
        else if (!headline && i > 0 && w.upper0 && !w.allCaps) capMid.add(w.w);
      });
    return headline;
  });
  const ids = new Ids();
  // one buffer each for the document: stage-2 scores and stage-1 types of sentence s start at starts[s]
  const starts = new Int32Array(docWords.length + 1);
  let maxN = 1;
  docWords.forEach((ws, s) => {
    starts[s + 1] = (starts[s] as number) + ws.length;
    maxN = Math.max(maxN, ws.length);
  });
  const second = new Float64Array((starts[docWords.length] as number) * L);
  const types = new Int8Array(starts[docWords.length] as number);
  const out = new Int32Array(maxN);
  const e1 = new Float64Array(maxN * L);
  const offs = new Int32Array(maxN + 1);
  docWords.forEach((ws, s) => {
    const n = ws.length;
    const headline = opts.document && (headlines[s] as boolean);
    const gaz = opts.gazetteers ? gazetteerCodes(model, ws) : null;
    ids.n = 0;
    const e2 = second.subarray((starts[s] as number) * L, (starts[s + 1] as number) * L);
    for (let i = 0; i < n; i++) {
      const me = ws[i] as Word;
      const pv = i > 0 ? (ws[i - 1] as Word) : fast.bos;
      const nx = i + 1 < n ? (ws[i + 1] as Word) : fast.eos;
      const a = me.rows;
      const b = pv.rows;
      const c = nx.rows;
      const d = (i > 1 ? (ws[i - 2] as Word) : fast.bos).rows;
      const e = (i + 2 < n ? (ws[i + 2] as Word) : fast.eos).rows;
      const base = i * L;
      for (let y = 0; y < L; y++) {
        e1[base + y] =
          (a[CUR + y] as number) +
          (b[PREV + y] as number) +
          (c[NEXT + y] as number) +
          (d[PREV2 + y] as number) +
          (e[NEXT2 + y] as number);
        const z = y + L;
        e2[base + y] =
          (a[CUR + z] as number) +
          (b[PREV + z] as number) +
          (c[NEXT + z] as number) +
          (d[PREV2 + z] as number) +
          (e[NEXT2 + z] as number);
      }
      if (me.bar || pv.bar || nx.bar) {
        const f = model.features;
        ids.push(f.get(`s-1s=${pv.shape}|${me.shape}`) ?? -1);
        ids.push(f.get(`ss+1=${me.shape}|${nx.shape}`) ?? -1);
        ids.push(f.get(`l-1l=${pv.lower}|${me.lower}`) ?? -1);
        ids.push(f.get(`ll+1=${me.lower}|${nx.lower}`) ?? -1);
      } else {
        ids.push(pair(fast.pairs.ss, pv.shapeId, me.shapeId));
        ids.push(pair(fast.pairs.ssn, me.shapeId, nx.shapeId));
        ids.push(pair(fast.pairs.ll, pv.lowerId, me.lowerId));
        ids.push(pair(fast.pairs.lln, me.lowerId, nx.lowerId));
      }
      if (i === 0) ids.push(me.firstF);
      if (headline) ids.push(me.hlF);
      if (n === 1) ids.push(fast.doc[ALONE] as number);
      if (gaz) {
        for (const c of gaz[i] as number[]) ids.push((fast.gaz[0] as Int32Array)[c] as number);
        if (i > 0) for (const c of gaz[i - 1] as number[]) ids.push((fast.gaz[1] as Int32Array)[c] as number);
        if (i + 1 < n) for (const c of gaz[i + 1] as number[]) ids.push((fast.gaz[2] as Int32Array)[c] as number);
      }
      if (opts.document && me.upper0) {
        const low = lowerSeen.has(me.lower);
        if (low) ids.push(fast.doc[headline ? D_LOW_H : i === 0 ? D_LOW_0 : D_LOW] as number);
        if (i === 0 || headline || me.allCaps) {
          if (capMid.has(me.tc)) ids.push(fast.doc[headline ? D_CAP_H : D_CAP] as number);
          else if (!low) ids.push(fast.doc[headline ? D_NONE_H : D_NONE] as number);
        }
      }
      offs[i + 1] = ids.n;
    }
    emissions2(model.both, ids, offs, n, e1, e2);
    viterbi(e1, model.stage1.t, n, out);
    const t0 = starts[s] as number;
    for (let i = 0; i < n; i++) types[t0 + i] = labelType(out[i] as number);
  });
  // second stage: aggregate first-stage types of each word over the document (as aggregateFeatures)
  const counts = new Map<string, number[]>();
  docWords.forEach((ws, s) => {
    const t0 = starts[s] as number;
    ws.forEach((w, i) => {
      if (!w.letters) return;
      let c = counts.get(w.lower);
      if (!c) {
        c = [0, 0, 0, 0, 0];
        counts.set(w.lower, c);
      }
      const t = (types[t0 + i] as number) + 1;
      c[t] = (c[t] as number) + 1;
    });
  });
  const w2 = model.stage2.w;
  const others = new Int32Array(5);
  return docWords.map((ws, s) => {
    const n = ws.length;
    const ts = types.subarray(starts[s] as number, starts[s + 1] as number);
    const em = second.subarray((starts[s] as number) * L, (starts[s + 1] as number) * L);
    const add = (f: number, i: number) => {
      if (f < 0) return;
      const row = f * L;
      const base = i * L;
      for (let y = 0; y < L; y++) em[base + y] = (em[base + y] as number) + (w2[row + y] as number);
    };
    for (let i = 0; i < n; i++) {
      const own = ts[i] as number;
      add(fast.s1[own + 1] as number, i);
      const prev = i > 0 ? (ts[i - 1] as number) : -2;
      const next = i + 1 < n ? (ts[i + 1] as number) : -2;
      add(fast.s1p[(prev + 2) * 5 + own + 1] as number, i);
      add(fast.s1n[(next + 2) * 5 + own + 1] as number, i);
      const w = ws[i] as Word;
      const c = w.letters ? counts.get(w.lower) : undefined;
      if (c && w.upper0) {
        others.set(c);
        others[own + 1] = (others[own + 1] as number) - 1;
        const total =
          (others[0] as number) +
          (others[1] as number) +
          (others[2] as number) +
          (others[3] as number) +
          (others[4] as number);
        if (total > 0) {
          let best = 0;
          for (let t = 1; t < 5; t++) if ((others[t] as number) > (others[best] as number)) best = t;
          for (let t = 1; t < 5; t++) {
            const k = others[t] as number;
            if (k > 0) {
              add(fast.agg[t - 1] as number, i);
              add((k * 2 >= total ? fast.aggMost : fast.aggSome)[t - 1] as number, i);
            }
          }
          add(fast.am[best] as number, i);
        }
      }
    }
    const labels = new Int32Array(n);
    viterbi(em, model.stage2.t, n, labels);
    return labels;
  });
}
