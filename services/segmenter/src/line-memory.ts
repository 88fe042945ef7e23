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

/**
 * Line counts shared by every segmenter replica through the `sift-lines` KV bucket: each page is one
 * entry `d.<hash of its source and lines>` (one create per page, and the same page again adds nothing),
 * and every replica mirrors all entries through a watch into local counts per source.
 */
export function createKvLineMemory(kv: KV, log: Logger, o: { catchUpMs?: number } = {}): LineMemory & { stop(): void } {
  const counts = new Map<string, Map<string, number>>();
  let applied = 0;
  let waiters: Array<{ rev: number; done: () => void }> = [];
  let watching = false;
  let stopped = false;
  let stopWatch: (() => void) | undefined;

  const apply = (value: DocLines) => {
    let source = counts.get(value.s);
    if (!source) {
      source = new Map();
      counts.set(value.s, source);
    }
    for (const k of value.k) source.set(k, (source.get(k) ?? 0) + 1);
  };
  const watch = () => {
    if (watching) return;
    watching = true;
    void (async () => {
      try {
        const entries = await kv.watch({ key: "d.>" });
        stopWatch = () => entries.stop();
        for await (const e of entries) {
          if (e.operation === "PUT") apply(e.json<DocLines>());
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
      let rev: number;
      try {
        rev = await kv.create(docKey, JSON.stringify({ s: source, k: unique } satisfies DocLines));
      } catch {
        // this document was recorded before (a redelivery, the same bytes again): it counts once
        rev = (await kv.get(docKey))?.revision ?? 0;
      }
      // the next page of this source, on any replica that waits the same way, sees this one
      await caughtUp(rev);
    },
    stop() {
      stopped = true;
      stopWatch?.();
    },
  };
}
