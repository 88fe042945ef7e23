import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatStatus, readStatus } from "@sift/cli";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Pipeline, removeDir, repoRoot, sharedDir, startPipeline } from "./support/pipeline.js";
import { settled } from "./support/wait.js";

const fixture = join(sharedDir, "fixtures", "news-page", "page.txt");
const outputSchema = JSON.parse(readFileSync(join(repoRoot, "packages/contracts/schema/output-file.json"), "utf8"));
const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);
const validateOutput = ajv.compile(outputSchema);

describe("pipeline over NATS", () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ natsUrl: inject("natsUrl") });
  });
  afterAll(async () => {
    await p?.stopAll();
    if (p) removeDir(p.dataDir);
  });

  it("turns a dropped text file into an output that the committed JSON Schema accepts", async () => {
    const text = "Sift keeps the words.\n\nAda Lovelace met Charles Babbage in London. They talked for hours.\n";
    writeFileSync(join(p.dir("intake"), "note.txt"), text);
    await p.waitForOutputs(1, 20_000, () => existsSync(join(p.dir("output"), "note.txt.json")));
    const out = JSON.parse(readFileSync(join(p.dir("output"), "note.txt.json"), "utf8"));
    expect(validateOutput(out), JSON.stringify(validateOutput.errors)).toBe(true);
    expect(out.file.name).toBe("note.txt");
    expect(out.documents.map((d: { text: string }) => d.text).join("\n")).toContain("Ada Lovelace met Charles Babbage");
    expect(p.files("processed")).toContain("note.txt");
    expect(p.files("intake")).toEqual([]);
  });

  it.skipIf(!existsSync(fixture))("processes the news-page fixture within 10 seconds of the drop", async () => {
    copyFileSync(fixture, join(p.dir("intake"), "page.txt"));
    // the bound: the output is there within 10 s of the drop
    await p.waitForOutputs(1, 10_000, () => existsSync(join(p.dir("output"), "page.txt.json")));
    const out = JSON.parse(readFileSync(join(p.dir("output"), "page.txt.json"), "utf8"));
    expect(validateOutput(out), JSON.stringify(validateOutput.errors)).toBe(true);
    expect(out.documents.length).toBeGreaterThan(1);
    // the page's documents travelled together: one message a hop, named by their range
    const fileId = out.file.fileId as string;
    const tagged = await settled(
      async () => p.logs("tagger").filter((l) => l.msg === "message handled" && l.fileId === fileId),
      (lines) => lines.length > 0,
      10_000,
    );
    expect(tagged.map((l) => l.docId)).toEqual([`${fileId}-0..${out.documents.length - 1}`]);
  });

  it("logs one JSON line per handled message with service, fileId, docId and ms", () => {
    for (const service of ["segmenter", "cleaner", "tagger", "sink"] as const) {
      const handled = p.logs(service).filter((l) => l.msg === "message handled");
      expect(handled.length, service).toBeGreaterThan(0);
      for (const l of handled) {
        expect(l.service).toBe(service);
        expect(l.fileId).toMatch(/^[0-9a-f]{64}$/);
        expect(typeof l.ms).toBe("number");
        // a message of several documents is named by their range
        if (service !== "segmenter") expect(l.docId).toMatch(/^[0-9a-f]{64}-\d+(\.\.\d+)?$/);
      }
    }
    const received = p.logs("intake").filter((l) => l.msg === "file received");
    expect(received.length).toBeGreaterThanOrEqual(1);
    for (const l of received) expect(typeof l.ms).toBe("number");
  });

  it("counts processed messages on /metrics and answers /healthz and /readyz", async () => {
    const tagger = p.procs.find((x) => x.service === "tagger");
    expect(tagger?.port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${tagger?.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const processed = metrics.match(/^sift_messages_processed_total\{service="tagger"\} (\d+)/m);
    expect(Number(processed?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^# TYPE sift_messages_failed_total counter/m);
    expect(metrics).toMatch(/^# TYPE sift_messages_retried_total counter/m);
  });
});

describe("sift status", () => {
  it("reports files by state and an empty backlog once the pipeline is idle", async () => {
    const p = await startPipeline({ natsUrl: inject("natsUrl") });
    try {
      writeFileSync(join(p.dir("intake"), "status.txt"), `Status check ${Date.now()}.\n\nNora Lind works in Bergen.\n`);
      await p.waitForOutputs(1, 20_000);
      // idle a moment after the output: the sink records the file completed and acks once the output is written
      const status = await settled(
        () => readStatus(inject("natsUrl")),
        (s) => s.files.completed >= 1 && s.stages.every((stage) => stage.pending === 0),
        10_000,
      );
      expect(status.files.completed).toBeGreaterThanOrEqual(1);
      for (const stage of status.stages) expect(stage.pending, stage.consumer).toBe(0);
      expect(formatStatus(status)).toMatch(/\| tagger \| 0 \|/);
    } finally {
      await p.stopAll();
      removeDir(p.dataDir);
    }
  });
});
