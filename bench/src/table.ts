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
  /** Where the cpu section keeps its CPU profiles (else they are deleted with the run's folder). */
  profiles?: string | undefined;
}

export type BenchSection = (o: BenchOptions) => Promise<BenchRow[]>;

/** A table of its own, printed after the main one (a matrix that rows of one value cannot show). */
export interface BenchTable {
  title: string;
  header: string[];
  rows: string[][];
  /** Lines printed under the table. */
  notes?: string[];
}

const tables: BenchTable[] = [];

/** Adds a table to the output of this run. */
export function addTable(t: BenchTable): void {
  tables.push(t);
}

export function benchTables(): BenchTable[] {
  return [...tables];
}

export function formatExtraTable(t: BenchTable): string {
  const lines = [
    `### ${t.title}`,
    "",
    `| ${t.header.map(cell).join(" | ")} |`,
    `|${t.header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const r of t.rows) lines.push(`| ${r.map(cell).join(" | ")} |`);
  if (t.notes?.length) lines.push("", ...t.notes);
  return `${lines.join("\n")}\n`;
}

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
  return { ...top, ...meta, rows, tables: benchTables() };
}
