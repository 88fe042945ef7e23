#!/usr/bin/env node
// first: V8 is tuned before the code it runs is loaded
import "@sift/runtime/v8-tuning";
import { Command, CommanderError, Option } from "commander";
import { CliError, ExitCode, UsageError } from "./errors.js";

const EXIT_CODES = `
Exit codes:
  0  done
  1  some input could not be processed (a file, a JSON line), or an unexpected error
  2  usage: a bad command, option or setting
  3  something Sift needs is not there: a NATS server, its streams, a build, nats-server

Stack traces of errors: --verbose, or LOG_LEVEL=debug.`;

const STAGE_COMMANDS = {
  segment: { input: '{"id","text"}', output: '{"id","sentences":[{"start","end"}]}' },
  clean: { input: '{"id","mediaType","content"}', output: '{"id","text"}' },
  tag: { input: '{"id","text"}', output: '{"id","entities":[{"start","end","label","canonical"}]}' },
} as const;

const NATS_HELP = `
Reads NATS_URL (default nats://127.0.0.1:4222; several seeds comma-separated), NATS_USER/NATS_PASSWORD,
NATS_TOKEN, NATS_CREDS, NATS_NKEY, NATS_TLS_CA/CERT/KEY, and SIFT_DATA_DIR (default ./data).`;

const dataDir = (): string => process.env.SIFT_DATA_DIR ?? "./data";

