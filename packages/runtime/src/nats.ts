import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "./logger.js";

/** Connects and keeps reconnecting for ever; status changes are logged. */
export async function connectNats(servers: string, name: string, log: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: servers.split(","),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  log.info({ server: nc.getServer() }, "nats connected");
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "ping") continue;
      const level = s.type === "disconnect" || s.type === "error" ? "warn" : "info";
      log[level]({ status: s.type, data: "server" in s ? s.server : undefined }, "nats status");
    }
  })();
  return nc;
}
