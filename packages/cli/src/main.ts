#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createLogger } from "@sift/runtime";
import { createCleanRecord } from "./clean-command.js";
import { mapJsonLines } from "./jsonl.js";
import { createPipeline, processPath } from "./pipeline.js";
import { segmentRecord } from "./segment-command.js";
import { createTagRecord } from "./tag-command.js";

const USAGE = `usage:
  sift process <files...> --out <dir>   the four stages in one process, no broker
  sift segment --jsonl                  {"id","text"} lines in, {"id","sentences"} lines out
  sift clean --jsonl                    {"id","mediaType","content"} lines in, {"id","text"} lines out
  sift tag --jsonl                      {"id","text"} lines in, {"id","entities"} lines out
  sift start [--scale name=n]           the pipeline over NATS: five services as child processes
  sift status [--json]                  per stage: pending, in flight, redelivered; files by state
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // logs go to stderr so that stdout carries only results
  const log = createLogger({ service: "cli", level: process.env.LOG_LEVEL ?? "info" }, process.stderr);
  switch (command) {
    case "process": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { out: { type: "string", default: "out" } },
      });
      if (positionals.length === 0) return usage("process needs at least one file");
      const pipeline = createPipeline();
      let failed = 0;
      for (const path of positionals) {
        const t0 = performance.now();
        try {
          const written = await processPath(pipeline, path, values.out);
          log.info({ file: path, output: written, ms: Math.round(performance.now() - t0) }, "file processed");
          process.stdout.write(`${written}\n`);
        } catch (err) {
          failed++;
          log.error({ file: path, err }, "file failed");
        }
      }
      return failed === 0 ? 0 : 1;
    }
    case "segment":
    case "clean":
    case "tag": {
      const { values } = parseArgs({ args: rest, options: { jsonl: { type: "boolean", default: false } } });
      if (!values.jsonl) return usage(`${command} reads JSON lines: pass --jsonl`);
      const fn = command === "segment" ? segmentRecord : command === "clean" ? createCleanRecord() : createTagRecord();
      const failures = await mapJsonLines(process.stdin, process.stdout, fn);
      if (failures > 0) log.warn({ failures }, "some lines failed");
      return failures === 0 ? 0 : 1;
    }
    case "start": {
      const { runSupervisor } = await import("./supervisor.js");
      return runSupervisor(process.env, log, rest);
    }
    case "status": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean", default: false } } });
      const { formatStatus, readStatus } = await import("./status.js");
      const status = await readStatus(process.env.NATS_URL ?? "nats://127.0.0.1:4222");
      process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      return 0;
    }
    default:
      return usage(command ? `unknown command ${command}` : undefined);
  }
}

function usage(problem?: string): number {
  if (problem) process.stderr.write(`sift: ${problem}\n`);
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
