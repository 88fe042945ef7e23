import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  errorCode,
  isRetryable,
  SiftError,
  WorkCrashedError,
  WorkFailedError,
  WorkMemoryError,
  WorkTimeoutError,
} from "@sift/contracts";
import type { BaseConfig } from "./config.js";
import type { Logger } from "./logger.js";
import {
  type ChildMessage,
  loadTaskModules,
  type ParentMessage,
  readErrorOf,
  type SerialisedError,
  serialiseError,
  type WorkTasks,
} from "./work-protocol.js";

/** A function of the parent that a task may call (its I/O): it runs in the parent, outside the task's time budget. */
export type WorkDep = (...args: never[]) => Promise<unknown>;

export interface WorkPoolOptions {
  /** Modules (paths or URLs) whose `tasks` export the workers serve; an `init` export runs when a worker starts. */
  modules: Array<string | URL>;
  /** Worker processes at most; each runs one unit of work at a time. */
  size: number;
  /** Time budget of one unit of work, from the moment a worker starts it (calls to `deps` not counted). */
  timeoutMs: number;
  /** V8 heap of a worker; a worker whose resident memory passes twice this is stopped too. */
  memoryMb: number;
  /**
   * Workers started at once rather than on first use (the tagger loads its model before the first message).
   * @default 0
   */
  warm?: number;
  /** Extra Node.js options of the workers. */
  execArgv?: string[];
  log?: Logger;
  /**
   * How often the resident memory of busy workers is read.
   * @default 200
   */
  memoryCheckMs?: number;
  /**
   * A worker beyond the first takes a unit only once every worker before it has been on its unit this long:
   * short units stay with one worker (compiled once, as in one process), a slow one does not hold back the rest.
   * @default 250
   */
  spillAfterMs?: number;
  /**
   * Also load the task modules in this process (their `init` too), so that `run` with `inline` can do a small
   * unit here: no hop to a worker and back for work that cannot hurt.
   * @default false
   */
  inline?: boolean;
}

export interface RunOptions {
  /** Names the unit of work in errors ("report.pdf", a document id). */
  label?: string;
  /** Functions of this process the task may call; what they throw keeps its own classification. */
  deps?: Record<string, WorkDep>;
  /**
   * Run the unit in this process (when the pool was made with `inline`), with no time budget or memory cap:
   * only for units the caller knows to be small and of a kind the stage reads in linear time.
   */
  inline?: boolean;
}

export interface WorkPoolStats {
  workers: number;
  busy: number;
  queued: number;
  /** Workers stopped or lost under a unit of work (and so replaced). */
  replaced: number;
  /** Units done in this process (`inline`). */
  inline: number;
  /** Process ids of the workers (to watch their memory). */
  pids: number[];
}

export interface WorkPool {
  /** Runs `task` on `input` in a worker; rejects with WORK_TIMEOUT, WORK_MEMORY, WORK_CRASHED, WORK_ERROR or the task's own error. */
  run<T>(task: string, input: unknown, o?: RunOptions): Promise<T>;
  /** Resolves once the `warm` workers have started and loaded their modules. */
  ready(): Promise<void>;
  stats(): WorkPoolStats;
  /** Stops every worker; queued work is rejected (retryable: it was never started). */
  close(): Promise<void>;
}

interface Job {
  id: number;
  task: string;
  input: unknown;
  label: string;
  deps: Record<string, WorkDep>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Budget left, and since when it runs (undefined while paused in a call to the parent). */
  remainingMs: number;
  /** When a worker took it. */
  startedAt?: number;
  runningSince?: number | undefined;
  timer?: NodeJS.Timeout | undefined;
}

interface Child {
  proc: ChildProcess;
  ready: boolean;
  job?: Job | undefined;
  /** Why this process stopped one of its jobs, when we stopped it. */
  stoppedFor?: SiftError | undefined;
  /** Retired after a unit of work that left it large: it takes no more work and exits. */
  retired?: boolean;
  /** Resident memory when it was ready for work. */
  baseline?: number | undefined;
  /** Its last unit ended and its memory has not been looked at since (it may have grown enough to retire). */
  ended?: boolean;
  stderr: string;
}

const here = import.meta.url;
// from src/ (tests run the TypeScript sources) the child runs through tsx, resolving workspace packages to their sources
const fromSource = here.endsWith(".ts");
const CHILD = new URL(fromSource ? "./work-child.ts" : "./work-child.js", here);
const SOURCE_ARGV = fromSource ? ["--import", "tsx", "--conditions=@sift/source"] : [];

