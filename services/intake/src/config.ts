import { z } from "zod";

/** Intake's own settings, on top of the runtime's BaseEnv. */
export const IntakeEnv = z.object({
  /** Files larger than this go to failed/ unread. */
  SIFT_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** How often the intake folder is scanned. */
  INTAKE_POLL_MS: z.coerce.number().int().positive().default(250),
  /** A file counts once its size and mtime have not changed for this long. */
  INTAKE_STABLE_MS: z.coerce.number().int().nonnegative().default(500),
  /** Files handled at once. */
  INTAKE_CONCURRENCY: z.coerce.number().int().positive().default(8),
  /** Files up to this size travel inside the message; larger ones through the Object Store. */
  INTAKE_INLINE_MAX_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(256 * 1024),
  /** Intake stops taking files while the segmenter has more than this many messages waiting or in flight (0: no bound). */
  INTAKE_MAX_PENDING: z.coerce.number().int().nonnegative().default(1000),
  /** Process bytes again even when the same content was processed before. */
  SIFT_REPROCESS: z.stringbool().default(false),
});
export type IntakeConfig = z.infer<typeof IntakeEnv>;
