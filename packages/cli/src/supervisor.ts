import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, natsServers, redactUrl, seedAddress } from "@sift/runtime";
import { prettyFactory } from "pino-pretty";
import { ExitCode, UnavailableError, UsageError } from "./errors.js";

export const SERVICES = ["intake", "segmenter", "cleaner", "tagger", "sink"] as const;
export type ServiceName = (typeof SERVICES)[number];

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");
const DEFAULT_GRACE_MS = 10_000;
// what a service may take past its own grace timer (it logs and exits) before the supervisor kills it
const KILL_MARGIN_MS = 3_000;

/** `--scale tagger=3` values and `SIFT_SCALE=tagger=3,cleaner=2` → replicas per service (intake stays at one). */
export function parseScale(specs: string[], env: string | undefined): Record<ServiceName, number> {
  const scale = Object.fromEntries(SERVICES.map((s) => [s, 1])) as Record<ServiceName, number>;
  const all = [...(env ? env.split(",") : []), ...specs].map((s) => s.trim()).filter((s) => s !== "");
  for (const spec of all) {
    const m = spec.match(/^([a-z]+)=(\d+)$/);
    if (!m) throw new UsageError("BAD_SCALE", `bad scale "${spec}": use name=count, e.g. tagger=3`);
    const [, name, count] = m as unknown as [string, string, string];
    if (!SERVICES.includes(name as ServiceName))
      throw new UsageError("BAD_SCALE", `cannot scale "${name}": services are ${SERVICES.join(", ")}`);
    if (name === "intake" && count !== "1")
      throw new UsageError("BAD_SCALE", "intake runs as one process: it owns the intake folder");
    if (Number(count) === 0)
      throw new UsageError(
        "BAD_SCALE",
        `${name}=0: every stage needs at least one replica, or files wait in ${name}'s queue for ever`,
      );
    scale[name as ServiceName] = Number(count);
  }
  return scale;
}

/** One child process of the pipeline: a replica of a service, with its HTTP port (0: a free one). */
export interface ChildPlan {
  service: ServiceName;
  replica: number;
  label: string;
  port: number;
}

/**
 * The children in start order (intake, segmenter…, cleaner…, tagger…, sink…). HTTP_PORT, when set, is a
 * base: child n (from 0) listens on base + n; unset or 0, every child takes a free port.
 */
export function planChildren(scale: Record<ServiceName, number>, httpPort: string | undefined): ChildPlan[] {
  const plan: ChildPlan[] = [];
  for (const service of SERVICES) {
    for (let replica = 1; replica <= scale[service]; replica++) {
      plan.push({ service, replica, label: scale[service] > 1 ? `${service}-${replica}` : service, port: 0 });
    }
  }
  if (httpPort === undefined || httpPort.trim() === "" || httpPort.trim() === "0") return plan;
  const base = Number(httpPort);
  if (!/^\d+$/.test(httpPort.trim()) || base > 65535)
    throw new UsageError("BAD_HTTP_PORT", `HTTP_PORT=${httpPort} is not a port number`);
  if (base + plan.length - 1 > 65535)
    throw new UsageError(
      "BAD_HTTP_PORT",
      `HTTP_PORT=${httpPort} is a base: ${plan.length} children need ports up to ${base + plan.length - 1}, over 65535`,
    );
  return plan.map((c, i) => ({ ...c, port: base + i }));
}

/** SHUTDOWN_GRACE_MS as the services read it. */
export function graceOf(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_GRACE_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError("BAD_GRACE", `SHUTDOWN_GRACE_MS=${value} is not a positive number of milliseconds`);
  return ms;
}

/** True when something at one of the seeds of `url` speaks NATS (sends an INFO line). */
export async function natsAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const seeds = natsServers(url).map(seedAddress);
  const answers = await Promise.all(seeds.map((s) => seedAnswers(s.host, s.port, timeoutMs)));
  return answers.some(Boolean);
}

function seedAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = tcpConnect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("data", (d) => finish(d.toString().startsWith("INFO")));
  });
}

/** True when nothing listens on `port` yet (bound as the services bind it: every interface). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once("error", () => done(false));
    srv.listen(port, () => srv.close(() => done(true)));
  });
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  for (const p of [`/usr/sbin/${cmd}`, `/usr/local/bin/${cmd}`]) if (existsSync(p)) return p;
  return undefined;
}

interface Output {
  /** One line of a child (or of the supervisor) on stdout, prefixed with its label. */
  line(label: string, text: string): void;
  /** Lines that arrived together, prefixed with their label, in one write. */
  lines(label: string, texts: string[]): void;
  /** A line for the person at the terminal, on stderr: it still shows when stdout's reader has gone. */
  notice(text: string): void;
  readonly stdoutOpen: boolean;
}

