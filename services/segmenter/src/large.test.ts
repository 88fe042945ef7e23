import { encodeJson } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { bringsLargeFile } from "./large.js";

const file = (name: string) => ({
  fileId: "a".repeat(64),
  name,
  size: 10,
  mediaType: "text/plain",
  receivedAt: "2026-01-01T00:00:00Z",
});

describe("bringsLargeFile", () => {
  it("tells a file stored by reference from one whose bytes travel inline, whatever the file is called", () => {
    const stored = { v: 1, id: "x", file: file("a.txt"), object: { bucket: "sift-files", name: "a", size: 9_000_000 } };
    expect(bringsLargeFile(encodeJson(stored), 256 * 1024)).toBe(true);
    for (const name of ['"object":', 'say "object": no', "object"]) {
      const inline = { v: 1, id: "x", file: file(name), content: Buffer.from("hello").toString("base64") };
      expect(bringsLargeFile(encodeJson(inline), 256 * 1024)).toBe(false);
    }
  });

  it("counts inline bytes over the bound (as base64) as large", () => {
    const content = Buffer.alloc(300 * 1024, 1).toString("base64");
    expect(bringsLargeFile(encodeJson({ file: file("b.txt"), content }), 256 * 1024)).toBe(true);
    expect(bringsLargeFile(encodeJson({ file: file("b.txt"), content }), 512 * 1024)).toBe(false);
  });
});
