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

/** Thrown when the input cannot be read as what it claims to be (empty, corrupt, binary). */
export class InvalidInputError extends SiftError {
  override name = "InvalidInputError";
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super(code, message, { ...opts, retryable: false });
  }
}

/** Duck-typed so that errors from another copy of this package still count. */
export const isPermanentError = (err: unknown): boolean =>
  typeof err === "object" && err !== null && (err as { retryable?: unknown }).retryable === false;

export const errorCode = (err: unknown): string =>
  typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "string"
    ? (err as { code: string }).code
    : "ERROR";

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
