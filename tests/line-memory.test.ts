import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Buckets } from "@sift/contracts";
import { createLogger } from "@sift/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { createKvLineMemory } from "../services/segmenter/src/line-memory.js";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { waitFor } from "./support/wait.js";

// a site's chrome: the page model reads it as chrome on any page, and the memory says from the second
// page on that the site repeats it
const RECURRING = "Share this";

const TOWNS = [
  "Arnside",
  "Belford",
  "Corran",
  "Dunmore",
  "Elstow",
  "Fenwick",
  "Garvald",
  "Hexley",
  "Ilfield",
  "Jarrow",
];
const TOPICS = ["bridge", "library", "market", "harbour", "school", "railway", "clinic", "museum", "stadium", "park"];
const MONTHS = ["spring", "summer", "autumn", "winter", "flood season"];

// pages differ in words, not only in numbers, as real articles do
function page(i: number): string {
  const town = TOWNS[i % TOWNS.length];
  const topic = TOPICS[Math.floor(i / TOWNS.length) % TOPICS.length];
  const season = MONTHS[i % MONTHS.length];
  return [
    `${town} ${topic} report`,
    "",
    `The council of ${town} met on Tuesday to discuss the ${topic}, which has been closed since the ${season} when storms damaged it badly.`,
    "",
    `Engineers in ${town} said work on the ${topic} would take most of the year, and residents asked for help in the meantime.`,
    "",
    `The mayor of ${town} promised a decision on the ${topic} by the next meeting, adding that visitors had stayed away since the ${season}.`,
    "",
    RECURRING,
    "",
  ].join("\n");
}

interface Out {
  documents: Array<{ text: string; removed: Array<{ text: string; reason: string }> }>;
}
const read = (p: Pipeline, name: string): Out =>
  JSON.parse(readFileSync(join(p.dir("output"), `${name}.json`), "utf8"));
const hasLine = (o: Out) => o.documents.some((d) => d.text.includes(RECURRING));
/** How many earlier pages of its source the segmenter's memory had seen the recurring line on (0: not said). */
const seenBefore = (o: Out): number => {
  const r = o.documents.flatMap((d) => d.removed).find((x) => x.text.includes(RECURRING));
  return Number(/seen on (\d+) earlier page/.exec(r?.reason ?? "")?.[1] ?? 0);
};

describe("the segmenter's memory of recurring lines (sift-lines KV)", () => {
  let nats: LocalNats;
  let p: Pipeline;
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
  });

  it("is shared by segmenter replicas and outlives them", async () => {
    nats = await startLocalNats();
    p = await startPipeline({ natsUrl: nats.url });
    const name = (i: number) => `grelm-${String(i).padStart(2, "0")}.txt`;
    const drop = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) {
        writeFileSync(join(p.dir("intake"), name(i)), page(i));
        // one page at a time: each page's memory entry is written before the next is read
        await p.waitForOutputs(i, 60_000);
      }
    };

    await drop(1, 2);
    expect([1, 2].map((i) => seenBefore(read(p, name(i))))).toEqual([0, 1]);

    const first = p.procs.find((x) => x.service === "segmenter")!;
    await p.kill(first, "SIGTERM");
    await p.start("segmenter", 2); // a new process: what it knows comes from KV
    await drop(3, 3);
    expect(seenBefore(read(p, name(3)))).toBe(2);

    await p.start("segmenter", 3); // two replicas at once
    await drop(4, 12);
    for (let i = 3; i <= 12; i++) {
      const out = read(p, name(i));
      expect(hasLine(out), name(i)).toBe(false);
      expect(seenBefore(out), name(i)).toBe(i - 1);
    }
    const handled = p.procs
      .filter((x) => x.service === "segmenter" && x.replica > 1)
      .map((x) => x.logs.filter((l) => l.msg === "message handled").length);
    for (const n of handled) expect(n, `handled per replica: ${handled.join(" / ")}`).toBeGreaterThan(0);
  });
});

describe("the line memory's entries (createKvLineMemory against a real server)", () => {
  let nats: LocalNats;
  let nc: NatsConnection;
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it("writes the pages of one turn as one entry, counts each once, mirrors them in a second replica and keeps the window", async () => {
    nats = await startLocalNats();
    nc = await connect({ servers: nats.url });
    const kv = await new Kvm(nc).create(Buckets.lines, { history: 1 });
    const log = createLogger({ service: "test", level: "silent" });
    const a = createKvLineMemory(kv, log, { maxPages: 4 });
    const b = createKvLineMemory(kv, log, { maxPages: 4 });
    const page = (i: number) => ["share", `title ${String.fromCharCode(97 + i)}`];
    try {
      // three pages in one turn, one of them twice (a redelivery): one entry of three pages
      await Promise.all([0, 1, 2, 1].map((i) => a.record("file.x", page(i))));
      const puts = async () => {
        const out: Array<{ s: string; k?: string[]; p?: unknown[] }> = [];
        for await (const key of await kv.keys()) {
          const e = await kv.get(key);
          if (e?.operation === "PUT") out.push(e.json());
        }
        return out;
      };
      expect((await puts()).map((e) => e.p?.length ?? 1)).toEqual([3]);
      expect(a.seen("file.x").get("share")).toBe(3);
      expect(a.pages("file.x")).toBe(3);
      await waitFor(() => b.seen("file.x").get("share") === 3, 10_000, "the second replica's mirror");
      // the same page again, in a later turn: counted once, nothing written
      await a.record("file.x", page(2));
      expect(a.seen("file.x").get("share")).toBe(3);
      expect(await puts()).toHaveLength(1);

      // one page a turn from here: one more fills the window (4 pages), two more take pages 0 and 1 out of it, but
      // their entry stays while page 2 is in the window (its lines still count); page 6 takes page 2 out, and the
      // entry goes, in both mirrors
      for (const i of [3, 4, 5]) await a.record("file.x", page(i));
      expect(a.pages("file.x")).toBe(4);
      await waitFor(() => b.seen("file.x").get("share") === 6, 10_000, "the second replica's mirror, before the purge");
      expect(await puts()).toHaveLength(4);
      await a.record("file.x", page(6));
      await waitFor(() => a.seen("file.x").get("share") === 4, 10_000, "the first entry purged");
      await waitFor(() => b.seen("file.x").get("share") === 4, 10_000, "the purge mirrored");
      expect(b.seen("file.x").get("title a")).toBeUndefined();
      expect(b.seen("file.x").get("title d")).toBe(1);
      expect((await puts()).map((e) => e.p?.length ?? 1)).toEqual([1, 1, 1, 1]);
    } finally {
      a.stop();
      b.stop();
    }
  });
});
