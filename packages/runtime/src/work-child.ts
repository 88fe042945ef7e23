/**
 * A worker process of the work pool: imports the task modules it is given, then runs one task at a
 * time for its parent. It never reads from NATS or the disk itself; what a task needs from outside it
 * asks the parent for (`deps`), so the I/O stays in the parent.
 */
// first: V8 is tuned before the task modules it runs are loaded
import "./v8-tuning.js";
import { Worker } from "node:worker_threads";
import {
  type ChildMessage,
  loadTaskModules,
  type ParentMessage,
  readErrorOf,
  type SerialisedError,
  serialiseError,
} from "./work-protocol.js";

const send = (m: ChildMessage) => process.send?.(m);

// a thread of its own watches the parent: it still runs while a task holds this thread, and an orphan never outlives its service
const watchdog = new Worker(
  `const start = process.ppid;
   setInterval(() => { if (process.ppid !== start) process.kill(process.pid, "SIGKILL"); }, 250);`,
  { eval: true },
);
watchdog.unref();

const pendingCalls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
let nextCall = 0;
let current: number | undefined;

/** An error that came back from the parent's side of a dependency: it keeps the parent's classification. */
class DependencyError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(e: SerialisedError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code ?? "ERROR";
    this.retryable = e.retryable ?? true;
  }
}

function depsFor(jobId: number, names: string[]): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const deps: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const dep of names)
    deps[dep] = (...args) =>
      new Promise((resolve, reject) => {
        const call = nextCall++;
        pendingCalls.set(call, { resolve, reject });
        send({ t: "call", id: jobId, call, dep, args });
      });
  return deps;
}

// listening before the modules load: a message that came early is not lost
const loaded = loadTaskModules(JSON.parse(process.env.SIFT_WORK_MODULES ?? "[]") as string[]);
process.on("message", (raw) => {
  const m = raw as ParentMessage;
  if (m.t === "reply") {
    const p = pendingCalls.get(m.call);
    pendingCalls.delete(m.call);
    if (!p) return;
    if (m.ok) p.resolve(m.value);
    else p.reject(new DependencyError(m.error));
    return;
  }
  if (m.t === "run") void run(m.id, m.task, m.input, m.deps);
});
// the parent is gone (or closed the pool): nothing more will come
process.on("disconnect", () => process.exit(0));
for (const event of ["uncaughtException", "unhandledRejection"] as const)
  process.on(event, (err: unknown) => {
    if (current !== undefined) send({ t: "done", id: current, ok: false, error: readErrorOf(err) });
    process.exit(1);
  });

async function run(id: number, task: string, input: unknown, depNames: string[]): Promise<void> {
  current = id;
  try {
    const fn = (await loaded)[task];
    if (!fn) throw new Error(`no task ${task} in ${process.env.SIFT_WORK_MODULES}`);
    const value = await fn(input, depsFor(id, depNames));
    send({ t: "done", id, ok: true, value });
  } catch (err) {
    send({ t: "done", id, ok: false, error: err instanceof DependencyError ? serialiseError(err) : readErrorOf(err) });
  } finally {
    current = undefined;
  }
}

loaded.then(
  () => send({ t: "ready" }),
  (err: unknown) => {
    send({ t: "fatal", error: serialiseError(err) });
    process.exit(1);
  },
);
