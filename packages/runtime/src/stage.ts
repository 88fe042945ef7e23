import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import {
  type ConsumerSpec,
  dlqSubject,
  errorCode,
  errorMessage,
  type FileMeta,
  groupDocId,
  isPermanentError,
  runOf,
} from "@sift/contracts";
import type { z } from "zod";
import { envelope, type Producer } from "./envelope.js";
import type { Logger } from "./logger.js";
import { isBrokerUnavailable } from "./nats.js";
import { createConsumerWatch, provisionConsumer } from "./provision.js";
import type { Service } from "./service.js";

export interface Outgoing {
  subject: string;
  /** The full message, envelope included; its `id` becomes the Nats-Msg-Id. */
  message: { id: string } & Record<string, unknown>;
  /** What the message is; whoever takes it in validates it with this. */
  schema: z.ZodType;
}

export interface HandlerContext {
  log: Logger;
  /** Delivery count of this message, 1 on the first try. */
  attempt: number;
  /** Stream sequence of this message. */
  seq: number;
  /** Tells the server the work goes on, so the message is not redelivered. */
  working(): void;
  /** Adds fields to the one line logged for this message. */
  note(fields: Record<string, unknown>): void;
  /**
   * Work that must be done before the message is acked but need not be before its outputs are published
   * (bookkeeping in KV): it runs while they are, so its request and theirs share a write and a wait.
   * Should it fail, the message is retried (or dead-lettered) like one whose handler threw.
   */
  alongside(work: Promise<unknown>): void;
}

export interface StageOptions<S extends z.ZodType> {
  /** Used in logs, the DLQ subject and metrics. */
  stage: string;
  consumer: ConsumerSpec;
  input: S;
  handle: (input: z.infer<S>, ctx: HandlerContext) => Promise<Outgoing[]>;
  /** In-flight limit of this replica; defaults to MAX_IN_FLIGHT. */
  maxInFlight?: number;
  /**
   * Whether a message (its raw bytes) brings a large unit of work: at most WORK_PROCESSES + 2 of those are in flight
   * at once, whatever MAX_IN_FLIGHT says, since each holds its unit in memory while it waits for a worker. Default:
   * a body stored by reference (over the server's max payload) or over WORK_INLINE_MAX_BYTES.
   */
  isLarge?: (data: Uint8Array) => boolean;
  /** The server-side cap on unacked messages across replicas. */
  maxAckPending?: number;
  /** How often the consumer is checked for messages it will never deliver (`createConsumerWatch`). */
  consumerCheckMs?: number;
}

export interface RunningStage {
  stop(): Promise<void>;
  readonly consuming: boolean;
}

/**
 * Messages a replica asks the server for at a time, whatever MAX_IN_FLIGHT allows in flight: what a pull brought and
 * the stage has not taken yet waits in the client with no keep-alive (nats.js pulls again only as the loop takes
 * messages), so the pull stays small while more messages are worked on at once. Slots, not pulls, made the
 * difference: 10,000 small files with 32 in flight went as fast with pulls of 12 as with pulls of 32.
 */
const PULL_BATCH = 12;

const retryDelayMs = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1));

/** How often a stage checks its consumer for messages it will never deliver. */
const CONSUMER_CHECK_MS = 10_000;

/** How long one delivery waits for the broker to answer again before it counts as failed. */
const BROKER_WAIT_MS = 60_000;

/** Acks, naks and keep-alives while the connection is down must not throw out of a timer: redelivery covers them. */
function quietly(log: Logger, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.warn({ err }, `${what} not sent`);
  }
}

/**
 * The consume loop: read (and resolve a large body), validate, run the stage, publish with Nats-Msg-Id, ack. Permanent errors and the last delivery go to the DLQ; anything else is nak'd with a delay.
 */
