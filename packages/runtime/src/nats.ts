import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "./logger.js";

/** Delay before connection attempt `attempt + 1`: 0.5 s, doubling, at most 30 s. */
export const connectDelayMs = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1));

/**
 * Connects, logging every failed attempt at once and trying again on a back-off, then keeps reconnecting
 * for ever; status changes are logged.
 */
export async function connectNats(servers: string, name: string, log: Logger): Promise<NatsConnection> {
  let nc: NatsConnection | undefined;
  for (let attempt = 1; !nc; attempt++) {
    try {
      // no waitOnFirstConnect: it retries silently, and a person watching the logs sees nothing
      nc = await connect({
        servers: servers.split(","),
        name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 5000,
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
