import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./support/nats-server.js";
import { repoRoot } from "./support/pipeline.js";

describe("pnpm start (the supervisor)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sift-start-"));
  let sup: ChildProcess | undefined;
  afterAll(() => {
    // the whole group: services and nats-server too, should the test fail half-way
    if (sup?.pid && sup.exitCode === null) process.kill(-sup.pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts its own nats-server, runs five named services, restarts a dead one, and stops cleanly", async () => {
    const port = await freePort();
    sup = spawn(process.execPath, [join(repoRoot, "packages/cli/dist/main.js"), "start", "--scale", "tagger=2"], {
      env: {
        ...process.env,
        NATS_URL: `nats://127.0.0.1:${port}`,
        SIFT_DATA_DIR: dataDir,
        INTAKE_POLL_MS: "100",
        INTAKE_STABLE_MS: "200",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const lines: string[] = [];
    createInterface({ input: sup.stdout! }).on("line", (l) => lines.push(l));
    createInterface({ input: sup.stderr! }).on("line", (l) => lines.push(l));
    const waitLine = async (re: RegExp, timeoutMs = 30_000) => {
      const t0 = Date.now();
      while (!lines.some((l) => re.test(l))) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`no line matching ${re}:\n${lines.join("\n")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return lines.find((l) => re.test(l))!;
    };
    await waitLine(/started nats-server/);
    for (const label of ["intake", "segmenter", "cleaner", "tagger-1", "tagger-2", "sink"]) {
      await waitLine(new RegExp(`^${label}\\s+\\| .*"msg":"(consuming|watching)"`));
    }
    writeFileSync(join(dataDir, "intake", "hi.txt"), "Hello.\n\nTom Berg visited Oslo.\n");
    const t0 = Date.now();
    while (!existsSync(join(dataDir, "output", "hi.txt.json")) && Date.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(dataDir, "output", "hi.txt.json"))).toBe(true);

    // the services run as named processes; kill one and the supervisor brings it back
    const started = await waitLine(/"child":"cleaner","pid":\d+,"msg":"service started"/);
    const cleanerPid = Number(started.match(/"pid":(\d+)/)?.[1]);
    expect(cleanerPid).toBeGreaterThan(0);
    process.kill(cleanerPid, "SIGKILL");
    await waitLine(/"child":"cleaner".*"msg":"service exited, restarting"/);
    const before = lines.filter((l) => /^cleaner\s+\| .*"msg":"consuming"/.test(l)).length;
    const t1 = Date.now();
    while (
      lines.filter((l) => /^cleaner\s+\| .*"msg":"consuming"/.test(l)).length <= before &&
      Date.now() - t1 < 20_000
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines.filter((l) => /^cleaner\s+\| .*"msg":"consuming"/.test(l)).length).toBe(before + 1);

    sup.kill("SIGTERM");
    const code = await new Promise((r) => sup!.once("exit", r));
    expect(code).toBe(0);
    await waitLine(/"msg":"stopped"/);
    expect(
      lines.filter((l) => /"msg":"stopped"/.test(l) && /^(intake|segmenter|cleaner|tagger-\d|sink)\s/.test(l)).length,
    ).toBe(6);
  });
});
