import { describe, expect, it } from "vitest";
import { createInMemoryLineMemory, memorySource } from "./memory.js";

describe("line memory", () => {
  it("counts in how many pages of a source each line was seen, sources apart", async () => {
    const m = createInMemoryLineMemory();
    await m.record("file.a", ["x", "y", "x"]);
    await m.record("file.a", ["x"]);
    await m.record("file.b", ["x"]);
    expect([...m.seen("file.a")]).toEqual([
      ["x", 2],
      ["y", 1],
    ]);
    expect(m.seen("file.c").size).toBe(0);
  });

  it("names a source by the file name up to its first digit", () => {
    expect(memorySource("zorbly-news-0042-storm.txt")).toBe("file.zorbly-news");
    expect(memorySource("Zorbly News 17.html")).toBe("file.zorbly-news");
    expect(memorySource("page.txt")).toBe("file.page");
    expect(memorySource("7.txt")).toBe("file.7");
  });
});
