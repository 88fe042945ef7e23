import { open, rename } from "node:fs/promises";
import {
  type FileMeta,
  type FileState,
  type OutputFile,
  outputFileMeta,
  type TaggedDocument,
  toOutputDocument,
} from "@sift/contracts";

/**
 * Records that documents `indices` of a file are tagged, held by the message at stream sequence `seq`; a new run
 * starts afresh.
 */
export const recordDocs =
  (indices: readonly number[], count: number, seq: number, run?: string) =>
  (s: FileState): FileState | undefined => {
    const docs = s.run === run ? (s.docs ?? {}) : {};
    if (indices.every((i) => docs[String(i)] === seq) && s.count === count) return undefined;
    const next = { ...docs };
    for (const i of indices) next[String(i)] = seq;
    return { ...s, count, docs: next, ...(run ? { run } : {}) };
  };

export const isComplete = (s: FileState): boolean =>
  s.count !== undefined && Object.keys(s.docs ?? {}).length >= s.count;

/** Small outputs are written pretty: they read well in a terminal. */
export const serialiseOutput = (output: OutputFile): string => `${JSON.stringify(output, null, 2)}\n`;

/** Files larger than this (input bytes) have their output streamed, compact, one document at a time. */
export const STREAM_OVER_BYTES = 256 * 1024;

/** Writes the output file document by document (temp file, then rename): only one document is in memory at a time. */
export async function writeOutputStream(
  path: string,
  file: FileMeta,
  loaders: Array<() => Promise<TaggedDocument>>,
  completedAt: Date,
  onDocument: () => void = () => {},
): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.write(
      `{"v":1,"file":${JSON.stringify(outputFileMeta(file))},"completedAt":"${completedAt.toISOString()}","documents":[`,
    );
    for (const [i, load] of loaders.entries()) {
      await fh.write(`${i > 0 ? "," : ""}${JSON.stringify(toOutputDocument(await load()))}`);
      onDocument();
    }
    await fh.write("]}\n");
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/**
 * Tagged documents of files not yet complete, by the stream sequence of their message and their index, up to a
 * budget of characters: the sink assembles a file from them instead of reading each one back from the stream (and
 * parsing it again). A document not held (evicted, another replica, a restart) is read back as before.
 */
export function createHeldDocs(maxChars: number) {
  const held = new Map<string, TaggedDocument>();
  const key = (seq: number, index: number) => `${seq}:${index}`;
  let chars = 0;
  return {
    put(seq: number, doc: TaggedDocument): void {
      const k = key(seq, doc.index);
      if (held.has(k) || doc.text.length > maxChars) return;
      held.set(k, doc);
      chars += doc.text.length;
      // the oldest go first: a file that never completes (one of its documents failed) does not stay for ever
      for (const [s, d] of held) {
        if (chars <= maxChars) break;
        held.delete(s);
        chars -= d.text.length;
      }
    },
    take(seq: number, index: number): TaggedDocument | undefined {
      const k = key(seq, index);
      const doc = held.get(k);
      if (doc) {
        held.delete(k);
        chars -= doc.text.length;
      }
      return doc;
    },
    get size() {
      return held.size;
    },
  };
}
