import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const sharedDir = resolve(repoRoot, "..", "shared");
export const SERVICES = ["intake", "segmenter", "cleaner", "tagger", "sink"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Settings that make redelivery and stability quick enough for tests. */
export const FAST_ENV: Record<string, string> = {
  ACK_WAIT_MS: "3000",
  MAX_DELIVER: "5",
  INTAKE_POLL_MS: "100",
  INTAKE_STABLE_MS: "200",
  SHUTDOWN_GRACE_MS: "5000",
  LOG_LEVEL: "info",
};

export interface LogLine {
  service?: string;
  instance?: string;
  level?: string;
  msg?: string;
  fileId?: string;
  docId?: string;
  ms?: number;
  port?: number;
  [key: string]: unknown;
}

export interface ServiceProcess {
  service: ServiceName;
  replica: number;
  proc: ChildProcess;
  logs: LogLine[];
  port?: number;
  exited: boolean;
  /** Stopped or killed by the test, not by itself. */
  stopped: boolean;
}

export interface Pipeline {
  dataDir: string;
  procs: ServiceProcess[];
  logs(service?: ServiceName): LogLine[];
  /** Starts one more process of `service`; `env` on top of the pipeline's (a raised limit, say). */
  start(service: ServiceName, replica?: number, env?: Record<string, string>): Promise<ServiceProcess>;
  kill(p: ServiceProcess, signal?: NodeJS.Signals): Promise<void>;
  stopAll(): Promise<void>;
  dir(name: "intake" | "processed" | "failed" | "output"): string;
  files(name: "intake" | "processed" | "failed" | "output"): string[];
  /** Waits until `output/` holds `n` files (or throws after `timeoutMs`). */
  waitForOutputs(n: number, timeoutMs: number, also?: () => boolean): Promise<string[]>;
}

export function assertBuilt(): void {
  for (const s of SERVICES) {
    if (!existsSync(join(repoRoot, "services", s, "dist", "main.js"))) {
      throw new Error(`services/${s} is not built: run \`pnpm build\` before the integration tests`);
    }
  }
}

/** Runs the five services as separate processes, as `pnpm start` does, against `natsUrl`. */
export async function startPipeline(o: {
  natsUrl: string;
  env?: Record<string, string>;
  scale?: Partial<Record<ServiceName, number>>;
  dataDir?: string;
  /** Start only these services (default: all five). */
  only?: ServiceName[];
}): Promise<Pipeline> {
  assertBuilt();
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "sift-data-"));
  for (const d of ["intake", "processed", "failed", "output"]) mkdirSync(join(dataDir, d), { recursive: true });
  const procs: ServiceProcess[] = [];
  const env = { ...process.env, ...FAST_ENV, ...o.env, NATS_URL: o.natsUrl, SIFT_DATA_DIR: dataDir, HTTP_PORT: "0" };

  const start = async (
    service: ServiceName,
    replica = 1,
    more: Record<string, string> = {},
  ): Promise<ServiceProcess> => {
    const proc = spawn(process.execPath, [join(repoRoot, "services", service, "dist", "main.js")], {
      env: { ...env, ...more, SIFT_INSTANCE: `${service}-${replica}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const sp: ServiceProcess = { service, replica, proc, logs: [], exited: false, stopped: false };
    const ready = new Promise<void>((resolveReady, reject) => {
      const onLine = (line: string) => {
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          parsed = { msg: line, level: "raw" };
        }
        sp.logs.push(parsed);
        if (parsed.msg === "http listening" && typeof parsed.port === "number") sp.port = parsed.port;
        if (parsed.msg === "consuming" || parsed.msg === "watching") resolveReady();
      };
      createInterface({ input: proc.stdout! }).on("line", onLine);
      createInterface({ input: proc.stderr! }).on("line", onLine);
      proc.once("exit", (code, signal) => {
        sp.exited = true;
        reject(
          new Error(
            `${service} exited (${code ?? signal}) before it was ready:\n${sp.logs.map((l) => JSON.stringify(l)).join("\n")}`,
          ),
        );
      });
    });
    procs.push(sp);
    await ready;
    return sp;
  };

  const kill = (p: ServiceProcess, signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((done) => {
      if (p.exited) return done();
      p.stopped = true;
      p.proc.once("exit", () => done());
      p.proc.kill(signal);
    });

  const files = (name: "intake" | "processed" | "failed" | "output") =>
    readdirSync(join(dataDir, name)).filter((f) => !f.endsWith(".tmp"));

  // sink first so nothing waits on it; the order does not matter for correctness
  try {
    for (const s of [...(o.only ?? SERVICES)].reverse()) {
      const n = o.scale?.[s] ?? 1;
      await Promise.all(Array.from({ length: n }, (_, i) => start(s, i + 1)));
    }
  } catch (err) {
    // a service that cannot start must not leave the others running after the test
    await Promise.all(procs.map((p) => kill(p, "SIGKILL")));
    throw err;
  }

  return {
    dataDir,
    procs,
    logs: (service) => procs.filter((p) => !service || p.service === service).flatMap((p) => p.logs),
    start,
    kill,
    async stopAll() {
      await Promise.all(procs.map((p) => kill(p, "SIGTERM")));
    },
    dir: (name) => join(dataDir, name),
    files,
    async waitForOutputs(n, timeoutMs, also = () => true) {
      const t0 = Date.now();
      for (;;) {
        const out = files("output");
        if (out.length >= n && also()) return out;
        if (Date.now() - t0 > timeoutMs) {
          throw new Error(
            `timed out: ${out.length}/${n} outputs after ${timeoutMs} ms; failed/: ${files("failed").join(", ")}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
