/** One line of the bench table. */
export interface BenchRow {
  /** Section of the table ("sentences", "clean", "tag", "pipeline", "memory"). */
  group: string;
  /** What was measured, with the system that did it ("sift", "sbd", "Intl.Segmenter"). */
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchOptions {
  quick: boolean;
  /** Folder of shared fixtures and data (`../shared` from the repo root). */
  shared: string;
}

export type BenchSection = (o: BenchOptions) => Promise<BenchRow[]>;

export function formatTable(rows: BenchRow[]): string {
  const lines = ["| group | measure | value | unit | note |", "|---|---|---:|---|---|"];
  for (const r of rows) {
    const v = Number.isInteger(r.value) ? String(r.value) : r.value.toPrecision(4);
    lines.push(`| ${r.group} | ${r.name} | ${v} | ${r.unit} | ${r.note ?? ""} |`);
  }
  return `${lines.join("\n")}\n`;
}
