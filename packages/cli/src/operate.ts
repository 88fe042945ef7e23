import { createHash } from "node:crypto";
import { readdir, readFile, rename, unlink } from "node:fs/promises";
import { extname, join } from "node:path";
import { AckPolicy, DeliverPolicy, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { Buckets, FileState, Headers, Streams, Subjects, safeFileName, safeJson } from "@sift/contracts";
import { dataDirs, exists, type FailureRecord, failedEntryKey, freeName, updateFileState } from "@sift/runtime";
import { UsageError } from "./errors.js";
import { connectForStatus, type NatsTarget } from "./status.js";

/** One step of a file's way through the stages. */
export interface TimelineEvent {
  at: string;
  stage: string;
  what: string;
}

export interface FileTimeline {
  fileId: string;
  name: string;
  state: FileState["state"];
  output?: string;
  events: TimelineEvent[];
}

const isId = (s: string) => /^[0-9a-f]{64}$/.test(s);
const isIdPrefix = (s: string) => /^[0-9a-f]{8,63}$/.test(s);

/** The files the `sift-files` bucket knows by this id, id prefix (8 characters or more) or name. */
async function findFiles(kv: KV, key: string): Promise<Array<{ fileId: string; state: FileState }>> {
  if (isId(key)) {
    const e = await kv.get(key);
    const state = e?.operation === "PUT" ? FileState.safeParse(e.json()).data : undefined;
    return state ? [{ fileId: key, state }] : [];
  }
  const found: Array<{ fileId: string; state: FileState }> = [];
  for await (const k of await kv.keys()) {
    // a file intake refused has no id, only an entry under its name in failed/
    if (!isId(k) && !k.startsWith("failed-")) continue;
    const byId = isId(k) && isIdPrefix(key) && k.startsWith(key);
    const e = await kv.get(k);
    const state = e?.operation === "PUT" ? FileState.safeParse(e.json()).data : undefined;
    if (state && (byId || state.name === key)) found.push({ fileId: k, state });
  }
  return found;
}

async function oneFile(kv: KV, key: string): Promise<{ fileId: string; state: FileState }> {
  const found = await findFiles(kv, key);
  if (found.length === 0) throw new UsageError("NO_SUCH_FILE", `no file named or with the id ${key} is known to Sift`);
  if (found.length > 1) {
    const ids = found.map((f) => `${f.fileId.slice(0, 12)} (${f.state.state})`).join(", ");
    throw new UsageError("AMBIGUOUS_FILE", `${found.length} files are named ${key}: give one's id (${ids})`);
  }
  return found[0] as { fileId: string; state: FileState };
}

/** Reads every message of `stream` from `start` (all of it without) through a short-lived consumer. */
async function scan(
  nc: NatsConnection,
  jsm: JetStreamManager,
  stream: string,
  start: Date | undefined,
  visit: (subject: string, body: unknown, ref: string | undefined) => void,
): Promise<void> {
  const info = await jsm.streams.info(stream).catch(() => null);
  const last = info?.state.last_seq ?? 0;
  if (!info || info.state.messages === 0) return;
  const ci = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    ...(start
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: start.toISOString() }
      : { deliver_policy: DeliverPolicy.All }),
    inactive_threshold: 30_000_000_000,
  });
  try {
    const c = await jetstream(nc).consumers.get(stream, ci.name);
    for (let pending = ci.num_pending; pending > 0; ) {
      const batch = await c.fetch({ max_messages: Math.min(256, pending), expires: 2000 });
      let got = 0;
      let atEnd = false;
      for await (const m of batch) {
        got++;
        visit(m.subject, safeJson(m.data), m.headers?.get(Headers.payloadRef) || undefined);
        if (m.seq >= last) atEnd = true;
      }
      if (got === 0 || atEnd) break;
      pending -= got;
    }
  } finally {
    await jsm.consumers.delete(stream, ci.name).catch(() => {});
  }
}

interface Body {
  fileId?: string;
  docId?: string;
  docs?: Array<{ index?: number; count?: number }>;
  producedAt?: string;
  producer?: { service?: string; instance?: string };
  output?: string;
  documents?: number;
  file?: { fileId?: string; name?: string; size?: number; mediaType?: string; receivedAt?: string };
  stage?: string;
  error?: { code?: string; message?: string };
  attempts?: number;
  failedAt?: string;
}

/**
 * One file's timeline: its state (the `sift-files` bucket), its documents tagged and its completion in
 * SIFT_RESULTS since its latest run was received, and every dead letter of it in SIFT_DLQ.
 */
