import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { resultCounts } from "./support/stream-counts.js";
import { waitFor } from "./support/wait.js";

const BYTES = "Same bytes every time.\n\nAnna Berg visited Lisbon.\n";

describe("the same bytes dropped again", () => {
  let nats: LocalNats;
  let p: Pipeline | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (dataDir) removeDir(dataDir);
  });

  it("give one output: after the duplicate window has passed, and after every service restarted", async () => {
    nats = await startLocalNats();
    const env = { DUPLICATE_WINDOW_MS: "1000" };
    p = await startPipeline({ natsUrl: nats.url, env });
    dataDir = p.dataDir;
    writeFileSync(join(p.dir("intake"), "first.txt"), BYTES);
    await p.waitForOutputs(1, 20_000);

    await new Promise((r) => setTimeout(r, 1500)); // past the stream's duplicate window
    writeFileSync(join(p.dir("intake"), "second.txt"), BYTES);
    await waitFor(() => p!.files("processed").includes("second.txt"));

    const firstRunLogs = p.logs("intake");
    await p.stopAll();
    p = await startPipeline({ natsUrl: nats.url, env, dataDir });
    writeFileSync(join(p.dir("intake"), "third.txt"), BYTES);
    await waitFor(() => p!.files("processed").includes("third.txt"));
    await new Promise((r) => setTimeout(r, 1000)); // room for a wrong second output to appear

    expect(p.files("output")).toEqual(["first.txt.json"]);
    expect(await resultCounts(nats.url)).toEqual({ tagged: 1, completed: 1 });
    const skipped = [...firstRunLogs, ...p.logs("intake")].filter((l) => l.msg === "duplicate content, skipped");
    expect(skipped.map((l) => l.file)).toEqual(["second.txt", "third.txt"]);
    for (const l of skipped) expect(l.firstName).toBe("first.txt");
  });
});
