import { lstatSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { type FileMeta, FileNameError, isNameRefused, safeFileName } from "@sift/contracts";

/** The folders under SIFT_DATA_DIR. */
export function dataDirs(root: string) {
  return {
    intake: join(root, "intake"),
    processed: join(root, "processed"),
    failed: join(root, "failed"),
    output: join(root, "output"),
  };
}

export async function exists(path: string): Promise<boolean> {
  // a local stat answers in microseconds: a trip through libuv's thread pool (and back) costs more than that
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** `name` in `dir` if free, else `name` with the file id's first characters before the extension. */
export async function freeName(dir: string, name: string, fileId: string): Promise<string> {
  const safe = safeFileName(name);
  if (!(await exists(join(dir, safe)))) return safe;
  const ext = extname(safe);
  const stem = ext ? safe.slice(0, -ext.length) : safe;
  for (let n = 8; n <= fileId.length; n += 8) {
    const candidate = `${stem}-${fileId.slice(0, n)}${ext}`;
    if (!(await exists(join(dir, candidate)))) return candidate;
  }
  return `${stem}-${fileId.slice(0, 16)}-${Date.now()}${ext}`;
}

/**
 * Runs `write` with `name`; when the file system refuses that name (too long for it, a character it does
 * not take), once more with `fallback` (made of the file id): a name never fails a file.
 */
export async function withNameFallback<T>(
  name: string,
  fallback: string,
  write: (name: string) => Promise<T>,
): Promise<T> {
  try {
    return await write(name);
  } catch (err) {
    if (!isNameRefused(err)) throw err;
    try {
      return await write(fallback);
    } catch (again) {
      throw isNameRefused(again) ? new FileNameError(fallback, { cause: again }) : again;
    }
  }
}

/**
 * The output file's name: `<name>.json`, unless that name already holds another file's output, in which
 * case the file id tells them apart. The sink and `sift process` both name outputs with it.
 */
export async function outputName(outputDir: string, file: Pick<FileMeta, "name" | "fileId">): Promise<string> {
  const base = safeFileName(file.name);
  const plain = `${base}.json`;
  const path = join(outputDir, plain);
  if (!(await exists(path))) return plain;
  // the file id sits near the start of an output; a large output is not read whole
  const fh = await open(path, "r");
  const head = Buffer.alloc(1024);
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  if (head.toString("utf8").includes(file.fileId)) return plain;
  return `${base}-${file.fileId.slice(0, 12)}.json`;
}

/** Writes a file atomically: a temp file in the same folder, then rename. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  // small writes at once (open, write, close and rename were four trips through the thread pool); large ones not
  if (data.length <= SYNC_WRITE_MAX) {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
    return;
  }
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Characters (or bytes) up to which a file is written without leaving the event loop. */
const SYNC_WRITE_MAX = 1024 * 1024;

/** Bytes up to which a file is read without leaving the event loop. */
const SYNC_READ_MAX = 1024 * 1024;

/** A whole file of `size` bytes: a small one read at once (a trip through libuv's thread pool cost more than the read). */
export async function readWhole(path: string, size: number): Promise<Buffer> {
  return size <= SYNC_READ_MAX ? readFileSync(path) : readFile(path);
}

export interface FailureRecord {
  /** The name the file had when it was dropped. */
  name: string;
  fileId?: string;
  stage: string;
  error: { code: string; message: string };
  attempts: number;
  failedAt: string;
  docId?: string;
}

/** Writes (or extends) `failed/<name>.error.json`; a second failure of the same file is appended under `more`. */
export async function recordFailure(failedDir: string, storedName: string, record: FailureRecord): Promise<string> {
  await mkdir(failedDir, { recursive: true });
  const path = join(failedDir, `${storedName}.error.json`);
  let doc: FailureRecord & { more?: FailureRecord[] } = record;
  try {
    const prev = JSON.parse(await readFile(path, "utf8")) as FailureRecord & { more?: FailureRecord[] };
    if (prev.fileId && prev.fileId === record.fileId) doc = { ...prev, more: [...(prev.more ?? []), record] };
  } catch {
    // no earlier record
  }
  await writeAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}
