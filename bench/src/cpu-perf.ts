import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type Category, frameCategory } from "./cpu-profile.js";
import { sleep } from "./procs.js";

/** What a perf sample is spent on: the profile categories, with V8's compiling apart (its threads' and the main thread's). */
export type PerfCategory = Exclude<Category, "startup"> | "compile";

/**
 * Node.js options that name JavaScript frames for perf (`/tmp/perf-<pid>.map`, written as code is compiled; only
 * functions, not every stub: the lighter of V8's two maps).
 */
export const PERF_NODE_OPTIONS = "--perf-basic-prof-only-functions";

/** Whether `perf record` works here (installed, and allowed to sample this user's processes). */
export function perfUsable(dir: string): boolean {
  const r = spawnSync("perf", ["record", "-q", "-o", join(dir, "probe.perf"), "--", "true"], {
    stdio: "ignore",
    timeout: 20_000,
  });
  rmSync(join(dir, "probe.perf"), { force: true });
  return r.status === 0;
}

export interface PerfRecording {
  /** Stops sampling and waits for perf to write its file. */
  stop(): Promise<void>;
}

/**
 * Samples the given processes' every thread (and the children they start from now on) on the CPU, with call
 * stacks, timed on the monotonic clock as `process.hrtime` is. Unlike a CPU profile's samples, which are wall time
 * while JavaScript runs, these are time on a core: waiting for one costs nothing, and V8's own threads (compiling,
 * GC) and nats-server count too. `pids` is asked again for each try: perf gives up when a process or thread it was
 * given ends while it attaches (a worker that exits, a thread of V8's that stops), which happened once in a
 * clean-clone bench; it is tried three times, with the processes alive at that moment.
 */
export async function recordPerf(pids: () => number[], file: string): Promise<PerfRecording> {
  let failure = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const alive = pids().filter((pid) => existsSync(`/proc/${pid}`));
    const child: ChildProcess = spawn(
      "perf",
      ["record", "-k", "CLOCK_MONOTONIC", "-F", "999", "-g", "-o", file, "-p", alive.join(",")],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    // perf attaches in a moment; what runs before it is not sampled at all (not misattributed)
    await sleep(500);
    if (child.exitCode === null)
      return {
        async stop() {
          child.kill("SIGINT");
          await exited;
        },
      };
    failure = `perf record exited (${child.exitCode}) on try ${attempt}: ${stderr.trim().split("\n").slice(-3).join(" / ")}`;
  }
  throw new Error(failure);
}

const GC = /Heap::|Scavenger|MarkCompact|Sweeper|IncrementalMarking|ConcurrentMarking|Evacuat|MinorMC|MemoryReducer/;
const COMPILE =
  /compiler::|Compiler::|OptimizingCompileDispatcher|BackgroundCompileTask|Parser::|BytecodeGenerator|baseline::/;
const JSON_NATIVE = /JsonParser|JsonStringifier/;
/** `JS:*name url:line:col` (`*` optimised, `^` baseline, `~` interpreted; a name or a url may be empty). */
const JS_FRAME = /^JS:\S?(\S*) (.*):\d+:\d+$/;

/**
 * The category of one sample, from its frames innermost first: on a main thread the innermost frame that has one
 * (as for a CPU profile, a library of no known kind belongs to its caller, and to the stage when no caller of ours
 * is on the stack); on V8's and libuv's own threads, GC, compiling or other.
 */
export function sampleCategory(mainThread: boolean, frames: readonly string[]): PerfCategory {
  if (!mainThread)
    return frames.some((f) => GC.test(f)) ? "gc" : frames.some((f) => COMPILE.test(f)) ? "compile" : "other";
  let found: PerfCategory | undefined;
  let library = false;
  for (const f of frames) {
    const js = JS_FRAME.exec(f);
    if (!js) {
      if (found) continue;
      if (GC.test(f)) return "gc";
      if (COMPILE.test(f)) return "compile";
      if (JSON_NATIVE.test(f)) return "json";
      continue;
    }
    const fc = frameCategory({ functionName: js[1] ?? "", url: js[2] ?? "" });
    if (!found && fc) {
      found = fc === "startup" ? "other" : fc;
      if (fc !== "nats") break;
    } else if (found === "nats" && fc === "kv") return "kv";
    else if (!found && js[2]?.includes("/node_modules/")) library = true;
  }
  return found ?? (library ? "stage" : "other");
}

/**
 * Samples per owner (a service with its workers, say) and category, within `[fromUs, toUs)` of the monotonic clock;
 * processes `ownerOf` does not know are left out. Then removes the processes' perf maps from /tmp.
 */
export async function summarisePerf(
  file: string,
  fromUs: number,
  toUs: number,
  ownerOf: (pid: number) => string | undefined,
): Promise<Map<string, Map<PerfCategory, number>>> {
  const out = new Map<string, Map<PerfCategory, number>>();
  const pids = new Set<number>();
  const child = spawn("perf", ["script", "-i", file, "-F", "pid,tid,time,ip,sym"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let head: { pid: number; tid: number; us: number } | undefined;
  let frames: string[] = [];
  const flush = () => {
    if (head) {
      const owner = ownerOf(head.pid);
      if (owner !== undefined && head.us >= fromUs && head.us < toUs) {
        const cat = sampleCategory(head.pid === head.tid, frames);
        const m = out.get(owner) ?? new Map<PerfCategory, number>();
        m.set(cat, (m.get(cat) ?? 0) + 1);
        out.set(owner, m);
      }
      pids.add(head.pid);
    }
    head = undefined;
    frames = [];
  };
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  for await (const line of createInterface({ input: child.stdout })) {
    const h = /^\s*(\d+)\/(\d+)\s+(\d+)\.(\d{6}):/.exec(line);
    if (h) {
      flush();
      head = { pid: Number(h[1]), tid: Number(h[2]), us: Number(h[3]) * 1e6 + Number(h[4]) };
      continue;
    }
    if (line.trim() === "") {
      flush();
      continue;
    }
    // "\t    7f67f60b604f JS:^name url:1:2": the address, then the symbol
    const f = /^\s+[0-9a-f]+ (.*)$/.exec(line);
    if (f?.[1] && head) frames.push(f[1]);
  }
  flush();
  await exited;
  removePerfMaps(pids);
  return out;
}

/** The symbol maps `--perf-basic-prof-only-functions` wrote for these processes (Node.js never removes them). */
export function removePerfMaps(pids: Iterable<number>): void {
  for (const pid of pids) rmSync(`/tmp/perf-${pid}.map`, { force: true });
}
