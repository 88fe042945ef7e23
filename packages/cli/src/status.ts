import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Buckets, Consumers, FileState, Streams } from "@sift/contracts";
import { type NatsConfig, NatsEnv, natsConnectOptions, redactUrl } from "@sift/runtime";
import { CliError, NatsUnreachableError, NotProvisionedError } from "./errors.js";

export interface StageStatus {
  consumer: string;
  /** Waiting in the stream, not yet delivered. */
  pending: number;
  /** Delivered, not yet acked. */
  inFlight: number;
  redelivered: number;
  /** Replicas pulling right now (idle ones asking for more work). */
  pulling: number;
}

export interface PipelineStatus {
  stages: StageStatus[];
  deadLettered: number;
  /** Every file the pipeline knows of by state; `failed` counts every file in failed/, refused ones too. */
  files: Record<FileState["state"], number>;
}

/** Where the operator commands connect: a NATS_URL alone, or everything NatsEnv reads (credentials, TLS). */
export type NatsTarget = string | NatsConfig;

const configOf = (t: NatsTarget): NatsConfig => (typeof t === "string" ? NatsEnv.parse({ NATS_URL: t }) : t);

/** NATS_URL as it may be shown: without a password in it. */
export const shownUrl = (t: NatsTarget): string => redactUrl(configOf(t).NATS_URL);

/** Connects to NATS for the operator commands; a server that does not answer (or refuses) is a one-line error. */
export async function connectForStatus(target: NatsTarget, name = "sift-status"): Promise<NatsConnection> {
  const opts = natsConnectOptions(configOf(target));
  try {
    return await connect({ ...opts, timeout: 3000, name });
  } catch (err) {
    throw new NatsUnreachableError(shownUrl(target), { cause: err });
  }
}

/** Per stage: pending, in flight, redelivered, pulling; dead letters; files by state. */
export async function readStatus(target: NatsTarget): Promise<PipelineStatus> {
  const nc = await connectForStatus(target);
  const natsUrl = shownUrl(target);
  try {
    return await statusOf(nc, natsUrl);
  } finally {
    await nc.close();
  }
}

/** The status read over an open connection (`sift status --watch` keeps one). */
export async function statusOf(nc: NatsConnection, natsUrl: string): Promise<PipelineStatus> {
  const jsm = await managerOf(nc, natsUrl);
  const stages: StageStatus[] = [];
  for (const spec of [Consumers.segmenter, Consumers.cleaner, Consumers.tagger, Consumers.sink]) {
    // a stage that never ran has no consumer yet: nothing waits on it
    const info = await jsm.consumers.info(spec.stream, spec.durable).catch(() => null);
    stages.push({
      consumer: spec.durable,
      pending: info?.num_pending ?? 0,
      inFlight: info?.num_ack_pending ?? 0,
      redelivered: info?.num_redelivered ?? 0,
      pulling: info?.num_waiting ?? 0,
    });
  }
  const dlq = await jsm.streams.info(Streams.dlq.name).catch(() => null);
  const files: PipelineStatus["files"] = { received: 0, completed: 0, failed: 0 };
  const kv = await new Kvm(nc).open(Buckets.fileState).catch((err: unknown) => {
    throw new NotProvisionedError(natsUrl, `has no ${Buckets.fileState} bucket`, { cause: err });
  });
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    const state = entry?.operation === "PUT" ? FileState.safeParse(entry.json()).data : undefined;
    if (state) files[state.state]++;
  }
  return { stages, deadLettered: dlq?.state.messages ?? 0, files };
}

/** A JetStream manager, once the work stream is known to exist. */
async function managerOf(nc: NatsConnection, natsUrl: string): Promise<JetStreamManager> {
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.info(Streams.work.name);
    return jsm;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)
      throw new NotProvisionedError(natsUrl, `has no ${Streams.work.name} stream`, { cause: err });
    if (err instanceof Error && /jetstream (is )?not enabled/i.test(err.message))
      throw new NotProvisionedError(natsUrl, "has JetStream disabled (start it with -js)", { cause: err });
    throw err;
  }
}

/** The status as the table `sift status` prints; its words are the JSON's words. */
export function formatStatus(s: PipelineStatus): string {
  const rows = s.stages.map(
    (x) => `| ${x.consumer} | ${x.pending} | ${x.inFlight} | ${x.redelivered} | ${x.pulling} |`,
  );
  return [
    "| stage | pending | in flight | redelivered | pulling |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    "",
    `files: ${s.files.received} received (in progress), ${s.files.completed} completed, ${s.files.failed} failed; dead letters kept: ${s.deadLettered}`,
    "",
  ].join("\n");
}

export interface WatchOptions {
  json: boolean;
  intervalMs: number;
  /** Clears the screen before each refresh (a terminal). */
  clear: boolean;
  write: (text: string) => void;
  signal: AbortSignal;
}

/**
 * `sift status --watch`: a fresh status every `intervalMs` until `signal` aborts. A server that goes away
 * (or is not there yet) shows as its one-line error, and the watch goes on.
 */
export async function watchStatus(target: NatsTarget, o: WatchOptions): Promise<void> {
  const natsUrl = shownUrl(target);
  let nc: NatsConnection | undefined;
  try {
    while (!o.signal.aborted) {
      const at = new Date();
      let frame: string;
      try {
        nc ??= await connectForStatus(target);
        const status = await statusOf(nc, natsUrl);
        frame = o.json
          ? `${JSON.stringify({ at: at.toISOString(), ...status })}\n`
          : `sift status at ${at.toLocaleTimeString()} (${natsUrl}), every ${o.intervalMs / 1000} s; Ctrl-C stops\n\n${formatStatus(status)}`;
      } catch (err) {
        // a watch outlives a server restart: the error is shown in place of the table
        if (nc?.isClosed()) nc = undefined;
        const error = { code: err instanceof CliError ? err.code : "ERROR", message: errorText(err) };
        frame = o.json
          ? `${JSON.stringify({ at: at.toISOString(), error })}\n`
          : `sift status at ${at.toLocaleTimeString()}: ${error.message}\n`;
      }
      o.write(o.clear ? `\x1b[H\x1b[2J${frame}` : o.json ? frame : `${frame}\n`);
      await sleepUnlessAborted(o.intervalMs, o.signal);
    }
  } finally {
    await nc?.close();
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
