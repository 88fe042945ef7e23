import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { connect } from "@nats-io/transport-node";
import { Buckets } from "@sift/contracts";
import { kvStream, objStream } from "@sift/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { settled, waitFor } from "./support/wait.js";

const SOURCES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
const FILES = 200;
const BOUND = 20;
const PAGES = 5;
const TOWNS = ["Arnside", "Belford", "Corran", "Dunmore", "Elstow", "Fenwick", "Garvald", "Hexley"];

const TOPICS = ["bridge", "market", "harbour", "library", "railway"];

// the line memory keys lines without their digits: each page of a source needs a title of other words
const page = (i: number) => {
  const j = Math.floor(i / SOURCES.length);
  const town = TOWNS[j % TOWNS.length];
  return [
    `${town} ${TOPICS[Math.floor(j / TOWNS.length) % TOPICS.length]} notice`,
    "",
    `The council of ${town} met on day ${i} to discuss the bridge, which storms damaged ${i % 9} weeks ago.`,
    "",
    `Engineers said the work would take ${(i % 11) + 2} months, and Anna Berg asked for a ferry in the meantime.`,
    "",
    "Share this",
    "",
  ].join("\n");
};

describe("retention and back-pressure over 200 files", () => {
  let nats: LocalNats;
  let p: Pipeline | undefined;
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
  });

  it("pauses intake above its bound, then empties the object store and keeps the line memory under its bound", async () => {
    nats = await startLocalNats();
    p = await startPipeline({
      natsUrl: nats.url,
      // every file through the object store; a small bound on the segmenter's queue, and on pages per source
      env: { INTAKE_INLINE_MAX_BYTES: "0", INTAKE_MAX_PENDING: String(BOUND), SIFT_LINES_MAX_PAGES: String(PAGES) },
    });
    // no segmenter for a while: what intake sends waits, and intake has to stop at the bound
    await p.kill(p.procs.find((x) => x.service === "segmenter")!);
    for (let i = 0; i < FILES; i++) {
      const source = SOURCES[i % SOURCES.length];
      writeFileSync(join(p.dir("intake"), `${source}-${String(i).padStart(3, "0")}.txt`), page(i));
    }
    await waitFor(() => p!.logs("intake").some((l) => l.msg === "first stage busy, intake waiting"), 30_000);
    const waiting = p.logs("intake").find((l) => l.msg === "first stage busy, intake waiting");
    expect(waiting?.bound).toBe(BOUND);
    expect(waiting?.pending).toBeGreaterThanOrEqual(BOUND);
    await new Promise((r) => setTimeout(r, 1000));
    // the folder is the buffer: most files are still there, and what was taken is near the bound
    const taken = p.files("processed").length;
    expect(taken).toBeGreaterThanOrEqual(BOUND);
    expect(taken).toBeLessThanOrEqual(BOUND + 8);
    expect(p.files("intake").length).toBe(FILES - taken);

    await p.start("segmenter", 2);
    await p.waitForOutputs(FILES, 150_000);
    expect(p.files("failed")).toEqual([]);
    expect(p.logs("intake").some((l) => l.msg === "intake resuming")).toBe(true);

    const nc = await connect({ servers: nats.url });
    try {
      const files = await new Objm(nc).open(Buckets.files);
      // the sink removes a file's raw bytes once its output is written: the last file's a moment after its output
      expect(
        await settled(
          () => files.list(),
          (left) => left.length === 0,
          10_000,
        ),
      ).toEqual([]);
      const jsm = await jetstreamManager(nc);
      // nothing stays of a deleted object, not even the record of its deletion
      const obj = await jsm.streams.info(objStream(Buckets.files));
      expect(obj.state.messages).toBe(0);

      // pages per source: an entry holds the pages one replica recorded in one turn (`p`), or one page (`k`); the oldest
      // pages leave the window one by one and an entry goes with its last, so a source keeps its PAGES latest pages
      // and at most one entry's pages more
      const lines = await new Kvm(nc).open(Buckets.lines);
      const perSource = new Map<string, number>();
      let largest = 1;
      for await (const key of await lines.keys()) {
        const e = await lines.get(key);
        if (e?.operation !== "PUT") continue;
        const { s, p } = e.json<{ s: string; p?: unknown[] }>();
        largest = Math.max(largest, p?.length ?? 1);
        perSource.set(s, (perSource.get(s) ?? 0) + (p?.length ?? 1));
      }
      expect([...perSource.keys()].sort()).toEqual(SOURCES.map((s) => `file.${s}`));
      for (const [s, n] of perSource) {
        expect(n, s).toBeGreaterThanOrEqual(PAGES);
        expect(n, s).toBeLessThan(PAGES + largest);
      }
      const kvLines = await jsm.streams.info(kvStream(Buckets.lines));
      expect(kvLines.state.messages).toBeLessThanOrEqual(FILES);
    } finally {
      await nc.close();
    }
  });
});
