import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import type { LineMemory } from "@sift/page";
import type { Logger } from "@sift/runtime";

interface DocLines {
  /** Source key. */
  s: string;
  /** Distinct line keys of the document. */
  k: string[];
}

export interface KvLineMemoryOptions {
  catchUpMs?: number;
  /** Pages kept per source: recording one more deletes the oldest (SIFT_LINES_MAX_PAGES). */
  maxPages?: number;
}

interface Page {
  key: string;
  keys: string[];
}

/**
 * Line counts shared by every segmenter replica through the `sift-lines` KV bucket: each page is one
 * entry `d.<hash of its source and lines>` (one create per page, and the same page again adds nothing),
 * and every replica mirrors all entries through a watch into local counts per source. A source keeps its
 * latest `maxPages` pages: the replica that records one more deletes the oldest, and every mirror follows the
 * delete. The bucket's age limit (SIFT_LINES_DAYS) drops what no source recorded for that long.
 */
export function createKvLineMemory(
  kv: KV,
  log: Logger,
  o: KvLineMemoryOptions = {},
): LineMemory & { stop(): void; pages(source: string): number } {
  const maxPages = o.maxPages ?? Number.POSITIVE_INFINITY;
  const counts = new Map<string, Map<string, number>>();
  // the window: pages per source in the order they were recorded, and which source a page key belongs to
  const pages = new Map<string, Page[]>();
  const sourceOf = new Map<string, string>();
  // pages whose purge was sent and whose delete the watch has not brought back: out of the window already (not
  // purged again), their lines counted until the delete comes
  const purging = new Map<string, Page>();
  let applied = 0;
  // who waits for the watch to reach a revision, by revision: the watch answers them from the front
  let waiters: Array<{ rev: number; done: () => void }> = [];
  let watching = false;
  let stopped = false;
  let stopWatch: (() => void) | undefined;

  const apply = (key: string, value: DocLines) => {
    if (sourceOf.has(key)) return;
    let source = counts.get(value.s);
    if (!source) {
      source = new Map();
      counts.set(value.s, source);
    }
    for (const k of value.k) source.set(k, (source.get(k) ?? 0) + 1);
    sourceOf.set(key, value.s);
    const list = pages.get(value.s) ?? [];
    list.push({ key, keys: value.k });
    pages.set(value.s, list);
  };
  const forget = (key: string) => {
    const s = sourceOf.get(key);
    let page = purging.get(key);
    purging.delete(key);
    if (s === undefined) return;
    sourceOf.delete(key);
    const list = pages.get(s) ?? [];
    if (!page) {
      const i = list.findIndex((p) => p.key === key);
      if (i < 0) return;
      [page] = list.splice(i, 1);
    }
    const source = counts.get(s);
    for (const k of page?.keys ?? []) {
      const n = (source?.get(k) ?? 0) - 1;
      if (n > 0) source?.set(k, n);
      else source?.delete(k);
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
        sourceOf.clear();
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

  // the mirror starts at once, so the first pages already see what earlier runs recorded
  watch();
  return {
    seen(source) {
      watch();
      return counts.get(source) ?? new Map();
    },
    async record(source, keys) {
      watch();
      const unique = [...new Set(keys)].sort();
      const docKey = `d.${createHash("sha256").update(source).update("\u0000").update(unique.join(",")).digest("hex").slice(0, 40)}`;
      const value: DocLines = { s: source, k: unique };
      let rev: number;
      try {
        rev = await kv.create(docKey, JSON.stringify(value));
      } catch {
        // this document was recorded before (a redelivery, the same bytes again): it counts once
        rev = (await kv.get(docKey))?.revision ?? 0;
        // the next page of this source, on any replica that waits the same way, sees this one
        await caughtUp(rev);
        return;
      }
      // counted here at once: the next page of this source need not wait for the watch to bring it back
      // (apply counts a page once, whichever brings it first)
      apply(docKey, value);
      // the watch still has to bring it round; one that stalled is started again by the catch-up's timeout
      caughtUp(rev).catch((err: unknown) => log.warn({ err }, "line memory watch behind"));
      // the window: the oldest pages beyond the bound go, for every replica (each mirror applies the delete). They
      // leave the window at once, so the records in flight beside this one do not purge them again, and each
      // record looks at its own excess only (a pass over the pages being purged, for every page recorded, grew
      // with the watch's lag: ~3,000 entries a record in a replay where the watch fell behind)
      const list = pages.get(source) ?? [];
      const old = list.length > maxPages ? list.splice(0, list.length - maxPages) : [];
      for (const page of old) purging.set(page.key, page);
      for (const page of old)
        await kv.purge(page.key).catch((err: unknown) => {
          // not purged: back into the window, the oldest, for the next record to purge (unless its delete came)
          if (purging.delete(page.key) && sourceOf.has(page.key)) {
            const back = pages.get(source) ?? [];
            back.unshift(page);
            pages.set(source, back);
          }
          log.warn({ err, key: page.key }, "line memory page not purged");
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
