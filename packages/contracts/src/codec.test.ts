import { describe, expect, it } from "vitest";
import { MAX_NAME_BYTES, safeFileName } from "./codec.js";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("safeFileName", () => {
  it("keeps an ordinary name and replaces separators and control characters", () => {
    expect(safeFileName("report 2024.pdf")).toBe("report 2024.pdf");
    expect(safeFileName("a/b\\c\nd.txt")).toBe("a_b_c_d.txt");
    expect(safeFileName("..")).toBe("_..");
  });

  it("shortens a long name: its start, a hash of the rest and its extension, within the limit", () => {
    const name = `${"a-very-long-scraped-headline-".repeat(8)}end.html`;
    const short = safeFileName(name);
    expect(bytes(short)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(short).toMatch(/^a-very-long-scraped-headline-.*~[0-9a-f]{10}\.html$/);
    expect(safeFileName(name)).toBe(short);
    // names that differ only in the part cut out stay apart
    expect(safeFileName(name.replace("end", "END"))).not.toBe(short);
  });

  it("never splits a character when it cuts a name in UTF-8", () => {
    // the cut falls inside the run of four-byte emoji: a whole one stays, never half of one
    const short = safeFileName(`${"a".repeat(130)}${"😀".repeat(10)}.txt`);
    expect(bytes(short)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(short).toMatch(/^a{130}😀~[0-9a-f]{10}\.txt$/u);
    expect(safeFileName(`${"名前".repeat(60)}.txt`)).toMatch(/^(名前)+名?~[0-9a-f]{10}\.txt$/u);
  });
});
