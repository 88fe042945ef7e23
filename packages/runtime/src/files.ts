import { lstat, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { safeFileName } from "@sift/contracts";

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
  try {
    await lstat(path);
    return true;
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
  return `${stem}-${fileId}-${Date.now()}${ext}`;
}

/** Writes a file atomically: a temp file in the same folder, then rename. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
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
