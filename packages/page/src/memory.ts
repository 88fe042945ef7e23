/**
 * What the reader remembers across pages: per source, in how many pages each short line was seen. Lines
 * that recur on every page of a source are chrome more often than not; the page model weighs that.
 */
export interface LineMemory {
  /** Counts of the source's lines so far, by line key. */
  seen(source: string): ReadonlyMap<string, number>;
  /** Records one more page of the source with these distinct line keys. */
  record(source: string, keys: string[]): Promise<void>;
}

/** A line memory for one process (the `sift` CLI, tests). */
export function createInMemoryLineMemory(): LineMemory {
  const sources = new Map<string, Map<string, number>>();
  return {
    seen(source) {
      return sources.get(source) ?? new Map();
    },
    async record(source, keys) {
      let counts = sources.get(source);
      if (!counts) {
        counts = new Map();
        sources.set(source, counts);
      }
      for (const k of new Set(keys)) counts.set(k, (counts.get(k) ?? 0) + 1);
    },
  };
}

const slug = (s: string) =>
  s
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 60);

/**
 * The source whose pages share chrome, from the file's name alone (known before the page is read): the
 * name with its first digit and all after it dropped ("zorbly-news-0042-storm.txt" → "zorbly-news"), so
 * the pages a scraper names by one pattern share a memory. A `[a-z0-9._-]` token, safe in a KV key.
 */
export function memorySource(fileName: string): string {
  const stem = fileName.replace(/\.[^.]*$/, "");
  const prefix = /^[^\d]*/.exec(stem)?.[0] ?? "";
  return `file.${slug(prefix.length >= 3 ? prefix : stem) || "unnamed"}`;
}
