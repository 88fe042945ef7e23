import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";

// a made-up site: its recurring line reads like a sentence and uses words found nowhere else
const RECURRING = "Vrennish Quarbly readers can vote for the Plomvex Zindle Awards until the end of the month.";

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
    RECURRING,
    "",
    `Engineers in ${town} said work on the ${topic} would take most of the year, and residents asked for help in the meantime.`,
    "",
    `The mayor of ${town} promised a decision on the ${topic} by the next meeting, adding that visitors had stayed away since the ${season}.`,
    "",
  ].join("\n");
}

interface Out {
  documents: Array<{ text: string; removed: Array<{ text: string; reason: string }> }>;
}
const read = (p: Pipeline, name: string): Out =>
  JSON.parse(readFileSync(join(p.dir("output"), `${name}.json`), "utf8"));
const hasLine = (o: Out) => o.documents.some((d) => d.text.includes(RECURRING));
const removedLine = (o: Out) => o.documents.some((d) => d.removed.some((r) => r.text.includes(RECURRING)));

describe("the cleaner's memory of recurring lines (sift-lines KV)", () => {
  let nats: LocalNats;
  let p: Pipeline;
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
  });

  it("is shared by cleaner replicas and outlives them", async () => {
    nats = await startLocalNats();
    p = await startPipeline({ natsUrl: nats.url });
    const name = (i: number) => `grelm-${String(i).padStart(2, "0")}.txt`;
    const drop = async (from: number, to: number) => {
      for (let i = from; i <= to; i++) writeFileSync(join(p.dir("intake"), name(i)), page(i));
      await p.waitForOutputs(to, 60_000);
    };

    await drop(1, 2); // one replica sees the line twice: still content
    for (const i of [1, 2]) expect(hasLine(read(p, name(i))), name(i)).toBe(true);

    const first = p.procs.find((x) => x.service === "cleaner")!;
    await p.kill(first, "SIGTERM");
    await p.start("cleaner", 2); // a new process: what it knows comes from KV
    await drop(3, 3);
    const third = read(p, name(3));
    expect(hasLine(third)).toBe(false);
    expect(removedLine(third)).toBe(true);

    await p.start("cleaner", 3); // two replicas at once
    await drop(4, 30);
    for (let i = 4; i <= 30; i++) {
      const out = read(p, name(i));
      expect(hasLine(out), name(i)).toBe(false);
      expect(removedLine(out), name(i)).toBe(true);
    }
    const handled = p.procs
      .filter((x) => x.service === "cleaner" && x.replica > 1)
      .map((x) => x.logs.filter((l) => l.msg === "message handled").length);
    for (const n of handled) expect(n, `handled per replica: ${handled.join(" / ")}`).toBeGreaterThan(0);
  });
});
