#!/usr/bin/env node
// `sift start` runs nats-server through this keeper: nats-server cannot watch its parent, the keeper can.
// usage: keeper.js <wait-ms> <command> [args...]
// SIGTERM/SIGINT stop the command. When the supervisor is gone (its IPC channel closes, SIGKILL included),
// the keeper waits <wait-ms> (the services drain through the broker meanwhile), then stops the command.
import { spawn } from "node:child_process";

const [waitArg, command, ...args] = process.argv.slice(2);
const waitMs = Number(waitArg);
if (!command || !Number.isFinite(waitMs)) {
  process.stderr.write("usage: keeper.js <wait-ms> <command> [args...]\n");
  process.exit(2);
}

// output goes through the keeper: a broken pipe must not reach the broker (Go exits on EPIPE of stdout/stderr)
const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
let outputGone = false;
for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
] as const) {
  to.on("error", () => {
    outputGone = true;
  });
  from.on("data", (chunk: Buffer) => {
    if (!outputGone) to.write(chunk);
  });
}

const stop = () => child.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (process.channel) {
  process.channel.unref();
  process.once("disconnect", () => setTimeout(stop, waitMs));
}
child.once("error", (err) => {
  process.stderr.write(`keeper: ${command}: ${err.message}\n`);
  process.exit(1);
});
child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
