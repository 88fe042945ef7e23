import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDealer, loadSources, makeCorpus, makePdf, smallFiles } from "./corpus.js";
import { formatTable, jsonResult } from "./table.js";

// a folder that does not exist: the corpus falls back to built-in text, so this test needs no ../shared
const absent = "/nonexistent-shared-for-bench-test";
const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("bench corpus", () => {
  it("is the same for the same seed, every file distinct, every format there, and says what was absent", async () => {
    const src = loadSources(absent);
    const a = await makeCorpus(src, createDealer(src.articles, 7), { quick: true });
    const b = await makeCorpus(src, createDealer(src.articles, 7), { quick: true });
    // a DOCX carries the time it was made (docProps/core.xml, zip headers): its text is seeded, its bytes are not
    const seededBytes = (c: typeof a) => c.files.filter((f) => f.format !== "docx").map((f) => digest(f.bytes));
    expect(seededBytes(a)).toEqual(seededBytes(b));
    expect(a.files.map((f) => f.name)).toEqual(b.files.map((f) => f.name));
    expect(new Set(a.files.map((f) => digest(f.bytes))).size).toBe(a.files.length);
    expect(new Set(a.files.map((f) => f.format))).toEqual(new Set(["txt", "md", "html", "pdf", "docx"]));
    expect(a.notes.join(" ")).toMatch(/unlabeled absent/);
    const pdf = a.files.find((f) => f.format === "pdf");
    expect(
      Buffer.from(pdf?.bytes ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const docx = a.files.find((f) => f.format === "docx");
    expect(
      Buffer.from(docx?.bytes ?? [])
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
  });

  it("makes small files with distinct names and bytes, and a PDF filled up to the size asked", async () => {
    const src = loadSources(absent);
    const files = smallFiles(createDealer(src.articles, 1), 300, "t");
    expect(new Set(files.map((f) => f.name)).size).toBe(300);
    expect(new Set(files.map((f) => digest(f.bytes))).size).toBe(300);
    expect(Math.max(...files.map((f) => f.bytes.length))).toBeLessThan(1024);
    const pdf = await makePdf(["One paragraph of text."], "Title", { fillTo: 2_000_000 });
    expect(pdf.length).toBeGreaterThan(1_900_000);
    expect(pdf.length).toBeLessThan(2_200_000);
  });
});

describe("bench table", () => {
  it("escapes pipes in cells and puts keyed rows at the top of the JSON result", () => {
    const rows = [
      { group: "pipeline", name: "a | b", value: 1.23456, unit: "×", key: "natsOverInProcess" },
      { group: "e2e", name: "outputs", value: 10_000, unit: "files", key: "e2eOutputs", note: "x" },
    ];
    expect(formatTable(rows)).toContain("| pipeline | a \\| b | 1.235 | × |  |");
    const json = jsonResult(rows, { quick: true });
    expect(json.natsOverInProcess).toBe(1.23456);
    expect(json.e2eOutputs).toBe(10_000);
    expect(json.rows).toHaveLength(2);
  });
});
