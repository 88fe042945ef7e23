import { describe, expect, it } from "vitest";
import { isSpaceUnit } from "./html-layout.js";

describe("isSpaceUnit", () => {
  it("is \\s, code unit by code unit", () => {
    for (let c = 0; c < 0x10000; c++) expect(isSpaceUnit(c), c.toString(16)).toBe(/\s/.test(String.fromCharCode(c)));
  });
});
