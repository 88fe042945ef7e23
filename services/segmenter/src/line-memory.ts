import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import type { LineMemory } from "@sift/page";
import type { Logger } from "@sift/runtime";

/**
 * One entry of `sift-lines`: the pages a replica recorded for one source in one turn of its event loop, each by its
 * page key with its distinct line keys (`p`); an entry of one page is written as that page's key and lines (`k`), as
 * every entry was before pages were written together.
 */
interface DocLines {
  /** Source key. */
  s: string;
  /** Distinct line keys of the entry's one page (its key is the entry's). */
  k?: string[];
  /** Pages of the entry: page key and its distinct line keys. */
  p?: Array<[string, string[]]>;
}

export interface KvLineMemoryOptions {
  catchUpMs?: number;
  /** Pages kept per source: recording one more deletes the oldest (SIFT_LINES_MAX_PAGES). */
  maxPages?: number;
}

interface Page {
  key: string;
  /** The entry that brought it. */
  entry: string;
  keys: string[];
}

interface Entry {
  source: string;
  /** Its pages that were counted (a page another entry brought first is not counted twice). */
  pages: Page[];
  /** Of those, how many are still in the source's window: at none, the entry is purged. */
  live: number;
}

/** A `sift-lines` key: a page's, of its source and line keys; an entry's of several pages, of its source and page keys. */
const keyOf = (source: string, parts: string[]): string =>
  `d.${createHash("sha256").update(source).update("\u0000").update(parts.join(",")).digest("hex").slice(0, 40)}`;

/**
 * Line counts shared by every segmenter replica through the `sift-lines` KV bucket. The pages of one source that
 * a replica records in one turn of its event loop go in one entry `d.<hash>` (one create, one purge, and one delivery
 * of each to every mirror, where a page each cost four: ~0.15 ms of the segmenter's CPU a small file); each page is
 * known by the hash of its source and lines, so the same page again adds nothing. Every replica mirrors all entries
 * through a watch into local counts per source. A source keeps its latest `maxPages` pages: the replica that records
 * more takes the oldest out of its window, and purges an entry once none of its pages is left in it; every mirror
 * follows the delete (the lines of an entry's pages count until then: a window holds at most one entry's pages
 * more). The bucket's age limit (SIFT_LINES_DAYS) drops what no source recorded for that long.
 */
