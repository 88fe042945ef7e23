import type { EntityIndexEntry, EntityLabel } from "@sift/contracts";

/** An entity mention before linking: its span, label and token texts. */
export interface Mention {
  start: number;
  end: number;
  label: EntityLabel;
  tokens: string[];
  /** `glue[k]`: token k follows token k-1 with no space between them in the text. */
  glue?: boolean[];
  /** Set when an acronym definition links this mention ("SCO" → "Shanghai Cooperation Organisation"). */
  canonical?: string;
}

const CORPORATE_SUFFIX =
  /^(?:co\.?|corp\.?|corporation|inc\.?|incorporated|ltd\.?|limited|plc|llc|l\.l\.c\.|ag|sa|s\.a\.|nv|n\.v\.|gmbh|bhd|pty)$/i;
const TITLE =
  /^(?:mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|sir|dame|lord|lady|president|prime|minister|king|queen|pope|gen\.?|general|col\.?|sen\.?|senator|rep\.?|gov\.?|governor|judge|justice|chancellor|premier|sheikh|sheik)$/i;

/** Joins token texts with one space, or none where `glue` says they touched (else before closing punctuation). */
export function joinTokens(tokens: string[], glue?: boolean[]): string {
  let out = "";
  tokens.forEach((t, k) => {
    const touch = glue ? glue[k] === true : /^[.,;:!?)\]}%]$/.test(t) || /^['’]s$/i.test(t);
    out += out === "" || touch ? t : ` ${t}`;
  });
  return out;
}

/** The token range of the name a mention stands for on its own: corporate suffixes and titles left out. */
export function baseRange(m: Mention): [number, number] {
  const toks = m.tokens;
  let start = 0;
  let end = toks.length;
  if (m.label === "ORG") {
    while (end > 1 && CORPORATE_SUFFIX.test(toks[end - 1] as string)) end--;
    if (end > 1 && toks[end - 1] === "&") end--;
    while (end > 1 && /^[,.]$/.test(toks[end - 1] as string)) end--;
  }
  if (m.label === "PER") while (start < end - 1 && TITLE.test(toks[start] as string)) start++;
  return [start, end];
}

/** The name of a mention as written, without corporate suffixes and titles. */
export function baseName(m: Mention): string {
  const [a, b] = baseRange(m);
  return joinTokens(m.tokens.slice(a, b), m.glue?.slice(a, b));
}

/** Short forms are looked up by up to this many tokens: a longer name is always its own form. */
const MAX_SHORT_TOKENS = 8;
/** Word runs of up to this many words are checked when a name is found inside a longer one. */
const MAX_INNER_WORDS = 16;

interface Person {
  m: Mention;
  i: number;
  toks: string[];
  name: string;
}

/** The names of `forms` that no longer name of `forms` holds as a run of whole words. */
function maximalForms(forms: string[]): string[] {
  const inner = new Set<string>();
  for (const g of forms) {
    const words = g.split(" ");
    // every shorter run of whole words of g is inside g (what " g ".includes(" f ") tests), found in time linear in g
    for (let a = 0; a < words.length; a++) {
      let run = "";
      for (let b = a; b < words.length && b - a < MAX_INNER_WORDS; b++) {
        run = b === a ? (words[a] as string) : `${run} ${words[b]}`;
        if (b - a + 1 < words.length) inner.add(run);
      }
    }
  }
  return forms.filter((f) => !inner.has(f));
}

/**
 * Gives every mention its canonical name: acronyms as defined, a person's short forms ("Lavrov",
 * "Xi") the fullest form of the same person in the document. When a short form fits two different
 * people, the one mentioned last before it wins; with none before it, it stays as it is.
 * Fuller forms are found through an index of the names' first and last tokens, so a document full of
 * names costs time in proportion to its names, not their square.
 */
export function linkMentions(mentions: Mention[]): string[] {
  const canonical = mentions.map((m) => m.canonical ?? baseName(m));
  const people: Person[] = mentions
    .map((m, i) => {
      const [a, b] = baseRange(m);
      return { m, i, toks: m.tokens.slice(a, b), name: baseName(m) };
    })
    .filter((p) => p.m.label === "PER");
  const key = (toks: string[]) => toks.join("\u0001");
  // longer names by the run of tokens they start or end with
  const fullerOf = new Map<string, Person[]>();
  for (const q of people) {
    const n = q.toks.length;
    for (let k = 1; k < n && k <= MAX_SHORT_TOKENS; k++) {
      const head = key(q.toks.slice(0, k));
      const tail = key(q.toks.slice(n - k));
      for (const part of head === tail ? [head] : [head, tail]) {
        const list = fullerOf.get(part);
        if (list) list.push(q);
        else fullerOf.set(part, [q]);
      }
    }
  }
  const decided = new Map<string, { maximal: string[]; byStart: Person[] }>();
  for (const p of people) {
    if (p.m.canonical !== undefined || p.toks.length > MAX_SHORT_TOKENS) continue;
    const k = key(p.toks);
    const fuller = fullerOf.get(k);
    if (!fuller) continue;
    let d = decided.get(k);
    if (!d) {
      // the fullest distinct names (a name inside a longer candidate is the same person)
      d = {
        maximal: maximalForms([...new Set(fuller.map((q) => q.name))]),
        byStart: [...fuller].sort((x, y) => x.m.start - y.m.start),
      };
      decided.set(k, d);
    }
    if (d.maximal.length === 1) {
      canonical[p.i] = d.maximal[0] as string;
      continue;
    }
    const best = lastBefore(d.byStart, p.m.start);
    if (best) canonical[p.i] = d.maximal.find((g) => ` ${g} `.includes(` ${best.name} `)) ?? best.name;
  }
  // a fuller name links to its own fullest form too ("Vladimir Putin" inside "Vladimir V. Putin" is not touched)
  return canonical;
}

/** The person of `byStart` (sorted by start) mentioned last before `start`. */
function lastBefore(byStart: Person[], start: number): Person | undefined {
  let lo = 0;
  let hi = byStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((byStart[mid] as Person).m.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? byStart[lo - 1] : undefined;
}

/** Per-document index: one entry per canonical name and label, in order of first mention. */
export function entityIndex(
  entities: Array<{ start: number; label: EntityLabel; text: string; canonical: string }>,
): EntityIndexEntry[] {
  const byKey = new Map<string, EntityIndexEntry>();
  for (const e of [...entities].sort((a, b) => a.start - b.start)) {
    const key = `${e.label}\u0000${e.canonical}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { canonical: e.canonical, label: e.label, mentions: 0, firstStart: e.start, aliases: [] };
      byKey.set(key, entry);
    }
    entry.mentions++;
    if (e.text !== e.canonical && !entry.aliases.includes(e.text)) entry.aliases.push(e.text);
  }
  return [...byKey.values()];
}
