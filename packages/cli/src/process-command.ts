import { basename } from "node:path";
import { MultiBar, Presets } from "cli-progress";
import { ExitCode } from "./errors.js";
import { createPipeline, processPath } from "./pipeline.js";

export interface ProcessOptions {
  out: string;
  /** A progress bar on stderr (a terminal); plain lines otherwise. */
  progress: boolean;
  /** Output paths on stdout, one a line, for scripts; off when they would break the bar on the same terminal. */
  printPaths: boolean;
  verbose: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface Report {
  written(path: string, output: string, ms: number): void;
  failed(path: string, err: unknown): void;
  finish(summary: string): void;
}

/** `sift process`: every file through the four stages in this process; exit 1 when any failed. */
export async function runProcess(files: string[], o: ProcessOptions): Promise<ExitCode> {
  // the stages run in a worker with a time budget and a memory cap (WORK_* and SIFT_MAX_* from the environment)
  const pipeline = createPipeline({ env: process.env });
  let failed = 0;
  const t0 = performance.now();
  const report = o.progress ? createBar(files.length, o.stderr, o.verbose) : createLines(files.length, o);
  try {
    // the stages and the model load before the first file, as they did in one process
    await pipeline.ready();
    for (const path of files) {
      const f0 = performance.now();
      try {
        const output = await processPath(pipeline, path, o.out);
        report.written(path, output, Math.round(performance.now() - f0));
        if (o.printPaths) o.stdout.write(`${output}\n`);
      } catch (err) {
        failed++;
        report.failed(path, err);
      }
    }
  } finally {
    await pipeline.close();
  }
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const written = files.length - failed;
  report.finish(
    `${files.length} file${files.length === 1 ? "" : "s"}: ${written} written to ${o.out}, ${failed} failed (${seconds} s)`,
  );
  return failed === 0 ? ExitCode.ok : ExitCode.failed;
}

/** One line for a file that failed: its name, what went wrong, and the code when there is one. */
export function describeFailure(path: string, err: unknown, verbose: boolean): string {
  if (verbose && err instanceof Error && err.stack) return `${path}: ${err.stack}`;
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === "ENOENT") return `${path}: no such file`;
  if (code === "EISDIR") return `${path}: is a folder; give files`;
  if (code === "EACCES") return `${path}: permission denied`;
  const raw = err instanceof Error ? err.message : String(err);
  // stage errors name the file already
  const name = `${basename(path)}:`;
  const message = raw.startsWith(name) ? raw.slice(name.length).trim() : raw;
  return typeof code === "string" ? `${path}: ${message} [${code}]` : `${path}: ${message}`;
}

function createLines(total: number, o: ProcessOptions): Report {
  let n = 0;
  const width = String(total).length;
  const step = () => `[${String(++n).padStart(width)}/${total}]`;
  return {
    written: (path, output, ms) => o.stderr.write(`${step()} ${path} -> ${output} (${ms} ms)\n`),
    failed: (path, err) => o.stderr.write(`${step()} failed ${describeFailure(path, err, o.verbose)}\n`),
    finish: (summary) => o.stderr.write(`${summary}\n`),
  };
}

function createBar(total: number, stream: NodeJS.WritableStream, verbose: boolean): Report {
  const bars = new MultiBar(
    {
      stream,
      format: "{bar} {value}/{total} files | {failed} failed | {rate} files/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  const t0 = performance.now();
  let failed = 0;
  let done = 0;
  const payload = () => ({ failed, rate: (done / Math.max(0.001, (performance.now() - t0) / 1000)).toFixed(1) });
  const bar = bars.create(total, 0, payload());
  return {
    written() {
      done++;
      bar.increment(1, payload());
    },
    failed(path, err) {
      done++;
      failed++;
      // printed above the bar, which stays at the bottom
      bars.log(`failed ${describeFailure(path, err, verbose)}\n`);
      bar.increment(1, payload());
    },
    finish(summary) {
      // logged lines wait for the next redraw: draw once more, or the last failures are lost
      bars.update();
      bars.stop();
      stream.write(`${summary}\n`);
    },
  };
}
