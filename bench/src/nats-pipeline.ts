import { type FSWatcher, watch } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Streams, Subjects } from "@sift/contracts";
import { type CorpusFile, dropFiles } from "./corpus.js";
import {
  freePort,
  type ProcMemory,
  procChildren,
  procCpuSeconds,
  procMemory,
  procName,
  procTreeCpuSeconds,
  procTreeMemory,
  sleep,
  spawnGroup,
  stopGroup,
} from "./procs.js";

export interface PipelineOptions {
  repoRoot: string;
  /** SIFT_DATA_DIR of this run (created). */
  dataDir: string;
  /** Replicas, as `--scale name=n`. */
  scale?: Record<string, number>;
  env?: Record<string, string>;
  /** Lines of the supervisor's output that are not JSON logs, and warnings, go here. */
  warn?: (line: string) => void;
}

export interface StageTotals {
  messages: number;
  /** Sum of the per-message handler times the services log ("message handled" ms; intake "file received" ms). */
  ms: number;
}

/** What the output and failed folders saw: when each result appeared (performance.now()) and how often. */
export interface ResultLog {
  output: Map<string, number[]>;
  failed: Map<string, number[]>;
}

export interface RunningPipeline {
  natsUrl: string;
  dataDir: string;
  results: ResultLog;
  /** Restarts the supervisor reported (a crashed service). */
  restarts(): number;
  /** Live processes: supervisor, nats-server and every service replica by label. */
  processes(): Map<string, number>;
  memory(): Map<string, ProcMemory>;
  cpu(): Map<string, number>;
  /** Handler time per service (replicas summed) since the last reset. */
  totals(): Map<string, StageTotals>;
  resetTotals(): void;
  drop(files: CorpusFile[]): Promise<Map<string, number>>;
  /** Waits until every name has an output or a failure record; false when `timeoutMs` ran out. */
  waitFor(names: string[], timeoutMs: number, tick?: (done: number) => void): Promise<boolean>;
  /** Messages ever stored (last sequence) in each JetStream stream, KV bucket and object store. */
  streamCounts(): Promise<Map<string, number>>;
  /** `sift.file.completed` messages in SIFT_RESULTS per file id. */
  completedPerFile(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/**
 * Starts the real pipeline (`sift start`: a nats-server of its own on a free port, five services as child
 * processes) with a fresh data folder, and watches what comes out.
 */
export async function startPipeline(o: PipelineOptions): Promise<RunningPipeline> {
  const port = await freePort();
  const natsUrl = `nats://127.0.0.1:${port}`;
  const dirs = {
    intake: join(o.dataDir, "intake"),
    output: join(o.dataDir, "output"),
    failed: join(o.dataDir, "failed"),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const results: ResultLog = { output: new Map(), failed: new Map() };
  // names in the order their first result appeared: waitFor reads only what came since its last look
  const arrivals: string[] = [];
  const watchers: FSWatcher[] = [
    watchResults(dirs.output, ".json", results.output, arrivals),
    watchResults(dirs.failed, ".error.json", results.failed, arrivals),
  ];
  const scaleArgs = Object.entries(o.scale ?? {}).flatMap(([s, n]) => ["--scale", `${s}=${n}`]);
  const child = spawnGroup(
    process.execPath,
    [join(o.repoRoot, "packages", "cli", "dist", "main.js"), "start", ...scaleArgs],
    {
      ...process.env,
      NATS_URL: natsUrl,
      SIFT_DATA_DIR: o.dataDir,
      SIFT_SCALE: "",
      LOG_LEVEL: "info",
      HTTP_PORT: "0",
      ...o.env,
    },
    o.repoRoot,
  );
  const pids = new Map<string, number>();
  const ports = new Map<string, number>();
  const totals = new Map<string, StageTotals>();
  let restarts = 0;
  const tail: string[] = [];
  const recent = new Map<string, string[]>();
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    const bar = line.indexOf(" | ");
    if (bar < 0) return;
    const label = line.slice(0, bar).trim();
    const text = line.slice(bar + 3);
    const mine = recent.get(label) ?? [];
    mine.push(text);
    if (mine.length > 6) mine.shift();
    recent.set(label, mine);
    if (!text.startsWith("{")) return;
    let rec: { msg?: string; ms?: number; child?: string; pid?: number; port?: number; level?: string | number };
    try {
      rec = JSON.parse(text);
    } catch {
      return;
    }
    if (rec.msg === "message handled" || rec.msg === "file received") {
      const service = label.replace(/-\d+$/, "");
      const t = totals.get(service) ?? { messages: 0, ms: 0 };
      t.messages++;
      t.ms += rec.ms ?? 0;
      totals.set(service, t);
    } else if (rec.msg === "service started" && rec.child && rec.pid) pids.set(rec.child, rec.pid);
    else if (rec.msg === "http listening" && rec.port) ports.set(label, rec.port);
    else if (rec.msg === "service exited, restarting") {
      restarts++;
      const last = (rec.child ? recent.get(rec.child) : undefined) ?? [];
      o.warn?.(`${rec.child} exited and was restarted; its last lines:\n  ${last.join("\n  ")}`);
    }
  };
  if (child.stdout) createInterface({ input: child.stdout }).on("line", onLine);
  if (child.stderr) createInterface({ input: child.stderr }).on("line", (l) => tail.push(`stderr: ${l}`));

  const expected = 1 + ["segmenter", "cleaner", "tagger", "sink"].reduce((n, s) => n + (o.scale?.[s] ?? 1), 0);
  const deadline = Date.now() + 90_000;
  const ready = new Set<string>();
  while (ready.size < expected) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopGroup(child, 5000);
      for (const w of watchers) w.close();
      throw new Error(`the pipeline did not come up (${ready.size}/${expected} ready):\n${tail.join("\n")}`);
    }
    for (const [label, p] of ports) {
      if (ready.has(label)) continue;
      const ok = await fetch(`http://127.0.0.1:${p}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) ready.add(label);
    }
    await sleep(100);
  }

  const processes = () => {
    const all = new Map<string, number>();
    if (child.pid) {
      all.set("supervisor", child.pid);
      // `sift start` runs nats-server under a keeper process: look one level further down too
      for (const pid of procChildren(child.pid))
        for (const p of [pid, ...procChildren(pid)]) if (procName(p) === "nats-server") all.set("nats-server", p);
    }
    for (const [label, pid] of pids) all.set(label, pid);
    return all;
  };

  return {
    natsUrl,
    dataDir: o.dataDir,
    results,
    restarts: () => restarts,
    processes,
    // a service's figures include its worker processes (the stages' work runs there)
    memory() {
      const out = new Map<string, ProcMemory>();
      for (const [label, pid] of processes()) {
        const m = pids.has(label) ? procTreeMemory(pid) : procMemory(pid);
        if (m) out.set(label, m);
      }
      return out;
    },
    cpu() {
      const out = new Map<string, number>();
      for (const [label, pid] of processes()) {
        const s = pids.has(label) ? procTreeCpuSeconds(pid) : procCpuSeconds(pid);
        if (s !== null) out.set(label, s);
      }
      return out;
    },
    totals: () => new Map([...totals].map(([k, v]) => [k, { ...v }])),
    resetTotals: () => totals.clear(),
    drop: (files) => dropFiles(dirs.intake, files),
    async waitFor(names, timeoutMs, tick) {
      const end = Date.now() + timeoutMs;
      let lastScan = Date.now();
      // every name looked up once, then only the arrivals since: a scan of all names every 25 ms was 0.8 s of
      // the bench's CPU over 10,000 files, on the cores the pipeline runs on
      const wanted = new Set(names);
      const pending = new Set([...wanted].filter((n) => !results.output.has(n) && !results.failed.has(n)));
      let read = arrivals.length;
      for (;;) {
        for (; read < arrivals.length; read++) pending.delete(arrivals[read] as string);
        const done = wanted.size - pending.size;
        tick?.(done);
        if (pending.size === 0) return true;
        if (Date.now() > end) return false;
        // a watcher can miss events when its queue overflows: look at the folders now and then
        if (Date.now() - lastScan > 2000) {
          lastScan = Date.now();
          await rescan(dirs.output, ".json", results.output, arrivals);
          await rescan(dirs.failed, ".error.json", results.failed, arrivals);
        }
        await sleep(25);
      }
    },
    async streamCounts() {
      const nc = await connect({ servers: natsUrl, name: "bench" });
      const counts = new Map<string, number>();
      try {
        const jsm = await jetstreamManager(nc);
        for await (const si of jsm.streams.list()) counts.set(si.config.name, si.state.last_seq);
      } finally {
        await nc.close();
      }
      return counts;
    },
    async completedPerFile() {
      const nc = await connect({ servers: natsUrl, name: "bench" });
      const counts = new Map<string, number>();
      try {
        const js = jetstream(nc);
        const consumer = await js.consumers.get(Streams.results.name, { filter_subjects: Subjects.fileCompleted });
        const info = await consumer.info(true);
        if (info.num_pending === 0) return counts;
        const messages = await consumer.consume();
        for await (const m of messages) {
          const body = m.json<{ fileId?: string }>();
          const id = body.fileId ?? "?";
          counts.set(id, (counts.get(id) ?? 0) + 1);
          if (m.info.pending === 0) break;
        }
      } finally {
        await nc.close();
      }
      return counts;
    },
    async stop() {
      for (const w of watchers) w.close();
      await stopGroup(child, 20_000);
    },
  };
}

function watchResults(dir: string, suffix: string, into: Map<string, number[]>, arrivals: string[]): FSWatcher {
  return watch(dir, (event, filename) => {
    if (event !== "rename" || !filename || !filename.endsWith(suffix)) return;
    const name = filename.slice(0, -suffix.length);
    const seen = into.get(name);
    if (seen) seen.push(performance.now());
    else {
      into.set(name, [performance.now()]);
      arrivals.push(name);
    }
  });
}

async function rescan(dir: string, suffix: string, into: Map<string, number[]>, arrivals: string[]) {
  const now = performance.now();
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (!f.endsWith(suffix)) continue;
    const name = f.slice(0, -suffix.length);
    if (!into.has(name)) {
      into.set(name, [now]);
      arrivals.push(name);
    }
  }
}
