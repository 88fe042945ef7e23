import { hostname } from "node:os";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

export const defaultInstance = (): string => `${hostname()}-${process.pid}`;

const SECRETS = ["NATS_PASSWORD", "NATS_TOKEN", "pass", "password", "token", "authenticator"];
const REDACT = [...SECRETS, ...SECRETS.map((s) => `*.${s}`), ...SECRETS.map((s) => `*.*.${s}`)];

/** One root logger per service; JSON lines on stdout, with `service` and `instance` on every line. */
export function createLogger(
  o: { service: string; instance?: string | undefined; level?: string },
  dest?: DestinationStream,
): Logger {
  return pino(
    {
      level: o.level ?? "info",
      base: { service: o.service, instance: o.instance ?? defaultInstance() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // secrets never reach a log line, should a config or connection options object be logged
      redact: { paths: REDACT, censor: "[redacted]" },
    },
    dest ?? pino.destination({ dest: 1, sync: true }),
  );
}
