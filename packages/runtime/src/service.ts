import { type JetStreamClient, jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { z } from "zod";
import { type BaseConfig, BaseEnv, ConfigError, loadConfig } from "./config.js";
import type { Producer } from "./envelope.js";
import { type HealthServer, startHealthServer } from "./http.js";
import { createLogger, defaultInstance, type Logger } from "./logger.js";
import { Publisher } from "./messaging.js";
import { createMetrics, type StageMetrics } from "./metrics.js";
import { type BrokerWatch, connectDelayMs, connectNats, createBrokerWatch, isBrokerUnavailable } from "./nats.js";
import { ProvisionError, type ProvisionOptions, provisionStreams } from "./provision.js";
import { exitWithParent, onShutdown } from "./shutdown.js";

export const VERSION = "0.1.0";

export interface Service<C extends BaseConfig = BaseConfig> {
  config: C;
  log: Logger;
  nc: NatsConnection;
  js: JetStreamClient;
  publisher: Publisher;
  /** Told of requests the broker did not answer (and of answers): moves the connection off a server that routes nothing. */
  broker: BrokerWatch;
  metrics: StageMetrics;
  producer: Producer;
  http: HealthServer;
  /** Marks the service ready once `check` holds (and NATS is connected). */
  setReady(check: () => boolean): void;
  /** Steps to run, in order, on SIGTERM/SIGINT before NATS is drained. */
  onShutdown(steps: Array<() => unknown>): void;
}

/** Everything a service needs before its own work: config, logger, NATS, streams, health and metrics. */
export async function startService<S extends z.ZodObject>(o: {
  service: string;
  env: Record<string, string | undefined>;
  schema?: S;
}): Promise<Service<BaseConfig & z.infer<S>>> {
  const schema = o.schema ? BaseEnv.extend(o.schema.shape) : BaseEnv;
  const config = loadConfig(schema, o.env) as BaseConfig & z.infer<S>;
  const instance = config.SIFT_INSTANCE ?? defaultInstance();
  const log = createLogger({ service: o.service, instance, level: config.LOG_LEVEL });
  if (config.SIFT_SUPERVISED) exitWithParent();
  const nc = await connectNats(config, `${o.service}-${instance}`, log);
  await provisionWhenAnswered(nc, config, log);
  const metrics = createMetrics(o.service);
  const broker = createBrokerWatch(nc, log);
  // not ready until the service says what ready means (a stage: consuming, once its workers are up)
  let readyCheck: () => boolean = () => false;
  const http = await startHealthServer({
    port: config.HTTP_PORT,
    ready: () => !nc.isClosed() && readyCheck(),
    registry: metrics.registry,
  });
  log.info({ port: http.port }, "http listening");
  return {
    config,
    log,
    nc,
    js: jetstream(nc),
    publisher: new Publisher(nc, jetstream(nc), broker),
    broker,
    metrics,
    producer: { service: o.service, version: VERSION, instance },
    http,
    setReady(check) {
      readyCheck = check;
    },
    onShutdown(steps) {
      onShutdown(log, [...steps, () => nc.drain(), () => http.close()], config.SHUTDOWN_GRACE_MS);
    },
  };
}

/**
 * Provisions the streams, waiting out a broker that does not answer yet (a cluster electing its leaders, a server
 * whose JetStream is not up) as a connection is waited for: logged at once, tried again on a back-off. What the
 * broker refuses (copies it cannot place) still stops the service.
 */
async function provisionWhenAnswered(nc: NatsConnection, config: BaseConfig, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await provisionStreams(nc, provisionOptions(config), log);
    } catch (err) {
      if (!isBrokerUnavailable(err)) throw err;
      const retryInMs = connectDelayMs(attempt);
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ attempt, reason, retryInMs }, "streams not provisioned: the broker did not answer, will retry");
      await new Promise((r) => setTimeout(r, retryInMs));
    }
  }
}

/** What provisioning takes from the environment. */
export function provisionOptions(config: BaseConfig): ProvisionOptions {
  return {
    duplicateWindowMs: config.DUPLICATE_WINDOW_MS,
    ackWaitMs: config.ACK_WAIT_MS,
    maxDeliver: config.MAX_DELIVER,
    replicas: config.SIFT_REPLICAS,
    resultsDays: config.SIFT_RESULTS_DAYS,
    resultsMaxBytes: config.SIFT_RESULTS_MAX_BYTES,
    dlqDays: config.SIFT_DLQ_DAYS,
    dlqMaxBytes: config.SIFT_DLQ_MAX_BYTES,
    linesDays: config.SIFT_LINES_DAYS,
  };
}

/** The last-resort catch of a service's main(): the logger may not exist yet. */
export function exitOnStartupError(err: unknown): never {
  // a configuration mistake needs only its message; anything else its stack
  const text =
    err instanceof ConfigError || err instanceof ProvisionError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err);
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