export async function fileTimeline(target: NatsTarget, key: string): Promise<FileTimeline> {
  const nc = await connectForStatus(target, "sift-status-file");
  try {
    const jsm = await jetstreamManager(nc);
    const kv = await new Kvm(nc).open(Buckets.fileState);
    const { fileId, state } = await oneFile(kv, key);
    const events: TimelineEvent[] = [{ at: state.receivedAt, stage: "intake", what: `received as ${state.name}` }];
    const ours = (b: Body | undefined, ref: string | undefined) =>
      b?.fileId === fileId || ref?.startsWith(fileId) === true;
    // results of earlier runs are older than this one's receipt (a second of slack for clocks between hosts)
    const since = new Date(Date.parse(state.receivedAt) - 1000);
    await scan(nc, jsm, Streams.results.name, since, (subject, raw, ref) => {
      const b = raw as Body | undefined;
      if (!ours(b, ref)) return;
      if (subject === Subjects.fileCompleted)
        events.push({
          at: b?.producedAt ?? "",
          stage: "sink",
          what: `completed: ${b?.output} (${b?.documents} document${b?.documents === 1 ? "" : "s"})`,
        });
      else if (b?.docs?.length) {
        const first = b.docs[0];
        const last = b.docs[b.docs.length - 1];
        const which = first === last ? `document ${first?.index ?? "?"}` : `documents ${first?.index}–${last?.index}`;
        events.push({
          at: b.producedAt ?? "",
          stage: "tagger",
          what: `${which}${first?.count ? ` of ${first.count}` : ""} tagged by ${b.producer?.instance ?? "?"}`,
        });
      } else events.push({ at: "", stage: "tagger", what: `a document tagged (stored by reference ${ref})` });
    });
    await scan(nc, jsm, Streams.dlq.name, undefined, (_subject, raw) => {
      const b = raw as Body | undefined;
      if (b?.fileId !== fileId) return;
      // an earlier run, which failed: its receipt belongs in the timeline too
      const run = b.file?.receivedAt;
      if (run && run !== state.receivedAt && !events.some((e) => e.stage === "intake" && e.at === run))
        events.push({ at: run, stage: "intake", what: `received as ${b.file?.name ?? state.name}` });
      events.push({
        at: b.failedAt ?? b.producedAt ?? "",
        stage: b.stage ?? "?",
        what: `failed ${b.error?.code}: ${b.error?.message} (attempt ${b.attempts}${b.docId ? `, ${b.docId}` : ""})`,
      });
    });
    events.sort((a, b) => a.at.localeCompare(b.at));
    return { fileId, name: state.name, state: state.state, ...(state.output ? { output: state.output } : {}), events };
  } finally {
    await nc.close();
  }
}

export function formatTimeline(t: FileTimeline): string {
  const width = Math.max(...t.events.map((e) => e.stage.length), 5);
  return [
    `${t.name}  (id ${t.fileId})`,
    `state: ${t.state}${t.output ? `, output ${t.output}` : ""}`,
    "",
    ...t.events.map((e) => `${e.at || "?".padEnd(24)}  ${e.stage.padEnd(width)}  ${e.what}`),
    "",
  ].join("\n");
}

/** An entry of failed/: the original under its stored name and what its `.error.json` says. */
export interface FailedEntry {
  stored: string;
  name: string;
  fileId?: string;
  stage: string;
  code: string;
  message: string;
  failedAt: string;
  attempts: number;
}

/** Everything in failed/ that has its `.error.json`, oldest failure first. */
export async function listFailed(dataDir: string): Promise<FailedEntry[]> {
  const dir = dataDirs(dataDir).failed;
  const names = await readdir(dir).catch(() => [] as string[]);
  const entries: FailedEntry[] = [];
  for (const n of names) {
    if (!n.endsWith(".error.json")) continue;
    const stored = n.slice(0, -".error.json".length);
    let r: FailureRecord;
    try {
      r = JSON.parse(await readFile(join(dir, n), "utf8")) as FailureRecord;
    } catch {
      continue;
    }
    entries.push({
      stored,
      name: r.name,
      ...(r.fileId ? { fileId: r.fileId } : {}),
      stage: r.stage,
      code: r.error?.code ?? "?",
      message: r.error?.message ?? "",
      failedAt: r.failedAt,
      attempts: r.attempts,
    });
  }
  return entries.sort((a, b) => a.failedAt.localeCompare(b.failedAt));
}

export function formatFailed(entries: FailedEntry[]): string {
  if (entries.length === 0) return "failed/ is empty\n";
  return [
    "| name in failed/ | stage | code | failed at | file id |",
    "|---|---|---|---|---|",
    ...entries.map(
      (e) => `| ${e.stored} | ${e.stage} | ${e.code} | ${e.failedAt} | ${e.fileId ? e.fileId.slice(0, 12) : ""} |`,
    ),
    "",
  ].join("\n");
}

