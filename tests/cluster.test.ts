import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Streams, Subjects } from "@sift/contracts";
import {
  createBrokerWatch,
  createLogger,
  ProvisionError,
  Publisher,
  provisionedStreams,
  provisionStreams,
} from "@sift/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalCluster, startLocalCluster } from "./support/nats-cluster.js";
import { startLocalNats } from "./support/nats-server.js";
import { type LogLine, type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { completions } from "./support/results.js";
import { settled, waitFor } from "./support/wait.js";

const FILES = 80;
const PROVISION = { duplicateWindowMs: 120_000, ackWaitMs: 3000, maxDeliver: 5 };
const fileId = (i: number) => createHash("sha256").update(text(i)).digest("hex");
const text = (i: number) =>
  `Harbour notice ${i}\n\nThe harbour master of Belford said on day ${i} that ferry ${i * 7} would sail late, and Anna Berg of the council agreed.\n`;

describe("a three-node NATS cluster with SIFT_REPLICAS=3", () => {
  let cluster: LocalCluster | undefined;
  let p: Pipeline | undefined;
  let nc: NatsConnection | undefined;
  afterAll(async () => {
    await p?.stopAll();
    await nc?.close();
    await cluster?.stop();
    if (p) removeDir(p.dataDir);
  });

  const drop = (from: number, to: number) => {
    for (let i = from; i < to; i++) writeFileSync(join(p!.dir("intake"), `notice-${i}.txt`), text(i));
  };
  const workLeader = async () => (await (await jetstreamManager(nc!)).streams.info(Streams.work.name)).cluster?.leader;
  /** Until the restarted node is back in the meta group and a current replica of the work stream. */
  const healthy = async () => {
    try {
      const info = await (await jetstreamManager(nc!)).streams.info(Streams.work.name);
      const peers = info.cluster?.replicas ?? [];
      return Boolean(info.cluster?.leader) && peers.length === 2 && peers.every((r) => r.current && !r.offline);
    } catch {
      return false;
    }
  };

  /**
   * What failed or waits, and why, for a failure message: failed/, the queues, every stream's leader and replicas
   * (a stream left without one is what a timeout would be), which node each client is on and whether it routes the
   * work stream's subjects, and for each file `missing(i)` picks, where it lies and what the services last said of it.
   */
  const diagnose = async (headline: string, missing: (i: number) => boolean): Promise<string> => {
    const jsm = await jetstreamManager(nc!);
    const why = p!
      .files("failed")
      .filter((f) => f.endsWith(".error.json"))
      .map((f) => readFileSync(join(p!.dir("failed"), f), "utf8"));
    const lines: string[] = [];
    for (const c of [
      ...["segmenter", "cleaner", "tagger"].map((d) => [Streams.work.name, d]),
      [Streams.results.name, "sink"],
    ]) {
      const i = await jsm.consumers.info(c[0]!, c[1]!).catch((e: Error) => e.message);
      lines.push(
        typeof i === "string"
          ? `${c[1]}: ${i}`
          : `${c[1]}: ${i.num_pending} pending, ${i.num_ack_pending} in flight, ${i.num_redelivered} redelivered, delivered up to ${i.delivered.stream_seq}, leader ${i.cluster?.leader}`,
      );
    }
    for (const name of provisionedStreams()) {
      const i = await jsm.streams.info(name).catch((e: Error) => e.message);
      lines.push(
        typeof i === "string"
          ? `${name}: ${i}`
          : `${name}: leader ${i.cluster?.leader}, replicas ${JSON.stringify(i.cluster?.replicas?.map((r) => [r.name, r.current, r.offline, r.lag]))}, state ${JSON.stringify({ messages: i.state.messages, first: i.state.first_seq, last: i.state.last_seq })}`,
      );
    }
    for (const subject of Streams.work.subjects) lines.push(...(await cluster!.routing(subject)));
    const errOf = (l: LogLine) => (l.err as { message?: string } | undefined)?.message;
    for (let i = 0; i < FILES; i++) {
      if (!missing(i)) continue;
      const name = `notice-${i}.txt`;
      const lies = (["intake", "processed", "failed"] as const).filter((d) =>
        p!.files(d).some((f) => f.startsWith(`notice-${i}.`)),
      );
      const said = p!
        .logs()
        .filter((l) => l.file === name || l.fileId === fileId(i))
        .slice(-5)
        .map(
          (l) =>
            `${l.service} ${l.msg} seq ${l.seq} out ${JSON.stringify(l.outSeqs)}${l.duplicates ? ` (${l.duplicates} dup)` : ""}${errOf(l) ? `: ${errOf(l)}` : ""}`,
        );
      lines.push(`${name} (in ${lies.join(", ") || "no folder"}): ${said.join(" | ") || "no log line"}`);
    }
    const warned = p!.logs().filter((l) => l.level === "warn" || l.level === "error");
    // the first one's stack says which call failed
    const first = warned[0]?.err as { stack?: string } | undefined;
    const warnings = warned.slice(-10).map((l) => `${l.service} ${l.msg} ${errOf(l) ?? l.status ?? ""}`);
    return [
      headline,
      ...why.slice(0, 3),
      ...lines,
      `${warned.length} warnings, the first: ${first?.stack ?? ""}`,
      ...warnings,
    ].join("\n");
  };

  it("provisions R3 everywhere and loses or doubles nothing when the meta leader and the work stream's leader are killed", async () => {
    cluster = await startLocalCluster(3);
    nc = await connect({ servers: cluster.url.split(","), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const jsm = await jetstreamManager(nc);
    // what an R1 setup left: provisioning with SIFT_REPLICAS=3 brings it to three copies
    await provisionStreams(nc, { ...PROVISION, replicas: 1 }, createLogger({ service: "test", level: "silent" }));
    expect((await jsm.streams.info(Streams.work.name)).config.num_replicas).toBe(1);
    p = await startPipeline({ natsUrl: cluster.url, env: { SIFT_REPLICAS: "3" } });
    for (const name of provisionedStreams()) {
      const info = await jsm.streams.info(name);
      expect({ name, replicas: info.config.num_replicas }).toEqual({ name, replicas: 3 });
    }

    drop(0, 30);
    await waitFor(() => p!.files("output").length >= 5, 60_000, "first outputs");
    const meta = await cluster.metaLeader();
    expect(meta).toBeDefined();
    await cluster.node(meta!).kill();
    drop(30, 55);
    await new Promise((r) => setTimeout(r, 2000));
    await cluster.node(meta!).start();
    await waitFor(healthy, 30_000, "the meta leader back in the cluster");

    const leader = await workLeader();
    expect(leader).toBeDefined();
    await cluster.node(leader!).kill();
    drop(55, FILES);
    await new Promise((r) => setTimeout(r, 2000));
    await cluster.node(leader!).start();
    await waitFor(healthy, 30_000, "the work stream's leader back in the cluster");

    await p.waitForOutputs(FILES, 90_000).catch(async (err: Error) => {
      const outputs = p!.files("output").join("\n");
      throw new Error(await diagnose(err.message, (i) => !outputs.includes(`notice-${i}.`)));
    });
    await new Promise((r) => setTimeout(r, 1000)); // room for a wrong second output to appear
    expect(p.files("output")).toHaveLength(FILES);
    expect(p.files("failed")).toEqual([]);
    const ids = Array.from({ length: FILES }, (_, i) => fileId(i));
    // a completion in flight when a node died is published again later, maybe after the last output
    const done = await settled(
      () => completions(nc!),
      (d) => ids.every((id) => d.has(id)),
    );
    const counts = ids.map((id) => done.get(id) ?? 0);
    if (counts.some((c) => c !== 1))
      throw new Error(await diagnose(`sift.file.completed counts ${JSON.stringify(counts)}`, (i) => counts[i] !== 1));
    expect([...done.values()].reduce((a, b) => a + b, 0)).toBe(FILES);
    // the restarted nodes took their copies back: still three of everything
    for (const name of provisionedStreams()) {
      const info = await jsm.streams.info(name).catch((e: Error) => {
        throw new Error(`${name}: stream info: ${e.message}`);
      });
      expect({ name, replicas: info.config.num_replicas, peers: (info.cluster?.replicas?.length ?? 0) + 1 }).toEqual({
        name,
        replicas: 3,
        peers: 3,
      });
    }
  });
});

describe("SIFT_REPLICAS=3 on a single server", () => {
  it("stops with the reason when it would create, and says why it keeps one copy when it would resize", async () => {
    const nats = await startLocalNats();
    const nc = await connect({ servers: nats.url });
    try {
      const silent = createLogger({ service: "test", level: "silent" });
      const err = await provisionStreams(nc, { ...PROVISION, replicas: 3 }, silent).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProvisionError);
      expect((err as Error).message).toMatch(
        /^SIFT_REPLICAS=3: the server cannot keep 3 copies of SIFT_WORK \(.+\); it takes a cluster of at least 3/,
      );

      await provisionStreams(nc, { ...PROVISION, replicas: 1 }, silent);
      const lines: Array<{ msg: string; stream?: string; err?: { message: string } }> = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      });
      await provisionStreams(nc, { ...PROVISION, replicas: 3 }, createLogger({ service: "test" }, sink));
      const refused = lines.filter((l) => l.msg === "stream not resized");
      expect(refused.map((l) => l.stream).sort()).toEqual(provisionedStreams().sort());
      for (const l of refused) expect(l.err?.message).toMatch(/^SIFT_REPLICAS=3: the server cannot keep 3 copies/);
      expect((await (await jetstreamManager(nc)).streams.info(Streams.work.name)).config.num_replicas).toBe(1);
    } finally {
      await nc.close();
      await nats.stop();
    }
  });
});

