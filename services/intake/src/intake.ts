import { createHash } from "node:crypto";
import { linkSync, lstatSync, mkdirSync, type Stats, unlinkSync } from "node:fs";
import { constants, copyFile, mkdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { KV } from "@nats-io/kv";
import type { ObjectStore } from "@nats-io/obj";
import { Buckets, type FileMeta, type FileReceived, type FileState, runOf, Subjects } from "@sift/contracts";
import {
  dataDirs,
  envelope,
  freeName,
  type Logger,
  type Producer,
  type Publisher,
  readFileStateEntry,
  readWhole,
  recordFailedEntry,
  recordFailure,
  updateFileState,
  withNameFallback,
} from "@sift/runtime";
import { sniffMediaType } from "@sift/segment";
import type { Candidate } from "./watch.js";

export interface IntakeDeps {
  dataDir: string;
  maxFileBytes: number;
  inlineMaxBytes: number;
  reprocess: boolean;
  kv: KV;
  files: ObjectStore;
  publisher: Publisher;
  producer: Producer;
  log: Logger;
}

export type IntakeOutcome = "received" | "duplicate" | "failed";

/** Takes one stable entry of the intake folder into the pipeline, or files it under failed/ with the reason. */
export async function intakeFile(c: Candidate, d: IntakeDeps): Promise<IntakeOutcome> {
  const dirs = dataDirs(d.dataDir);
  const t0 = performance.now();
  const refuse = async (code: string, message: string): Promise<IntakeOutcome> => {
    await mkdir(dirs.failed, { recursive: true });
    const ino = String(c.stats.ino).padStart(8, "0");
    const refused = await withNameFallback(c.name, `refused-${ino}`, async (name) => {
      const stored = await freeName(dirs.failed, name, ino);
      // rename moves a link itself, never its target
      await rename(c.path, join(dirs.failed, stored));
      await recordFailure(dirs.failed, stored, {
        name: c.name,
        stage: "intake",
        error: { code, message },
        attempts: 1,
        failedAt: new Date().toISOString(),
      });
      return stored;
    });
    // it never gets a file id, so the bucket would not know of it otherwise
    await recordFailedEntry(d.kv, refused, c.name).catch((err: unknown) =>
      d.log.warn({ err, file: c.name }, "refused file not recorded in the file state bucket"),
    );
    d.log.warn({ file: c.name, code, reason: message, ms: ms(t0) }, "file refused");
    return "failed";
  };
  if (c.stats.isSymbolicLink()) return refuse("SYMLINK", `${c.name} is a symbolic link; links are not followed`);
  if (c.stats.isDirectory()) return refuse("DIRECTORY", `${c.name} is a directory; drop files, not folders`);
  if (!c.stats.isFile()) return refuse("NOT_A_FILE", `${c.name} is not a regular file`);
  if (c.stats.size > d.maxFileBytes) {
    return refuse("TOO_LARGE", `${c.name} has ${c.stats.size} bytes, over SIFT_MAX_FILE_BYTES=${d.maxFileBytes}`);
  }

  // a small file is read at once: a trip through the thread pool costs more than reading it (a large one still goes)
  const bytes = await readWhole(c.path, c.stats.size);
  const fileId = createHash("sha256").update(bytes).digest("hex");
  const flog = d.log.child({ fileId, file: c.name });
  const { state: prevState, revision: seenRevision } = await readFileStateEntry(d.kv, fileId);
  // a failed file dropped again is taken again (`sift failed retry`), as is one `sift reprocess` asked for
  if (prevState && prevState.state !== "failed" && !prevState.reprocess && !d.reprocess) {
    await mkdir(dirs.processed, { recursive: true });
    await rename(c.path, join(dirs.processed, await freeName(dirs.processed, c.name, fileId)));
    flog.info({ state: prevState.state, firstName: prevState.name, ms: ms(t0) }, "duplicate content, skipped");
    return "duplicate";
  }

  mkdirSync(dirs.processed, { recursive: true });
  const storedName = await freeName(dirs.processed, c.name, fileId);
  const stored = join(dirs.processed, storedName);
  // the original is in processed/ before any stage can fail it, so the sink, and only the sink, moves it to failed/
  await placeOriginal(c.path, stored);
  const inline = bytes.length <= d.inlineMaxBytes;
  const receivedAt = new Date().toISOString();
  const mediaType = sniffMediaType(bytes, c.name);
  try {
    if (!inline) {
      const info = await d.files.info(fileId);
      if (!info || info.size !== bytes.length) await d.files.putBlob({ name: fileId }, bytes);
    }
    const file: FileMeta = {
      fileId,
      name: c.name,
      storedName,
      size: bytes.length,
      mediaType,
      mtime: c.stats.mtime.toISOString(),
      receivedAt,
      bytesInline: inline,
    };
    const id = `${fileId}@intake.${runOf({ receivedAt })}`;
    // validated where it is taken in (the segmenter), as every message is: not here too (its base64 checked twice)
    const message: FileReceived = {
      ...envelope(d.producer, fileId, id),
      file,
      ...(inline
        ? { content: Buffer.from(bytes).toString("base64") }
        : { object: { bucket: Buckets.files, name: fileId, size: bytes.length } }),
    };
    await d.publisher.publish(Subjects.fileReceived, message, id);
  } catch (err) {
    // not sent: the file stays in intake/ for a later scan, and its second name must not linger in processed/
    await unlink(stored).catch(() => {});
    throw err;
  }
  // sent: the pipeline owns the file now, whatever happens below
  await removeIfSame(c);
  // a merge, not a put: the sink may already have recorded documents of this file, or failed it
  const received = (s: FileState | undefined): FileState => {
    const { reprocess: _r, ...rest } = s ?? ({} as Partial<FileState>);
    return { ...rest, state: "received", name: c.name, receivedAt, storedName };
  };
  // on the entry as read at the dedup check, unless someone wrote since (then read it again and merge): one read fewer a file
  const written = await (seenRevision === 0
    ? d.kv.create(fileId, JSON.stringify(received(undefined)))
    : d.kv.update(fileId, JSON.stringify(received(prevState)), seenRevision)
  ).then(
    () => true,
    () => false,
  );
  if (!written)
    await updateFileState(
      d.kv,
      fileId,
      () => received(undefined),
      (s, revision) =>
        revision !== seenRevision && (s.state === "completed" || s.state === "failed") ? undefined : received(s),
    );
  flog.info({ mediaType, size: bytes.length, ms: ms(t0) }, "file received");
  return "received";
}

/** Removes the intake/ name of the file, unless a new file was dropped (or written) under that name meanwhile. */
async function removeIfSame(c: Candidate): Promise<void> {
  // metadata calls of a few microseconds: made at once, not through the thread pool
  let now: Stats | undefined;
  try {
    now = lstatSync(c.path, { throwIfNoEntry: false });
  } catch {
    now = undefined;
  }
  const same =
    now?.ino === c.stats.ino && now.dev === c.stats.dev && now.size === c.stats.size && now.mtimeMs === c.stats.mtimeMs;
  if (same) unlinkSync(c.path);
}

/** A second name for the original in processed/ (a hard link; a copy where links are not allowed). */
async function placeOriginal(from: string, to: string): Promise<void> {
  try {
    linkSync(from, to);
  } catch {
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
