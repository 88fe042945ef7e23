import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Logger } from "@sift/runtime";
import { prettyFactory } from "pino-pretty";

export const SERVICES = ["intake", "segmenter", "cleaner", "tagger", "sink"] as const;
type ServiceName = (typeof SERVICES)[number];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** `--scale tagger=3` flags and `SIFT_SCALE=tagger=3,cleaner=2` → replicas per service (intake stays at one). */
export function parseScale(args: string[], env: string | undefined): Record<ServiceName, number> {
  const scale = Object.fromEntries(SERVICES.map((s) => [s, 1])) as Record<ServiceName, number>;
  const specs = [...(env ? env.split(",") : [])];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--scale" && args[i + 1]) specs.push(args[++i] as string);
    else if (a?.startsWith("--scale=")) specs.push(a.slice("--scale=".length));
  }
  for (const spec of specs) {
    const m = spec.trim().match(/^([a-z]+)=(\d+)$/);
    if (!m) throw new Error(`bad scale "${spec}": use name=count, e.g. tagger=3`);
    const [, name, count] = m;
    if (!SERVICES.includes(name as ServiceName))
      throw new Error(`cannot scale "${name}": services are ${SERVICES.join(", ")}`);
    if (name === "intake" && count !== "1") throw new Error("intake runs as one process: it owns the intake folder");
    scale[name as ServiceName] = Number(count);
  }
  return scale;
}

/** True when something at host:port speaks NATS (sends an INFO line). */
export function natsAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^nats:/, "http:"));
  return new Promise((done) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || 4222) });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("data", (d) => finish(d.toString().startsWith("INFO")));
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

type LineWriter = (stage: string, line: string) => void;

function createLineWriter(tty: boolean): LineWriter {
  const pretty = tty
    ? prettyFactory({ colorize: true, ignore: "pid,hostname,service", translateTime: "HH:MM:ss.l" })
    : undefined;
  const width = Math.max(...SERVICES.map((s) => s.length), "supervisor".length);
  return (stage, line) => {
    let text = line;
    if (pretty && line.startsWith("{")) {
      try {
        text = pretty(JSON.parse(line)).trimEnd();
      } catch {
        // not JSON: print as it came
      }
    }
    process.stdout.write(`${stage.padEnd(width)} | ${text}\n`);
  };
}

/** `pnpm start`: finds or starts NATS, runs the five services as child processes, restarts any that dies. */
export async function runSupervisor(
  env: Record<string, string | undefined>,
  _log: Logger,
  args: string[] = [],
): Promise<number> {
  const write = createLineWriter(Boolean(process.stdout.isTTY));
  const say = (msg: string, fields: Record<string, unknown> = {}) =>
    write(
      "supervisor",
      JSON.stringify({ level: "info", time: new Date().toISOString(), service: "supervisor", ...fields, msg }),
    );
  const natsUrl = env.NATS_URL ?? "nats://127.0.0.1:4222";
  const dataDir = resolve(env.SIFT_DATA_DIR ?? "./data");
  const scale = parseScale(args, env.SIFT_SCALE);
  for (const s of SERVICES) {
    if (!existsSync(join(repoRoot, "services", s, "dist", "main.js"))) {
      process.stderr.write(`services/${s} is not built: run \`pnpm build\` first\n`);
      return 1;
    }
  }

  // the folders exist before any service is up, so a file can be dropped at once
  for (const d of ["intake", "processed", "output", "failed"]) mkdirSync(join(dataDir, d), { recursive: true });
  const children = new Set<ChildProcess>();
  let stopping = false;
  let natsServer: ChildProcess | undefined;
  if (!(await natsAnswers(natsUrl))) {
    const bin = onPath("nats-server");
    if (!bin) {
      process.stderr.write(
        `No NATS server answers at ${natsUrl}, and nats-server is not installed.\n` +
          "Get one with `apt-get install nats-server` (Debian/Ubuntu), or `docker run -p 4222:4222 nats:2.10 -js`,\n" +
          "or point NATS_URL at a server with JetStream enabled.\n",
      );
      return 1;
    }
    const { hostname, port } = new URL(natsUrl.replace(/^nats:/, "http:"));
    const store = join(dataDir, "nats");
    mkdirSync(store, { recursive: true });
    natsServer = spawn(bin, ["-a", hostname, "-p", port || "4222", "-js", "-sd", store], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    pipeLines(natsServer, "nats", write);
    for (let i = 0; i < 100 && !(await natsAnswers(natsUrl)); i++) await sleep(100);
    if (!(await natsAnswers(natsUrl))) {
      process.stderr.write(`started ${bin} but nothing answers at ${natsUrl}\n`);
      natsServer.kill("SIGTERM");
      return 1;
    }
    say("started nats-server", { store, url: natsUrl });
  } else say("using NATS", { url: natsUrl });

  const run = (service: ServiceName, replica: number, delayMs = 0) => {
    const label = scale[service] > 1 ? `${service}-${replica}` : service;
    const started = Date.now();
    const child = spawn(process.execPath, [join(repoRoot, "services", service, "dist", "main.js")], {
      env: {
        ...env,
        NATS_URL: natsUrl,
        SIFT_DATA_DIR: dataDir,
        SIFT_INSTANCE: env.SIFT_INSTANCE ?? `${label}-${process.pid}`,
        HTTP_PORT: env.HTTP_PORT ?? "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    pipeLines(child, label, write);
    say("service started", { child: label, pid: child.pid });
    child.once("exit", (code, signal) => {
      children.delete(child);
      if (stopping) return;
      // back off when it keeps dying; a process that ran a minute starts the count again
      const next = Date.now() - started > 60_000 ? 500 : Math.min(30_000, Math.max(500, delayMs * 2));
      say("service exited, restarting", { child: label, code, signal, restartInMs: next });
      setTimeout(() => {
        if (!stopping) run(service, replica, next);
      }, next);
    });
  };
  for (const s of SERVICES) for (let r = 1; r <= scale[s]; r++) run(s, r);
  say("pipeline up", { dataDir, scale, drop: join(dataDir, "intake") });

  return new Promise<number>((done) => {
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      say("stopping", { signal });
      for (const c of children) c.kill("SIGTERM");
      const deadline = Date.now() + 15_000;
      while (children.size > 0 && Date.now() < deadline) await sleep(50);
      for (const c of children) c.kill("SIGKILL");
      if (natsServer) {
        natsServer.kill("SIGTERM");
        await new Promise((r) => natsServer?.once("exit", r));
      }
      say("stopped");
      done(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

function pipeLines(child: ChildProcess, label: string, write: LineWriter) {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", (line) => write(label, line));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
