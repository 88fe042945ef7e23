import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchCorpus, writeFiles } from "./corpus.js";
import { CATEGORIES, CATEGORY_NAMES, type Category, summariseProfiles } from "./cpu-profile.js";
import { startPipeline } from "./nats-pipeline.js";
import { runInProcess, runThrough } from "./pipeline.js";
import { loadAverage } from "./procs.js";
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

/**
 * Where each service's CPU goes: the corpus once more through NATS (and through `sift process`) with every
 * process profiled (as `--cpu-prof` would); each sample goes to the category of its innermost frame that has one (stage code,
 * the work pool's IPC, JSON, zod, KV and object store, the NATS client, pino, GC), and the shares are applied to
 * the CPU seconds /proc counted. Profiled runs are slower: their times are not the ones compared above.
 */
export const benchCpu: BenchSection = async (o) => {
  const tmp = mkdtempSync(join(tmpdir(), "sift-cpu-"));
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  try {
    const { corpus } = await benchCorpus(o);
    const paths = await writeFiles(join(tmp, "corpus"), corpus.files);
    const rows: BenchRow[] = [];

    const profiles = o.profiles ?? tmp;
    const inDir = join(profiles, "one-process");
    mkdirSync(inDir, { recursive: true });
    log("cpu: one process, profiled");
    const inproc = await runInProcess(paths, join(tmp, "inproc-out"), profiling(inDir));
    const inShares = summariseProfiles(inDir, inproc.firstUs, inproc.lastUs + 1, () => "one process");
    // the window the shares are of, for whoever reads the profiles kept with --profiles
    writeFileSync(join(inDir, "window.json"), JSON.stringify({ fromUs: inproc.firstUs, toUs: inproc.lastUs + 1 }));
    // `sift process` and its worker are one "owner" each; together they are the one-process run
    const inMs = new Map<Category, number>();
    for (const m of inShares.values()) for (const [c, v] of m) inMs.set(c, (inMs.get(c) ?? 0) + v);

    const natsDir = join(profiles, "nats");
    mkdirSync(natsDir, { recursive: true });
    log("cpu: NATS pipeline, profiled");
    const p = await startPipeline({
      repoRoot,
      dataDir: join(tmp, "nats"),
      env: { ...INTAKE_ENV, ...profiling(natsDir) },
      warn: log,
    });
    let run: Awaited<ReturnType<typeof runThrough>>;
    try {
      run = await runThrough(p, corpus.files, o.quick ? 180_000 : 600_000);
    } finally {
      // the services and their workers write their profiles as they exit
      await p.stop();
    }
    const load = loadAverage();
    const natsShares = summariseProfiles(natsDir, run.fromUs, run.toUs);
    writeFileSync(join(natsDir, "window.json"), JSON.stringify({ fromUs: run.fromUs, toUs: run.toUs }));

    const table: string[][] = [];
    const totals = new Map<Category, number>();
    let natsCpu = 0;
    let natsStart = 0;
    const line = (name: string, cpuS: number, startS: number, ms: Map<Category, number> | undefined) => {
      const sampled = CATEGORIES.filter((c) => c !== "startup").reduce((n, c) => n + (ms?.get(c) ?? 0), 0);
      const cells = CATEGORIES.filter((c) => c !== "startup").map((c) => {
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
      ...CATEGORIES.filter((c) => c !== "startup").map(() => ""),
      ((run.cpuBefore.get("nats-server") ?? 0) + (run.cpuBefore.get("supervisor") ?? 0)).toFixed(1),
    ]);
    table.push([
      "**all over NATS**",
      (natsCpu + server).toFixed(2),
      ...CATEGORIES.filter((c) => c !== "startup").map((c) => (totals.get(c) ?? 0).toFixed(2)),
      natsStart.toFixed(1),
    ]);
    const one = line("**one process** (sift process)", inproc.workCpuS, inproc.cpuS - inproc.workCpuS, inMs);
    table.push(one.row);
    addTable({
      title: "Where the CPU goes (CPU seconds over the corpus, from CPU profiles)",
      header: ["process", "CPU s", ...CATEGORIES.map((c) => CATEGORY_NAMES[c])].map((h, i) =>
        i === CATEGORIES.length + 1 ? `${h} (s, not counted)` : h,
      ),
      rows: table,
      notes: [
        `Every Node.js process profiled (services with their worker processes), ${corpus.files.length} files; CPU s from /proc from the drop to the last output (one process: first file to last), split by the profile's samples: a sample goes to the category of its innermost frame that has one (stage work = the stage packages and the libraries they read with; sink: output assembly and writing; intake: reading, hashing, moving files). Samples are wall time while a thread is not idle: on a loaded machine, waiting for a core lands where a process woke another (socket writes). Profiled runs are slower than the ones above. Load ${load}.`,
      ],
    });
    rows.push({
      group: "cpu",
      name: "profiled corpus: CPU NATS / one process",
      value: (natsCpu + server) / inproc.workCpuS,
      unit: "×",
      note: `NATS ${(natsCpu + server).toFixed(1)} s (${(run.spanMs / 1000).toFixed(1)} s wall), one process ${inproc.workCpuS.toFixed(1)} s (${(inproc.spanMs / 1000).toFixed(1)} s wall), both under --cpu-prof; the breakdown is the table below`,
    });
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
};