export async function runStage<S extends z.ZodType>(svc: Service, o: StageOptions<S>): Promise<RunningStage> {
  const { config, log, nc, js, publisher, metrics, producer } = svc;
  const maxInFlight = o.maxInFlight ?? config.MAX_IN_FLIGHT;
  const maxLarge = Math.min(maxInFlight, config.WORK_PROCESSES + 2);
  const pullBatch = Math.min(maxInFlight, PULL_BATCH);
  const isLarge = o.isLarge ?? ((data: Uint8Array) => data.length > config.WORK_INLINE_MAX_BYTES || isReference(data));
  const consumerOptions = {
    ackWaitMs: config.ACK_WAIT_MS,
    maxDeliver: config.MAX_DELIVER,
    maxAckPending: o.maxAckPending ?? 1000,
  };
  await provisionConsumer(nc, o.consumer, consumerOptions, log);
  const consumer = await js.consumers.get(o.consumer.stream, o.consumer.durable);
  let stopping = false;
  let consuming = false;
  let messages: ConsumerMessages | undefined;
  let inFlight = 0;
  let largeInFlight = 0;
  const waiters: Array<() => void> = [];
  const release = (large: boolean) => {
    inFlight--;
    if (large) largeInFlight--;
    for (const w of waiters.splice(0)) w();
  };
  const slot = async (large: boolean) => {
    while (inFlight >= maxInFlight || (large && largeInFlight >= maxLarge))
      await new Promise<void>((r) => waiters.push(r));
    inFlight++;
    if (large) largeInFlight++;
  };
  const idle = async () => {
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  };

  const deadLetter = async (
    m: JsMsg,
    body: unknown,
    err: unknown,
    ids: { fileId?: string; docId?: string; file?: FileMeta },
  ) => {
    const attempts = m.info.deliveryCount;
    const payloadRef = publisher.payloadRef(m.headers, m.data.length);
    // a large body stays where it is (its reference is enough): no need to serialise it to learn its size
    const raw = payloadRef ? "" : JSON.stringify(body ?? null);
    const inputId = (body as { id?: unknown } | undefined)?.id;
    const id = `${typeof inputId === "string" ? inputId : `seq-${m.seq}`}@dlq.${o.stage}`;
    const message = {
      ...envelope(producer, ids.fileId ?? "", id),
      stage: o.stage,
      subject: m.subject,
      ...(payloadRef ? { payloadRef } : raw.length < publisher.maxPayload / 2 ? { payload: body } : {}),
      ...(ids.file ? { file: ids.file } : {}),
      ...(ids.docId ? { docId: ids.docId } : {}),
      error: { code: errorCode(err), message: errorMessage(err) },
      attempts,
      failedAt: new Date().toISOString(),
    };
    await publisher.publish(dlqSubject(o.stage), message, id);
    metrics.failed.inc({ code: errorCode(err) });
  };

  const handleOne = async (m: JsMsg) => {
    const started = performance.now();
    for (let tries = 1; ; tries++) {
      const failed = await handleOnce(m, started);
      if (failed === undefined) return;
      // the broker, not the message, failed (a stream or KV bucket between leaders, a request timed out): the
      // same delivery runs again once it may answer, so an election does not spend the deliveries MAX_DELIVER
      // keeps for the message's own failures (the work is idempotent: a redelivery would run it again too)
      svc.broker.unanswered(failed);
      const delay = Math.min(2000, 100 * 2 ** tries);
      log.warn({ seq: m.seq, err: failed, retryInMs: delay }, "broker unavailable, trying the message again");
      quietly(log, "working", () => m.working());
      await new Promise((r) => setTimeout(r, delay));
      if (stopping) {
        quietly(log, "nak", () => m.nak(retryDelayMs(m.info.deliveryCount)));
        return;
      }
    }
  };

  /** One run of a delivery; a broker failure is returned (not acked or nak'd), for handleOne to run it again. */
  const handleOnce = async (m: JsMsg, started: number): Promise<unknown> => {
    const attempt = m.info.deliveryCount;
    const keepAlive = setInterval(
      () => quietly(log, "working", () => m.working()),
      Math.max(200, config.ACK_WAIT_MS / 3),
    );
    let body: unknown;
    let ids: { fileId?: string; docId?: string; file?: FileMeta } = {};
    const notes: Record<string, unknown> = {};
    const besides: Array<Promise<unknown>> = [];
    // one child logger a message (made when first needed, once its ids are known)
    let child: Logger | undefined;
    const mlog = () => {
      child ??= log.child({ seq: m.seq, attempt, ...pickIds(ids) });
      return child;
    };
    try {
      const read = await publisher.read(m.data, () => m.headers);
      body = read.body;
      const parsed = o.input.safeParse(body);
      if (!parsed.success) {
        ids = messageIds(body);
        const err = Object.assign(
          new Error(`invalid ${m.subject} message: ${parsed.error.issues[0]?.message ?? "?"}`),
          {
            code: "INVALID_MESSAGE",
          },
        );
        await deadLetter(m, body, err, ids);
        quietly(log, "ack", () => m.ack());
        mlog().warn({ err, ms: elapsed(started) }, "invalid message, dead-lettered");
        return undefined;
      }
      ids = messageIds(parsed.data);
      // a body that came by reference is dead-lettered by its reference: only its id is kept, not a second copy of it
      if (read.ref) body = { id: (body as { id?: unknown }).id };
      const out = await o.handle(parsed.data, {
        log: mlog(),
        attempt,
        seq: m.seq,
        working: () => quietly(log, "working", () => m.working()),
        note: (fields) => Object.assign(notes, fields),
        alongside: (work) => {
          // handled now (a handler that throws later must not leave it unhandled), awaited below
          work.catch(() => {});
          besides.push(work);
        },
      });
      // validated where it is taken in (the next stage's edge), not here too: it was built from a validated input;
      // sent together (one write, the acks awaited side by side), acked only once JetStream has stored every one
      const [acks] = await Promise.all([
        Promise.all(out.map((msg) => publisher.publish(msg.subject, msg.message, msg.message.id))),
        ...besides,
      ]);
      quietly(log, "ack", () => m.ack());
      metrics.processed.inc();
      metrics.duration.observe((performance.now() - started) / 1000);
      // where its outputs were stored (the next stage's line for each has it as its seq), and how many JetStream
      // dropped as copies of messages it already had (a redelivery's)
      const outSeqs = acks.map((a) => a.seq);
      const duplicates = acks.filter((a) => a.duplicate).length;
      mlog().info(
        { ...notes, ms: elapsed(started), out: out.length, outSeqs, ...(duplicates ? { duplicates } : {}) },
        "message handled",
      );
    } catch (err) {
      if (isBrokerUnavailable(err) && !stopping && performance.now() - started <= BROKER_WAIT_MS) return err;
      const last = attempt >= config.MAX_DELIVER;
      if (isPermanentError(err) || last) {
        try {
          await deadLetter(m, body, err, ids);
          quietly(log, "ack", () => m.ack());
          mlog().warn({ err, ms: elapsed(started), permanent: !last }, "message failed, dead-lettered");
        } catch (dlqErr) {
          quietly(log, "nak", () => m.nak(retryDelayMs(attempt)));
          mlog().error({ err: dlqErr, cause: err }, "dead-lettering failed, will retry");
        }
        return undefined;
      }
      metrics.retried.inc();
      const delay = retryDelayMs(attempt);
      quietly(log, "nak", () => m.nak(delay));
      mlog().warn({ err, ms: elapsed(started), retryInMs: delay }, "message failed, will retry");
    } finally {
      clearInterval(keepAlive);
    }
    return undefined;
  };

  const loop = (async () => {
    while (!stopping) {
      try {
        // nats.js asks for more once no more than threshold_messages are still to come: at its default (three
        // quarters of the batch) that was a pull request for nearly every message; at a quarter, one for every
        // three or so, and no more waits in this process than before
        messages = await consumer.consume({
          max_messages: pullBatch,
          threshold_messages: Math.max(1, Math.floor(pullBatch / 4)),
        });
        consuming = true;
        void (async () => {
          for await (const s of messages.status()) {
            if (s.type === "heartbeats_missed" || s.type === "consumer_not_found" || s.type === "stream_not_found") {
              log.warn({ status: s.type }, "consumer status");
            }
          }
        })().catch(() => {});
        for await (const m of messages) {
          const large = isLarge(m.data);
          await slot(large);
          void handleOne(m).finally(() => release(large));
        }
      } catch (err) {
        if (!stopping) log.error({ err }, "consume loop failed, restarting");
      }
      consuming = false;
      if (!stopping) await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  const consumerWatch = createConsumerWatch(nc, o.consumer, consumerOptions, log);
  let checking = false;
  const watchingConsumer = setInterval(() => {
    // one check at a time: two that overlap on a slow broker would count as two in a row
    if (checking || stopping) return;
    checking = true;
    consumerWatch()
      .then(
        // the old consumer's messages end: consume the new one
        (remade) => remade && messages?.stop(),
        () => {}, // the broker did not answer: the next check asks again
      )
      .finally(() => {
        checking = false;
      });
  }, o.consumerCheckMs ?? CONSUMER_CHECK_MS);
  watchingConsumer.unref();

  log.info({ consumer: o.consumer.durable, maxInFlight }, "consuming");
  return {
    get consuming() {
      return consuming;
    },
    async stop() {
      stopping = true;
      clearInterval(watchingConsumer);
      messages?.stop();
      await loop;
      await idle();
      log.info({ consumer: o.consumer.durable }, "consumer stopped");
    },
  };
}

const REF_START = new TextEncoder().encode('{"$ref"');

/** A body sent by reference (`Publisher.publish` over the max payload): `{"$ref": …}`, a few dozen bytes. */
function isReference(data: Uint8Array): boolean {
  if (data.length > 512 || data.length < REF_START.length) return false;
  for (let i = 0; i < REF_START.length; i++) if (data[i] !== REF_START[i]) return false;
  return true;
}

const elapsed = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

function pickIds(ids: { fileId?: string; docId?: string }) {
  return { ...(ids.fileId ? { fileId: ids.fileId } : {}), ...(ids.docId ? { docId: ids.docId } : {}) };
}

/**
 * fileId, docId and file from any message (even one that did not validate), for its log line and DLQ record; a message
 * of several documents is named by their range (`groupDocId`).
 */
export function messageIds(body: unknown): { fileId?: string; docId?: string; file?: FileMeta } {
  if (typeof body !== "object" || body === null) return {};
  const b = body as { fileId?: unknown; docId?: unknown; file?: unknown; docs?: unknown };
  const docs = Array.isArray(b.docs) ? (b.docs as Array<{ docId?: unknown; index?: unknown; file?: unknown }>) : [];
  const named = docs.length > 0 && docs.every((d) => typeof d?.docId === "string" && typeof d.index === "number");
  const docId = named ? groupDocId(docs as Array<{ docId: string; index: number }>) : b.docId;
  const file = (b.file ?? docs[0]?.file) as FileMeta | undefined;
  return {
    ...(typeof b.fileId === "string" && b.fileId ? { fileId: b.fileId } : {}),
    ...(typeof docId === "string" ? { docId } : {}),
    ...(file && typeof file === "object" && typeof file.name === "string" ? { file } : {}),
  };
}

/** Documents a stage produced, as one message whose id (and Nats-Msg-Id) is `<groupDocId>@<service>.<run>`. */
export function documentsMessage(
  producer: Producer,
  subject: string,
  schema: z.ZodType,
  docs: ReadonlyArray<{ docId: string; index: number; file: { fileId: string; receivedAt: string } }>,
): Outgoing {
  const file = docs[0]?.file;
  if (!file) throw new Error("a message of documents holds one at least");
  const id = `${groupDocId(docs)}@${producer.service}.${runOf(file)}`;
  return { subject, schema, message: { ...envelope(producer, file.fileId, id), docs } };
}
