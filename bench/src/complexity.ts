import { createWorkPool } from "@sift/runtime";
import { ENTRY_POINTS, type MeasureOutput, type SizeResult } from "./complexity-task.js";
import { loadAverage } from "./procs.js";
import { SHAPES } from "./shapes.js";
import type { BenchRow, BenchSection } from "./table.js";

/** Ratios of times this short (a mean over many runs) say more about the machine than about the algorithm. */
const MIN_MS = 5;
/** A linear algorithm doubles; noise on a shared machine adds some. */
const MAX_RATIO = 2.5;

/**
 * For each hostile shape, every stage entry point timed at n and 2n, and the ratio: about 2 for linear
 * work, 4 for quadratic (per doubling of the entry point's own input, which for clean and tag is what
 * the page reader kept). Times are CPU time of the worker (other load on a shared machine moves them far
 * less than wall time), the least of three runs taken in turn (n, 2n, n, …) after two uncounted runs at n;
 * an entry point that takes under 150 ms is run again until it has, and its mean taken. Each shape runs in
 * a fresh worker of the work pool, so a super-linear case stops at its time budget instead of stopping the
 * bench, and the worker's peak memory is the shape's own.
 */
export const benchComplexity: BenchSection = async (o) => {
  const rows: BenchRow[] = [];
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const reps = 3;
  const timeoutMs = o.quick ? 120_000 : 300_000;
  const judged: Array<{ what: string; ratio: number }> = [];
  for (const shape of SHAPES) {
    const n = o.quick ? shape.quickN : shape.n;
    const pool = createWorkPool({
      modules: [new URL("./complexity-task.js", import.meta.url)],
      size: 1,
      timeoutMs,
      memoryMb: 1024,
      // a young generation large enough that where one run's garbage outgrows it does not fall between n and 2n
      execArgv: ["--max-semi-space-size=64"],
    });
    try {
      const result = await pool
        .run<MeasureOutput>("measure", { shape: shape.name, sizes: [n, 2 * n], reps }, { label: shape.name })
        .catch((err: Error & { code?: string }) => err);
      if (result instanceof Error) {
        log(`  complexity | ${shape.name}: ${result.code ?? "ERROR"} ${result.message}`);
        judged.push({ what: `${shape.name} (${result.code ?? "ERROR"})`, ratio: Number.POSITIVE_INFINITY });
        rows.push({
          group: "complexity",
          name: `${shape.name}: all entry points`,
          value: Number.POSITIVE_INFINITY,
          unit: "×",
          note: `${result.code ?? "ERROR"}: ${result.message}`,
        });
        continue;
      }
      const [one, two] = result.sizes as [SizeResult, SizeResult];
      log(`  complexity | ${shape.name}: ${describe(one)} → ${describe(two)}`);
      for (const e of ENTRY_POINTS) {
        const t1 = one.ms[e.name];
        const t2 = two.ms[e.name];
        if (t1 === undefined || t2 === undefined) continue;
        // a later stage is judged on its own input: the page reader may keep a different share of a page
        // twice the size, so the tagger's input can grow by more or less than the file did
        const i1 = one.inputs[e.name] ?? 0;
        const i2 = two.inputs[e.name] ?? 0;
        const grew = i1 > 0 && i2 > 0 ? i2 / i1 : 2;
        const ratio = (t2 / Math.max(t1, 0.001)) * (2 / grew);
        const tooFast = t2 < MIN_MS;
        if (!tooFast) judged.push({ what: `${shape.name}: ${e.name}`, ratio });
        const failure = [one, two].flatMap((r) => (r.failed?.entry === e.name ? [r.failed.code] : []));
        rows.push({
          group: "complexity",
          name: `${shape.name}: ${e.name}, time at 2n / time at n`,
          value: ratio,
          unit: "×",
          note: [
            `n = ${n} ${shape.unit}: ${fmt(t1)}; 2n: ${fmt(t2)} (CPU)`,
            Math.abs(grew - 2) > 0.05
              ? `its input grew ${grew.toFixed(2)}×, not 2×: the ratio is per doubling of its input`
              : "",
            failure.length > 0 ? `stops there with ${[...new Set(failure)].join(", ")}` : "",
            tooFast ? `under ${MIN_MS} ms: not judged` : "",
            e.name === ENTRY_POINTS[0]?.name
              ? `${two.documents} document(s) from ${(two.bytes / 1e6).toFixed(1)} MB at 2n; worker peak RSS ${result.maxRssMb} MB`
              : "",
          ]
            .filter(Boolean)
            .join("; "),
        });
      }
    } finally {
      await pool.close();
    }
  }
  const worst = judged.reduce((w, j) => (j.ratio > w.ratio ? j : w), { what: "none", ratio: 0 });
  const over = judged.filter((j) => j.ratio > MAX_RATIO);
  rows.push({
    group: "complexity",
    name: "largest ratio, time at 2n / time at n",
    value: worst.ratio,
    unit: "×",
    key: "complexityWorstRatio",
    note: `${worst.what}; ≤ ${MAX_RATIO} expected: ${over.length === 0 ? "met" : `NOT met by ${over.map((j) => `${j.what} (${j.ratio.toFixed(2)})`).join(", ")}`}; load ${loadAverage()}`,
  });
  return rows;
};

const fmt = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

function describe(r: SizeResult): string {
  return `${Object.entries(r.ms)
    .map(([k, v]) => `${k} ${Math.round(v)} ms`)
    .join(", ")}${r.failed ? ` (${r.failed.code})` : ""}`;
}
