#!/usr/bin/env node
// Quick start on a machine with Node 20+ and nothing else: pnpm, dependencies, build, a NATS server, then `pnpm start`.
// Plain Node on purpose: nothing is installed yet when it runs.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = "12.21.0";
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const setupOnly = process.argv.includes("--setup-only");

const say = (msg) => process.stderr.write(`sift setup: ${msg}\n`);
const ok = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

function pnpmCommand() {
  const v = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (v.status === 0 && v.stdout.trim() === PNPM) return ["pnpm"];
  say(`installing pnpm ${PNPM}`);
  if (spawnSync("npm", ["install", "-g", `pnpm@${PNPM}`], { stdio: "inherit" }).status === 0) return ["pnpm"];
  say("global install refused; using npx");
  return ["npx", "--yes", `pnpm@${PNPM}`];
}

// NATS_URL may list several seeds, with or without a scheme: any one that answers will do
const seeds = () =>
  natsUrl
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const u = new URL(
        (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `nats://${s}`).replace(/^[a-z][a-z0-9+.-]*:/i, "http:"),
      );
      return { host: u.hostname, port: Number(u.port || 4222) };
    });

const seedAnswers = ({ host, port }) =>
  new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (v) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once("error", () => done(false));
    s.once("data", (d) => done(d.toString().startsWith("INFO")));
  });

const natsAnswers = async () => (await Promise.all(seeds().map(seedAnswers))).some(Boolean);

const natsServerInstalled = () =>
  ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"].some(existsSync) ||
  ok("sh", ["-c", "command -v nats-server"]);

async function ensureNats() {
  if (await natsAnswers()) return say(`NATS answers at ${natsUrl}`);
  if (ok("docker", ["info"])) {
    say("starting NATS 2.10 with JetStream in Docker (container sift-nats)");
    spawnSync("docker", ["rm", "-f", "sift-nats"], { stdio: "ignore" });
    run("docker", [
      "run",
      "-d",
      "--name",
      "sift-nats",
      "-p",
      "4222:4222",
      "-v",
      "sift-nats:/data",
      "nats:2.10",
      "-js",
      "-sd",
      "/data",
    ]);
    for (let i = 0; i < 50 && !(await natsAnswers()); i++) await new Promise((r) => setTimeout(r, 200));
    return;
  }
  if (natsServerInstalled())
    return say("nats-server is installed; `pnpm start` runs it with JetStream under data/nats");
  if (ok("sh", ["-c", "command -v apt-get"]) && process.getuid?.() === 0) {
    say("installing nats-server from the system packages");
    run("apt-get", ["update"]);
    run("apt-get", ["install", "-y", "nats-server"]);
    return;
  }
  say(
    `no NATS server at ${natsUrl}, no Docker engine, and nats-server cannot be installed here.\n` +
      "  Install nats-server (https://docs.nats.io/running-a-nats-service/introduction/installation), or run\n" +
      "  `docker run -p 4222:4222 nats:2.10 -js`, or set NATS_URL to a server with JetStream, then run this again.",
  );
  process.exit(1);
}

const [pnpm, ...pre] = pnpmCommand();
run(pnpm, [...pre, "install", "--frozen-lockfile"]);
run(pnpm, [...pre, "build"]);
await ensureNats();
if (setupOnly) process.exit(0);
say("starting the pipeline: drop files into data/intake, read data/output (Ctrl-C stops)");
const child = spawn(pnpm, [...pre, "start"], { cwd: root, stdio: "inherit" });
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
child.on("exit", (code) => process.exit(code ?? 0));
