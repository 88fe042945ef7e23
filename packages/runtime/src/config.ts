import { z } from "zod";

/** Thrown when an environment variable has a bad value; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const ms = z.coerce.number().int().positive();

const path = z.string().min(1).optional();

/** How to reach NATS: seeds, credentials, TLS. Every service and the `sift` command read these. */
export const NatsEnv = z.object({
  /** One or more seeds, comma-separated (`nats://a:4222,nats://b:4222`, or `host:port`). */
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TOKEN: z.string().min(1).optional(),
  /** A `.creds` file (user JWT and nkey seed), as `nsc` writes it. */
  NATS_CREDS: path,
  /** A file holding an nkey seed (`SU…`). */
  NATS_NKEY: path,
  /** CA that signed the server's certificate; set, the connection requires TLS. */
  NATS_TLS_CA: path,
  /** Client certificate and key, for a server that verifies clients. */
  NATS_TLS_CERT: path,
  NATS_TLS_KEY: path,
});
export type NatsConfig = z.infer<typeof NatsEnv>;

const days = z.coerce.number().positive();
const bytes = z.coerce.number().int().nonnegative();

/** What every service reads from the environment. */
export const BaseEnv = z.object({
  ...NatsEnv.shape,
  /** Copies of every stream, KV bucket and object store (1, 3 or 5; more than 1 needs a cluster). */
  SIFT_REPLICAS: z.coerce
    .number()
    .int()
    .refine((n) => n === 1 || n === 3 || n === 5, "SIFT_REPLICAS is 1, 3 or 5 (an odd count, for a quorum)")
    .default(1),
  /** Days SIFT_RESULTS keeps tagged documents and completions for replay. */
  SIFT_RESULTS_DAYS: days.default(7),
  /** Bytes SIFT_RESULTS may hold (0: no limit); the oldest go first. */
  SIFT_RESULTS_MAX_BYTES: bytes.default(0),
  /** Days SIFT_DLQ keeps dead letters. */
  SIFT_DLQ_DAYS: days.default(30),
  /** Bytes SIFT_DLQ may hold (0: no limit). */
  SIFT_DLQ_MAX_BYTES: bytes.default(0),
  /** Days a page stays in the segmenter's line memory (`sift-lines`). */
  SIFT_LINES_DAYS: days.default(90),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Port of /healthz, /readyz and /metrics; 0 picks a free one (logged at start). */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SIFT_DATA_DIR: z.string().default("./data"),
  /** Names this process in logs; defaults to host name and pid. */
  SIFT_INSTANCE: z.string().optional(),
  /**
   * Messages one replica works on at once: more than a pull brings (`PULL_BATCH`), so that the publishes and acks of
   * the messages finished in one turn of the event loop share a write (12 → 32: 10,000 small files ~5% less CPU).
   */
  MAX_IN_FLIGHT: z.coerce.number().int().positive().default(32),
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
  ...workShape(),
});
export type BaseConfig = z.infer<typeof BaseEnv>;

function workShape() {
  return {
    /** Time budget of one unit of work (a file in the segmenter, a document in the cleaner and tagger). */
    WORK_TIMEOUT_MS: ms.default(60_000),
    /** Heap of one worker process, in MB; resident memory over twice this stops the worker too. */
    WORK_MEMORY_MB: z.coerce.number().int().min(64).default(512),
    /** Worker processes of one replica: each unit of work runs in one; more in flight wait for a free one. */
    WORK_PROCESSES: z.coerce.number().int().positive().default(2),
    /** Units up to this size (a text file's bytes, a document's characters) run in the process itself; 0: none. */
    WORK_INLINE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(256 * 1024),
  };
}

/** The work pool's settings alone, for `sift process` (which has no broker settings). */
export const WorkEnv = z.object(workShape());
export type WorkConfig = z.infer<typeof WorkEnv>;

/** Parses `env` with `schema` once, at the edge; a bad value throws a ConfigError naming the variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const count = z.coerce.number().int().positive();

/** Limits at the door of the segmenter (and of `sift process`): a file over one fails at once, with the limit named. */
export const LimitsEnv = z.object({
  /** Lines of a text or Markdown file. */
  SIFT_MAX_LINES: count.default(1_000_000),
  /** Elements nested inside each other in an HTML page. */
  SIFT_MAX_HTML_DEPTH: count.default(1000),
  /** Bytes the parts of a Word file inflate to (declared, and counted while inflating). */
  SIFT_MAX_INFLATED_BYTES: count.default(64 * 1024 * 1024),
  /** Entries of a zip container (a Word file). */
  SIFT_MAX_ZIP_ENTRIES: count.default(10_000),
  /** Pages of a PDF. */
  SIFT_MAX_PDF_PAGES: count.default(2000),
  /** Characters of text taken out of a PDF or a Word file. */
  SIFT_MAX_TEXT_CHARS: count.default(32_000_000),
});
export type LimitsConfig = z.infer<typeof LimitsEnv>;

/** The limits as the segmenter takes them (`SegmentLimits` of @sift/segment). */
export function doorLimits(c: LimitsConfig) {
  return {
    maxLines: c.SIFT_MAX_LINES,
    maxHtmlDepth: c.SIFT_MAX_HTML_DEPTH,
    maxInflatedBytes: c.SIFT_MAX_INFLATED_BYTES,
    maxZipEntries: c.SIFT_MAX_ZIP_ENTRIES,
    maxPdfPages: c.SIFT_MAX_PDF_PAGES,
    maxTextChars: c.SIFT_MAX_TEXT_CHARS,
  };
}