/**
 * A pool of worker processes for a stage's pure work: each unit of work runs in a process of its own with
 * a time budget and a heap cap, so one that loops, recurses without end or eats memory fails alone
 * (the worker is stopped and replaced) while this process stays responsive and other units go on.
 * Processes, not threads: a thread's heap limit does not hold for every allocation, and V8 takes the whole
 * process down when it does not.
 */
export function createWorkPool(o: WorkPoolOptions): WorkPool {
  const modules = o.modules.map((m) => (m instanceof URL ? m.href : m.startsWith("file:") ? m : pathToFileURL(m).href));
  const children = new Set<Child>();
  const queue: Job[] = [];
  let nextId = 0;
  let replaced = 0;
  let closed = false;
  const rssLimit = 2 * o.memoryMb * 1024 * 1024;
  const spillAfterMs = o.spillAfterMs ?? 250;
  // a worker that ends a unit of work this much larger than it started is replaced by a fresh one
  const retireGrowth = (o.memoryMb / 2) * 1024 * 1024;
  let readyWaiters: Array<() => void> = [];
  let inlineTasks: WorkTasks | undefined;
  let inlineRuns = 0;
  if (o.inline)
    void loadTaskModules(modules, { inline: true }).then(
      (t) => {
        inlineTasks = t;
        wakeReady();
      },
      (err: unknown) => {
        // every unit goes to the workers then
        o.log?.error({ err }, "task modules could not load in this process");
        inlineTasks = {};
        wakeReady();
      },
    );
  const readyCount = () => [...children].filter((c) => c.ready && !c.retired && !c.stoppedFor).length;
  const wakeReady = () => {
    if (o.inline && !inlineTasks) return;
    if (readyCount() < Math.min(o.warm ?? 0, o.size)) return;
    for (const w of readyWaiters) w();
    readyWaiters = [];
  };

  const spawnChild = (): Child => {
    const proc = fork(fileURLToPath(CHILD), [], {
      execArgv: [...SOURCE_ARGV, `--max-old-space-size=${o.memoryMb}`, ...(o.execArgv ?? [])],
      env: { ...process.env, SIFT_WORK_MODULES: JSON.stringify(modules) },
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const child: Child = { proc, ready: false, stderr: "" };
    children.add(child);
    proc.stderr?.on("data", (d: Buffer) => {
      // the end of stderr says why V8 gave up; keep a little of it
      child.stderr = (child.stderr + d.toString("utf8")).slice(-4096);
    });
    proc.on("message", (raw) => onMessage(child, raw as ChildMessage));
    proc.on("error", (err) => o.log?.warn({ err }, "worker process error"));
    proc.once("exit", (code, signal) => onExit(child, code, signal));
    return child;
  };

  const onMessage = (child: Child, m: ChildMessage) => {
    if (m.t === "ready") {
      child.ready = true;
      child.baseline = child.proc.pid === undefined ? undefined : residentBytes(child.proc.pid);
      wakeReady();
      dispatch();
      return;
    }
    if (m.t === "fatal") {
      o.log?.error({ error: m.error }, "worker could not start");
      return;
    }
    const job = child.job;
    if (!job || m.id !== job.id) return;
    if (m.t === "call") {
      pause(job);
      const dep = job.deps[m.dep];
      const reply = (r: ParentMessage) => {
        if (child.job !== job) return;
        resume(child, job);
        child.proc.send(r);
      };
      if (!dep) {
        reply({ t: "reply", call: m.call, ok: false, error: { name: "Error", message: `no dependency ${m.dep}` } });
        return;
      }
      (dep as (...a: unknown[]) => Promise<unknown>)(...m.args).then(
        (value) => reply({ t: "reply", call: m.call, ok: true, value }),
        (err: unknown) =>
          reply({
            t: "reply",
            call: m.call,
            ok: false,
            error: { ...serialiseError(err), code: errorCode(err), retryable: isRetryable(err) },
          }),
      );
      return;
    }
    // done
    finish(child);
    if (m.ok) job.resolve(m.value);
    else job.reject(toError(job.label, m.error));
    dispatch();
  };

  const onExit = (child: Child, code: number | null, signal: NodeJS.Signals | null) => {
    children.delete(child);
    const job = child.job;
    if (job) {
      finish(child);
      replaced++;
      const err = child.stoppedFor ?? exitError(job.label, code, signal, child.stderr);
      o.log?.warn(
        { code: errorCode(err), reason: err.message, exitCode: code, signal, label: job.label },
        "worker stopped under a unit of work; a new one takes its place",
      );
      job.reject(err);
    } else if (!closed && !child.ready && ![...children].some((c) => c.ready)) {
      // it died before it could take work and no other worker runs: the queued work would wait for ever
      const err = new WorkCrashedError("worker start", describeExit(code, signal, child.stderr), true);
      for (const queued of queue.splice(0)) queued.reject(err);
    }
    if (!closed) {
      dispatch();
      warmUp();
    }
  };

  const finish = (child: Child) => {
    const job = child.job;
    if (job?.timer) clearTimeout(job.timer);
    child.job = undefined;
    child.ended = true;
  };

  const pause = (job: Job) => {
    if (job.runningSince === undefined) return;
    if (job.timer) clearTimeout(job.timer);
    job.remainingMs -= performance.now() - job.runningSince;
    job.runningSince = undefined;
  };

  const resume = (child: Child, job: Job) => {
    job.runningSince = performance.now();
    job.timer = setTimeout(
      () => stop(child, new WorkTimeoutError(job.label, o.timeoutMs)),
      Math.max(0, job.remainingMs),
    );
  };

  const stop = (child: Child, why: SiftError) => {
    if (child.stoppedFor) return;
    child.stoppedFor = why;
    child.proc.kill("SIGKILL");
  };

  let spillTimer: NodeJS.Timeout | undefined;
  const dispatch = () => {
    if (spillTimer) clearTimeout(spillTimer);
    spillTimer = undefined;
    while (queue.length > 0 && !closed) {
      const now = performance.now();
      const live = [...children].filter((c) => !c.retired && !c.stoppedFor);
      let target: Child | undefined;
      let waitMs: number | undefined;
      // workers in the order they started: the first takes the work while it keeps up, and its code stays compiled;
      // a later one takes work only once every one before it has been busy for spillAfterMs on its unit
      for (const c of live) {
        if (!c.ready) {
          waitMs = undefined; // it will ask for work when it is ready
          break;
        }
        if (!c.job) {
          target = c;
          break;
        }
        const busy = now - (c.job.startedAt ?? now);
        if (busy < spillAfterMs) {
          waitMs = spillAfterMs - busy;
          break;
        }
      }
      if (!target) {
        const starting = live.some((c) => !c.ready);
        if (waitMs !== undefined) spillTimer = setTimeout(dispatch, Math.max(1, waitMs));
        else if (!starting && live.length < o.size) spawnChild();
        return;
      }
      const job = queue.shift() as Job;
      target.job = job;
      watchMemory();
      job.startedAt = now;
      resume(target, job);
      target.proc.send({ t: "run", id: job.id, task: job.task, input: job.input, deps: Object.keys(job.deps) });
    }
  };

  const warmUp = () => {
    const live = () => [...children].filter((c) => !c.retired && !c.stoppedFor).length;
    while (!closed && live() < Math.min(o.warm ?? 0, o.size)) spawnChild();
  };

  // memory is read from /proc while a worker has a unit, and once after it (to retire it); an idle pool reads nothing
  // and sets no timer, so that an idle service is not woken five times a second for it
  let memoryTimer: NodeJS.Timeout | undefined;
  const checkMemory = () => {
    let watching = false;
    for (const c of children) {
      const ended = c.ended;
      c.ended = false;
      if (c.stoppedFor || c.retired || c.proc.pid === undefined || (!c.job && !ended)) continue;
      if (c.job) watching = true;
      const rss = residentBytes(c.proc.pid);
      if (rss === undefined) continue;
      if (c.job && rss > rssLimit)
        stop(c, new WorkMemoryError(c.job.label, `resident memory over ${2 * o.memoryMb} MB, twice WORK_MEMORY_MB`));
      // an idle worker that grew on a unit gives its memory back by exiting (V8 keeps what it took); a fresh one starts
      else if (!c.job && c.ready && c.baseline !== undefined && rss > c.baseline + retireGrowth) {
        c.retired = true;
        c.proc.disconnect();
        warmUp();
      }
    }
    if (!watching) {
      clearInterval(memoryTimer);
      memoryTimer = undefined;
    }
  };
  const watchMemory = () => {
    if (memoryTimer || closed) return;
    memoryTimer = setInterval(checkMemory, o.memoryCheckMs ?? 200);
    memoryTimer.unref();
  };
  warmUp();

  return {
    run<T>(task: string, input: unknown, r: RunOptions = {}) {
      if (closed) return Promise.reject(new SiftError("WORK_POOL_CLOSED", "the work pool is closed"));
      const fn = r.inline ? inlineTasks?.[task] : undefined;
      if (fn) {
        inlineRuns++;
        return runInline<T>(fn, input, r.label ?? task, r.deps ?? {});
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({
          id: nextId++,
          task,
          input,
          label: r.label ?? task,
          deps: r.deps ?? {},
          resolve: resolve as (v: unknown) => void,
          reject,
          remainingMs: o.timeoutMs,
        });
        dispatch();
      });
    },
    ready() {
      return new Promise<void>((resolve) => {
        readyWaiters.push(resolve);
        wakeReady();
      });
    },
    stats() {
      const all = [...children];
      return {
        workers: all.length,
        busy: all.filter((c) => c.job).length,
        queued: queue.length,
        replaced,
        inline: inlineRuns,
        pids: all.flatMap((c) => (c.proc.pid === undefined ? [] : [c.proc.pid])),
      };
    },
    async close() {
      closed = true;
      if (spillTimer) clearTimeout(spillTimer);
      for (const w of readyWaiters) w();
      readyWaiters = [];
      clearInterval(memoryTimer);
      for (const job of queue.splice(0)) job.reject(new SiftError("WORK_POOL_CLOSED", "the work pool is closed"));
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((done) => {
              if (c.proc.exitCode !== null || c.proc.signalCode !== null) return done();
              c.proc.once("exit", () => done());
              // an idle worker exits by itself (writing what a process writes at exit: CPU profiles, coverage)
              if (!c.job && c.proc.connected) {
                c.proc.disconnect();
                setTimeout(() => c.proc.kill("SIGKILL"), 1000).unref();
              } else c.proc.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}

/** What a dependency threw, keeping its code and retryability as the worker's side of a call keeps them. */
class DependencyError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(err: unknown) {
    super(serialiseError(err).message, { cause: err });
    this.name = serialiseError(err).name;
    this.code = errorCode(err);
    this.retryable = isRetryable(err);
  }
}

/** A unit run in this process: it succeeds or fails exactly as it would in a worker (same codes and classification). */
async function runInline<T>(
  fn: WorkTasks[string],
  input: unknown,
  label: string,
  deps: Record<string, WorkDep>,
): Promise<T> {
  const wrapped: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, dep] of Object.entries(deps))
    wrapped[name] = (...args) =>
      (dep as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
        throw new DependencyError(err);
      });
  try {
    return (await fn(input, wrapped)) as T;
  } catch (err) {
    throw toError(label, err instanceof DependencyError ? serialiseError(err) : readErrorOf(err));
  }
}

/** The error a task's failure becomes in this process: the same code, message and classification. */
function toError(label: string, e: SerialisedError): SiftError {
  if (e.unexpected) return new WorkFailedError(label, e);
  const err = new SiftError(e.code ?? "ERROR", e.message, { retryable: e.retryable ?? true });
  err.name = e.name;
  return err;
}

const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed|invalid (array|table) (length|size)/i;

function exitError(label: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): SiftError {
  if (OUT_OF_MEMORY.test(stderr)) return new WorkMemoryError(label, "the V8 heap is capped at WORK_MEMORY_MB");
  // killed from outside (the kernel's OOM killer, an operator): the same input may well pass next time
  const outside = signal === "SIGKILL" || signal === "SIGTERM" || signal === "SIGINT";
  return new WorkCrashedError(label, describeExit(code, signal, stderr), outside);
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const last = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return `${signal ? `signal ${signal}` : `exit code ${code}`}${last ? `: ${last.slice(0, 200)}` : ""}`;
}

/** Resident memory of a process from /proc (Linux); undefined where there is no /proc. */
function residentBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stage service's pool, from its config: WORK_PROCESSES workers, WORK_TIMEOUT_MS and WORK_MEMORY_MB per unit
 * of work. Every worker starts at once (the tagger's loads its model), before the first message.
 */
export function createStagePool(svc: { config: BaseConfig; log: Logger }, modules: Array<string | URL>): WorkPool {
  const { config } = svc;
  const size = config.WORK_PROCESSES;
  const pool = createWorkPool({
    modules,
    size,
    timeoutMs: config.WORK_TIMEOUT_MS,
    memoryMb: config.WORK_MEMORY_MB,
    warm: size,
    log: svc.log,
    inline: config.WORK_INLINE_MAX_BYTES > 0,
  });
  const t0 = performance.now();
  void pool.ready().then(() =>
    svc.log.info(
      {
        workers: size,
        timeoutMs: config.WORK_TIMEOUT_MS,
        memoryMb: config.WORK_MEMORY_MB,
        ms: Math.round(performance.now() - t0),
      },
      "work pool ready",
    ),
  );
  return pool;
}
