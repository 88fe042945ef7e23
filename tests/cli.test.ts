import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { connect } from "@nats-io/transport-node";
import { createLogger, provisionStreams } from "@sift/runtime";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freePort, type LocalNats, startLocalNats } from "./support/nats-server.js";
import { repoRoot, sharedDir } from "./support/pipeline.js";
import { cli, sift } from "./support/sift-cli.js";

const run = promisify(execFile);
const fixture = join(sharedDir, "fixtures", "news-page", "page.txt");
const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);
const validateOutput = ajv.compile(
  JSON.parse(readFileSync(join(repoRoot, "packages/contracts/schema/output-file.json"), "utf8")),
);

describe("sift CLI (built)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "sift-cli-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(!existsSync(fixture))("`sift process` writes <out>/page.txt.json in the output format", async () => {
    const out = join(tmp, "out");
    const { stdout } = await run(process.execPath, [cli, "process", fixture, "--out", out]);
    expect(stdout.trim()).toBe(join(out, "page.txt.json"));
    const doc = JSON.parse(readFileSync(join(out, "page.txt.json"), "utf8"));
    expect(validateOutput(doc), JSON.stringify(validateOutput.errors)).toBe(true);
    expect(doc.file.name).toBe("page.txt");
  });

  it("`sift process` reports a file it cannot read and exits non-zero, writing nothing for it", async () => {
    const empty = join(tmp, "empty.txt");
    writeFileSync(empty, "");
    const err = await run(process.execPath, [cli, "process", empty, "--out", join(tmp, "o2")]).catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toContain("empty");
    expect(existsSync(join(tmp, "o2", "empty.txt.json"))).toBe(false);
  });

  it("`sift segment|tag --jsonl` write one JSON line per input and nothing else on stdout", async () => {
    const input = `${JSON.stringify({ id: "a", text: "Dr. Smith went to Washington. He met Jane Doe." })}\n${JSON.stringify({ id: 2, text: "One." })}\n`;
    for (const cmd of ["segment", "tag"]) {
      const child = execFile(process.execPath, [cli, cmd, "--jsonl"]);
      child.stdin?.end(input);
      let stdout = "";
      child.stdout?.on("data", (d) => {
        stdout += d;
      });
      await new Promise((r) => child.once("exit", r));
      const lines = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.id)).toEqual(["a", 2]);
      const key = cmd === "segment" ? "sentences" : "entities";
      for (const l of lines) expect(Array.isArray(l[key])).toBe(true);
    }
  });
});

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

