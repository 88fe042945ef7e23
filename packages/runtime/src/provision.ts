import {
  AckPolicy,
  DiscardPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { Buckets, type ConsumerSpec, Streams } from "@sift/contracts";
import type { Logger } from "./logger.js";

export interface ProvisionOptions {
  duplicateWindowMs: number;
  ackWaitMs: number;
  maxDeliver: number;
  /** Copies of every stream, bucket and object store (SIFT_REPLICAS). */
  replicas?: number;
  /** Days the results stream keeps messages for replay. */
  resultsDays?: number;
  /** Bytes the results stream may hold; 0 or unset: no limit. */
  resultsMaxBytes?: number;
  /** Days the dead-letter stream keeps messages. */
  dlqDays?: number;
  dlqMaxBytes?: number;
  /** Days a page stays in the line memory (`sift-lines`). */
  linesDays?: number;
}

/** Thrown when the server cannot keep what provisioning asks for (more copies than it has servers, say). */
export class ProvisionError extends Error {
  override name = "ProvisionError";
}

const ns = (ms: number): number => Math.round(ms * 1_000_000);
const DAY_MS = 86_400_000;
const limitBytes = (n: number | undefined): number => (n && n > 0 ? n : -1);

/** The stream under a KV bucket and an object store (nats.js names them so). */
export const kvStream = (bucket: string): string => `KV_${bucket}`;
export const objStream = (bucket: string): string => `OBJ_${bucket}`;

/** Every stream Sift provisions, buckets and object stores included, by their stream names. */
export const provisionedStreams = (): string[] => [
  Streams.work.name,
  Streams.results.name,
  Streams.dlq.name,
  Streams.advisories.name,
  kvStream(Buckets.fileState),
  kvStream(Buckets.lines),
  objStream(Buckets.files),
  objStream(Buckets.payloads),
];

/** Creates or updates every stream and bucket Sift uses; safe to run from every replica at once. */
export async function provisionStreams(nc: NatsConnection, o: ProvisionOptions, log: Logger): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const days = o.resultsDays ?? 7;
  const replicas = o.replicas ?? 1;
  const base = { storage: StorageType.File, duplicate_window: ns(o.duplicateWindowMs), num_replicas: replicas };
  await ensureStream(jsm, log, {
    ...base,
    name: Streams.work.name,
    subjects: [...Streams.work.subjects],
    retention: RetentionPolicy.Workqueue,
  });
  await ensureStream(jsm, log, {
    ...base,
    name: Streams.results.name,
    subjects: [...Streams.results.subjects],
    retention: RetentionPolicy.Limits,
    max_age: ns(days * DAY_MS),
    max_bytes: limitBytes(o.resultsMaxBytes),
  });
  await ensureStream(jsm, log, {
    ...base,
    name: Streams.dlq.name,
    subjects: [...Streams.dlq.subjects],
    retention: RetentionPolicy.Limits,
    max_age: ns((o.dlqDays ?? 30) * DAY_MS),
    max_bytes: limitBytes(o.dlqMaxBytes),
  });
  await ensureStream(jsm, log, {
    ...base,
    name: Streams.advisories.name,
    subjects: [...Streams.advisories.subjects],
    retention: RetentionPolicy.Workqueue,
    max_age: ns(days * DAY_MS),
  });
  const kvm = new Kvm(nc);
  const objm = new Objm(nc);
  const linesAge = ns((o.linesDays ?? 90) * DAY_MS);
  // payload objects are only read while their message is in flight or replayed
  const payloadsAge = ns(days * DAY_MS);
  await refused(replicas, kvStream(Buckets.fileState), () => kvm.create(Buckets.fileState, { history: 1, replicas }));
  await refused(replicas, kvStream(Buckets.lines), () =>
    kvm.create(Buckets.lines, { history: 1, replicas, ttl: linesAge / 1_000_000 }),
  );
  await refused(replicas, objStream(Buckets.files), () => objm.create(Buckets.files, { replicas }));
  await refused(replicas, objStream(Buckets.payloads), () =>
    objm.create(Buckets.payloads, { replicas, ttl: payloadsAge }),
  );
  // create() leaves a bucket that exists as it is: bring its copies (and age) to what is asked
  await resize(jsm, log, kvStream(Buckets.fileState), { num_replicas: replicas });
  await resize(jsm, log, kvStream(Buckets.lines), { num_replicas: replicas, max_age: linesAge });
  await resize(jsm, log, objStream(Buckets.files), { num_replicas: replicas });
  await resize(jsm, log, objStream(Buckets.payloads), { num_replicas: replicas, max_age: payloadsAge });
}

