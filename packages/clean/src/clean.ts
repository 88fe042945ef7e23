import {
  type CleanedDocument,
  type Removal,
  type SegmentedDocument,
  SiftError,
  type SourceMap,
  type Span,
  toSourceSpan,
} from "@sift/contracts";
import { bodyLines, classifyLines, leadingSourceLines, lineFeatures, lineKey } from "./chrome.js";
import { type Applied, applyEdits, composeMaps, type Edit, mapOffset } from "./edits.js";
import { extractHtml } from "./html.js";
import { type NormalizeOptions, normalizePasses, normalizeText, repairMojibake } from "./normalize.js";

/** Remembers, per source, in how many documents each line key was seen. */
export interface LineMemory {
  /**
   * Records one more document of `source` containing these distinct keys; returns each key's count after it.
   * `source` is `[a-z0-9._-]` (see `sourceKey`) and keys are 16 hex digits (see `lineKey`): both are safe KV key tokens.
   */
  record(source: string, keys: string[]): Promise<Map<string, number>>;
}

/** A LineMemory for one process (the `sift` CLI, tests). */
export function createInMemoryLineMemory(): LineMemory {
  const counts = new Map<string, number>();
  return {
    async record(source, keys) {
      const out = new Map<string, number>();
      for (const key of new Set(keys)) {
        const k = `${source}\u0000${key}`;
        const n = (counts.get(k) ?? 0) + 1;
        counts.set(k, n);
        out.set(key, n);
      }
      return out;
    },
  };
}

export interface CleanerOptions extends NormalizeOptions {
  /**
   * A document whose chrome removal would take more than this share of its body's characters is
   * not cleaned: the cleaner throws a non-retryable `CLEAN_REMOVES_TOO_MUCH` (the runtime dead-letters it).
   * @default 0.6
   */
  maxRemovedShare?: number;
  /**
   * The share check applies once at least this many characters would go: a teaser's stray counter is not worth a dead letter.
   * @default 100
   */
  minCheckedChars?: number;
  /**
   * A line seen in at least this many documents of one source is chrome.
   * @default 3
   */
  minRepeats?: number;
}

export interface CleanerDeps {
  lines: LineMemory;
  options?: CleanerOptions;
}

/** Thrown when cleaning would empty most of a document: it goes to the DLQ with the reason instead. */
export class TooMuchRemovedError extends SiftError {
  override name = "TooMuchRemovedError";
  constructor(docId: string, share: number, max: number) {
    super(
      "CLEAN_REMOVES_TOO_MUCH",
      `doc ${docId}: cleaning would remove ${(share * 100).toFixed(0)}% of its text (limit ${(max * 100).toFixed(0)}%)`,
      { retryable: false },
    );
  }
}

const slug = (s: string) =>
  s
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 60);

/**
 * The source whose documents share chrome: the page's host (`source.url`), else its site name
 * (`source.site`) for the main document, else the file name with its first digit and all after it
 * dropped ("zorbly-news-0042-storm.txt" → "zorbly-news"), so files one scraper names by a pattern
 * share a memory. Related and teaser documents carry another site's name, so they use the file name.
 */
export function sourceKey(doc: Pick<SegmentedDocument, "role" | "source" | "file">): string {
  if (doc.role === "main" && doc.source.url) {
    try {
      return `host.${slug(new URL(doc.source.url).hostname.replace(/^www\./, ""))}`;
    } catch {
      // not a URL: fall through
    }
  }
  if (doc.role === "main" && doc.source.site) return `site.${slug(doc.source.site)}`;
  const stem = doc.file.name.replace(/\.[^.]*$/, "");
  const prefix = /^[^\d]*/.exec(stem)?.[0] ?? "";
  return `file.${slug(prefix.length >= 3 ? prefix : stem) || "unnamed"}`;
}

interface Stage {
  applied: Applied;
}

function mapThrough(stages: Stage[], offset: number, side: "start" | "end"): number {
  let o = offset;
  for (const s of stages) o = mapOffset(s.applied.edits, o, side);
  return o;
}

/** Index of the first value of sorted `xs` above `x`. */
function firstAbove(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Maps spans through the stages, splits them at removal points, trims their whitespace, drops empty ones. */
function mapSpans(spans: Span[], stages: Stage[], cuts: number[], text: string): Span[] {
  const out: Span[] = [];
  const push = (start: number, end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s] ?? "")) s++;
    while (e > s && /\s/.test(text[e - 1] ?? "")) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  for (const span of spans) {
    const s = mapThrough(stages, span.start, "start");
    const e = mapThrough(stages, span.end, "end");
    let from = s;
    // the cuts inside the span, found by a binary search: a loop over every cut for every span is quadratic
    for (let k = firstAbove(cuts, from); k < cuts.length && (cuts[k] as number) < e; k++) {
      push(from, cuts[k] as number);
      from = cuts[k] as number;
    }
    push(from, e);
  }
  return out;
}