describe("sift --help and user errors", () => {
  for (const command of ["process", "segment", "clean", "tag", "start", "status"]) {
    it(`\`sift ${command} --help\` prints its usage and exits 0, doing nothing else`, async () => {
      const r = await sift([command, "--help"], { NATS_URL: "nats://127.0.0.1:1" });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: sift ${command} `));
      expect(r.stdout).toMatch(/-h, --help/);
      expect(r.stderr).toBe("");
    });
  }

  it("`sift --help` lists every command and the exit codes", async () => {
    const r = await sift(["--help"]);
    expect(r.code).toBe(0);
    for (const command of ["process", "segment", "clean", "tag", "start", "status"])
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  const mistakes: Array<{ args: string[]; env?: Record<string, string>; says: RegExp }> = [
    { args: ["procss"], says: /^sift: unknown command 'procss' \(Did you mean process\?\)/ },
    { args: ["process", "--bogus", "x.txt"], says: /^sift: unknown option '--bogus' \(see `sift process --help`\)$/ },
    { args: ["process"], says: /^sift: missing required argument 'files'/ },
    { args: ["segment"], says: /^sift: segment reads JSON lines on stdin: pass --jsonl$/ },
    { args: ["start", "--scale", "tagger=0"], says: /^sift: tagger=0: every stage needs at least one replica/ },
    { args: ["start", "--scale", "tagger=x"], says: /^sift: bad scale "tagger=x": use name=count/ },
    { args: ["start"], env: { HTTP_PORT: "web" }, says: /^sift: HTTP_PORT=web is not a port number$/ },
    { args: ["status", "--watch", "--interval", "0"], says: /^sift: --interval 0: give a number of seconds above 0$/ },
  ];
  for (const m of mistakes) {
    it(`\`sift ${m.args.join(" ")}\` is a usage error: one line on stderr, exit 2`, async () => {
      const r = await sift(m.args, m.env);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(m.says);
      expect(r.stdout).toBe("");
    });
  }
});

describe("sift status", () => {
  let bare: LocalNats | undefined;
  afterAll(async () => {
    await bare?.stop();
  });

  it("says in one line that no server answers (exit 3), with the stack only under --verbose", async () => {
    const port = await freePort();
    const r = await sift(["status"], { NATS_URL: `nats://127.0.0.1:${port}` });
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([
      `sift: no NATS server answers at nats://127.0.0.1:${port} (connection refused): start the pipeline with \`pnpm start\`, or set NATS_URL`,
    ]);
    const verbose = await sift(["status", "--verbose"], { NATS_URL: `nats://127.0.0.1:${port}` });
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/\n {4}at /);
  });

  it("says in one line that a server has no Sift streams (exit 3)", async () => {
    bare = await startLocalNats();
    const r = await sift(["status", "--json"], { NATS_URL: bare.url });
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([
      `sift: the NATS server at ${bare.url} has no SIFT_WORK stream: Sift has not run against it yet; \`pnpm start\` creates its streams`,
    ]);
  });

  it("uses the same words in its table and its JSON", async () => {
    const natsUrl = inject("natsUrl");
    const nc = await connect({ servers: natsUrl });
    await provisionStreams(
      nc,
      { duplicateWindowMs: 120_000, ackWaitMs: 30_000, maxDeliver: 5 },
      createLogger({ service: "test", level: "silent" }),
    );
    await nc.close();
    const table = await sift(["status"], { NATS_URL: natsUrl });
    const json = await sift(["status", "--json"], { NATS_URL: natsUrl });
    expect([table.code, json.code]).toEqual([0, 0]);
    const header = table.stdout.split("\n")[0] as string;
    const columns = header
      .split("|")
      .map((c) => c.trim())
      .filter(Boolean);
    expect(columns).toEqual(["stage", "pending", "in flight", "redelivered", "pulling"]);
    const stage = JSON.parse(json.stdout).stages[0];
    // the JSON keys are the columns in camelCase
    expect(Object.keys(stage)).toEqual(["consumer", "pending", "inFlight", "redelivered", "pulling"]);
    expect(table.stdout).toMatch(/files: \d+ received \(in progress\), \d+ completed, \d+ failed/);
  });

  it("`--watch` refreshes until Ctrl-C, and shows an absent server as a line instead of ending", async () => {
    const port = await freePort();
    const child = execFile(process.execPath, [cli, "status", "--watch", "--json", "--interval", "0.2"], {
      env: { ...process.env, NATS_URL: `nats://127.0.0.1:${port}` },
    });
    let stdout = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    const t0 = Date.now();
    while (lines(stdout).length < 3 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const code = await new Promise((r) => child.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    const frames = lines(stdout).map((l) => JSON.parse(l));
    expect(frames.length).toBeGreaterThanOrEqual(3);
    for (const f of frames) expect(f.error.code).toBe("NATS_UNREACHABLE");
  });

  it("`--watch` prints a fresh status on every refresh", async () => {
    const child = execFile(process.execPath, [cli, "status", "--watch", "--json", "--interval", "0.2"], {
      env: { ...process.env, NATS_URL: inject("natsUrl") },
    });
    let stdout = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    const t0 = Date.now();
    while (lines(stdout).length < 2 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    expect(await new Promise((r) => child.once("exit", (c) => r(c)))).toBe(0);
    const frames = lines(stdout).map((l) => JSON.parse(l));
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames[0].at).not.toBe(frames[1].at);
    for (const f of frames) expect(f.stages.map((s: { consumer: string }) => s.consumer)).toContain("tagger");
  });
});

describe("sift process", () => {
  const tmp = mkdtempSync(join(tmpdir(), "sift-process-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("gives two inputs of the same name their own outputs, as the pipeline does, and keeps the names on a rerun", async () => {
    mkdirSync(join(tmp, "a"));
    mkdirSync(join(tmp, "b"));
    writeFileSync(join(tmp, "a", "x.md"), "Anna Berg lives in Oslo.\n");
    writeFileSync(join(tmp, "b", "x.md"), "Tom Hall works in Rome.\n");
    const out = join(tmp, "d");
    const args = ["process", join(tmp, "a", "x.md"), join(tmp, "b", "x.md"), "--out", out];
    const first = await sift(args);
    expect(first.code).toBe(0);
    const written = lines(first.stdout);
    expect(written).toHaveLength(2);
    expect(written[0]).toBe(join(out, "x.md.json"));
    expect(written[1]).toMatch(/\/x\.md-[0-9a-f]{12}\.json$/);
    const texts = written.map((p) => JSON.parse(readFileSync(p, "utf8")).documents[0].text);
    expect(texts).toEqual(["Anna Berg lives in Oslo.", "Tom Hall works in Rome."]);
    const again = await sift(args);
    expect(lines(again.stdout)).toEqual(written);
    expect(readdirSync(out).sort()).toEqual(written.map((p) => basename(p)).sort());
  });

  it("prints one plain line per file on stderr when it is not a terminal, and a summary", async () => {
    writeFileSync(join(tmp, "ok.txt"), "Lena Fischer lives in Berlin.\n");
    const r = await sift(["process", join(tmp, "ok.txt"), join(tmp, "missing.txt"), "--out", join(tmp, "o")]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^\[1\/2\] .*ok\.txt -> .*ok\.txt\.json \(\d+ ms\)$/),
      `[2/2] failed ${join(tmp, "missing.txt")}: no such file`,
      expect.stringMatching(/^2 files: 1 written to .*, 1 failed \(\d+\.\d s\)$/),
    ]);
  });

  it.skipIf(!existsSync("/usr/bin/script"))("shows a progress bar on a terminal", async () => {
    writeFileSync(join(tmp, "t1.txt"), "Omar Costa met Ines Novak in Lisbon.\n");
    const command = `${process.execPath} ${cli} process ${join(tmp, "t1.txt")} ${join(tmp, "nope.txt")} --out ${join(tmp, "o3")}`;
    // script(1) gives the command a terminal
    const r = await run("script", ["-qec", command, "/dev/null"], { env: process.env }).catch(
      (e: { stdout: string }) => e,
    );
    expect(r.stdout).toMatch(/[█░]+ \d\/2 files \| \d failed \| [\d.]+ files\/s \| ETA /);
    expect(r.stdout).toContain("failed ");
    expect(r.stdout).toMatch(/2 files: 1 written to .*, 1 failed/);
  });
});
