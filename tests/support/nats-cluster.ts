import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNatsServer, freePort } from "./nats-server.js";

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  /** SIGKILL: the store is left as a crash leaves it. */
  kill(): Promise<void>;
  /** Starts again on the same ports and store. */
  start(): Promise<void>;
  readonly running: boolean;
}

export interface LocalCluster {
  nodes: ClusterNode[];
  /** Every node's address, comma-separated: what NATS_URL takes. */
  url: string;
  node(name: string): ClusterNode;
  /** The node that leads the JetStream meta group (from its /jsz), once there is one. */
  metaLeader(): Promise<string | undefined>;
  /**
   * Per running node: its own subscriptions to `subject` (/subsz), the routes over which a peer asked for it
   * (/routez: where a publish there goes), and the names of the clients on it (/connz).
   */
  routing(subject: string): Promise<string[]>;
  stop(): Promise<void>;
}

interface Jsz {
  meta_cluster?: { leader?: string; cluster_size?: number };
}

/** `size` nats-servers with JetStream, clustered over routes on loopback ports, each with its own store. */
export async function startLocalCluster(size = 3, extraConf = ""): Promise<LocalCluster> {
  const bin = findNatsServer();
  if (!bin) throw new Error("nats-server is not installed (apt-get install nats-server)");
  const root = mkdtempSync(join(tmpdir(), "sift-cluster-"));
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({
      client: await freePort(),
      route: await freePort(),
      http: await freePort(),
    })),
  );
  const nodes: Array<ClusterNode & { http: number }> = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const conf = join(root, `${name}.conf`);
    const routes = ports.filter((_, j) => j !== i).map((q) => `nats-route://127.0.0.1:${q.route}`);
    writeFileSync(
      conf,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${p.client}`,
        `http: 127.0.0.1:${p.http}`,
        `jetstream { store_dir: "${join(root, name)}" }`,
        `cluster { name: sift, listen: 127.0.0.1:${p.route}, routes: [${routes.join(", ")}] }`,
        extraConf,
      ].join("\n"),
    );
    let proc: ChildProcess | undefined;
    const alive = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;
    return {
      name,
      port: p.client,
      http: p.http,
      url: `nats://127.0.0.1:${p.client}`,
      get running() {
        return alive();
      },
      async start() {
        proc = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
        let log = "";
        proc.stderr?.on("data", (d: Buffer) => {
          log += d.toString();
        });
        const t0 = Date.now();
        while (!log.includes("Server is ready")) {
          if (proc.exitCode !== null || Date.now() - t0 > 15_000) throw new Error(`${name} did not start:\n${log}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      kill: () =>
        new Promise<void>((resolve) => {
          if (!proc || !alive()) return resolve();
          proc.once("exit", () => resolve());
          proc.kill("SIGKILL");
        }),
    };
  });
  await Promise.all(nodes.map((n) => n.start()));

  const metaLeader = async (): Promise<string | undefined> => {
    for (const n of nodes.filter((x) => x.running)) {
      try {
        const jsz = (await (await fetch(`http://127.0.0.1:${n.http}/jsz`)).json()) as Jsz;
        if (jsz.meta_cluster?.leader) return jsz.meta_cluster.leader;
      } catch {
        // a node that is going away: ask the next
      }
    }
    return undefined;
  };
  const t0 = Date.now();
  while (!(await metaLeader())) {
    if (Date.now() - t0 > 20_000) throw new Error("the cluster elected no JetStream meta leader");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    nodes,
    url: nodes.map((n) => n.url).join(","),
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    metaLeader,
    async routing(subject) {
      const get = async (n: { http: number }, path: string) =>
        (await fetch(`http://127.0.0.1:${n.http}${path}`)).json() as Promise<Record<string, unknown>>;
      const names = new Map<string, string>();
      for (const n of nodes.filter((x) => x.running)) {
        const varz = await get(n, "/varz").catch(() => ({}) as Record<string, unknown>);
        if (typeof varz.server_id === "string") names.set(varz.server_id, n.name);
      }
      return Promise.all(
        nodes.map(async (n) => {
          if (!n.running) return `${n.name}: not running`;
          try {
            const subsz = (await get(n, `/subsz?subs=1&test=${encodeURIComponent(subject)}`)) as { total?: number };
            const routez = (await get(n, "/routez?subs=1")) as {
              routes?: Array<{ remote_id?: string; subscriptions_list?: string[] }>;
            };
            const routes = (routez.routes ?? []).map(
              (r) =>
                `${names.get(r.remote_id ?? "") ?? r.remote_id}${(r.subscriptions_list ?? []).some((sub) => subjectMatches(sub, subject)) ? " (routes it)" : ""}`,
            );
            const connz = (await get(n, "/connz?limit=100")) as { connections?: Array<{ name?: string }> };
            const clients = (connz.connections ?? []).map((c) => c.name ?? "?").sort();
            return `${n.name}: ${subject}: ${subsz.total ?? 0} local subscriptions, routes to ${routes.join(", ") || "none"}; clients ${clients.join(" ")}`;
          } catch (err) {
            return `${n.name}: ${(err as Error).message}`;
          }
        }),
      );
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Whether a subscription's subject (with `*` and `>`) takes a literal subject. */
function subjectMatches(sub: string, subject: string): boolean {
  const a = sub.split(".");
  const b = subject.split(".");
  for (let i = 0; i < a.length; i++) {
    if (a[i] === ">") return b.length > i;
    if (i >= b.length || (a[i] !== "*" && a[i] !== b[i])) return false;
  }
  return a.length === b.length;
}