/** stdout with labels; when its reader goes away (EPIPE), writing stops and `onClosed` is called once. */
function createOutput(tty: boolean, onClosed: () => void): Output {
  let stdoutOpen = true;
  process.stdout.on("error", () => {
    if (!stdoutOpen) return;
    stdoutOpen = false;
    onClosed();
  });
  // a closed stderr is no reason to stop, and must not crash the supervisor either
  process.stderr.on("error", () => {});
  const pretty = tty
    ? prettyFactory({ colorize: true, ignore: "pid,hostname,service", translateTime: "HH:MM:ss.l" })
    : undefined;
  const width = Math.max(...SERVICES.map((s) => s.length + 3), "supervisor".length);
  const shown = (label: string, text: string): string => {
    let s = text;
    if (pretty && text.startsWith("{")) {
      try {
        s = pretty(JSON.parse(text)).trimEnd();
      } catch {
        // not JSON: print as it came
      }
    }
    return `${label.padEnd(width)} | ${s}\n`;
  };
  return {
    line(label, text) {
      if (stdoutOpen) process.stdout.write(shown(label, text));
    },
    lines(label, texts) {
      // stdout is a pipe or a file: each write is a system call, so the lines one read brought are written at once
      if (stdoutOpen && texts.length > 0) process.stdout.write(texts.map((t) => shown(label, t)).join(""));
    },
    notice(text) {
      if (!process.stderr.destroyed) process.stderr.write(`sift start: ${text}\n`);
    },
    get stdoutOpen() {
      return stdoutOpen;
    },
  };
}

/**
 * `pnpm start`: finds or starts NATS, runs the services as child processes (each in its own process group,
 * so that Ctrl-C and pnpm's signals reach only the supervisor), restarts any that dies, and stops them in
 * order: intake, then the stages once their in-flight work is done, then the broker it started.
 */
