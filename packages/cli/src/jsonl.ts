import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

/** Reads JSON lines, maps each, writes one JSON line per input in order; a bad line gets `{"id","error"}`. */
export async function mapJsonLines(
  input: Readable,
  output: Writable,
  fn: (record: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<number> {
  let failures = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === "") continue;
    let record: Record<string, unknown> = {};
    try {
      record = JSON.parse(line) as Record<string, unknown>;
      output.write(`${JSON.stringify(await fn(record))}\n`);
    } catch (err) {
      failures++;
      output.write(
        `${JSON.stringify({ id: record.id ?? null, error: err instanceof Error ? err.message : String(err) })}\n`,
      );
    }
  }
  return failures;
}
