import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Consumers, Streams, Subjects } from "@sift/contracts";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "./support/nats-server.js";
import { repoRoot } from "./support/pipeline.js";
import {
  killAllMentioning,
  processesMentioning,
  type Supervisor,
  startSupervisor,
  waitForNoProcess,
  watchLines,
} from "./support/supervisor.js";
import { waitFor } from "./support/wait.js";

const dataDirs: string[] = [];
const newDataDir = () => {
  const d = mkdtempSync(join(tmpdir(), "sift-start-"));
  dataDirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dataDirs) {
    killAllMentioning(d);
    rmSync(d, { recursive: true, force: true });
  }
});

/** `n` consecutive ports that are free now, from a random base below the ephemeral range (see `freePort`). */
async function freePortRange(n: number): Promise<number> {
  const { portFree } = await import("@sift/cli");
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const checks = await Promise.all(Array.from({ length: n }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
}

const consumingLine = (label: string) => new RegExp(`^${label}\\s+\\| .*"msg":"(consuming|watching)"`);

describe("pnpm start (the supervisor)", () => {
  const dataDir = newDataDir();
  let sup: Supervisor;
  let httpBase: number;

  it("starts its own nats-server and five named services; HTTP_PORT is a base, every child answers /healthz", async () => {
    const port = await freePort();
    httpBase = await freePortRange(6);
    sup = startSupervisor({
      env: { NATS_URL: `nats://127.0.0.1:${port}`, SIFT_DATA_DIR: dataDir, HTTP_PORT: String(httpBase) },
      args: ["--scale", "tagger=2"],
    });
    await sup.waitLine(/started nats-server/);
    const labels = ["intake", "segmenter", "cleaner", "tagger-1", "tagger-2", "sink"];
    for (const label of labels) await sup.waitLine(consumingLine(label));
    for (const [i, label] of labels.entries()) {
      const res = await fetch(`http://127.0.0.1:${httpBase + i}/healthz`);
      expect(res.status, label).toBe(200);
      // the port belongs to that child: its own log says so
      expect(sup.lines.some((l) => l.startsWith(label) && l.includes(`"port":${httpBase + i}`))).toBe(true);
    }
    // the broker it started runs its Go code on one thread (it shares the cores with the services)
    const broker = processesMentioning(dataDir).find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]?.endsWith("nats-server"),
    );
    expect(broker).toBeDefined();
    expect(readFileSync(`/proc/${broker}/environ`, "utf8").split("\0")).toContain("GOMAXPROCS=1");
  });

  it("turns a dropped file into its output", async () => {
    writeFileSync(join(dataDir, "intake", "hi.txt"), "Hello.\n\nTom Berg visited Oslo.\n");
    await waitFor(() => existsSync(join(dataDir, "output", "hi.txt.json")), 20_000, "output of hi.txt");
  });

  it("restarts a service that dies, on the same HTTP port", async () => {
    const started = await sup.waitLine(/"child":"cleaner","pid":\d+.*"msg":"service started"/);
    const cleanerPid = Number(started.match(/"pid":(\d+)/)?.[1]);
    expect(cleanerPid).toBeGreaterThan(0);
    const before = sup.lines.filter((l) => consumingLine("cleaner").test(l)).length;
    process.kill(cleanerPid, "SIGKILL");
    await sup.waitLine(/"child":"cleaner".*"msg":"service exited, restarting"/);
    await waitFor(
      () => sup.lines.filter((l) => consumingLine("cleaner").test(l)).length > before,
      20_000,
      "cleaner consuming again",
    );
    expect((await fetch(`http://127.0.0.1:${httpBase + 2}/healthz`)).status).toBe(200);
  });

  it("stops on SIGTERM to its process group: intake first, the stages, then the broker; nothing left behind", async () => {
    process.kill(-(sup.proc.pid as number), "SIGTERM");
    expect(await sup.exited).toBe(0);
    const at = (re: RegExp) => sup.lines.findIndex((l) => re.test(l));
    const stopped = (label: string) => at(new RegExp(`^${label}\\s+\\| .*"msg":"stopped"`));
    const natsDown = at(/^nats\s+\| .*Initiating Shutdown/);
    expect(natsDown).toBeGreaterThan(0);
    for (const label of ["segmenter", "cleaner", "tagger-1", "tagger-2", "sink"]) {
      expect(stopped(label), label).toBeGreaterThan(stopped("intake"));
      expect(stopped(label), label).toBeLessThan(natsDown);
    }
    expect(await waitForNoProcess(dataDir, 5_000)).toEqual([]);
  });
});

