import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, sharedDir } from "./support/pipeline.js";

const run = promisify(execFile);
const cli = join(repoRoot, "packages/cli/dist/main.js");
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
