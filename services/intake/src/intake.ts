import { createHash } from "node:crypto";
import { mkdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { KV } from "@nats-io/kv";
import type { ObjectStore } from "@nats-io/obj";
import { Buckets, type FileMeta, FileReceived, Subjects } from "@sift/contracts";
import {
  dataDirs,
  envelope,
  freeName,
  type Logger,
  type Producer,
  type Publisher,
  readFileState,
  recordFailure,
  updateFileState,
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
    const stored = await freeName(dirs.failed, c.name, String(c.stats.ino).padStart(8, "0"));
    // rename moves a link itself, never its target
    await rename(c.path, join(dirs.failed, stored));
    await recordFailure(dirs.failed, stored, {
      name: c.name,
      stage: "intake",
      error: { code, message },
      attempts: 1,
      failedAt: new Date().toISOString(),
    });
    d.log.warn({ file: c.name, code, reason: message, ms: ms(t0) }, "file refused");
    return "failed";
  };
  if (c.stats.isSymbolicLink()) return refuse("SYMLINK", `${c.name} is a symbolic link; links are not followed`);
  if (c.stats.isDirectory()) return refuse("DIRECTORY", `${c.name} is a directory; drop files, not folders`);
  if (!c.stats.isFile()) return refuse("NOT_A_FILE", `${c.name} is not a regular file`);
  if (c.stats.size > d.maxFileBytes) {
    return refuse("TOO_LARGE", `${c.name} has ${c.stats.size} bytes, over SIFT_MAX_FILE_BYTES=${d.maxFileBytes}`);
  }

  const bytes = await readFile(c.path);
  const fileId = createHash("sha256").update(bytes).digest("hex");
  const flog = d.log.child({ fileId, file: c.name });
  const prevState = await readFileState(d.kv, fileId);
  if (prevState && prevState.state !== "failed" && !d.reprocess) {
    await mkdir(dirs.processed, { recursive: true });
    await rename(c.path, join(dirs.processed, await freeName(dirs.processed, c.name, fileId)));
    flog.info({ state: prevState.state, firstName: prevState.name, ms: ms(t0) }, "duplicate content, skipped");
    return "duplicate";
  }

  await mkdir(dirs.processed, { recursive: true });
  const storedName = await freeName(dirs.processed, c.name, fileId);
  const inline = bytes.length <= d.inlineMaxBytes;
  if (!inline) {
    const info = await d.files.info(fileId);
    if (!info || info.size !== bytes.length) await d.files.putBlob({ name: fileId }, bytes);
  }
  const receivedAt = new Date().toISOString();
  const mediaType = sniffMediaType(bytes, c.name);
  const file: FileMeta = {
    fileId,
    name: c.name,
    storedName,
    size: bytes.length,
    mediaType,
    mtime: c.stats.mtime.toISOString(),
    receivedAt,
  };
  const id = `${fileId}@intake`;
  const message = FileReceived.parse({
    ...envelope(d.producer, fileId, id),
    file,
    ...(inline
      ? { content: Buffer.from(bytes).toString("base64") }
      : { object: { bucket: Buckets.files, name: fileId, size: bytes.length } }),
  });
  await d.publisher.publish(Subjects.fileReceived, message, id);
  // a merge, not a put: the sink may already have recorded documents of this file
  await updateFileState(
    d.kv,
    fileId,
    () => ({ state: "received", name: c.name, receivedAt }),
    (s) => (s.state === "completed" ? undefined : { ...s, state: "received", name: c.name, receivedAt }),
  );
  await rename(c.path, join(dirs.processed, storedName));
  flog.info({ mediaType, size: bytes.length, ms: ms(t0) }, "file received");
  return "received";
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