/** Runs `create`; a server that cannot keep `replicas` copies says why, with what to do about it. */
async function refused<T>(replicas: number, stream: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    throw replicaError(replicas, stream, err) ?? err;
  }
}

function replicaError(replicas: number, stream: string, err: unknown): ProvisionError | undefined {
  const reason = err instanceof Error ? err.message : String(err);
  if (replicas <= 1 || !/replica|cluster|insufficient resources|peer/i.test(reason)) return undefined;
  return new ProvisionError(
    `SIFT_REPLICAS=${replicas}: the server cannot keep ${replicas} copies of ${stream} (${reason}); ` +
      `it takes a cluster of at least ${replicas} JetStream servers (see the compose profile "cluster"), or SIFT_REPLICAS=1`,
    { cause: err },
  );
}

/** Brings an existing stream's copies and age to `want`, keeping the rest of its settings. */
async function resize(
  jsm: JetStreamManager,
  log: Logger,
  name: string,
  want: { num_replicas: number; max_age?: number },
): Promise<void> {
  const info = await jsm.streams.info(name);
  const c = info.config;
  if (c.num_replicas === want.num_replicas && (want.max_age === undefined || c.max_age === want.max_age)) return;
  try {
    const after = await jsm.streams.update(name, { ...c, ...want });
    await checkCopies(jsm, log, name, c.num_replicas, after);
  } catch (err) {
    const why = replicaError(want.num_replicas, name, err);
    // what exists keeps working with its old copies: say so loudly, and go on
    log.error(
      { err: why ?? err, stream: name, replicas: c.num_replicas, wanted: want.num_replicas },
      "stream not resized",
    );
  }
}

/**
 * A server that is not part of a cluster takes an update to more copies and keeps one: that is said as plainly
 * as a refusal, and the stream's settings are put back to what it really keeps.
 */
async function checkCopies(jsm: JetStreamManager, log: Logger, stream: string, from: number, after: StreamInfo) {
  const wanted = after.config.num_replicas;
  const copies = after.cluster ? 1 + (after.cluster.replicas?.length ?? 0) : 1;
  if (copies >= wanted) {
    if (from !== wanted) log.info({ stream, from, replicas: wanted }, "stream settings updated");
    return;
  }
  const err = new ProvisionError(
    `SIFT_REPLICAS=${wanted}: the server cannot keep ${wanted} copies of ${stream} (it keeps ${copies}: not a cluster); ` +
      `it takes a cluster of at least ${wanted} JetStream servers (see the compose profile "cluster"), or SIFT_REPLICAS=${copies}`,
  );
  log.error({ err, stream, replicas: copies, wanted }, "stream not resized");
  await jsm.streams.update(stream, { ...after.config, num_replicas: from }).catch(() => {});
}

