import { type Dirent, lstatSync, readdirSync, type Stats } from "node:fs";
import { join } from "node:path";

export interface Candidate {
  name: string;
  path: string;
  stats: Stats;
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

/**
 * Finds entries of a folder that have stopped changing: same size and mtime for `stableMs` (0: at once).
 * Dot-files are left alone (editors and copy tools write partial files under such names).
 */
export function createStabilityTracker(dir: string, stableMs: number, now: () => number = Date.now) {
  const seen = new Map<string, Seen>();
  const busy = new Set<string>();
  return {
    /** Entries ready to handle now; each is returned once until `done(name)`. */
    async scan(): Promise<Candidate[]> {
      let entries: Dirent[];
      try {
        // at once, as the stats below: a poll of an idle folder through libuv's thread pool cost ~1 ms of CPU
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return [];
      }
      const ready: Candidate[] = [];
      const present = new Set<string>();
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        present.add(e.name);
        if (busy.has(e.name)) continue;
        const path = join(dir, e.name);
        // at once, not through libuv's thread pool: a local stat takes microseconds, the trip there and back more
        // (a trip for each of 10,000 files dropped together, before the first one is taken)
        let stats: Stats | undefined;
        try {
          stats = lstatSync(path, { throwIfNoEntry: false });
        } catch {
          continue;
        }
        if (!stats) continue;
        const prev = seen.get(e.name);
        const t = now();
        if (!prev || prev.size !== stats.size || prev.mtimeMs !== stats.mtimeMs) {
          seen.set(e.name, { size: stats.size, mtimeMs: stats.mtimeMs, since: t });
          // 0: files arrive whole (renamed into the folder), so one counts when first seen, not a scan later
          if (stableMs > 0) continue;
        } else if (t - prev.since < stableMs) continue;
        busy.add(e.name);
        ready.push({ name: e.name, path, stats });
      }
      for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
      return ready;
    },
    done(name: string) {
      busy.delete(name);
      seen.delete(name);
    },
  };
}
