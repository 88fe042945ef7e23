import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchCorpus, type CorpusFile, writeFiles } from "./corpus.js";
import {
  PERF_NODE_OPTIONS,
  type PerfCategory,
  type PerfRecording,
  perfUsable,
  recordPerf,
  removePerfMaps,
  summarisePerf,
} from "./cpu-perf.js";
import { CATEGORIES, CATEGORY_NAMES, type Category, summariseProfiles } from "./cpu-profile.js";
import { startPipeline } from "./nats-pipeline.js";
import { type InProcessRun, type PipelineRun, runInProcess, runThrough } from "./pipeline.js";
import { loadAverage, procChildren, removeAtEnd, sleep } from "./procs.js";
import { addTable, type BenchRow, type BenchSection } from "./table.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");
const SERVICES = ["intake", "segmenter", "cleaner", "tagger", "sink"] as const;
const INTAKE_ENV = { INTAKE_POLL_MS: "20", INTAKE_STABLE_MS: "0" };

/** Profiling env for every Node.js process a run starts (services, their workers, `sift process`). */
const profiling = (dir: string) => ({
  // `--cpu-prof` is not allowed in NODE_OPTIONS; a preloaded module starts the same profiler
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(join(here, "cpu-preload.js")).href}`.trim(),
  SIFT_CPU_PROFILE_DIR: dir,
});

/** A breakdown's sample counts may hold more than its columns (the profiles' start-up): only the columns are shown. */
type Shares = Map<Category | PerfCategory, number>;

/** One way of splitting the CPU of the two runs: by CPU profiles (`--cpu-prof`) or by perf's samples. */
interface Breakdown {
  /** The table's columns, in order. */
  categories: readonly PerfCategory[];
  source: string;
  /** What the figures are and how far to trust them. */
  note: string;
  oneProcess(paths: string[], outDir: string): Promise<{ run: InProcessRun; shares: Shares }>;
  pipeline(files: CorpusFile[], dataDir: string): Promise<{ run: PipelineRun; shares: Map<string, Shares> }>;
}

const NAMES: Record<PerfCategory, string> = { ...CATEGORY_NAMES, compile: "compiling (V8)" };

/** Sums owners' shares (`sift process` and its worker are one run). */
const merged = (shares: Map<string, Shares>): Shares => {
  const out: Shares = new Map();
  for (const m of shares.values()) for (const [c, v] of m) out.set(c, (out.get(c) ?? 0) + v);
  return out;
};

/** Every Node.js process under the inspector's profiler: portable, but its samples are wall time while JavaScript runs. */
function byProfiles(dir: string, quick: boolean, log: (s: string) => void): Breakdown {
  const inDir = join(dir, "one-process");
  const natsDir = join(dir, "nats");
  return {
    categories: CATEGORIES.filter((c): c is Exclude<Category, "startup"> => c !== "startup"),
    source: "CPU profiles",
    note: "every Node.js process profiled (as --cpu-prof would; perf was not usable here); a sample goes to the category of its innermost frame that has one. Profile samples are wall time while a thread runs JavaScript: on a loaded machine, waiting for a core lands where a process woke another (socket writes), and V8's compiling on its own threads is not seen (it shows as other, or not at all)",
    async oneProcess(paths, outDir) {
      mkdirSync(inDir, { recursive: true });
      const run = await runInProcess(paths, outDir, profiling(inDir));
      // the window the shares are of, for whoever reads the profiles kept with --profiles
      writeFileSync(join(inDir, "window.json"), JSON.stringify({ fromUs: run.firstUs, toUs: run.lastUs + 1 }));
      return { run, shares: merged(summariseProfiles(inDir, run.firstUs, run.lastUs + 1, () => "one process")) };
    },
    async pipeline(files, dataDir) {
      mkdirSync(natsDir, { recursive: true });
      const p = await startPipeline({ repoRoot, dataDir, env: { ...INTAKE_ENV, ...profiling(natsDir) }, warn: log });
      let run: PipelineRun;
      try {
        run = await runThrough(p, files, quick ? 180_000 : 600_000);
      } finally {
        // the services and their workers write their profiles as they exit
        await p.stop();
      }
      writeFileSync(join(natsDir, "window.json"), JSON.stringify({ fromUs: run.fromUs, toUs: run.toUs }));
      return { run, shares: summariseProfiles(natsDir, run.fromUs, run.toUs) };
    },
  };
}

/** Every process and thread sampled by perf on the CPU: V8's compiler and GC threads and nats-server included. */
function byPerf(dir: string, quick: boolean, log: (s: string) => void): Breakdown {
  const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${PERF_NODE_OPTIONS}`.trim() };
  return {
    categories: ["stage", "ipc", "json", "zod", "kv", "nats", "logging", "gc", "compile", "other"],
    source: "perf samples",
    note: "every thread of every process sampled on the CPU by `perf record` (999 Hz, call stacks; JavaScript frames named by --perf-basic-prof-only-functions); a main thread's sample goes to the category of its innermost frame that has one (JSON and GC frames of V8 included), a V8 or libuv thread's to GC, compiling or other; the shares are applied to /proc's CPU seconds",
    async oneProcess(paths, outDir) {
      const file = join(dir, "one-process.perf");
      const seen = new Set<number>();
      let recording: Promise<PerfRecording> | undefined;
      try {
        const run = await runInProcess(paths, outDir, env, undefined, (pid) => {
          // attached once Node.js has started its threads (V8's platform threads start at once, and perf misses a
          // thread born while it attaches), well before the first file (the model loads for seconds); its worker
          // processes are followed from there
          recording = sleep(1000).then(() =>
            recordPerf(() => {
              for (const p of [pid, ...procChildren(pid)]) seen.add(p);
              return [...seen];
            }, file),
          );
          recording.catch(() => {}); // awaited below
        });
        if (!recording) throw new Error("sift process did not start");
        await (await recording).stop();
        return { run, shares: merged(await summarisePerf(file, run.firstUs, run.lastUs + 1, () => "one process")) };
      } finally {
        removePerfMaps(seen);
      }
    },
    async pipeline(files, dataDir) {
      const file = join(dir, "nats.perf");
      const p = await startPipeline({ repoRoot, dataDir, env: { ...INTAKE_ENV, ...env }, warn: log });
      const owners = new Map<number, string>();
      // the supervisor's other children (the broker's keeper) are not sampled, but write a map too
      const others = new Set<number>();
      // a service's worker processes are the service's; a worker started later is followed by perf, found at the end
      const findOwners = () => {
        for (const [label, pid] of p.processes()) {
          owners.set(pid, label);
          for (const c of procChildren(pid)) {
            if (label === "supervisor") others.add(c);
            else owners.set(c, label);
          }
        }
      };
      let run: PipelineRun;
      try {
        try {
          const recording = await recordPerf(() => {
            findOwners();
            return [...owners.keys()];
          }, file);
          try {
            run = await runThrough(p, files, quick ? 180_000 : 600_000);
            findOwners();
          } finally {
            await recording.stop();
          }
        } finally {
          await p.stop();
        }
        return { run, shares: await summarisePerf(file, run.fromUs, run.toUs, (pid) => owners.get(pid)) };
      } finally {
        removePerfMaps([...owners.keys(), ...others]);
      }
    },
  };
}

