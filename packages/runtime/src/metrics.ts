import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface StageMetrics {
  registry: Registry;
  processed: Counter<"service">;
  failed: Counter<"service" | "code">;
  retried: Counter<"service">;
  duration: Histogram<"service">;
}

/** Counters of handled messages, by outcome, on a registry of their own. */
export function createMetrics(service: string): StageMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // the event-loop lag is sampled every 100 ms, not prom-client's 10: its timer woke every service 100 times a second,
  // idle or not, and a loop held long enough to matter still shows
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return {
    registry,
    processed: new Counter({
      name: "sift_messages_processed_total",
      help: "messages handled",
      labelNames: ["service"],
      registers: [registry],
    }),
    failed: new Counter({
      name: "sift_messages_failed_total",
      help: "messages sent to the dead-letter queue",
      labelNames: ["service", "code"],
      registers: [registry],
    }),
    retried: new Counter({
      name: "sift_messages_retried_total",
      help: "messages nak'd for a retry",
      labelNames: ["service"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "sift_message_duration_seconds",
      help: "time to handle one message",
      labelNames: ["service"],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers: [registry],
    }),
  };
}
