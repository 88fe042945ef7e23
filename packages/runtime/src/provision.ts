import {
  AckPolicy,
  DiscardPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
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
  /** Days the results stream keeps messages for replay. */
  resultsDays?: number;
}

const ns = (ms: number): number => ms * 1_000_000;
const DAY_MS = 86_400_000;

/** Creates or updates every stream and bucket Sift uses; safe to run from every replica at once. */
export async function provisionStreams(nc: NatsConnection, o: ProvisionOptions, log: Logger): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const days = o.resultsDays ?? 7;
  const base = { storage: StorageType.File, duplicate_window: ns(o.duplicateWindowMs), num_replicas: 1 };
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
  });
  await ensureStream(jsm, log, {
    ...base,
    name: Streams.dlq.name,
    subjects: [...Streams.dlq.subjects],
    retention: RetentionPolicy.Limits,
    max_age: ns(30 * DAY_MS),
  });
  await ensureStream(jsm, log, {
    ...base,
    name: Streams.advisories.name,
    subjects: [...Streams.advisories.subjects],
    retention: RetentionPolicy.Workqueue,
    max_age: ns(days * DAY_MS),
  });
  const kvm = new Kvm(nc);
  await kvm.create(Buckets.fileState, { history: 1 });
  await kvm.create(Buckets.lines, { history: 1 });
  const objm = new Objm(nc);
  await objm.create(Buckets.files);
  // payload objects are only read while their message is in flight or replayed
  await objm.create(Buckets.payloads, { ttl: ns(days * DAY_MS) });
}

async function ensureStream(jsm: JetStreamManager, log: Logger, cfg: Partial<StreamConfig> & { name: string }) {
  const full = { discard: DiscardPolicy.Old, ...cfg };
  try {
    await jsm.streams.add(full);
  } catch (err) {
    // already there with other settings: bring over what may change, keep the rest
    try {
      const { retention: _r, storage: _s, ...editable } = full;
      await jsm.streams.update(cfg.name, editable);
    } catch (updateErr) {
      log.warn({ err: updateErr, cause: err, stream: cfg.name }, "stream settings not updated");
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
