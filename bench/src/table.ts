/** One line of the bench table. */
export interface BenchRow {
  /** Section of the table ("sentences", "clean", "tag", "pipeline", "memory"). */
  group: string;
  /** What was measured, with the system that did it ("sift", "sbd", "Intl.Segmenter"). */
  name: string;
  value: number;
  unit: string;
  note?: string;
  /** Also written as a top-level number of the `--json` result under this name ("natsOverInProcess"). */
  key?: string;
}

export interface BenchOptions {
  quick: boolean;
  /** Folder of shared fixtures and data (`../shared` from the repo root). */
  shared: string;
}

export type BenchSection = (o: BenchOptions) => Promise<BenchRow[]>;

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? String(Math.round(value)) : value.toPrecision(4);
}

export function formatTable(rows: BenchRow[]): string {
  const lines = ["| group | measure | value | unit | note |", "|---|---|---:|---|---|"];
  for (const r of rows) {
    lines.push(
      `| ${cell(r.group)} | ${cell(r.name)} | ${formatValue(r.value)} | ${cell(r.unit)} | ${cell(r.note ?? "")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The `--json` result: the top-level numbers named by the rows' keys, then every row. */
export function jsonResult(rows: BenchRow[], meta: Record<string, unknown>): Record<string, unknown> {
  const top: Record<string, number> = {};
  for (const r of rows) if (r.key) top[r.key] = r.value;
  return { ...top, ...meta, rows };
}