/** The entry of failed/ for a stored name, original name, file id or id prefix. */
export async function findFailed(dataDir: string, key: string): Promise<FailedEntry> {
  const all = await listFailed(dataDir);
  const exact = all.filter((e) => e.stored === key);
  const found =
    exact.length > 0
      ? exact
      : all.filter(
          (e) => e.name === key || (e.fileId && (e.fileId === key || (isIdPrefix(key) && e.fileId.startsWith(key)))),
        );
  if (found.length === 0) throw new UsageError("NOT_FAILED", `nothing named or with the id ${key} is in failed/`);
  if (found.length > 1)
    throw new UsageError(
      "AMBIGUOUS_FILE",
      `${found.length} entries of failed/ match ${key}: give the name in failed/ (${found.map((e) => e.stored).join(", ")})`,
    );
  return found[0] as FailedEntry;
}

/** The `.error.json` of an entry of failed/, as it is. */
export async function showFailed(dataDir: string, key: string): Promise<string> {
  const e = await findFailed(dataDir, key);
  return readFile(join(dataDirs(dataDir).failed, `${e.stored}.error.json`), "utf8");
}

/**
 * Puts the original of a failed file back into intake/ under its own name: intake takes it as new (a failed
 * file is not a duplicate), and its error record goes. Returns the name it got in intake/.
 */
export async function retryFailed(target: NatsTarget, dataDir: string, key: string): Promise<string> {
  const dirs = dataDirs(dataDir);
  const e = await findFailed(dataDir, key);
  const from = join(dirs.failed, e.stored);
  if (!(await exists(from))) throw new UsageError("ORIGINAL_GONE", `failed/${e.stored} is gone; nothing to retry`);
  const name = await intakeName(dirs.intake, e.name, e.fileId ?? e.stored);
  const nc = await connectForStatus(target, "sift-failed-retry");
  try {
    const kv = await new Kvm(nc).open(Buckets.fileState);
    // a refused file had no id: its entry in the bucket only counted it in failed/
    if (!e.fileId) await kv.delete(failedEntryKey(e.stored));
    await rename(from, join(dirs.intake, name));
    await unlink(join(dirs.failed, `${e.stored}.error.json`)).catch(() => {});
  } finally {
    await nc.close();
  }
  return name;
}

/**
 * Takes a file processed before through the pipeline again (a new model, new rules): marks it in the bucket
 * so that intake does not skip it as a duplicate, and moves its original from processed/ back into intake/.
 */
export async function reprocessFile(
  target: NatsTarget,
  dataDir: string,
  key: string,
): Promise<{ fileId: string; name: string }> {
  const dirs = dataDirs(dataDir);
  const nc = await connectForStatus(target, "sift-reprocess");
  try {
    const kv = await new Kvm(nc).open(Buckets.fileState);
    const { fileId, state } = await oneFile(kv, key);
    if (state.state === "failed")
      throw new UsageError(
        "FILE_FAILED",
        `${state.name} failed: take it back with \`sift failed retry ${isId(fileId) ? fileId.slice(0, 12) : state.name}\``,
      );
    if (state.state === "received")
      throw new UsageError("FILE_IN_PROGRESS", `${state.name} is still in progress; reprocess it once it is complete`);
    const stored = await findOriginal(dirs.processed, state, fileId);
    if (!stored) throw new UsageError("ORIGINAL_GONE", `the original of ${state.name} is no longer in processed/`);
    await updateFileState(
      kv,
      fileId,
      () => state,
      (s) => ({ ...s, reprocess: true }),
    );
    const name = await intakeName(dirs.intake, state.name, fileId);
    await rename(join(dirs.processed, stored), join(dirs.intake, name));
    return { fileId, name };
  } finally {
    await nc.close();
  }
}

/** The original's name in processed/: as intake recorded it, else its name or its name with the id. */
async function findOriginal(dir: string, state: FileState, fileId: string): Promise<string | undefined> {
  const safe = safeFileName(state.name);
  const ext = extname(safe);
  const stem = ext ? safe.slice(0, -ext.length) : safe;
  const candidates = [
    ...(state.storedName ? [state.storedName] : []),
    safe,
    ...[8, 16, 24, 32, 40, 48, 56, 64].map((n) => `${stem}-${fileId.slice(0, n)}${ext}`),
  ];
  for (const c of candidates) {
    const path = join(dir, c);
    // another file of the same name may sit there: only the same bytes will do
    if (
      (await exists(path)) &&
      createHash("sha256")
        .update(await readFile(path))
        .digest("hex") === fileId
    )
      return c;
  }
  return undefined;
}

/** A free name in intake/ for the file; never a dot-file, which intake leaves alone. */
async function intakeName(dir: string, name: string, id: string): Promise<string> {
  const free = await freeName(dir, name, id);
  return free.startsWith(".") ? `_${free}` : free;
}
