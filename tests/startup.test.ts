import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsServer, freePort, type LocalNats, startLocalNats } from "./support/nats-server.js";
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

  it("waits out a server whose JetStream does not answer yet, and provisions once it does", async () => {
    const bin = findNatsServer();
    if (!bin) throw new Error("nats-server is not installed");
    const port = await freePort();
    // a server without JetStream: it connects, but its JetStream API answers nothing
    const plain = spawn(bin, ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    const plainExited = new Promise<void>((r) => plain.once("exit", () => r()));
    const proc = spawn(process.execPath, [join(repoRoot, "services/cleaner/dist/main.js")], {
      env: { ...process.env, NATS_URL: `nats://127.0.0.1:${port}`, SIFT_DATA_DIR: dataDir, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const svc = watchLines(proc);
    try {
      await svc.waitLine(/"msg":"nats connected"/, 30_000);
      const retry = await svc.waitLine(
        /"msg":"streams not provisioned: the broker did not answer, will retry"/,
        30_000,
      );
      expect(JSON.parse(retry)).toMatchObject({
        level: "warn",
        attempt: 1,
        retryInMs: 500,
        reason: expect.any(String),
      });
      expect(proc.exitCode).toBeNull();
      plain.kill("SIGTERM");
      await plainExited;
      // the same port, now with JetStream: the service reconnects and provisions
      const js = await startLocalNats({ port });
      try {
        await svc.waitLine(/"msg":"consuming"/, 60_000);
      } finally {
        proc.kill("SIGTERM");
        await svc.exited;
        await js.stop();
      }
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      plain.kill("SIGKILL");
    }
  });
});
