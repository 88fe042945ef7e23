import { describe, expect, it } from "vitest";
import { buildOutputFile, toSourceOffset, toSourceSpan } from "./output.js";

describe("toSourceOffset", () => {
  const map = [
    { start: 0, end: 5, srcStart: 10, srcEnd: 15 }, // copied as is
    { start: 5, end: 7, srcStart: 20, srcEnd: 22 }, // after a gap (something removed)
    { start: 7, end: 9, srcStart: 22, srcEnd: 28 }, // shorter than its source (normalised)
  ];

  it("maps offsets inside a piece one to one", () => {
    expect(toSourceOffset(map, 0, "start")).toBe(10);
    expect(toSourceOffset(map, 3, "start")).toBe(13);
  });

  it("maps a boundary between pieces to the start of the next for a start, the end of the previous for an end", () => {
    expect(toSourceOffset(map, 5, "start")).toBe(20);
    expect(toSourceOffset(map, 5, "end")).toBe(15);
  });

  it("maps proportionally inside a piece whose length changed", () => {
    expect(toSourceOffset(map, 8, "start")).toBe(25);
    expect(toSourceOffset(map, 9, "end")).toBe(28);
  });

  it("is the identity without a map", () => {
    expect(toSourceSpan([], { start: 2, end: 4 })).toEqual({ start: 2, end: 4, sourceStart: 2, sourceEnd: 4 });
  });
});

describe("buildOutputFile", () => {
  it("says nothing of how the file's bytes travelled (bytesInline is for the sink)", () => {
    const file = {
      fileId: "a".repeat(64),
      name: "a.txt",
      size: 3,
      mediaType: "text/plain",
      receivedAt: "2026-01-01T00:00:00.000Z",
      bytesInline: true,
    };
    const { bytesInline: _b, ...meta } = file;
    expect(buildOutputFile(file, [], new Date(0)).file).toEqual(meta);
  });
});
