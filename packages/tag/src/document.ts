import type { EntityLabel } from "@sift/contracts";
import { GAZ_CATS } from "./features.js";
import { baseName, type Mention } from "./link.js";
import type { Token } from "./tokenize.js";

/** A name span over tokens `[a, b)`. */
export interface Span {
  a: number;
  b: number;
  label: EntityLabel;
  /** Set by an acronym definition. */
  canonical?: string;
}

export const PUNCT = /^(?:[^\p{L}\p{N}]+|['’]s)$/u;
const CONNECTOR = new Set(["of", "and", "for", "the", "on", "de", "du", "des", "la", "le", "&", "in", "to"]);
/** News organisations that bylines and datelines name on their own. */
const NEWS_AGENCIES = new Set(
  "Reuters AFP AP Bloomberg Xinhua TASS Interfax Kyodo Yonhap Bernama Anadolu Dow Jones Agence EFE ANSA DPA Tanjug".split(
    " ",
  ),
);
/** Gazetteer categories that make a word a place or an organisation. */
const PLACE_OR_ORG = ["country", "city", "region", "locother", "company", "orgother", "club"].reduce(
  (m, c) => m | (1 << GAZ_CATS.indexOf(c as (typeof GAZ_CATS)[number])),
  0,
);
const isCap = (s: string): boolean => /^\p{Lu}/u.test(s);

function topLabel(votes: Map<EntityLabel, number> | undefined): EntityLabel | undefined {
  let best: EntityLabel | undefined;
  let n = 0;
  for (const [label, c] of votes ?? []) if (c > n) [best, n] = [label, c];
  return best;
}

/**
 * The name spans of one document over its tokens, and the document-level corrections made to what
 * the model found. Each step keeps `owner` (token → span index, -1 for none) up to date.
 */
export class DocumentSpans {
  readonly tokens: Token[];
  readonly sentenceOf: Int32Array;
  readonly sentenceStart: Int32Array;
  spans: Span[];
  readonly owner: Int32Array;

  constructor(tokens: Token[], sentences: Token[][], spans: Span[]) {
    this.tokens = tokens;
    this.sentenceOf = new Int32Array(tokens.length);
    this.sentenceStart = new Int32Array(sentences.length + 1);
    sentences.forEach((s, i) => {
      this.sentenceStart[i + 1] = (this.sentenceStart[i] as number) + s.length;
      this.sentenceOf.fill(i, this.sentenceStart[i], this.sentenceStart[i + 1]);
    });
    this.spans = spans;
    this.owner = new Int32Array(tokens.length);
    this.reindex();
  }

  private reindex(): void {
    this.spans.sort((x, y) => x.a - y.a);
    this.owner.fill(-1);
    this.spans.forEach((sp, k) => {
      this.owner.fill(k, sp.a, sp.b);
    });
  }

  private text(i: number): string {
    return (this.tokens[i] as Token).text;
  }

  /** The token texts of `[a, b)` joined by one space. */
  key(a: number, b: number): string {
    let k = this.text(a);
    for (let i = a + 1; i < b; i++) k += ` ${this.text(i)}`;
    return k;
  }

  mention(sp: Span): Mention {
    const toks = this.tokens.slice(sp.a, sp.b);
    return {
      start: (toks[0] as Token).start,
      end: (toks[toks.length - 1] as Token).end,
      label: sp.label,
      tokens: toks.map((t) => t.text),
      glue: toks.map((t, k) => k > 0 && (toks[k - 1] as Token).end === t.start),
      ...(sp.canonical !== undefined ? { canonical: sp.canonical } : {}),
    };
  }

  private initials(a: number, b: number, withConnectors: boolean): string {
    let out = "";
    for (let k = a; k < b; k++) {
      const t = this.text(k);
      if (!CONNECTOR.has(t.toLowerCase())) out += (t[0] as string).toUpperCase();
      else if (withConnectors && t !== "&") out += (t[0] as string).toUpperCase();
    }
    return out;
  }

  /**
   * Acronyms defined in parentheses ("Shanghai Cooperation Organisation (SCO)"): every mention of
   * the acronym gets the expansion's label and name, tagged where the model missed it.
   */
  linkAcronyms(): void {
    const acronyms = new Map<string, Span>();
    const tokens = this.tokens;
    for (let i = 1; i + 2 < tokens.length; i++) {
      if (this.text(i) !== "(" || this.text(i + 2) !== ")") continue;
      const acr = this.text(i + 1);
      if (!/^\p{Lu}[\p{Lu}&.\d]*\p{Lu}\.?$/u.test(acr) || acr.length > 12) continue;
      const letters = acr.replace(/[^\p{Lu}]/gu, "");
      const fits = (a: number, b: number) =>
        this.initials(a, b, false) === letters || this.initials(a, b, true) === letters;
      const before = this.owner[i - 1] as number;
      const sp = before >= 0 ? this.spans[before] : undefined;
      let expansion: Span | undefined;
      if (sp && sp.b === i && fits(sp.a, sp.b)) expansion = sp;
      else {
        // no span of the model fits: the run of capitalised words (and connectors) before "("
        for (let a = i - 1; a >= Math.max(0, i - 12) && this.sentenceOf[a] === this.sentenceOf[i]; a--) {
          const t = this.text(a);
          if (!isCap(t) && !CONNECTOR.has(t.toLowerCase())) break;
          if (isCap(t) && fits(a, i)) {
            expansion = { a, b: i, label: "ORG" };
            this.spans = this.spans.filter((s) => s.b <= a || s.a >= i);
            this.spans.push(expansion);
            this.reindex();
            break;
          }
        }
      }
      if (expansion) acronyms.set(acr, expansion);
    }
    for (const [acr, exp] of acronyms) {
      const canonical = baseName(this.mention(exp));
      for (let i = 0; i < tokens.length; i++) {
        if (this.text(i) !== acr) continue;
        const k = this.owner[i] as number;
        const sp = k >= 0 ? this.spans[k] : undefined;
        if (sp && sp.a === i && sp.b === i + 1) {
          sp.label = exp.label;
          sp.canonical = canonical;
        } else if (!sp) this.spans.push({ a: i, b: i + 1, label: exp.label, canonical });
      }
      this.reindex();
    }
  }

  /** A span seen once that is two names the document knows apart, with other labels ("Lavrov China"). */
  splitJoinedNames(): void {
    const votes = new Map<string, Map<EntityLabel, number>>();
    const add = (k: string, label: EntityLabel) => {
      const m = votes.get(k) ?? new Map<EntityLabel, number>();
      m.set(label, (m.get(label) ?? 0) + 1);
      votes.set(k, m);
    };
    for (const sp of this.spans) {
      add(this.key(sp.a, sp.b), sp.label);
      if (sp.label === "PER" && sp.b - sp.a > 1) add(this.text(sp.b - 1), "PER");
    }
    const out: Span[] = [];
    for (const sp of this.spans) {
      const whole = votes.get(this.key(sp.a, sp.b));
      let done = false;
      if (
        sp.b - sp.a >= 2 &&
        sp.canonical === undefined &&
        whole &&
        [...whole.values()].reduce((x, y) => x + y) === 1
      ) {
        for (let k = sp.a + 1; k < sp.b && !done; k++) {
          const left = topLabel(votes.get(this.key(sp.a, k)));
          const right = topLabel(votes.get(this.key(k, sp.b)));
          if (left && right && left !== sp.label && right !== sp.label) {
            out.push({ a: sp.a, b: k, label: left }, { a: k, b: sp.b, label: right });
            done = true;
          }
        }
      }
      if (!done) out.push(sp);
    }
    if (out.length !== this.spans.length) {
      this.spans = out;
      this.reindex();
    }
  }

  /**
   * Person labels from the document: news agencies read as surnames ("Bloomberg reported") are
   * organisations when no person of that name is in the document; the surname of a person named in
   * full, which no gazetteer knows as a place or an organisation, is that person ("apologised to
   * Aliyev"; "in Washington" stays a place).
   */
  fixPersonLabels(gaz: Map<string, number>): void {
    const surnames = new Set<string>();
    for (const sp of this.spans) if (sp.label === "PER" && sp.b - sp.a > 1) surnames.add(this.text(sp.b - 1));
    for (const sp of this.spans) {
      if (sp.b - sp.a !== 1 || sp.canonical !== undefined) continue;
      const w = this.text(sp.a);
      if (NEWS_AGENCIES.has(w)) {
        if (sp.label === "PER" && !surnames.has(w)) sp.label = "ORG";
      } else if (sp.label !== "PER" && surnames.has(w) && ((gaz.get(w.toLowerCase()) ?? 0) & PLACE_OR_ORG) === 0)
        sp.label = "PER";
    }
  }

  /** A name found once is the same name where the model missed it (and a person's surname or given name alone). */
  propagateNames(): void {
    const known = new Map<string, Map<EntityLabel, number>>();
    const vote = (k: string, label: EntityLabel) => {
      const m = known.get(k) ?? new Map<EntityLabel, number>();
      m.set(label, (m.get(label) ?? 0) + 1);
      known.set(k, m);
    };
    let maxLen = 1;
    for (const sp of this.spans) {
      if (sp.canonical !== undefined) continue;
      vote(this.key(sp.a, sp.b), sp.label);
      maxLen = Math.max(maxLen, sp.b - sp.a);
      if (sp.label === "PER" && sp.b - sp.a > 1) {
        const last = this.text(sp.b - 1);
        if (isCap(last) && last.length > 1) vote(last, "PER");
        if (sp.b - sp.a === 2 && isCap(this.text(sp.a))) vote(this.text(sp.a), "PER");
      }
    }
    const added: Span[] = [];
    const tokens = this.tokens;
    const owner = this.owner;
    const sentenceOf = this.sentenceOf;
    for (let i = 0; i < tokens.length; i++) {
      if ((owner[i] as number) >= 0 || !isCap(this.text(i))) continue;
      for (let n = Math.min(maxLen, tokens.length - i); n >= 1; n--) {
        if (sentenceOf[i + n - 1] !== sentenceOf[i]) continue;
        let free = true;
        for (let k = i; k < i + n; k++) if ((owner[k] as number) >= 0) free = false;
        if (!free) continue;
        // a capitalised continuation means this is part of a longer name
        const next = tokens[i + n];
        if (next && sentenceOf[i + n] === sentenceOf[i] && isCap(next.text) && !PUNCT.test(next.text)) continue;
        const best = topLabel(known.get(this.key(i, i + n)));
        if (best) {
          added.push({ a: i, b: i + n, label: best });
          i += n - 1;
          break;
        }
      }
    }
    if (added.length > 0) {
      this.spans.push(...added);
      this.reindex();
    }
  }

  /** A short line of nothing but everyday words is page furniture ("Related Articles", "Most Read"). */
  dropFurniture(lowerWords: Set<string>): void {
    this.spans = this.spans.filter((sp) => {
      const s = this.sentenceOf[sp.a] as number;
      const a = this.sentenceStart[s] as number;
      const b = this.sentenceStart[s + 1] as number;
      if (b - a > 4 || sp.canonical !== undefined) return true;
      for (let k = a; k < b; k++) {
        const t = this.text(k);
        if (k >= sp.a && k < sp.b ? !lowerWords.has(t.toLowerCase()) : !PUNCT.test(t)) return true;
      }
      return false;
    });
    this.reindex();
  }

  /** Is token i inside a name span? */
  taken(i: number): boolean {
    return (this.owner[i] as number) >= 0;
  }
}