/** Builds the `sift` command line; every action sets `result.code`. */
function createProgram(result: { code: ExitCode }): Command {
  const program = new Command("sift")
    .description("Sift turns files into clean, segmented, entity-tagged documents.")
    .option("--verbose", "print the stack trace of an error")
    .exitOverride()
    // errors are printed by main(), on one line
    .configureOutput({ outputError: () => {} })
    .addHelpText("after", EXIT_CODES);

  program
    .command("process")
    .summary("the four stages in this process, no broker")
    .description("The four stages in this process, no broker: writes <out>/<name>.json per file.")
    .argument("<files...>", "files to process")
    .option("-o, --out <dir>", "folder for the outputs", "out")
    .addHelpText(
      "after",
      "\nOn a terminal a progress bar shows files done, failed, the rate and the time left; otherwise one line per\n" +
        "file on stderr. Output paths go to stdout (not beside the bar). Two inputs of the same name and different\n" +
        "content get <name>-<file id>.json, as in the pipeline.",
    )
    .action(async (files: string[], opts: { out: string }) => {
      const { runProcess } = await import("./process-command.js");
      const progress = Boolean(process.stderr.isTTY);
      result.code = await runProcess(files, {
        out: opts.out,
        progress,
        printPaths: !(progress && process.stdout.isTTY),
        verbose: verbose(program),
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  for (const [name, io] of Object.entries(STAGE_COMMANDS)) {
    program
      .command(name)
      .summary(`the ${name} stage alone, on JSON lines (--jsonl)`)
      .description(`The ${name} stage alone: ${io.input} lines on stdin, ${io.output} lines on stdout.`)
      .option("--jsonl", "read JSON lines on stdin, write JSON lines on stdout (required)")
      .addHelpText("after", '\nA line that fails gives {"id","error"}, and the exit code is 1.')
      .action(async (opts: { jsonl?: boolean }) => {
        if (!opts.jsonl) throw new UsageError("JSONL_REQUIRED", `${name} reads JSON lines on stdin: pass --jsonl`);
        // the stage packages load only for the command that needs them: --help stays quick
        const { mapJsonLines } = await import("./jsonl.js");
        const fn =
          name === "segment"
            ? (await import("./segment-command.js")).segmentRecord
            : name === "clean"
              ? (await import("./clean-command.js")).createCleanRecord()
              : (await import("./tag-command.js")).createTagRecord();
        const failures = await mapJsonLines(process.stdin, process.stdout, fn);
        if (failures > 0) process.stderr.write(`sift ${name}: ${failures} line(s) failed; see their "error"\n`);
        result.code = failures === 0 ? ExitCode.ok : ExitCode.failed;
      });
  }

  program
    .command("start")
    .summary("the pipeline over NATS: five services as child processes")
    .description("The pipeline over NATS: the five services as child processes, their logs prefixed per stage.")
    .addOption(
      new Option("--scale <name=count>", "replicas of a stage, e.g. tagger=3 (repeatable; intake stays at one)")
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([], "one each"),
    )
    .addHelpText(
      "after",
      `
Uses NATS_URL (default nats://127.0.0.1:4222); if nothing answers there, starts nats-server with its store
under $SIFT_DATA_DIR/nats. Settings: SIFT_DATA_DIR, SIFT_SCALE (e.g. tagger=3,cleaner=2), HTTP_PORT (a base:
child n gets base + n, in the order intake, segmenter, cleaner, tagger, sink; unset: free ports, logged),
SHUTDOWN_GRACE_MS (default 10000).
Ctrl-C or SIGTERM: intake stops, every stage finishes its in-flight work, then the broker it started stops.`,
    )
    .action(async (opts: { scale: string[] }) => {
      const { runSupervisor } = await import("./supervisor.js");
      result.code = await runSupervisor(process.env, opts.scale);
    });

  program
    .command("status")
    .summary("what the pipeline is doing, or one file's timeline")
    .description(
      "Per stage: pending, in flight, redelivered, pulling; files by state; dead letters kept.\n" +
        "With a file name or id: that file's timeline across the stages (received, documents tagged, completed, dead letters).",
    )
    .argument("[file]", "a file's name or id (8 characters of it are enough)")
    .option("--json", "print JSON instead of a table")
    .option("-w, --watch", "refresh until Ctrl-C")
    .option("--interval <seconds>", "seconds between refreshes with --watch", "2")
    .addHelpText("after", NATS_HELP)
    .action(async (file: string | undefined, opts: { json?: boolean; watch?: boolean; interval: string }) => {
      const natsUrl = await natsConfig();
      if (file !== undefined) {
        const { fileTimeline, formatTimeline } = await import("./operate.js");
        const t = await fileTimeline(natsUrl, file);
        process.stdout.write(opts.json ? `${JSON.stringify(t, null, 2)}\n` : formatTimeline(t));
        return;
      }
      const { formatStatus, readStatus, watchStatus } = await import("./status.js");
      const seconds = Number(opts.interval);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new UsageError("BAD_INTERVAL", `--interval ${opts.interval}: give a number of seconds above 0`);
      if (opts.watch) {
        const stop = new AbortController();
        process.once("SIGINT", () => stop.abort());
        process.once("SIGTERM", () => stop.abort());
        await watchStatus(natsUrl, {
          json: Boolean(opts.json),
          intervalMs: seconds * 1000,
          clear: Boolean(process.stdout.isTTY) && !opts.json,
          write: (text) => process.stdout.write(text),
          signal: stop.signal,
        });
        return;
      }
      const status = await readStatus(natsUrl);
      process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });

  const failed = program
    .command("failed")
    .summary("what is in failed/, and taking a file back once its cause is fixed")
    .description("The files in $SIFT_DATA_DIR/failed/ (default ./data): list them, show one's error, retry one.");
  failed
    .command("list")
    .description("Every file in failed/: its stage, error code, time, file id.")
    .option("--json", "print JSON instead of a table")
    .action(async (opts: { json?: boolean }) => {
      const { formatFailed, listFailed } = await import("./operate.js");
      const entries = await listFailed(dataDir());
      process.stdout.write(opts.json ? `${JSON.stringify(entries, null, 2)}\n` : formatFailed(entries));
    });
  failed
    .command("show")
    .description("The error record of one file in failed/.")
    .argument("<name>", "its name in failed/, its original name, or its file id")
    .action(async (name: string) => {
      const { showFailed } = await import("./operate.js");
      process.stdout.write(await showFailed(dataDir(), name));
    });
  failed
    .command("retry")
    .description(
      "Moves the original back into intake/ and drops its error record: intake takes it again (a failed file is never\n" +
        "a duplicate). Fix the cause first (a limit, a setting, a model).",
    )
    .argument("<name|id>", "its name in failed/, its original name, or its file id")
    .addHelpText("after", NATS_HELP)
    .action(async (name: string) => {
      const { retryFailed } = await import("./operate.js");
      const back = await retryFailed(await natsConfig(), dataDir(), name);
      process.stdout.write(`intake/${back}\n`);
    });

  program
    .command("reprocess")
    .summary("take a file processed before through the pipeline again")
    .description(
      "Takes a completed file through the pipeline again (a new model, new rules): its original moves from processed/\n" +
        "back into intake/, marked so that intake does not skip it as a duplicate; its output is written anew.",
    )
    .argument("<id>", "the file's id (8 characters of it are enough) or its name")
    .addHelpText("after", NATS_HELP)
    .action(async (id: string) => {
      const { reprocessFile } = await import("./operate.js");
      const r = await reprocessFile(await natsConfig(), dataDir(), id);
      process.stdout.write(`intake/${r.name}\n`);
    });

  return program;
}

/** NATS_URL, credentials and TLS from the environment, as the services read them. */
async function natsConfig() {
  const { ConfigError, loadConfig, NatsEnv } = await import("@sift/runtime");
  try {
    return loadConfig(NatsEnv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError("BAD_SETTING", oneLine(err.message));
    throw err;
  }
}

// read from argv too: when parsing fails, commander has not set the option yet
const verbose = (program: Command, argv: string[] = []): boolean =>
  Boolean(program.opts().verbose) || argv.includes("--verbose") || /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? "");

/** Runs `sift` with `argv` (without node and the script); returns the exit code. */
async function main(argv: string[]): Promise<ExitCode> {
  const result: { code: ExitCode } = { code: ExitCode.ok };
  const program = createProgram(result);
  try {
    await program.parseAsync(argv, { from: "user" });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return ExitCode.ok;
      // `sift` alone: commander printed the help to stderr
      if (err.code === "commander.help") return ExitCode.usage;
      const command = argv.find((a) => !a.startsWith("-"));
      const help =
        command && program.commands.some((c) => c.name() === command) ? `sift ${command} --help` : "sift --help";
      process.stderr.write(`sift: ${oneLine(err.message.replace(/^error: /, ""))} (see \`${help}\`)\n`);
      return ExitCode.usage;
    }
    const stack = verbose(program, argv) && err instanceof Error ? `\n${err.stack}` : "";
    if (err instanceof CliError) {
      process.stderr.write(`sift: ${err.message}${stack}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sift: ${message}${stack || " (--verbose shows the stack)"}\n`);
    return ExitCode.failed;
  }
}

const oneLine = (text: string): string => text.trim().replace(/\s*\n\s*/g, " ");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // a bug in main() itself: the logger may not exist, the stack is all there is
    console.error(err);
    process.exit(ExitCode.failed);
  },
);
