import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type FileMeta, type FileState, type OutputFile, safeFileName } from "@sift/contracts";
import { exists } from "@sift/runtime";

/** Records that document `index` of a file is tagged, stored at stream sequence `seq`. */
export const recordDoc = (index: number, count: number, seq: number) => (s: FileState) =>
  s.docs?.[String(index)] === seq && s.count === count
    ? undefined
    : { ...s, count, docs: { ...(s.docs ?? {}), [String(index)]: seq } };

export const isComplete = (s: FileState): boolean =>
  s.count !== undefined && Object.keys(s.docs ?? {}).length >= s.count;

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

// pretty output reads well in a terminal; a large one is written compact, at a third of the size and memory
const PRETTY_MAX_TEXT = 256 * 1024;

export function serialiseOutput(output: OutputFile): string {
  const text = output.documents.reduce((n, d) => n + d.text.length, 0);
  return `${text <= PRETTY_MAX_TEXT ? JSON.stringify(output, null, 2) : JSON.stringify(output)}\n`;
}