export function createKvLineMemory(
  kv: KV,
  log: Logger,
  o: KvLineMemoryOptions = {},
): LineMemory & { stop(): void; pages(source: string): number } {
  const maxPages = o.maxPages ?? Number.POSITIVE_INFINITY;
  const counts = new Map<string, Map<string, number>>();
  // the window: pages per source in the order they were recorded; which source a counted page belongs to; the entries
  const pages = new Map<string, Page[]>();
  const pageSource = new Map<string, string>();
  const entries = new Map<string, Entry>();
  // entries whose purge was sent and whose delete the watch has not brought back (their pages out of the window)
  const purging = new Set<string>();
  // pages to record, per source, until the end of this turn: one entry for all of them
  // (a page twice in one turn, a redelivery beside its first delivery, is written once)
  let pending = new Map<string, Map<string, { key: string; keys: string[]; done: Array<(err?: unknown) => void> }>>();
  let flushing = false;
  let applied = 0;
  // who waits for the watch to reach a revision, by revision: the watch answers them from the front
  let waiters: Array<{ rev: number; done: () => void }> = [];
  let watching = false;
  let stopped = false;
  let stopWatch: (() => void) | undefined;

  const apply = (entryKey: string, value: DocLines) => {
    if (entries.has(entryKey)) return;
    const entry: Entry = { source: value.s, pages: [], live: 0 };
    entries.set(entryKey, entry);
    let source = counts.get(value.s);
    if (!source) {
      source = new Map();
      counts.set(value.s, source);
    }
    const list = pages.get(value.s) ?? [];
    pages.set(value.s, list);
    for (const [key, keys] of value.p ?? [[entryKey, value.k ?? []]]) {
      if (pageSource.has(key)) continue;
      pageSource.set(key, value.s);
      for (const k of keys) source.set(k, (source.get(k) ?? 0) + 1);
      const page = { key, entry: entryKey, keys };
      list.push(page);
      entry.pages.push(page);
      entry.live++;
    }
  };
  const forget = (entryKey: string) => {
    purging.delete(entryKey);
    const entry = entries.get(entryKey);
    if (!entry) return;
    entries.delete(entryKey);
    const s = entry.source;
    const list = pages.get(s) ?? [];
    const source = counts.get(s);
    for (const page of entry.pages) {
      pageSource.delete(page.key);
      // still in the window when another replica purged the entry
      const i = list.indexOf(page);
      if (i >= 0) list.splice(i, 1);
      for (const k of page.keys) {
        const n = (source?.get(k) ?? 0) - 1;
        if (n > 0) source?.set(k, n);
        else source?.delete(k);
      }
    }
    if (list.length === 0) pages.delete(s);
    if (source?.size === 0) counts.delete(s);
  };
  const watch = () => {
    if (watching) return;
    watching = true;
    void (async () => {
      try {
        const entries = await kv.watch({ key: "d.>" });
        stopWatch = () => entries.stop();
        for await (const e of entries) {
          if (e.operation === "PUT") apply(e.key, e.json<DocLines>());
          else forget(e.key);
          applied = Math.max(applied, e.revision);
          // a pass over every waiter for every event made a watch that fell behind fall further behind
          let n = 0;
          while (n < waiters.length && (waiters[n] as { rev: number }).rev <= applied) n++;
          if (n > 0) for (const w of waiters.splice(0, n)) w.done();
        }
      } catch (err) {
        if (!stopped) log.warn({ err }, "line memory watch ended");
      }
      // counts stay; a new watch replays from the start, so begin again from nothing
      if (!stopped) {
        counts.clear();
        pages.clear();
        pageSource.clear();
        entries.clear();
        purging.clear();
        applied = 0;
        watching = false;
      }
    })();
  };
  const caughtUp = (rev: number) =>
    new Promise<void>((resolve, reject) => {
      if (applied >= rev) return resolve();
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w.done !== done);
        // a watch whose stream lost its leader can stall without an error: start it again, from the start
        if (stopWatch && watching) {
          log.warn({ revision: rev, applied }, "line memory watch stalled, restarting it");
          stopWatch();
        }
        reject(new Error(`line memory did not reach revision ${rev} (at ${applied})`));
      }, o.catchUpMs ?? 10_000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      // in order of revision (records mostly come in that order: the search starts from the back)
      let at = waiters.length;
      while (at > 0 && (waiters[at - 1] as { rev: number }).rev > rev) at--;
      waiters.splice(at, 0, { rev, done });
      watch();
    });

  /** Writes one source's pages of this turn as one entry, then takes the oldest pages out of the window. */
  const write = async (source: string, batch: Array<{ key: string; keys: string[] }>) => {
    const one = batch.length === 1 ? batch[0] : undefined;
    const entryKey = one
      ? one.key
      : keyOf(
          source,
          batch.map((b) => b.key),
        );
    const value: DocLines = one ? { s: source, k: one.keys } : { s: source, p: batch.map((b) => [b.key, b.keys]) };
    let rev: number;
    try {
      rev = await kv.create(entryKey, JSON.stringify(value));
    } catch {
      // these pages were recorded before (a redelivery, the same bytes again): they count once
      rev = (await kv.get(entryKey))?.revision ?? 0;
      // the next page of this source, on any replica that waits the same way, sees these
      await caughtUp(rev);
      return;
    }
    // counted here at once: the next page of this source need not wait for the watch to bring it back
    // (apply counts a page once, whichever entry brings it first)
    apply(entryKey, value);
    // the watch still has to bring it round; one that stalled is started again by the catch-up's timeout
    caughtUp(rev).catch((err: unknown) => log.warn({ err }, "line memory watch behind"));
    // the window: the oldest pages beyond the bound leave it at once (the records in flight beside this one do not take
    // them again), and an entry none of whose pages is left goes, for every replica (each mirror applies the delete)
    const list = pages.get(source) ?? [];
    const old = list.length > maxPages ? list.splice(0, list.length - maxPages) : [];
    // an entry all of whose pages another entry brought first counts nothing: it goes at once
    const gone: string[] = entries.get(entryKey)?.live === 0 ? [entryKey] : [];
    for (const page of old) {
      const entry = entries.get(page.entry);
      if (entry && --entry.live === 0 && !purging.has(page.entry)) gone.push(page.entry);
    }
    for (const key of gone) purging.add(key);
    for (const key of gone)
      await kv.purge(key).catch((err: unknown) => {
        // not purged: its pages back into the window, the oldest, for the next record to purge (unless its delete came)
        const entry = entries.get(key);
        if (purging.delete(key) && entry) {
          const back = pages.get(source) ?? [];
          back.unshift(...entry.pages.filter((p) => !back.includes(p)));
          entry.live = entry.pages.length;
          pages.set(source, back);
        }
        log.warn({ err, key }, "line memory entry not purged");
      });
  };
  const flush = () => {
    flushing = false;
    const batches = pending;
    pending = new Map();
    for (const [source, byKey] of batches) {
      const batch = [...byKey.values()];
      write(source, batch).then(
        () => {
          for (const b of batch) for (const done of b.done) done();
        },
        (err: unknown) => {
          for (const b of batch) for (const done of b.done) done(err);
        },
      );
    }
  };

  // the mirror starts at once, so the first pages already see what earlier runs recorded
  watch();
  return {
    seen(source) {
      watch();
      return counts.get(source) ?? new Map();
    },
    record(source, keys) {
      watch();
      const unique = [...new Set(keys)].sort();
      const key = keyOf(source, unique);
      // counted already (the same page again): nothing to write
      if (pageSource.has(key)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const batch = pending.get(source) ?? new Map();
        pending.set(source, batch);
        const item = batch.get(key) ?? { key, keys: unique, done: [] };
        batch.set(key, item);
        item.done.push((err?: unknown) => (err === undefined ? resolve() : reject(err)));
        // the pages recorded in this turn of the event loop go together
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
      });
    },
    pages(source) {
      return pages.get(source)?.length ?? 0;
    },
    stop() {
      stopped = true;
      stopWatch?.();
    },
  };
}