describe("the supervisor and its readers", () => {
  it("a piped `pnpm start` whose reader exits stops cleanly and leaves no process behind", async () => {
    const dataDir = newDataDir();
    const port = await freePort();
    // grep exits after its first match: every later line the supervisor writes meets a closed pipe (EPIPE)
    const sh = spawn("sh", ["-c", `pnpm start | grep -m 1 '"msg":"consuming"'`], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: `nats://127.0.0.1:${port}`, SIFT_DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: "3000" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const run = watchLines(sh);
    expect(await run.exited).toBe(0);
    expect(run.lines.some((l) => /"msg":"consuming"/.test(l))).toBe(true);
    expect(run.lines.join("\n")).not.toMatch(/EPIPE|Unhandled| {4}at /);
    expect(run.lines).toContain("sift start: stdout was closed (its reader went away): stopping the pipeline");
    expect(await waitForNoProcess(dataDir, 15_000)).toEqual([]);
  });

  it("takes its children with it when it is killed outright (SIGKILL)", async () => {
    const dataDir = newDataDir();
    const port = await freePort();
    const sup = startSupervisor({
      env: { NATS_URL: `nats://127.0.0.1:${port}`, SIFT_DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: "2000" },
    });
    for (const label of ["intake", "segmenter", "cleaner", "tagger", "sink"]) await sup.waitLine(consumingLine(label));
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(8); // supervisor, keeper, nats, five services
    sup.proc.kill("SIGKILL");
    await sup.exited;
    // the services notice at once; the keeper gives them their grace (2 s + 3 s) before it stops nats-server
    expect(await waitForNoProcess(dataDir, 15_000)).toEqual([]);
  });
});

/** A long text of varied sentences (the cleaner keeps them), `chars` long. */
function longReport(chars: number): string {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)] as T;
  const first = ["Maria", "Tom", "Anna", "Peter", "Lena", "Omar", "Ines", "Karl", "Yuki", "Sara"];
  const last = ["Lopez", "Berg", "Hall", "Fischer", "Nakamura", "Costa", "Novak", "Meyer", "Okafor", "Lind"];
  const places = ["Madrid", "Oslo", "Rome", "Berlin", "Lagos", "Kyoto", "Lisbon", "Prague", "Vienna", "Bergen"];
  const paragraphs: string[] = [];
  let n = 0;
  while (n < chars) {
    const sentences = Array.from(
      { length: 5 },
      () =>
        `${pick(first)} ${pick(last)} met ${pick(first)} ${pick(last)} in ${pick(places)} on day ${Math.floor(next() * 900) + 1}, and plan ${Math.floor(next() * 9999)} went on.`,
    );
    const p = sentences.join(" ");
    paragraphs.push(p);
    n += p.length + 2;
  }
  return `Long report\n\n${paragraphs.join("\n\n")}\n`;
}

describe("shutdown while a long document is in flight", () => {
  let sup: Supervisor | undefined;
  afterEach(async () => {
    if (sup && sup.proc.exitCode === null) {
      sup.proc.kill("SIGTERM");
      await sup.exited;
    }
  });

  it("lets the tagger finish it once (no redelivery, no publish error) and stops within SHUTDOWN_GRACE_MS", async () => {
    const dataDir = newDataDir();
    const port = await freePort();
    const natsUrl = `nats://127.0.0.1:${port}`;
    const graceMs = 30_000;
    const env = { NATS_URL: natsUrl, SIFT_DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: String(graceMs) };
    sup = startSupervisor({ env });
    for (const label of ["intake", "segmenter", "cleaner", "tagger", "sink"]) await sup.waitLine(consumingLine(label));

    writeFileSync(join(dataDir, "intake", "long.txt"), longReport(1_000_000));
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    const tagger = async () => jsm.consumers.info(Consumers.tagger.stream, Consumers.tagger.durable);
    await waitFor(async () => (await tagger()).num_ack_pending > 0, 60_000, "the document in the tagger");
    await nc.close();

    // as Ctrl-C or pnpm's SIGTERM: the whole process group of the supervisor
    const t0 = Date.now();
    process.kill(-(sup.proc.pid as number), "SIGTERM");
    expect(await sup.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(graceMs);
    const first = sup.lines;
    const at = (re: RegExp) => first.findIndex((l) => re.test(l));
    // it was in flight when the stop began, finished after it, and before the broker went down
    const handled = at(/^tagger\s+\| .*"msg":"message handled"/);
    expect(handled).toBeGreaterThan(at(/"msg":"stopping"/));
    expect(handled).toBeLessThan(at(/^nats\s+\| .*Initiating Shutdown/));
    expect(first.filter((l) => /^tagger\s+\| .*"level":"(warn|error)"/.test(l))).toEqual([]);

    // the next start takes it from the sink's queue: the tagger never sees it again
    sup = startSupervisor({ env });
    await waitFor(() => existsSync(join(dataDir, "output", "long.txt.json")), 60_000, "output of long.txt");
    const again = await connect({ servers: natsUrl });
    try {
      const m = await jetstreamManager(again);
      const info = await m.consumers.info(Consumers.tagger.stream, Consumers.tagger.durable);
      expect(info.delivered.consumer_seq).toBe(1);
      expect(info.num_redelivered).toBe(0);
      const results = await m.streams.info(Streams.results.name, { subjects_filter: ">" });
      expect(results.state.subjects?.[Subjects.docTagged]).toBe(1);
    } finally {
      await again.close();
    }
    expect(sup.lines.some((l) => /^tagger\s+\| .*"msg":"message handled"/.test(l))).toBe(false);
    const out = JSON.parse(readFileSync(join(dataDir, "output", "long.txt.json"), "utf8"));
    expect(out.documents.length).toBe(1);
  });
});
