import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStatus } from "@sift/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { settled } from "./support/wait.js";

const MAX = 100_000;
/** Where the symlink dropped into intake/ points: a folder outside the intake folder, this run's own. */
let outside = "";
const good = (i: number) => `Good file ${i}.\n\nPeter Hall flew from Oslo to Rome on Monday ${i}.\n`;

/** Each entry: what lands in intake/, and where it must end. */
const cases: Array<{ name: string; make: (path: string) => void; ends: "output" | "failed" }> = [
  { name: "empty.txt", make: (p) => writeFileSync(p, ""), ends: "failed" },
  { name: "noise.txt", make: (p) => writeFileSync(p, randomBytes(4096)), ends: "failed" },
  {
    name: "latin1.txt",
    make: (p) =>
      writeFileSync(p, Buffer.from("Caf\xe9 cr\xe8me in Z\xfcrich.\n\nThe caf\xe9 opened in May.\n", "latin1")),
    ends: "output",
  },
  { name: "huge.txt", make: (p) => writeFileSync(p, "word ".repeat(MAX / 2)), ends: "failed" },
  { name: "link.txt", make: (p) => symlinkSync(join(outside, "link-target.txt"), p), ends: "failed" },
  { name: "folder", make: (p) => mkdirSync(p), ends: "failed" },
  { name: "with space.txt", make: (p) => writeFileSync(p, good(1)), ends: "output" },
  { name: "ünïcödé 名前.txt", make: (p) => writeFileSync(p, good(2)), ends: "output" },
  { name: "new\nline.txt", make: (p) => writeFileSync(p, good(3)), ends: "output" },
  { name: "a..b.txt", make: (p) => writeFileSync(p, good(4)), ends: "output" },
  { name: "good-5.txt", make: (p) => writeFileSync(p, good(5)), ends: "output" },
  { name: "good-6.md", make: (p) => writeFileSync(p, `# Title six\n\n${good(6)}`), ends: "output" },
];

// files the segmenter fails at once, dropped together: each used to race intake's move to processed/
const RACERS = 16;
for (let i = 0; i < RACERS; i++)
  cases.push({
    name: `zeros-${i}.bin`,
    make: (p) => writeFileSync(p, Buffer.concat([Buffer.from(`zeros ${i}`), Buffer.alloc(256)])),
    ends: "failed",
  });

const safe = (name: string) => name.replace(/\n/g, "_");

describe("bad input never stops the pipeline", () => {
  let nats: LocalNats;
  let p: Pipeline;
  beforeAll(async () => {
    outside = mkdtempSync(join(tmpdir(), "sift-outside-"));
    writeFileSync(join(outside, "link-target.txt"), "a target outside the intake folder\n");
    nats = await startLocalNats();
    p = await startPipeline({ natsUrl: nats.url, env: { SIFT_MAX_FILE_BYTES: String(MAX) } });
    for (const c of cases) c.make(join(p.dir("intake"), c.name));
    const outputs = cases.filter((c) => c.ends === "output").length;
    const failures = cases.filter((c) => c.ends === "failed").length;
    await p.waitForOutputs(
      outputs,
      60_000,
      () =>
        p.files("failed").filter((f) => f.endsWith(".error.json")).length >= failures && p.files("intake").length === 0,
    );
  });
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
    if (outside) removeDir(outside);
  });

  for (const c of cases) {
    it(`${JSON.stringify(c.name)} ends in ${c.ends === "output" ? "processed/ with an output" : "failed/ with a reason"}`, () => {
      const name = safe(c.name);
      if (c.ends === "output") {
        expect(existsSync(join(p.dir("output"), `${name}.json`))).toBe(true);
        expect(p.files("processed")).toContain(name);
        const out = JSON.parse(readFileSync(join(p.dir("output"), `${name}.json`), "utf8"));
        expect(out.file.name).toBe(c.name);
        expect(out.documents.length).toBeGreaterThan(0);
      } else {
        expect(p.files("failed")).toContain(name);
        const record = JSON.parse(readFileSync(join(p.dir("failed"), `${name}.error.json`), "utf8"));
        expect(record.name).toBe(c.name);
        expect(record.stage).toMatch(/^(intake|segmenter|cleaner|tagger)$/);
        expect(record.error.message.length).toBeGreaterThan(10);
        expect(record.attempts).toBeGreaterThanOrEqual(1);
      }
    });
  }

  it("keeps the text of a file that is not valid UTF-8, and says how it was read", () => {
    const out = JSON.parse(readFileSync(join(p.dir("output"), "latin1.txt.json"), "utf8"));
    expect(out.documents.map((d: { text: string }) => d.text).join("\n")).toContain("Café crème in Zürich.");
  });

  it("leaves no failed file in processed/ too (one place decides where an original ends)", () => {
    const processed = p.files("processed");
    for (const c of cases.filter((x) => x.ends === "failed")) expect(processed, c.name).not.toContain(safe(c.name));
    expect(processed.length).toBe(cases.filter((x) => x.ends === "output").length);
  });

  it("`sift status` counts every file in failed/, the ones intake refused too", async () => {
    const inFailed = p.files("failed").filter((f) => f.endsWith(".error.json")).length;
    expect(inFailed).toBe(cases.filter((x) => x.ends === "failed").length);
    // a file's state is written a moment after its output or its failure record
    const completed = cases.filter((x) => x.ends === "output").length;
    const status = await settled(
      () => readStatus(nats.url),
      (s) => s.files.failed === inFailed && s.files.completed === completed,
      10_000,
    );
    expect(status.files.failed).toBe(inFailed);
    expect(status.files.completed).toBe(completed);
  });

  it("never crashed a service", () => {
    expect(p.procs.filter((x) => x.exited).map((x) => x.service)).toEqual([]);
    expect(p.logs().filter((l) => l.level === "fatal")).toEqual([]);
  });
});
