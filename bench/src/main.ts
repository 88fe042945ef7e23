import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type BenchRow, type BenchSection, formatTable } from "./table.js";

// each stage adds its section here
const sections: Array<[string, () => Promise<BenchSection>]> = [
  ["segment", async () => (await import("./segment.js")).benchSegment],
  ["clean", async () => (await import("./clean.js")).benchClean],
  ["tag", async () => (await import("./tag.js")).benchTag],
];

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "string" },
      shared: { type: "string", default: "../shared" },
    },
  });
  if (!existsSync(values.shared))
    process.stderr.write(`note: ${values.shared} is absent; sections that need it are skipped\n`);
  const rows: BenchRow[] = [];
  for (const [name, load] of sections) {
    process.stderr.write(`bench: ${name}\n`);
    rows.push(...(await (await load())({ quick: values.quick, shared: values.shared })));
  }
  process.stdout.write(formatTable(rows));
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ rows }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
