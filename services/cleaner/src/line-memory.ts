import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import type { LineMemory } from "@sift/clean";
import type { Logger } from "@sift/runtime";

interface DocLines {
  /** Source key. */
  s: string;
  /** Distinct line keys of the document. */
  k: string[];
}

/**
 * Line counts shared by every cleaner replica through the `sift-lines` KV bucket: each document is one
 * entry `d.<hash of its source and lines>` (one create per document, and the same document again adds
 * nothing), and every replica mirrors all entries through a watch into local counts.
 */
export function createKvLineMemory(kv: KV, log: Logger, o: { catchUpMs?: number } = {}): LineMemory & { stop(): void } {
  const counts = new Map<string, number>();
  let applied = 0;
  let waiters: Array<{ rev: number; done: () => void }> = [];
  let watching = false;
  let stopped = false;
  let stopWatch: (() => void) | undefined;

  const apply = (value: DocLines) => {
    for (const k of value.k) {
      const key = `${value.s}\u0000${k}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
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

  return {
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
      await caughtUp(rev);
      return new Map(unique.map((k) => [k, counts.get(`${source}\u0000${k}`) ?? 1]));
    },
    stop() {
      stopped = true;
      stopWatch?.();
    },
  };
}
