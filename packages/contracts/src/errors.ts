/** Base of every error a stage throws on purpose; `retryable: false` sends the message to the DLQ at once. */
export class SiftError extends Error {
  override name = "SiftError";
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, opts: ErrorOptions & { retryable?: boolean } = {}) {
    super(message, opts);
    this.code = code;
    this.retryable = opts.retryable ?? true;
  }
}

/** Thrown when a file's media type is not one Sift reads. */
export class UnsupportedMediaTypeError extends SiftError {
  override name = "UnsupportedMediaTypeError";
  constructor(fileName: string, mediaType: string) {
    super("UNSUPPORTED_MEDIA_TYPE", `${fileName}: unsupported media type ${mediaType}`, { retryable: false });
  }
}

/** Thrown when the input cannot be read as what it claims to be (empty, corrupt, binary, over a limit). */
export class InvalidInputError extends SiftError {
  override name = "InvalidInputError";
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super(code, message, { ...opts, retryable: false });
  }
}

/** Thrown when one unit of work (a file, a document) runs past its time budget; its worker is stopped. */
export class WorkTimeoutError extends SiftError {
  override name = "WorkTimeoutError";
  constructor(what: string, budgetMs: number) {
    super(
      "WORK_TIMEOUT",
      `${what}: the work took longer than its budget of ${formatMs(budgetMs)} (WORK_TIMEOUT_MS) and was stopped`,
      { retryable: false },
    );
  }
}

/** Thrown when one unit of work needs more memory than a worker may use; its worker is stopped. */
export class WorkMemoryError extends SiftError {
  override name = "WorkMemoryError";
  constructor(what: string, detail: string) {
    super("WORK_MEMORY", `${what}: the work needed more memory than allowed (${detail}) and was stopped`, {
      retryable: false,
    });
  }
}

/**
 * Thrown when a worker process died under a unit of work for another reason. It is retried only when
 * something outside killed the worker (a signal Sift did not send); a crash of its own would come again.
 */
export class WorkCrashedError extends SiftError {
  override name = "WorkCrashedError";
  constructor(what: string, detail: string, retryable: boolean) {
    super("WORK_CRASHED", `${what}: the worker died (${detail})`, { retryable });
  }
}

/** Thrown when a stage's pure work fails with an error it did not mean (a RangeError, a TypeError): the same input fails again. */
export class WorkFailedError extends SiftError {
  override name = "WorkFailedError";
  constructor(what: string, cause: { name: string; message: string }) {
    super("WORK_ERROR", `${what}: ${cause.name}: ${cause.message}`, { retryable: false });
  }
}

/** Thrown when the file system refuses a name Sift made (too long, invalid): shortening failed too, so retrying cannot help. */
export class FileNameError extends SiftError {
  override name = "FileNameError";
  constructor(name: string, opts: ErrorOptions = {}) {
    super("FILE_NAME_REFUSED", `the file system refuses the name ${JSON.stringify(name)}`, {
      ...opts,
      retryable: false,
    });
  }
}

const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** JavaScript's own error types: thrown by code on the input it was given, so the same input throws them again. */
const DETERMINISTIC = new Set(["RangeError", "TypeError", "SyntaxError", "ReferenceError", "URIError", "EvalError"]);

/** Codes of file-system errors about a name or path itself: the same name is refused again. */
const NAME_REFUSED = new Set(["ENAMETOOLONG", "EINVAL", "EILSEQ", "ENOTDIR", "EISDIR", "ELOOP"]);

/**
 * Whether an error is worth another delivery. An error that says (`retryable`) is taken at its word; a
 * JavaScript error type, a zod validation error or a name the file system refuses is deterministic;
 * everything else (the broker, the network, temporary I/O) is retried.
 * Duck-typed so that errors from another copy of this package, or from a worker, still count.
 */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return true;
  const e = err as { retryable?: unknown; name?: unknown; code?: unknown };
  if (typeof e.retryable === "boolean") return e.retryable;
  if (typeof e.name === "string" && (DETERMINISTIC.has(e.name) || e.name === "ZodError")) return false;
  if (typeof e.code === "string" && NAME_REFUSED.has(e.code)) return false;
  return true;
}

export const isPermanentError = (err: unknown): boolean => !isRetryable(err);

/** Whether the file system refused a name (too long, invalid characters for it). */
export const isNameRefused = (err: unknown): boolean =>
  typeof err === "object" &&
  err !== null &&
  typeof (err as { code?: unknown }).code === "string" &&
  NAME_REFUSED.has((err as { code: string }).code);

export const errorCode = (err: unknown): string => {
  if (typeof err === "object" && err !== null) {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === "string") return e.code;
    // deterministic errors of JavaScript itself get a code that says so
    if (typeof e.name === "string" && DETERMINISTIC.has(e.name)) return "WORK_ERROR";
  }
  return "ERROR";
};

export const errorMessage = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  // "RangeError: Maximum call stack size exceeded" reads better than its message alone
  return DETERMINISTIC.has(err.name) ? `${err.name}: ${err.message}` : err.message;
};
