/** The exit codes of `sift` (the README lists them). */
export const ExitCode = {
  ok: 0,
  /** Some input could not be processed (a file, a JSON line), or an unexpected error. */
  failed: 1,
  /** The command line or a setting is wrong. */
  usage: 2,
  /** Something Sift needs is not there: a NATS server, its streams, a build, nats-server. */
  unavailable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of the errors `sift` reports to a person: one line, a stable `code`, and the exit code it ends with. */
export class CliError extends Error {
  override name = "CliError";
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(code: string, message: string, exitCode: ExitCode, opts: ErrorOptions = {}) {
    super(message, opts);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Thrown when the command line or a setting has a bad value (exit 2). */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super(code, message, ExitCode.usage, opts);
  }
}

/** Thrown when something Sift needs is missing or does not answer (exit 3). */
export class UnavailableError extends CliError {
  override name = "UnavailableError";
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super(code, message, ExitCode.unavailable, opts);
  }
}

/** Thrown when no NATS server answers at the URL `sift` was given. */
export class NatsUnreachableError extends UnavailableError {
  override name = "NatsUnreachableError";
  constructor(url: string, opts: ErrorOptions = {}) {
    const reason = opts.cause instanceof Error ? ` (${opts.cause.message})` : "";
    // a server that answers but refuses us needs credentials or TLS settings, not a start
    const refused = /authori|authentication|certificate|tls|ssl/i.test(reason);
    super(
      refused ? "NATS_REFUSED" : "NATS_UNREACHABLE",
      refused
        ? `NATS at ${url} refused the connection${reason}: check NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_CREDS, NATS_NKEY and NATS_TLS_*`
        : `no NATS server answers at ${url}${reason}: start the pipeline with \`pnpm start\`, or set NATS_URL`,
      opts,
    );
  }
}

/** Thrown when the NATS server answers but holds no Sift streams (or has no JetStream). */
export class NotProvisionedError extends UnavailableError {
  override name = "NotProvisionedError";
  constructor(url: string, what: string, opts: ErrorOptions = {}) {
    super(
      "NOT_PROVISIONED",
      `the NATS server at ${url} ${what}: Sift has not run against it yet; \`pnpm start\` creates its streams`,
      opts,
    );
  }
}
