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

const isPrefix = (short: string[], long: string[]) => short.every((t, i) => long[i] === t);
const isSuffix = (short: string[], long: string[]) => short.every((t, i) => long[long.length - short.length + i] === t);

/**
 * Gives every mention its canonical name: acronyms as defined, a person's short forms ("Lavrov",
 * "Xi") the fullest form of the same person in the document. When a short form fits two different
 * people, the one mentioned last before it wins; with none before it, it stays as it is.
 */
export function linkMentions(mentions: Mention[]): string[] {
  const canonical = mentions.map((m) => m.canonical ?? baseName(m));
  const people = mentions
    .map((m, i) => {
      const [a, b] = baseRange(m);
      return { m, i, toks: m.tokens.slice(a, b), name: baseName(m) };
    })
    .filter((p) => p.m.label === "PER");
  for (const p of people) {
    if (p.m.canonical !== undefined) continue;
    // fuller forms of this name: longer PER names that start or end with it
    const fuller = people.filter(
      (q) => q.toks.length > p.toks.length && (isPrefix(p.toks, q.toks) || isSuffix(p.toks, q.toks)),
    );
    if (fuller.length === 0) continue;
    // the fullest distinct names (a name inside a longer candidate is the same person)
    const forms = [...new Set(fuller.map((q) => q.name))];
    const maximal = forms.filter(
      (f) => !forms.some((g) => g !== f && g.length > f.length && ` ${g} `.includes(` ${f} `)),
    );
    const sameAs = (f: string) => maximal.find((g) => ` ${g} `.includes(` ${f} `)) ?? f;
    if (maximal.length === 1) {
      canonical[p.i] = maximal[0] as string;
      continue;
    }
    let best: (typeof fuller)[number] | undefined;
    for (const q of fuller) if (q.m.start < p.m.start && (!best || q.m.start > best.m.start)) best = q;
    if (best) canonical[p.i] = sameAs(best.name);
  }
  // a fuller name links to its own fullest form too ("Vladimir Putin" inside "Vladimir V. Putin" is not touched)
  return canonical;
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