async function ensureStream(jsm: JetStreamManager, log: Logger, cfg: Partial<StreamConfig> & { name: string }) {
  const full = { discard: DiscardPolicy.Old, ...cfg };
  try {
    await jsm.streams.add(full);
  } catch (err) {
    const existing = await jsm.streams.info(cfg.name).catch(() => undefined);
    if (!existing) throw replicaError(cfg.num_replicas ?? 1, cfg.name, err) ?? err;
    // already there with other settings: bring over what may change, keep the rest
    try {
      const { retention: _r, storage: _s, ...editable } = full;
      const after = await jsm.streams.update(cfg.name, { ...existing.config, ...editable });
      await checkCopies(jsm, log, cfg.name, existing.config.num_replicas, after);
    } catch (updateErr) {
      const why = replicaError(cfg.num_replicas ?? 1, cfg.name, updateErr);
      log.error({ err: why ?? updateErr, cause: err, stream: cfg.name }, "stream settings not updated");
    }
  }
}

export interface ConsumerOptions {
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
}

/** Creates or updates one durable pull consumer; every replica of a stage binds to the same one. */
export async function provisionConsumer(
  nc: NatsConnection,
  spec: ConsumerSpec,
  o: ConsumerOptions,
  log: Logger,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const cfg = {
    durable_name: spec.durable,
    filter_subject: spec.filter,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ns(o.ackWaitMs),
    max_deliver: o.maxDeliver,
    max_ack_pending: o.maxAckPending,
  };
  try {
    await jsm.consumers.add(spec.stream, cfg);
  } catch (err) {
    try {
      const { durable_name: _d, filter_subject: _f, ack_policy: _a, ...editable } = cfg;
      await jsm.consumers.update(spec.stream, spec.durable, editable);
    } catch (updateErr) {
      log.warn({ err: updateErr, cause: err, consumer: spec.durable }, "consumer settings not updated");
    }
  }
}

/**
 * Watches a durable consumer for messages it will never deliver. nats-server 2.9 leaves two such states after
 * leader changes in a cluster (both seen in tests/cluster.test.ts): a stream whose sequence went back below what
 * its consumer had delivered (a replica that lost its messages became the leader: SIFT_WORK at 1..50 while its
 * consumers stood at ~90), and a work queue holding messages of the consumer's subject that the consumer counts
 * neither pending nor in flight (five files stored, the segmenter's consumer at 0 and 0). Either way nothing is
 * delivered again, for ever. Seen on two checks in a row, the consumer is made again, from the stream's first
 * message: a work queue holds only what no one acked, and the work is idempotent under redelivery (Nats-Msg-Id,
 * atomic outputs). Returns whether it made the consumer again.
 */
export function createConsumerWatch(
  nc: NatsConnection,
  spec: ConsumerSpec,
  o: ConsumerOptions,
  log: Logger,
): () => Promise<boolean> {
  let seen = 0;
  // made once, without the account-info request `jetstreamManager` sends to check the API: a check is two requests
  let manager: JetStreamManager | undefined;
  return async () => {
    manager ??= await jetstreamManager(nc, { checkAPI: false });
    const jsm = manager;
    // the consumer first, then the stream: a message stored and delivered in between cannot make it look ahead
    const c = await jsm.consumers.info(spec.stream, spec.durable);
    const s = await jsm.streams.info(spec.stream, { subjects_filter: spec.filter });
    const delivered = c.delivered.stream_seq;
    const last = s.state.last_seq;
    const stored = Object.values(s.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    const ahead = delivered > last;
    const stranded =
      s.config.retention === RetentionPolicy.Workqueue && stored > 0 && c.num_pending + c.num_ack_pending === 0;
    if (!ahead && !stranded) {
      seen = 0;
      return false;
    }
    if (++seen < 2) return false;
    seen = 0;
    log.error(
      { stream: spec.stream, consumer: spec.durable, delivered, last, stored },
      ahead
        ? "the stream's sequence went back below what its consumer had delivered; the consumer is made again from the stream's first message"
        : "the stream holds messages its consumer counts neither pending nor in flight; the consumer is made again from the stream's first message",
    );
    await jsm.consumers.delete(spec.stream, spec.durable).catch(() => {});
    await provisionConsumer(nc, spec, o, log);
    return true;
  };
}
