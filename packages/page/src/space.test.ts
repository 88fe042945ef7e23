import { describe, expect, it } from "vitest";
import { isSpace } from "./space.js";

describe("isSpace", () => {
  it("is \\s, code unit by code unit", () => {
    for (let c = 0; c < 0x10000; c++) expect(isSpace(c), c.toString(16)).toBe(/\s/.test(String.fromCharCode(c)));
  });
});
