import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import type { LineMemory } from "@sift/clean";

// KV keys allow only [A-Za-z0-9_\-.=/]; a hash keeps any line and source within that
const keyOf = (source: string, line: string): string =>
  `l.${createHash("sha256").update(source).update("\u0000").update(line).digest("hex").slice(0, 32)}`;

// past this count a line is chrome for good: count it locally, spare the round trips
const SATURATED = 8;

/** Line counts in the `sift-lines` KV bucket, shared by every cleaner replica and kept across restarts. */
export function createKvLineMemory(kv: KV): LineMemory {
  const saturated = new Map<string, number>();
  const bump = async (key: string): Promise<number> => {
    const local = saturated.get(key);
    if (local !== undefined) {
      saturated.set(key, local + 1);
      return local + 1;
    }
    // most lines are new: one create, and a read-modify-write only for those seen before
    try {
      await kv.create(key, "1");
      return 1;
    } catch {
      // the key exists
    }
    for (let attempt = 0; ; attempt++) {
      const entry = await kv.get(key);
      const n = entry?.operation === "PUT" ? Number(entry.string()) + 1 : 1;
      try {
        if (entry?.operation === "PUT") await kv.update(key, String(n), entry.revision);
        else await kv.create(key, String(n));
        if (n >= SATURATED) saturated.set(key, n);
        return n;
      } catch (err) {
        // another replica won the compare-and-set; read again
        if (attempt > 20) throw err;
      }
    }
  };
  return {
    async record(source, keys) {
      const unique = [...new Set(keys)];
      const counts = await Promise.all(unique.map((k) => bump(keyOf(source, k))));
      return new Map(unique.map((k, i) => [k, counts[i] ?? 1]));
    },
  };
}
