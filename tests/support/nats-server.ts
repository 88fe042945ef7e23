import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function findNatsServer(): string | undefined {
  for (const p of ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"])
    if (existsSync(p)) return p;
  try {
    return execFileSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A free loopback port for a server a test starts, below the kernel's ephemeral range: a port the kernel handed out
 * (`listen(0)`) can be taken by any outgoing connection or other `listen(0)` on the machine between this check and
 * the server's bind, which the cluster test met once (a node's monitor port, "address already in use").
 */
export async function freePort(): Promise<number> {
  const floor = 10_000;
  const ephemeralLow = firstEphemeralPort();
  if (ephemeralLow > floor + 1000)
    for (let tries = 0; tries < 100; tries++) {
      const port = floor + Math.floor(Math.random() * (ephemeralLow - floor));
      if ((await listenOn(port)) === port) return port;
    }
  return listenOn(0);
}

function firstEphemeralPort(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/** Listens on `port` (0: any) on loopback and closes again: the port it got, or -1 when it was taken. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" ? resolve(-1) : reject(err)));
    srv.listen(port, "127.0.0.1", () => {
      const addr = srv.address();
      const got = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(got));
    });
  });
}

export interface LocalNats {
  url: string;
  port: number;
  storeDir: string;
  /** SIGKILL: no clean shutdown, the store is left as a crash leaves it. */
  kill(): Promise<void>;
  /** Starts again on the same port and store. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A nats-server with JetStream on a free port and a temporary store, which the test may kill and restart. */
export async function startLocalNats(
  o: { maxPayload?: number; port?: number /** More lines of server config (auth, TLS). */; conf?: string } = {},
): Promise<LocalNats> {
  const bin = findNatsServer();
  if (!bin) throw new Error("nats-server is not installed (apt-get install nats-server)");
  const port = o.port ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), "sift-nats-"));
  let proc: ChildProcess | undefined;
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir];
  if (o.maxPayload || o.conf) {
    // max_payload, auth and TLS have no command-line flags
    const conf = join(storeDir, "server.conf");
    writeFileSync(conf, `${o.maxPayload ? `max_payload: ${o.maxPayload}\n` : ""}${o.conf ?? ""}\n`);
    args.push("-c", conf);
  }
  const start = async () => {
    proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    proc.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    const t0 = Date.now();
    while (!log.includes("Server is ready")) {
      if (proc.exitCode !== null || Date.now() - t0 > 15_000) throw new Error(`nats-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once("exit", () => resolve());
      proc.kill(signal);
    });
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill: () => exit("SIGKILL"),
    start,
    async stop() {
      await exit("SIGTERM");
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
