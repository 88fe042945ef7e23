import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { KV } from "@nats-io/kv";
import {
  buildOutputFile,
  type FileMeta,
  FileState,
  type OutputFile,
  safeFileName,
  type TaggedDocument,
} from "@sift/contracts";
import { exists } from "@sift/runtime";

/** Applies `change` to a file's KV state with compare-and-set, retrying when another replica got there first. */
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

/** Records that document `index` of a file is tagged, stored at stream sequence `seq`. */
export const recordDoc = (index: number, count: number, seq: number) => (s: FileState) =>
  s.docs?.[String(index)] === seq && s.count === count
    ? undefined
    : { ...s, count, docs: { ...(s.docs ?? {}), [String(index)]: seq } };

export const isComplete = (s: FileState): boolean =>
  s.count !== undefined && Object.keys(s.docs ?? {}).length >= s.count;

export function buildOutput(file: FileMeta, docs: TaggedDocument[], now = new Date()): OutputFile {
  return buildOutputFile(file, docs, now);
}

/**
 * The output file's name: `<name>.json`, unless that name already holds another file's output,
 * in which case the file id tells them apart.
 */
export async function outputName(outputDir: string, file: FileMeta): Promise<string> {
  const base = safeFileName(file.name);
  const plain = `${base}.json`;
  const path = join(outputDir, plain);
  if (!(await exists(path))) return plain;
  const head = (await readFile(path)).subarray(0, 1024).toString("utf8");
  if (head.includes(file.fileId)) return plain;
  return `${base}-${file.fileId.slice(0, 12)}.json`;
}