/** The cleaning stage: chrome lines out (with reasons and source offsets), text normalised, spans and source map carried over. */
export function createCleaner({ lines: memory, options = {} }: CleanerDeps) {
  const maxShare = options.maxRemovedShare ?? 0.6;
  const minRepeats = options.minRepeats ?? 3;
  const minChecked = options.minCheckedChars ?? 100;
  const passes = normalizePasses(options);
  return async (doc: SegmentedDocument): Promise<CleanedDocument> => {
    const text = doc.text;
    const titled = doc.title !== null && doc.title.length > 0 && text.startsWith(doc.title);
    const bodyStart = titled ? (doc.title?.length ?? 0) : 0;
    const lines = bodyLines(text, bodyStart);
    const feats = lines.map((l) => lineFeatures(l.text));
    // only short lines and the longest prose lines are remembered, so only they need a key
    const longest = lines
      .map((l, i) => ({ i, len: l.text.length }))
      .filter(({ i }) => feats[i]?.prose)
      .sort((a, b) => b.len - a.len)
      .slice(0, 2)
      .map(({ i }) => i);
    const lineKeys = lines.map((l, i) => (l.text.length < 200 || longest.includes(i) ? lineKey(l.text) : ""));
    // short lines are chrome candidates; the two longest prose lines tell whether this document came before
    const probes = longest.map((i) => lineKeys[i] ?? "");
    const candidates = lineKeys.filter((_, i) => (lines[i]?.text.length ?? 0) < 200);
    const keys = [...new Set([...candidates, ...probes])];
    const counts = keys.length > 0 ? await memory.record(sourceKey(doc), keys) : new Map<string, number>();
    const baseline = probes.length > 0 ? Math.min(...probes.map((k) => counts.get(k) ?? 1)) : 1;
    const site = doc.source.site ?? leadingSourceLines(lines).site;
    const edges = !/html|xml/i.test(doc.file.mediaType);
    const verdicts = classifyLines(lines, {
      site,
      counts,
      minRepeats,
      baseline,
      keys: lineKeys,
      features: feats,
      edges,
    });

    const chrome = verdicts.filter((v) => v.reason !== null);
    const bodyChars = lines.reduce((n, l) => n + l.text.length, 0);
    const removedChars = chrome.reduce((n, v) => n + v.line.text.length, 0);
    if (bodyChars > 0 && removedChars >= minChecked && removedChars / bodyChars > maxShare)
      throw new TooMuchRemovedError(doc.docId, removedChars / bodyChars, maxShare);

    // a removed line takes its line break with it; the whitespace pass tidies what is left
    const cutEdits: Edit[] = chrome.map((v) => ({
      start: v.line.start,
      end: text[v.line.end] === "\n" ? v.line.end + 1 : v.line.end,
      text: "",
    }));
    const stages: Stage[] = [{ applied: applyEdits(text, cutEdits) }];
    let repaired = 0;
    for (const pass of passes) {
      const prev = stages[stages.length - 1]?.applied.text ?? text;
      const edits = pass(prev);
      if (pass === repairMojibake) repaired = edits.length;
      // a pass with nothing to do adds no stage: no copy, no map to compose
      if (edits.length > 0) stages.push({ applied: applyEdits(prev, edits) });
    }
    const out = stages[stages.length - 1]?.applied.text ?? text;
    const cuts = cutEdits.map((e) => mapThrough(stages, e.start, "start"));

    let map: SourceMap = doc.sourceMap;
    // identity when the segmenter gave no map: compose against the document's own text
    if (map.length === 0) map = [{ start: 0, end: text.length, srcStart: 0, srcEnd: text.length }];
    for (const s of stages) map = composeMaps(s.applied.pieces, map);

    const removed: Removal[] = [
      ...doc.removed,
      ...chrome.map((v) => {
        const span = toSourceSpan(doc.sourceMap, { start: v.line.start, end: v.line.end });
        return {
          text: v.line.text,
          reason: v.reason ?? "chrome",
          sourceStart: span.sourceStart,
          sourceEnd: span.sourceEnd,
        };
      }),
    ];
    const warnings = [...doc.warnings];
    if (repaired > 0) warnings.push(`repaired ${repaired} mojibake sequence(s) (UTF-8 read as windows-1252)`);

    const source = { ...doc.source };
    const lead = leadingSourceLines(lines);
    if (source.site === undefined && lead.site !== undefined) source.site = lead.site;
    if (source.published === undefined && lead.published !== undefined) source.published = lead.published;

    const title = titled ? out.slice(0, mapThrough(stages, bodyStart, "end")).trim() : doc.title;
    return {
      ...doc,
      title,
      source,
      text: out,
      paragraphs: mapSpans(doc.paragraphs, stages, cuts, out),
      sentences: mapSpans(doc.sentences, stages, cuts, out),
      sourceMap: map,
      warnings,
      removed,
    };
  };
}

/** The main text the cleaner keeps from a page or a text: the article body, paragraphs separated by a blank line. */
export async function extractMainText(
  input: { mediaType: "text/html" | "text/plain"; content: string },
  deps: CleanerDeps,
): Promise<string> {
  if (input.mediaType === "text/html") {
    const main = extractHtml(input.content).documents.find((d) => d.role === "main");
    // the body only: the title is metadata, as in the article-extraction benchmark's articleBody
    return normalizeText((main?.blocks ?? []).map((b) => b.text).join("\n\n"));
  }
  const paragraphs = input.content
    .split(/\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const now = new Date().toISOString();
  const doc: SegmentedDocument = {
    file: {
      fileId: "0".repeat(64),
      name: "stdin.txt",
      size: input.content.length,
      mediaType: "text/plain",
      receivedAt: now,
    },
    docId: `${"0".repeat(64)}-0`,
    index: 0,
    count: 1,
    role: "main",
    title: null,
    source: {},
    text: input.content,
    paragraphs: paragraphs.length ? [{ start: 0, end: input.content.length }] : [],
    sentences: [],
    sourceMap: [],
    warnings: [],
    removed: [],
  };
  try {
    return (await createCleaner(deps)(doc)).text;
  } catch (err) {
    // nothing is emptied silently: a text that is mostly chrome comes back normalised, not cut
    if (err instanceof TooMuchRemovedError) return normalizeText(input.content);
    throw err;
  }
}
