import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import { FileState } from "@sift/contracts";

/**
 * Applies `change` to a file's state in the `sift-files` KV bucket with compare-and-set, retrying when
 * another writer got there first; `change` returning undefined leaves the entry as it is. `change` also gets
 * the entry's revision (0 when there is none), so a writer can tell whether someone else wrote since it read.
 */
export async function updateFileState(
  kv: KV,
  fileId: string,
  init: () => FileState,
  change: (s: FileState, revision: number) => FileState | undefined,
): Promise<FileState> {
  for (let attempt = 0; ; attempt++) {
    const entry = await kv.get(fileId);
    const current = entry?.operation === "PUT" ? FileState.parse(entry.json()) : init();
    const next = change(current, entry?.operation === "PUT" ? entry.revision : 0);
    if (!next) return current;
    try {
      if (entry?.operation === "PUT") await kv.update(fileId, JSON.stringify(next), entry.revision);
      else await kv.create(fileId, JSON.stringify(next));
      return next;
    } catch (err) {
      if (attempt > 50) throw err;
    }
  }
}

type Change = (s: FileState, revision: number) => FileState | undefined;

/**
 * `updateFileState` for a process that changes the same entries many times over (the sink: every document of
 * a file records itself in the file's entry). A change to an entry that comes while a write of that entry is on
 * its way waits for it and goes with the others that came meanwhile, applied in order, in the next
 * compare-and-set: one read and one write for the documents of a file that arrive together, instead of one each
 * and a retry for every one that lost the race to another. Each caller gets the state its own change made, once
 * that is stored.
 */
export function createFileStateWriter(kv: KV) {
  interface Waiting {
    init: () => FileState;
    change: Change;
    resolve: (s: FileState) => void;
    reject: (err: unknown) => void;
  }
  const queues = new Map<string, Waiting[]>();
  const drain = async (fileId: string, queue: Waiting[]) => {
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        const states = await applyChanges(kv, fileId, batch);
        for (const [i, w] of batch.entries()) w.resolve(states[i] as FileState);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    queues.delete(fileId);
  };
  return {
    update(fileId: string, init: () => FileState, change: Change): Promise<FileState> {
      return new Promise<FileState>((resolve, reject) => {
        const waiting = queues.get(fileId);
        if (waiting) {
          waiting.push({ init, change, resolve, reject });
          return;
        }
        const queue: Waiting[] = [{ init, change, resolve, reject }];
        queues.set(fileId, queue);
        void drain(fileId, queue);
      });
    },
  };
}

/** Applies `changes` in order to one entry with compare-and-set; the state after each change (or as it was). */
async function applyChanges(
  kv: KV,
  fileId: string,
  changes: Array<{ init: () => FileState; change: Change }>,
): Promise<FileState[]> {
  for (let attempt = 0; ; attempt++) {
    const entry = await kv.get(fileId);
    const put = entry?.operation === "PUT";
    const revision = put ? entry.revision : 0;
    let current: FileState | undefined = put ? FileState.parse(entry.json()) : undefined;
    let changed = false;
    const states = changes.map(({ init, change }) => {
      const base = current ?? init();
      const next = change(base, revision);
      if (!next) return base;
      current = next;
      changed = true;
      return next;
    });
    if (!changed || !current) return states;
    try {
      if (put) await kv.update(fileId, JSON.stringify(current), revision);
      else await kv.create(fileId, JSON.stringify(current));
      return states;
    } catch (err) {
      if (attempt > 50) throw err;
    }
  }
}

/** The state of a file, or undefined when the bucket has none. */
export async function readFileState(kv: KV, fileId: string): Promise<FileState | undefined> {
  return (await readFileStateEntry(kv, fileId)).state;
}

/** The state of a file and the revision it was read at (0 when the bucket has none). */
export async function readFileStateEntry(
  kv: KV,
  fileId: string,
): Promise<{ state: FileState | undefined; revision: number }> {
  const entry = await kv.get(fileId);
  if (entry?.operation !== "PUT") return { state: undefined, revision: 0 };
  return { state: FileState.safeParse(entry.json()).data, revision: entry.revision };
}

/** The `sift-files` key of an entry of failed/ that has no file id: one key per name in failed/. */
export const failedEntryKey = (storedName: string): string =>
  `failed-${createHash("sha256").update(storedName).digest("hex").slice(0, 40)}`;

/**
 * Records a file that reached failed/ without a file id (a link, a folder, a file too large to read, a stray
 * message), so that `sift status` counts every file in failed/.
 */
export async function recordFailedEntry(kv: KV, storedName: string, name: string): Promise<void> {
  const state: FileState = { state: "failed", name, receivedAt: new Date().toISOString() };
  await kv.put(failedEntryKey(storedName), JSON.stringify(state));
}