/**
 * Where each service's CPU goes: the corpus once more through NATS (and through `sift process`) with every
 * process sampled — by perf where it can run (time on a core, every thread), else by the inspector's CPU profiler —
 * each sample in a category (stage code, the work pool's IPC, JSON, zod, KV and object store, the NATS client,
 * pino, GC, V8 compiling), and the shares applied to the CPU seconds /proc counted. Sampled runs are slower: their
 * times are not the ones compared above.
 */
export const benchCpu: BenchSection = async (o) => {
  const tmp = mkdtempSync(join(tmpdir(), "sift-cpu-"));
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  try {
    const { corpus } = await benchCorpus(o);
    const paths = await writeFiles(join(tmp, "corpus"), corpus.files);
    const rows: BenchRow[] = [];
    // --profiles asks for the CPU profiles themselves
    const method =
      !o.profiles && perfUsable(tmp) ? byPerf(tmp, o.quick, log) : byProfiles(o.profiles ?? tmp, o.quick, log);

    log(`cpu: one process, by ${method.source}`);
    const { run: inproc, shares: inMs } = await method.oneProcess(paths, join(tmp, "inproc-out"));
    log(`cpu: NATS pipeline, by ${method.source}`);
    const { run, shares: natsShares } = await method.pipeline(corpus.files, join(tmp, "nats"));
    const load = loadAverage();

    const table: string[][] = [];
    const totals = new Map<PerfCategory, number>();
    let natsCpu = 0;
    let natsStart = 0;
    const line = (name: string, cpuS: number, startS: number, ms: Shares | undefined) => {
      const sampled = method.categories.reduce((n, c) => n + (ms?.get(c) ?? 0), 0);
      const cells = method.categories.map((c) => {
        const s = sampled > 0 ? ((ms?.get(c) ?? 0) / sampled) * cpuS : 0;
        return { c, s };
      });
      return { cells, row: [name, cpuS.toFixed(2), ...cells.map((x) => x.s.toFixed(2)), startS.toFixed(1)] };
    };
    for (const s of SERVICES) {
      const cpuS = run.cpu.get(s) ?? 0;
      const startS = run.cpuBefore.get(s) ?? 0;
      const { cells, row } = line(s, cpuS, startS, natsShares.get(s));
      for (const { c, s: v } of cells) totals.set(c, (totals.get(c) ?? 0) + v);
      natsCpu += cpuS;
      natsStart += startS;
      table.push(row);
    }
    const server = (run.cpu.get("nats-server") ?? 0) + (run.cpu.get("supervisor") ?? 0);
    table.push([
      "nats-server, supervisor",
      server.toFixed(2),
      ...method.categories.map(() => ""),
      ((run.cpuBefore.get("nats-server") ?? 0) + (run.cpuBefore.get("supervisor") ?? 0)).toFixed(1),
    ]);
    table.push([
      "**all over NATS**",
      (natsCpu + server).toFixed(2),
      ...method.categories.map((c) => (totals.get(c) ?? 0).toFixed(2)),
      natsStart.toFixed(1),
    ]);
    const one = line("**one process** (sift process)", inproc.workCpuS, inproc.cpuS - inproc.workCpuS, inMs);
    table.push(one.row);
    addTable({
      title: `Where the CPU goes (CPU seconds over the corpus, from ${method.source})`,
      header: ["process", "CPU s", ...method.categories.map((c) => NAMES[c]), "start-up, JIT warm-up (s, not counted)"],
      rows: table,
      notes: [
        `${corpus.files.length} files; CPU s from /proc from the drop to the last output (one process: first file to last), services with their worker processes; split by ${method.note} (stage work = the stage packages and the libraries they read with; sink: output assembly and writing; intake: reading, hashing, moving files). Sampled runs are slower than the ones above. Load ${load}.`,
      ],
    });
    rows.push({
      group: "cpu",
      name: "sampled corpus: CPU NATS / one process",
      value: (natsCpu + server) / inproc.workCpuS,
      unit: "×",
      note: `NATS ${(natsCpu + server).toFixed(1)} s (${(run.spanMs / 1000).toFixed(1)} s wall), one process ${inproc.workCpuS.toFixed(1)} s (${(inproc.spanMs / 1000).toFixed(1)} s wall), both sampled by ${method.source}; the breakdown is the table below`,
    });
    return rows;
  } finally {
    removeAtEnd(tmp);
  }
};
