import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { completions } from "./support/results.js";
import { sift } from "./support/sift-cli.js";
import { settled, waitFor } from "./support/wait.js";

const para = (i: number) =>
  `The harbour master of Belford said on day ${i} that the ferry would sail late, and Anna Berg of the council agreed.`;
// over SIFT_MAX_FILE_BYTES=300 at intake
const BIG = `Harbour notice\n\n${[1, 2, 3, 4].map(para).join("\n\n")}\n`;
// over SIFT_MAX_LINES=5 at the segmenter, under the intake limit
const LONG = `Ferry times\n\n${para(5)}\n\n${para(6)}\n\nThe council met.\n`;
const SMALL = `Short notice\n\n${para(9)}\n`;

describe("the operator's commands: sift failed, sift reprocess, sift status <file>", () => {
  let nats: LocalNats;
  let p: Pipeline | undefined;
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
  });

  it("retries failed files once their limits are raised, reprocesses a completed one, and prints a file's timeline", async () => {
    nats = await startLocalNats();
    p = await startPipeline({ natsUrl: nats.url, env: { SIFT_MAX_FILE_BYTES: "300", SIFT_MAX_LINES: "5" } });
    const env = { NATS_URL: nats.url, SIFT_DATA_DIR: p.dataDir };
    writeFileSync(join(p.dir("intake"), "big.txt"), BIG);
    writeFileSync(join(p.dir("intake"), "long.txt"), LONG);
    writeFileSync(join(p.dir("intake"), "small.txt"), SMALL);
    await p.waitForOutputs(1, 30_000);
    await waitFor(() => p!.files("failed").length === 4, 30_000, "two files in failed/");

    const list = await sift(["failed", "list", "--json"], env);
    expect(list.code).toBe(0);
    const failed = JSON.parse(list.stdout) as Array<{ stored: string; code: string; stage: string }>;
    expect(failed.map((f) => [f.stored, f.stage, f.code]).sort()).toEqual([
      ["big.txt", "intake", "TOO_LARGE"],
      ["long.txt", "segmenter", "TOO_MANY_LINES"],
    ]);
    const show = await sift(["failed", "show", "long.txt"], env);
    expect(JSON.parse(show.stdout).error.message).toMatch(/SIFT_MAX_LINES/);

    // the causes fixed: intake and the segmenter again with the limits raised
    for (const s of ["intake", "segmenter"] as const) await p.kill(p.procs.find((x) => x.service === s)!);
    await p.start("intake", 2, { SIFT_MAX_FILE_BYTES: "1000000" });
    await p.start("segmenter", 2, { SIFT_MAX_LINES: "1000" });
    for (const name of ["big.txt", "long.txt"]) {
      const r = await sift(["failed", "retry", name], env);
      expect({ name, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        name,
        code: 0,
        stderr: "",
        stdout: `intake/${name}\n`,
      });
    }
    await p.waitForOutputs(3, 30_000);
    expect(p.files("output").sort()).toEqual(["big.txt.json", "long.txt.json", "small.txt.json"]);
    expect(p.files("failed")).toEqual([]);
    expect((await sift(["failed", "list"], env)).stdout).toBe("failed/ is empty\n");

    // a file processed before, once more: a new output, and a second completion in SIFT_RESULTS
    const out = () => JSON.parse(readFileSync(join(p!.dir("output"), "small.txt.json"), "utf8"));
    const first = out();
    const again = await sift(["reprocess", first.file.fileId.slice(0, 12)], env);
    expect({ code: again.code, stdout: again.stdout, stderr: again.stderr }).toEqual({
      code: 0,
      stdout: "intake/small.txt\n",
      stderr: "",
    });
    await waitFor(() => out().completedAt !== first.completedAt, 30_000, "a new output of small.txt");
    expect(out().file.receivedAt).not.toBe(first.file.receivedAt);
    const nc = await connect({ servers: nats.url });
    try {
      // the new output is written a moment before its completion is published
      const done = await settled(
        () => completions(nc),
        (d) => (d.get(first.file.fileId) ?? 0) >= 2,
        10_000,
      );
      expect(done.get(first.file.fileId)).toBe(2);
      expect([...done.values()].sort()).toEqual([1, 1, 2]);
    } finally {
      await nc.close();
    }
    // the same bytes dropped once more without asking are a duplicate again
    writeFileSync(join(p.dir("intake"), "small-again.txt"), SMALL);
    await waitFor(() =>
      p!.logs("intake").some((l) => l.msg === "duplicate content, skipped" && l.file === "small-again.txt"),
    );

    const status = await sift(["status", "long.txt"], env);
    expect(status.code).toBe(0);
    const lines = status.stdout.split("\n");
    expect(lines[0]).toMatch(/^long\.txt {2}\(id [0-9a-f]{64}\)$/);
    expect(lines[1]).toBe("state: completed, output output/long.txt.json");
    const steps = lines
      .slice(3)
      .filter(Boolean)
      .map((l) => l.split(/ {2,}/).slice(1).join(" | "));
    expect(steps).toEqual([
      "intake | received as long.txt",
      expect.stringMatching(/^segmenter \| failed TOO_MANY_LINES: .*SIFT_MAX_LINES.* \(attempt 1\)$/),
      "intake | received as long.txt",
      expect.stringMatching(/^tagger \| document 0 of 1 tagged by tagger-1$/),
      "sink | completed: output/long.txt.json (1 document)",
    ]);
    const json = JSON.parse((await sift(["status", "--json", "small.txt"], env)).stdout);
    expect(json.events.map((e: { stage: string }) => e.stage)).toEqual(["intake", "tagger", "sink"]);
    const unknown = await sift(["status", "nothing.txt"], env);
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 2,
      stderr: "sift: no file named or with the id nothing.txt is known to Sift\n",
    });
  });
});