export async function runSupervisor(env: Record<string, string | undefined>, scaleSpecs: string[]): Promise<ExitCode> {
  for (const s of SERVICES) {
    if (!existsSync(join(repoRoot, "services", s, "dist", "main.js")))
      throw new UnavailableError("NOT_BUILT", `services/${s} is not built: run \`pnpm build\` first`);
  }
  const natsUrl = env.NATS_URL ?? "nats://127.0.0.1:4222";
  try {
    natsServers(natsUrl).map(seedAddress);
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError("BAD_NATS_URL", err.message) : err;
  }
  const shown = redactUrl(natsUrl);
  const dataDir = resolve(env.SIFT_DATA_DIR ?? "./data");
  const graceMs = graceOf(env.SHUTDOWN_GRACE_MS);
  const plan = planChildren(parseScale(scaleSpecs, env.SIFT_SCALE), env.HTTP_PORT);
  for (const c of plan) {
    if (c.port !== 0 && !(await portFree(c.port)))
      throw new UsageError(
        "PORT_IN_USE",
        `HTTP_PORT=${env.HTTP_PORT}: port ${c.port} (for ${c.label}) is in use; choose another base`,
      );
  }

  // the folders exist before any service is up, so a file can be dropped at once
  for (const d of ["intake", "processed", "output", "failed"]) mkdirSync(join(dataDir, d), { recursive: true });

  const running = new Map<ChildPlan, ChildProcess>();
  const restartTimers = new Set<NodeJS.Timeout>();
  let nats: ChildProcess | undefined;
  let stopReason: string | undefined;
  let stopped: Promise<void> | undefined;
  let exitCode: ExitCode = ExitCode.ok;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => {
    finish = r;
  });

  const out = createOutput(Boolean(process.stdout.isTTY), () => {
    // after Ctrl-C the reader dies with us: that is no news
    if (stopReason) return;
    out.notice("stdout was closed (its reader went away): stopping the pipeline");
    void requestStop("stdout closed");
  });
  const say = (msg: string, fields: Record<string, unknown> = {}) =>
    out.line(
      "supervisor",
      JSON.stringify({ level: "info", time: new Date().toISOString(), service: "supervisor", ...fields, msg }),
    );

  const stopProcesses = async (procs: ChildProcess[], waitMs: number, what: string) => {
    const alive = procs.filter((p) => p.exitCode === null && p.signalCode === null);
    const exits = alive.map((p) => new Promise<void>((r) => p.once("exit", () => r())));
    for (const p of alive) p.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(exits).then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), waitMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    const left = alive.filter((p) => p.exitCode === null && p.signalCode === null);
    say(`${what} did not stop in time, killed`, { pids: left.map((p) => p.pid), waitMs });
    // each child leads its own process group: what it started goes too (nats-server under its keeper)
    for (const p of left) killGroup(p);
    await Promise.all(exits);
  };

  const shutdown = async (reason: string) => {
    say("stopping", { reason, graceMs });
    for (const t of restartTimers) clearTimeout(t);
    const of = (pred: (c: ChildPlan) => boolean) => [...running].filter(([c]) => pred(c)).map(([, p]) => p);
    // intake first: no new file enters while the stages finish what they hold
    await stopProcesses(
      of((c) => c.service === "intake"),
      graceMs + KILL_MARGIN_MS,
      "intake",
    );
    // every stage finishes its in-flight work (publish and ack need the broker), then exits
    await stopProcesses(
      of((c) => c.service !== "intake"),
      graceMs + KILL_MARGIN_MS,
      "services",
    );
    // the broker last, and only the one this supervisor started
    if (nats) await stopProcesses([nats], 10_000, "nats-server");
    say("stopped");
    if (!out.stdoutOpen) out.notice("stopped");
  };
  const requestStop = (reason: string): Promise<void> => {
    stopReason ??= reason;
    stopped ??= shutdown(reason).finally(finish);
    return stopped;
  };

  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, () => void requestStop(s));
  process.on("uncaughtException", (err) => {
    out.notice(`unexpected error, stopping: ${err.stack ?? err.message}`);
    exitCode = ExitCode.failed;
    void requestStop("error").then(() => process.exit(exitCode));
  });
  // a last resort should the supervisor exit without its shutdown: the children stop too (they drain)
  process.on("exit", () => {
    for (const p of [...running.values(), ...(nats ? [nats] : [])]) if (p.exitCode === null) p.kill("SIGTERM");
  });

  const answers = await natsAnswers(natsUrl);
  if (stopReason) {
    await finished;
    return exitCode;
  }
  if (answers) say("using NATS", { url: shown });
  else {
    const bin = onPath("nats-server");
    if (!bin)
      throw new UnavailableError(
        "NO_NATS",
        `no NATS server answers at ${shown}, and nats-server is not installed: \`apt-get install nats-server\`, ` +
          "or `docker run -p 4222:4222 nats:2.10 -js`, or point NATS_URL at a server with JetStream",
      );
    // with several seeds and none up, one local server takes the first seed's address
    const { host: hostname, port } = seedAddress(natsServers(natsUrl)[0] ?? natsUrl);
    const store = join(dataDir, "nats");
    mkdirSync(store, { recursive: true });
    const keeper = join(here, "keeper.js");
    // when the supervisor dies, the keeper gives the services their grace before it stops the broker
    // one thread of Go code: the broker shares the machine's cores with five services, and with a second its scheduler
    // woke threads to hand messages across (5,000 small files: its CPU a file 0.53–0.77 → 0.46–0.51 ms); a GOMAXPROCS
    // of the user's own wins
    nats = spawn(
      process.execPath,
      [keeper, String(graceMs + KILL_MARGIN_MS), bin, "-a", hostname, "-p", String(port), "-js", "-sd", store],
      { stdio: ["ignore", "pipe", "pipe", "ipc"], detached: true, env: { GOMAXPROCS: "1", ...process.env } },
    );
    pipeLines(nats, "nats", out);
    for (let i = 0; i < 100 && !stopReason && nats.exitCode === null; i++) {
      if (await natsAnswers(natsUrl)) break;
      await sleep(100);
    }
    if (stopReason) {
      await finished;
      return exitCode;
    }
    if (!(await natsAnswers(natsUrl))) {
      await stopProcesses([nats], 5_000, "nats-server");
      throw new UnavailableError("NATS_DID_NOT_START", `started ${bin}, but nothing answers at ${shown}`);
    }
    say("started nats-server", { store, url: shown });
  }

  const run = (c: ChildPlan, delayMs = 0) => {
    if (stopReason) return;
    const started = Date.now();
    const child = spawn(process.execPath, [join(repoRoot, "services", c.service, "dist", "main.js")], {
      env: {
        ...env,
        NATS_URL: natsUrl,
        SIFT_DATA_DIR: dataDir,
        SIFT_INSTANCE: env.SIFT_INSTANCE ?? `${c.label}-${process.pid}`,
        HTTP_PORT: String(c.port),
        SIFT_SUPERVISED: "true",
      },
      // its own process group: Ctrl-C and pnpm's SIGTERM reach the supervisor, which stops the children in order;
      // the IPC channel tells the child when the supervisor is gone (SIGKILL included)
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      detached: true,
    });
    running.set(c, child);
    pipeLines(child, c.label, out);
    say("service started", { child: c.label, pid: child.pid, ...(c.port ? { port: c.port } : {}) });
    child.once("exit", (code, signal) => {
      running.delete(c);
      if (stopReason) return;
      // back off when it keeps dying; a process that ran a minute starts the count again
      const next = Date.now() - started > 60_000 ? 500 : Math.min(30_000, Math.max(500, delayMs * 2));
      say("service exited, restarting", { child: c.label, code, signal, restartInMs: next });
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        run(c, next);
      }, next);
      restartTimers.add(timer);
    });
  };
  for (const c of plan) run(c);
  if (!stopReason) say("pipeline up", { dataDir, children: plan.length, drop: join(dataDir, "intake") });

  await finished;
  return exitCode;
}

function pipeLines(child: ChildProcess, label: string, out: Output) {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    // the lines of one chunk go out together (nothing waits for more: a line is written as soon as it is read)
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      out.lines(
        label,
        parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)),
      );
    });
    stream.on("end", () => {
      if (rest !== "") out.line(label, rest.endsWith("\r") ? rest.slice(0, -1) : rest);
      rest = "";
    });
  }
}

function killGroup(p: ChildProcess): void {
  try {
    if (p.pid) process.kill(-p.pid, "SIGKILL");
  } catch {
    p.kill("SIGKILL");
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
