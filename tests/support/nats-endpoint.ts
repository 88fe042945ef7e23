import { NatsContainer } from "@testcontainers/nats";
import { containersUnavailableReason } from "./docker.js";
import { startLocalNats } from "./nats-server.js";

export interface NatsEndpoint {
  kind: "container" | "local nats-server" | "NATS_URL";
  url: string;
  stop(): Promise<void>;
}

const NATS_IMAGE = "nats:2.10";

/**
 * NATS with JetStream: SIFT_TEST_NATS_URL when set; a testcontainers container when a Docker engine answers
 * and the images are there or can be pulled; else the local binary.
 */
export async function natsEndpoint(): Promise<NatsEndpoint> {
  if (process.env.SIFT_TEST_NATS_URL)
    return { kind: "NATS_URL", url: process.env.SIFT_TEST_NATS_URL, stop: async () => {} };
  const noDocker = await containersUnavailableReason([NATS_IMAGE]);
  if (!noDocker) {
    const c = await new NatsContainer(NATS_IMAGE).withJetStream().start();
    const opts = c.getConnectionOptions();
    const servers = Array.isArray(opts.servers) ? opts.servers[0] : opts.servers;
    return { kind: "container", url: `nats://${servers}`, stop: async () => void (await c.stop()) };
  }
  process.stderr.write(`integration tests: ${noDocker}; using the local nats-server binary\n`);
  const local = await startLocalNats();
  return { kind: "local nats-server", url: local.url, stop: local.stop };
}
