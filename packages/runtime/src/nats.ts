import { readFileSync } from "node:fs";
import {
  type Authenticator,
  type ConnectionOptions,
  connect,
  credsAuthenticator,
  type NatsConnection,
  nkeyAuthenticator,
} from "@nats-io/transport-node";
import { ConfigError, type NatsConfig } from "./config.js";
import type { Logger } from "./logger.js";

/** Delay before connection attempt `attempt + 1`: 0.5 s, doubling, at most 30 s. */
export const connectDelayMs = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1));

/** The seeds of NATS_URL: comma-separated, spaces and empty entries ignored. */
export const natsServers = (url: string): string[] =>
  url
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Host and port of one seed, with or without a scheme (`nats://h:4222`, `tls://h`, `h:4222`, `h`). */
export function seedAddress(seed: string): { host: string; port: number } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(seed) ? seed : `nats://${seed}`;
  try {
    const u = new URL(withScheme.replace(/^[a-z][a-z0-9+.-]*:/i, "http:"));
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || 4222) };
  } catch {
    throw new ConfigError(`NATS_URL: ${seed} is not a server address (nats://host:port)`);
  }
}

/**
 * Connection options from the environment: seeds, credentials (user and password, token, a creds file or an
 * nkey seed file) and TLS. Files are read here, so a missing one is a ConfigError naming its variable.
 */
export function natsConnectOptions(c: NatsConfig): ConnectionOptions {
  const servers = natsServers(c.NATS_URL);
  if (servers.length === 0) throw new ConfigError("NATS_URL names no server");
  for (const s of servers) seedAddress(s);
  const read = (name: string, file: string): Uint8Array => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${name}=${file} cannot be read: ${(err as Error).message}`);
    }
  };
  const authenticators: Authenticator[] = [];
  if (c.NATS_CREDS) authenticators.push(credsAuthenticator(read("NATS_CREDS", c.NATS_CREDS)));
  if (c.NATS_NKEY) {
    const seed = new TextEncoder().encode(new TextDecoder().decode(read("NATS_NKEY", c.NATS_NKEY)).trim());
    authenticators.push(nkeyAuthenticator(seed));
  }
  if ((c.NATS_TLS_CERT === undefined) !== (c.NATS_TLS_KEY === undefined))
    throw new ConfigError("NATS_TLS_CERT and NATS_TLS_KEY go together: set both or neither");
  for (const [name, file] of [
    ["NATS_TLS_CA", c.NATS_TLS_CA],
    ["NATS_TLS_CERT", c.NATS_TLS_CERT],
    ["NATS_TLS_KEY", c.NATS_TLS_KEY],
  ] as const) {
    if (file) read(name, file);
  }
  const tls =
    c.NATS_TLS_CA || c.NATS_TLS_CERT
      ? {
          ...(c.NATS_TLS_CA ? { caFile: c.NATS_TLS_CA } : {}),
          ...(c.NATS_TLS_CERT && c.NATS_TLS_KEY ? { certFile: c.NATS_TLS_CERT, keyFile: c.NATS_TLS_KEY } : {}),
        }
      : undefined;
  return {
    servers,
    ...(c.NATS_USER ? { user: c.NATS_USER, pass: c.NATS_PASSWORD ?? "" } : {}),
    ...(c.NATS_TOKEN ? { token: c.NATS_TOKEN } : {}),
    ...(authenticators.length > 0 ? { authenticator: authenticators } : {}),
    ...(tls ? { tls } : {}),
  };
}

/** NATS_URL with any password in it hidden, for logs and messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/,]*@/g, "//***@");

/**
 * Connects, logging every failed attempt at once and trying again on a back-off, then keeps reconnecting
 * for ever; status changes are logged.
 */
export async function connectNats(c: NatsConfig, name: string, log: Logger): Promise<NatsConnection> {
  const opts = natsConnectOptions(c);
  const servers = redactUrl(c.NATS_URL);
  let nc: NatsConnection | undefined;
  for (let attempt = 1; !nc; attempt++) {
    try {
      // no waitOnFirstConnect: it retries silently, and a person watching the logs sees nothing
      nc = await connect({
        ...opts,
        name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 5000,
        // no Error (and stack) made ahead of every request just in case it times out: two a publish
        noAsyncTraces: true,
      });
    } catch (err) {
      const retryInMs = connectDelayMs(attempt);
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ servers, attempt, reason, retryInMs }, "nats unreachable, will retry");
      await new Promise((r) => setTimeout(r, retryInMs));
    }
  }
  log.info({ server: nc.getServer() }, "nats connected");
  const connected = nc;
  void (async () => {
    for await (const s of connected.status()) {
      if (s.type === "ping") continue;
      const level = s.type === "disconnect" || s.type === "error" ? "warn" : "info";
      log[level]({ status: s.type, data: "server" in s ? s.server : undefined }, "nats status");
    }
  })();
  return connected;
}

/**
 * Whether an error says the broker could not answer (no leader for a stream during an election, a node whose
 * JetStream is not up yet, a request that timed out), not that the message cannot be handled.
 */
export function isBrokerUnavailable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; isNoResponders?: () => boolean };
  if (e.name === "JetStreamNotEnabled" || e.name === "TimeoutError" || e.name === "NoResponders") return true;
  return e.name === "RequestError" && typeof e.isNoResponders === "function" && e.isNoResponders();
}

/** How long JetStream may leave every request of a connection to a clustered server unanswered before it moves. */
const UNANSWERED_MOVE_MS = 15_000;

/** What a connection's requests tell the watch: one answered, one the broker did not answer. */
export interface BrokerWatch {
  answered(): void;
  unanswered(err: unknown): void;
}

/**
 * Moves a connection to another server of its cluster once JetStream has answered none of its requests for
 * `afterMs`. An election takes seconds; past that, the fault is the server the connection is on: after restarts
 * in a nats-server 2.9 cluster, a server can answer every publish with "no responders", or let it time out, while
 * the stream has a leader (tests/cluster.test.ts in CI: intake retried its files for the test's whole 90 s;
 * nats-io/nats-server#5738 reports the same, cleared by restarting a node). Why, the test's runs did not show.
 * A single server is never left: there is nowhere to go.
 */
export function createBrokerWatch(
  nc: Pick<NatsConnection, "info" | "getServer" | "reconnect" | "isClosed" | "isDraining">,
  log: Logger,
  afterMs = UNANSWERED_MOVE_MS,
  now: () => number = () => performance.now(),
): BrokerWatch {
  let since: number | undefined;
  let movedAt = Number.NEGATIVE_INFINITY;
  return {
    answered() {
      since = undefined;
    },
    unanswered(err) {
      if (!isBrokerUnavailable(err)) return;
      const t = now();
      since ??= t;
      if (t - since < afterMs || t - movedAt < afterMs) return;
      if (!nc.info?.cluster || nc.isClosed() || nc.isDraining()) return;
      log.warn(
        { server: nc.getServer(), unansweredMs: Math.round(t - since), err },
        "JetStream has answered nothing through this server; moving to another server of the cluster",
      );
      movedAt = t;
      since = undefined;
      nc.reconnect().catch((e: unknown) => log.warn({ err: e }, "could not move to another server"));
    },
  };
}
