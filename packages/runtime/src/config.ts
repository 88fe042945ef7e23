import { z } from "zod";

/** Thrown when an environment variable has a bad value; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const ms = z.coerce.number().int().positive();

/** What every service reads from the environment. */
export const BaseEnv = z.object({
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Port of /healthz, /readyz and /metrics; 0 picks a free one (logged at start). */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SIFT_DATA_DIR: z.string().default("./data"),
  /** Names this process in logs; defaults to host name and pid. */
  SIFT_INSTANCE: z.string().optional(),
  /** Messages one replica works on at once. */
  MAX_IN_FLIGHT: z.coerce.number().int().positive().default(4),
  /** How long the server waits for an ack before redelivering; long work calls working(). */
  ACK_WAIT_MS: ms.default(30_000),
  /** Deliveries of one message before it goes to the DLQ. */
  MAX_DELIVER: z.coerce.number().int().min(2).default(5),
  /** JetStream's duplicate window for Nats-Msg-Id. */
  DUPLICATE_WINDOW_MS: ms.default(120_000),
  /** How long shutdown may take before the process exits anyway. */
  SHUTDOWN_GRACE_MS: ms.default(10_000),
  /** Set by `pnpm start` for its children: stop when the supervisor's IPC channel closes. */
  SIFT_SUPERVISED: z.stringbool().default(false),
});
export type BaseConfig = z.infer<typeof BaseEnv>;

/** Parses `env` with `schema` once, at the edge; a bad value throws a ConfigError naming the variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
