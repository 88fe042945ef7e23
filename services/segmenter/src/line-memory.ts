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
  // pages per source in the order they were recorded, and which source a page key belongs to
  const pages = new Map<string, Page[]>();
  const sourceOf = new Map<string, string>();
  // pages whose purge was sent and whose delete the watch has not brought back: gone already, not purged again;
  // and how many of them each source has (the window counts the others)
  const purging = new Set<string>();
  const purgingOf = new Map<string, number>();
  const unmarkPurging = (key: string, source: string | undefined) => {
    if (!purging.delete(key) || source === undefined) return;
    const n = (purgingOf.get(source) ?? 0) - 1;
    if (n > 0) purgingOf.set(source, n);
    else purgingOf.delete(source);
  };
  let applied = 0;
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
    unmarkPurging(key, s);
    if (s === undefined) return;
    sourceOf.delete(key);
    const list = pages.get(s) ?? [];
    const i = list.findIndex((p) => p.key === key);
    if (i < 0) return;
    const [page] = list.splice(i, 1);
    const source = counts.get(s);
    for (const k of page?.keys ?? []) {
      const n = (source?.get(k) ?? 0) - 1;
      if (n > 0) source?.set(k, n);
      else source?.delete(k);
    }
    if (list.length === 0) {
      pages.delete(s);
      counts.delete(s);
    }
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
          const ready = waiters.filter((w) => w.rev <= applied);
          waiters = waiters.filter((w) => w.rev > applied);
          for (const w of ready) w.done();
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
        purgingOf.clear();
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
      waiters.push({ rev, done });
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
      // the window: the oldest pages beyond the bound go, for every replica (each mirror applies the delete)
      // (pages other records in flight purge already are not counted: each would otherwise purge them once more).
      // Those are the oldest, so the ones to purge are found from the front, not by a pass over all the source's pages
      // for every page recorded (a source of small files keeps SIFT_LINES_MAX_PAGES pages and records one a file)
      const list = pages.get(source) ?? [];
      let excess = list.length - (purgingOf.get(source) ?? 0) - maxPages;
      const old: string[] = [];
      for (let i = 0; excess > 0 && i < list.length; i++) {
        const key = (list[i] as Page).key;
        if (purging.has(key)) continue;
        purging.add(key);
        old.push(key);
        excess--;
      }
      if (old.length > 0) purgingOf.set(source, (purgingOf.get(source) ?? 0) + old.length);
      for (const key of old)
        await kv.purge(key).catch((err: unknown) => {
          unmarkPurging(key, source);
          log.warn({ err, key }, "line memory page not purged");
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
