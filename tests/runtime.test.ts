import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";
import { connect } from "@nats-io/transport-node";
import { Buckets, Consumers, encodeJson, FileReceived, SiftError, Streams, Subjects } from "@sift/contracts";
import { createLogger, envelope, provisionConsumer, runStage, type Service, startService } from "@sift/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { waitFor } from "./support/wait.js";

/** A segmenter stage that records each message's `n` and checks its consumer every 0.3 s. */
async function recordingStage(svc: Service) {
  const handled: number[] = [];
  const stage = await runStage(svc, {
    stage: "segmenter",
    consumer: Consumers.segmenter,
    input: z.object({ fileId: z.string(), n: z.number() }),
    handle: async (m) => {
      handled.push(m.n);
      return [];
    },
    consumerCheckMs: 300,
  });
  return { handled, stage };
}

describe("runtime against a real server", () => {
  let nats: LocalNats | undefined;
  let p: Pipeline | undefined;
  let svc: Service | undefined;
  afterEach(async () => {
    await p?.stopAll();
    if (svc) {
      await svc.nc.close();
      await svc.http.close();
    }
    await nats?.stop();
    if (p) removeDir(p.dataDir);
    p = undefined;
    svc = undefined;
  });

  it("carries messages over the server's max payload through the Object Store, invisibly to the stages", async () => {
    nats = await startLocalNats({ maxPayload: 64 * 1024 });
    p = await startPipeline({ natsUrl: nats.url });
    const paragraph = "Olga Petrova of Baltic Shipping met officials in Riga to discuss the port. ";
    // over 256 KiB: the bytes go through the sift-files Object Store and the sink streams the output
    const text = Array.from({ length: 4000 }, (_, i) => `${paragraph}Item ${i}.`).join("\n\n");
    expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024);
    writeFileSync(join(p.dir("intake"), "long.txt"), text);
    await p.waitForOutputs(1, 60_000);
    const out = JSON.parse(await readFile(join(p.dir("output"), "long.txt.json"), "utf8"));
    expect(out.documents.map((d: { text: string }) => d.text).join("")).toContain("Item 3999.");
    expect(out.file.size).toBe(Buffer.byteLength(text));
    expect(p.files("failed")).toEqual([]);
    const nc = await connect({ servers: nats.url });
    const stored = await (await (await new Objm(nc).open(Buckets.payloads)).list()).length;
    await nc.close();
    expect(stored).toBeGreaterThanOrEqual(3); // segmented, cleaned and tagged bodies went by reference
  });

  it("retries a transient failure with a delayed nak, then succeeds", async () => {
    nats = await startLocalNats();
    svc = await startService({
      service: "retry-test",
      env: { NATS_URL: nats.url, LOG_LEVEL: "silent", ACK_WAIT_MS: "2000", MAX_DELIVER: "5" },
    });
    const attempts: number[] = [];
    const stage = await runStage(svc, {
      stage: "segmenter",
      consumer: Consumers.segmenter,
      input: z.object({ fileId: z.string(), n: z.number() }),
      handle: async (_m, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new SiftError("FLAKY", "not yet");
        return [];
      },
    });
    await jetstream(svc.nc).publish(Subjects.fileReceived, encodeJson({ fileId: "x", n: 1 }));
    await waitFor(() => attempts.length >= 3);
    await stage.stop();
    expect(attempts).toEqual([1, 2, 3]);
    const metrics = await svc.metrics.registry.getSingleMetricAsString("sift_messages_retried_total");
    expect(metrics).toMatch(/sift_messages_retried_total\{service="retry-test"\} 2/);
  });

  it("works on up to MAX_IN_FLIGHT small messages at once, and on no more than WORK_PROCESSES + 2 large ones", async () => {
    nats = await startLocalNats();
    svc = await startService({
      service: "in-flight-test",
      env: {
        NATS_URL: nats.url,
        LOG_LEVEL: "silent",
        MAX_IN_FLIGHT: "8",
        WORK_PROCESSES: "1",
        WORK_INLINE_MAX_BYTES: "1000",
      },
    });
    let now = { small: 0, large: 0 };
    let most = { small: 0, large: 0, both: 0 };
    let done = 0;
    const stage = await runStage(svc, {
      stage: "segmenter",
      consumer: Consumers.segmenter,
      input: z.object({ fileId: z.string(), pad: z.string() }),
      handle: async (m) => {
        const kind = m.pad.length > 1000 ? "large" : "small";
        now = { ...now, [kind]: now[kind] + 1 };
        most = {
          small: Math.max(most.small, now.small),
          large: Math.max(most.large, now.large),
          both: Math.max(most.both, now.small + now.large),
        };
        await new Promise((r) => setTimeout(r, 150));
        now = { ...now, [kind]: now[kind] - 1 };
        done++;
        return [];
      },
    });
    const js = jetstream(svc.nc);
    // large ones first: the small ones behind them still find the slots the large ones may not take
    for (let i = 0; i < 8; i++)
      await js.publish(Subjects.fileReceived, encodeJson({ fileId: `l${i}`, pad: "x".repeat(2000) }));
    for (let i = 0; i < 16; i++) await js.publish(Subjects.fileReceived, encodeJson({ fileId: `s${i}`, pad: "" }));
    await waitFor(() => done >= 24, 30_000);
    await stage.stop();
    expect(most.large).toBe(3);
    expect(most.both).toBe(8);
    expect(most.small).toBeGreaterThanOrEqual(5);
  });

  it("works on more messages at once than a pull brings, and holds no more than a pull beyond them", async () => {
    nats = await startLocalNats();
    // more slots than a pull's 12: the stage fills them from several pulls
    svc = await startService({
      service: "pull-test",
      env: { NATS_URL: nats.url, LOG_LEVEL: "silent", MAX_IN_FLIGHT: "20" },
    });
    let now = 0;
    let most = 0;
    let done = 0;
    const stage = await runStage(svc, {
      stage: "segmenter",
      consumer: Consumers.segmenter,
      input: z.object({ fileId: z.string() }),
      handle: async () => {
        most = Math.max(most, ++now);
        await new Promise((r) => setTimeout(r, 300));
        now--;
        done++;
        return [];
      },
    });
    const js = jetstream(svc.nc);
    for (let i = 0; i < 80; i++) await js.publish(Subjects.fileReceived, encodeJson({ fileId: `f${i}` }));
    // what the server has delivered and not had acked: the stage's slots, plus what waits in the client with no
    // keep-alive (a pull's worth, and the one message the loop holds while it waits for a slot)
    const jsm = await jetstreamManager(svc.nc);
    let unacked = 0;
    while (done < 80) {
      const info = await jsm.consumers.info(Consumers.segmenter.stream, Consumers.segmenter.durable);
      unacked = Math.max(unacked, info.num_ack_pending);
      await new Promise((r) => setTimeout(r, 20));
    }
    await stage.stop();
    expect(most).toBe(20);
    expect(unacked).toBeGreaterThan(20);
    expect(unacked).toBeLessThanOrEqual(20 + 12 + 1);
  });

  it("makes its consumer again when the stream's sequence went back below what it had delivered, and takes what came since", async () => {
    nats = await startLocalNats();
    svc = await startService({
      service: "sequence-test",
      env: { NATS_URL: nats.url, LOG_LEVEL: "silent", ACK_WAIT_MS: "2000", MAX_DELIVER: "5" },
    });
    const { handled, stage } = await recordingStage(svc);
    const publish = async (from: number, to: number) => {
      const nc = await connect({ servers: nats!.url });
      for (let n = from; n < to; n++)
        await jetstream(nc).publish(Subjects.fileReceived, encodeJson({ fileId: `f${n}`, n }));
      await nc.close();
    };
    await publish(0, 5);
    await waitFor(() => handled.length >= 5);
    const jsm = await jetstreamManager(svc.nc);
    await waitFor(async () => (await jsm.consumers.info(Streams.work.name, "segmenter")).ack_floor.stream_seq >= 5);
    await new Promise((r) => setTimeout(r, 1500)); // the consumer's state reaches its file
    // what a replica that lost its messages does as the new leader: the stream starts again at sequence 1, while
    // the consumer's state says it delivered up to 5 (its messages removed from the store under a stopped server)
    await nats.kill();
    rmSync(join(nats.storeDir, "jetstream", "$G", "streams", Streams.work.name, "msgs"), { recursive: true });
    await nats.start();
    await publish(5, 8);
    const nc = await connect({ servers: nats.url });
    const gone = await jetstreamManager(nc);
    expect((await gone.streams.info(Streams.work.name)).state.last_seq).toBe(3);
    await nc.close();
    await waitFor(() => handled.length >= 8, 20_000, "the messages stored after the stream went back");
    await stage.stop();
    expect(handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("makes its consumer again when the work queue holds a message the consumer counts neither pending nor in flight", async () => {
    nats = await startLocalNats();
    const env = { NATS_URL: nats.url, LOG_LEVEL: "silent", ACK_WAIT_MS: "500", MAX_DELIVER: "2" };
    svc = await startService({ service: "stranded-test", env });
    const options = { ackWaitMs: 500, maxDeliver: 2, maxAckPending: 1000 };
    await provisionConsumer(svc.nc, Consumers.segmenter, options, createLogger({ service: "t", level: "silent" }));
    await jetstream(svc.nc).publish(Subjects.fileReceived, encodeJson({ fileId: "f", n: 1 }));
    // delivered MAX_DELIVER times and never acked, with no advisory taken: what a consumer left by a leader change
    // that lost its pending state looks like, too (nothing pending, nothing in flight, the message still stored)
    const raw = await jetstream(svc.nc).consumers.get(Streams.work.name, Consumers.segmenter.durable);
    for (let i = 0; i < 2; i++) {
      for await (const _m of await raw.fetch({ max_messages: 1, expires: 1000 })) break;
      await new Promise((r) => setTimeout(r, 700));
    }
    // the server drops a message out of its counts when it would deliver it a third time
    for await (const _m of await raw.fetch({ max_messages: 1, expires: 1000 })) break;
    const jsm = await jetstreamManager(svc.nc);
    await waitFor(
      async () => {
        const c = await jsm.consumers.info(Streams.work.name, Consumers.segmenter.durable);
        return c.num_pending === 0 && c.num_ack_pending === 0;
      },
      10_000,
      "the message out of the consumer's counts",
    );
    expect((await jsm.streams.info(Streams.work.name)).state.messages).toBe(1);
    const { handled, stage } = await recordingStage(svc);
    await waitFor(() => handled.length >= 1, 20_000, "the stranded message");
    await stage.stop();
    expect(handled).toEqual([1]);
    await waitFor(async () => (await jsm.streams.info(Streams.work.name)).state.messages === 0);
  });

  it("acks a message only once the work it does alongside its publishes is done: a failure there retries it", async () => {
    nats = await startLocalNats();
    svc = await startService({
      service: "alongside-test",
      env: { NATS_URL: nats.url, LOG_LEVEL: "silent", ACK_WAIT_MS: "2000", MAX_DELIVER: "5" },
    });
    const attempts: number[] = [];
    const booked: number[] = [];
    const stage = await runStage(svc, {
      stage: "segmenter",
      consumer: Consumers.segmenter,
      input: z.object({ fileId: z.string(), n: z.number() }),
      handle: async (_m, ctx) => {
        attempts.push(ctx.attempt);
        const attempt = ctx.attempt;
        ctx.alongside(
          (async () => {
            await new Promise((r) => setTimeout(r, 20));
            if (attempt < 2) throw new SiftError("FLAKY", "the bookkeeping failed");
            booked.push(attempt);
          })(),
        );
        return [];
      },
    });
    await jetstream(svc.nc).publish(Subjects.fileReceived, encodeJson({ fileId: "y", n: 1 }));
    await waitFor(() => booked.length >= 1);
    // nothing more comes once the second delivery's bookkeeping is done and the message acked
    await new Promise((r) => setTimeout(r, 2500));
    await stage.stop();
    expect(attempts).toEqual([1, 2]);
    expect(booked).toEqual([2]);
  });

  it("dead-letters a message whose worker dies on every delivery, from the max-deliveries advisory", async () => {
    nats = await startLocalNats();
    p = await startPipeline({ natsUrl: nats.url, env: { MAX_DELIVER: "2", ACK_WAIT_MS: "1000" } });
    await p.stopAll(); // keep the streams; run only the sink, and play a segmenter that crashes
    removeDir(p.dataDir);
    p = await startPipeline({ natsUrl: nats.url, env: { MAX_DELIVER: "2", ACK_WAIT_MS: "1000" }, only: ["sink"] });
    const nc = await connect({ servers: nats.url });
    try {
      const bytes = new TextEncoder().encode("poison\n");
      const fileId = "a".repeat(64);
      await (await new Objm(nc).open(Buckets.files)).putBlob({ name: fileId }, bytes);
      const producer = { service: "test", version: "0", instance: "t" };
      const msg = FileReceived.parse({
        ...envelope(producer, fileId, `${fileId}@intake`),
        file: {
          fileId,
          name: "poison.txt",
          size: bytes.length,
          mediaType: "text/plain",
          receivedAt: new Date().toISOString(),
        },
        object: { bucket: Buckets.files, name: fileId, size: bytes.length },
      });
      const js = jetstream(nc);
      await js.publish(Subjects.fileReceived, encodeJson(msg));
      const log = { warn() {}, info() {}, error() {} } as never;
      await provisionConsumer(nc, Consumers.segmenter, { ackWaitMs: 1000, maxDeliver: 2, maxAckPending: 10 }, log);
      const consumer = await js.consumers.get(Consumers.segmenter.stream, Consumers.segmenter.durable);
      for (let i = 0; i < 2; i++) {
        const m = await consumer.next({ expires: 5000 });
        expect(m?.info.deliveryCount).toBe(i + 1); // taken, never acked: as if the worker died
      }
      // the server gives up (and advises) only when a worker asks again, as a restarted one does
      expect(await consumer.next({ expires: 3000 })).toBeNull();
      await waitFor(() => p!.files("failed").includes("poison.txt.error.json"), 30_000);
      const record = JSON.parse(await readFile(join(p.dir("failed"), "poison.txt.error.json"), "utf8"));
      expect(record).toMatchObject({
        name: "poison.txt",
        stage: "segmenter",
        attempts: 2,
        error: { code: "MAX_DELIVERIES" },
      });
      expect(await readFile(join(p.dir("failed"), "poison.txt"), "utf8")).toBe("poison\n");
    } finally {
      await nc.close();
    }
  });
});
