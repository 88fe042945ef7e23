import { describe, expect, it } from "vitest";
import { textBlocks } from "./lines.js";

describe("textBlocks", () => {
  it("gives every non-blank line with its offsets and the blank lines around it", () => {
    const text = "Title\r\n\r\n  First line\nSecond line\n\n\nLast";
    const blocks = textBlocks(text);
    expect(blocks.map((b) => b.text)).toEqual(["Title", "First line", "Second line", "Last"]);
    for (const b of blocks) expect(text.slice(b.start, b.end)).toBe(b.text);
    expect(blocks.map((b) => [b.gapBefore, b.gapAfter])).toEqual([
      [9, 1],
      [1, 0],
      [0, 2],
      [2, 9],
    ]);
    expect(blocks[1]?.indent).toBe(2);
  });
});
