import type { KV } from "@nats-io/kv";
import { FileState } from "@sift/contracts";

/**
 * Applies `change` to a file's state in the `sift-files` KV bucket with compare-and-set, retrying when
 * another writer got there first; `change` returning undefined leaves the entry as it is.
 */
export async function updateFileState(
  kv: KV,
  fileId: string,
  init: () => FileState,
  change: (s: FileState) => FileState | undefined,
): Promise<FileState> {
  for (let attempt = 0; ; attempt++) {
    const entry = await kv.get(fileId);
    const current = entry?.operation === "PUT" ? FileState.parse(entry.json()) : init();
    const next = change(current);
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

/** The state of a file, or undefined when the bucket has none. */
export async function readFileState(kv: KV, fileId: string): Promise<FileState | undefined> {
  const entry = await kv.get(fileId);
  return entry?.operation === "PUT" ? FileState.safeParse(entry.json()).data : undefined;
}
