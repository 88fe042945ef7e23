import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, type LocalNats, startLocalNats } from "./support/nats-server.js";
import { repoRoot } from "./support/pipeline.js";
import { watchLines } from "./support/supervisor.js";

describe("a service whose NATS does not answer", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sift-startup-"));
  let nats: LocalNats | undefined;
  afterAll(async () => {
    await nats?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("logs it at once, then on a growing back-off, and connects once a server is there", async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [join(repoRoot, "services/segmenter/dist/main.js")], {
      env: { ...process.env, NATS_URL: `nats://127.0.0.1:${port}`, SIFT_DATA_DIR: dataDir, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const svc = watchLines(proc);
    try {
      const unreachable = () => svc.lines.filter((l) => l.includes('"msg":"nats unreachable, will retry"'));
      // the first line comes from the first attempt, not after a silent wait
      const firstLine = await svc.waitLine(/"msg":/, 10_000);
      expect(firstLine).toContain('"msg":"nats unreachable, will retry"');
      await svc.waitLine(/"attempt":3,.*"msg":"nats unreachable, will retry"/, 20_000);
      const delays = unreachable().map((l) => JSON.parse(l).retryInMs as number);
      expect(delays.slice(0, 3)).toEqual([500, 1000, 2000]);
      expect(JSON.parse(unreachable()[0] as string)).toMatchObject({
        level: "warn",
        servers: `nats://127.0.0.1:${port}`,
        reason: expect.any(String),
      });

      nats = await startLocalNats({ port });
      await svc.waitLine(/"msg":"nats connected"/, 30_000);
      await svc.waitLine(/"msg":"consuming"/, 30_000);
    } finally {
      proc.kill("SIGTERM");
      await svc.exited;
    }
  });
});
