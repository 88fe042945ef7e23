import { existsSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { killAll, loadAverage, removeScratch } from "./procs.js";
import { type BenchRow, type BenchSection, benchTables, formatExtraTable, formatTable, jsonResult } from "./table.js";

// the stages alone, in one process (before the comparisons)
const first: Array<[string, () => Promise<BenchSection>]> = [
  ["stages", async () => (await import("./stages.js")).benchStages],
];

// each stage adds its section here
const sections: Array<[string, () => Promise<BenchSection>]> = [
  ["segment", async () => (await import("./segment.js")).benchSegment],
  ["page", async () => (await import("./page.js")).benchPage],
  ["tag", async () => (await import("./tag.js")).benchTag],
];

// each stage on hostile shapes at n and 2n: linear or not
const complexity: Array<[string, () => Promise<BenchSection>]> = [
  ["complexity", async () => (await import("./complexity.js")).benchComplexity],
];

// the floor of a hop (the corpus's messages through nats-server with no stage around them), then the pipeline through
// NATS against one process, scaling, memory, many files (last: it loads the machine most)
const last: Array<[string, () => Promise<BenchSection>]> = [
  ["hop", async () => (await import("./hop.js")).benchHop],
  ["pipeline", async () => (await import("./pipeline.js")).benchPipeline],
  ["cpu", async () => (await import("./cpu.js")).benchCpu],
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "string" },
      shared: { type: "string", default: "../shared" },
      /** Comma-separated section names, for working on one of them. */
      only: { type: "string" },
      /** Keep the cpu section's CPU profiles in this folder (open them in Chrome's DevTools). */
      profiles: { type: "string" },
    },
  });
  if (!existsSync(values.shared))
    process.stderr.write(`note: ${values.shared} is absent; sections that need it are skipped\n`);
  const only = values.only?.split(",").map((s) => s.trim());
  const t0 = performance.now();
  const loadBefore = loadAverage();
  const rows: BenchRow[] = [];
  let failures = 0;
  for (const [name, load] of [...first, ...sections, ...complexity, ...last]) {
    if (only && !only.includes(name)) continue;
    const t = performance.now();
    process.stderr.write(`bench: ${name} (load ${loadAverage()})\n`);
    try {
      rows.push(...(await (await load())({ quick: values.quick, shared: values.shared, profiles: values.profiles })));
    } catch (err) {
      failures++;
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`bench: ${name} failed: ${err instanceof Error ? err.stack : message}\n`);
      rows.push({ group: name, name: "FAILED", value: Number.NaN, unit: "", note: message.split("\n")[0] ?? "" });
    }
    process.stderr.write(`bench: ${name} took ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const machine = `${cpus().length} cores; load ${loadBefore} before, ${loadAverage()} after; ${seconds.toFixed(0)} s${values.quick ? " (--quick)" : ""}`;
  process.stdout.write(formatTable(rows));
  for (const t of benchTables()) process.stdout.write(`\n${formatExtraTable(t)}`);
  process.stdout.write(`\n${machine}\n`);
  if (values.json) {
    const meta = {
      quick: values.quick,
      seconds: Math.round(seconds),
      cores: cpus().length,
      load: { before: loadBefore, after: loadAverage() },
      node: process.version,
      at: new Date().toISOString(),
    };
    writeFileSync(values.json, `${JSON.stringify(jsonResult(rows, meta), null, 2)}\n`);
  }
  return failures === 0 ? 0 : 1;
}

// whatever happens, no service or nats-server the bench started outlives it, and no scratch folder either
const cleanUp = () => {
  killAll();
  removeScratch();
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    cleanUp();
    console.error(err);
    process.exit(1);
  },
);