describe("a connection the cluster's server leaves unanswered", () => {
  it("moves to another server of the cluster, where JetStream answers", async () => {
    const cluster = await startLocalCluster(3);
    const nc = await connect({ servers: cluster.url.split(","), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    try {
      const silent = createLogger({ service: "test", level: "silent" });
      await provisionStreams(nc, { ...PROVISION, replicas: 3 }, silent);
      const broker = createBrokerWatch(nc, silent, 300);
      const publisher = new Publisher(nc, jetstream(nc, { timeout: 500 }), broker);
      const first = nc.getServer();
      // a subject no stream takes: every publish finds no responders, as from a server that routes nothing
      const t0 = Date.now();
      while (nc.getServer() === first && Date.now() - t0 < 10_000) {
        await publisher.publish("sift.nowhere", { n: 1 }, `m-${Date.now()}`).catch(() => {});
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(nc.getServer()).not.toBe(first);
      expect(cluster.nodes.map((n) => n.url.replace("nats://", ""))).toContain(nc.getServer());
      // and the new server carries a real publish
      const ack = await publisher.publish(Subjects.fileReceived, { n: 2 }, "after-the-move");
      expect(ack.stream).toBe(Streams.work.name);
    } finally {
      await nc.close();
      await cluster.stop();
    }
  });
});
