import { hostname } from "node:os";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

export const defaultInstance = (): string => `${hostname()}-${process.pid}`;

const SECRETS = new Set(["NATS_PASSWORD", "NATS_TOKEN", "pass", "password", "token", "authenticator"]);
const CENSOR = "[redacted]";
/** Levels below a logged object where a secret is looked for: its own keys, and two levels of objects below (as `*.*.pass`). */
const SECRET_DEPTH = 3;

/**
 * The object with every secret under a known name replaced, as far as `SECRET_DEPTH` levels down; the object
 * itself when it holds none (the usual case: nothing copied). One pass over a few keys, where pino's wildcard
 * redaction paths cost a walk per path and key on every line.
 */
export function censorSecrets<T>(value: T, depth = SECRET_DEPTH): T {
  if (depth === 0 || typeof value !== "object" || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const v = source[key];
    const next = SECRETS.has(key) ? CENSOR : censorSecrets(v, depth - 1);
    if (next !== v) {
      copy ??= Array.isArray(source) ? ([...source] as unknown as Record<string, unknown>) : { ...source };
      copy[key] = next;
    }
  }
  return (copy ?? value) as T;
}

/**
 * A destination that takes the lines logged in one turn of the event loop and writes them to `out` in one call
 * (a message logs its line as the next one is handled: each line was a system call of its own, and a read of
 * its own for whoever reads the pipe). What a turn logged is written at its end, and at once on `flushNow`.
 */
export function batchedByTurn(out: { write(text: string): unknown }): DestinationStream & { flushNow(): void } {
  let lines: string[] = [];
  let scheduled = false;
  const flushNow = () => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = lines.length === 1 ? (lines[0] as string) : lines.join("");
    lines = [];
    out.write(text);
  };
  return {
    write(line: string) {
      lines.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushNow);
      }
    },
    flushNow,
  };
}

/** One for the process, however many loggers write to it (the lines of a turn stay in the order they were logged). */
let stdoutBatcher: (DestinationStream & { flushNow(): void }) | undefined;

/** stdout, a turn's lines in one write; what is still held when the process exits is written then. */
export function turnBatchedStdout(): DestinationStream {
  if (!stdoutBatcher) {
    const batcher = batchedByTurn(pino.destination({ dest: 1, sync: true }));
    process.once("exit", batcher.flushNow);
    stdoutBatcher = batcher;
  }
  return stdoutBatcher;
}

/** One root logger per service; JSON lines on stdout, with `service` and `instance` on every line. */
export function createLogger(
  o: { service: string; instance?: string | undefined; level?: string },
  dest?: DestinationStream,
): Logger {
  const root = pino(
    {
      level: o.level ?? "info",
      base: { service: o.service, instance: o.instance ?? defaultInstance() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // secrets never reach a log line, should a config or connection options object be logged
        log: (obj) => censorSecrets(obj),
      },
    },
    dest ?? turnBatchedStdout(),
  );
  // nor a child's bindings: children inherit this from the root (a pino child is made from its parent by Object.create)
  const child = root.child;
  root.child = function (this: Logger, bindings, options) {
    return child.call(this, censorSecrets(bindings), options);
  } as typeof root.child;
  return root;
}
