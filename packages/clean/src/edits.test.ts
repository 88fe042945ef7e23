import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdits, type Edit, mapOffset } from "./edits.js";

/** The plain scan over every edit that mapOffset's binary search replaces. */
function mapByScan(edits: Edit[], offset: number, side: "start" | "end"): number {
  let delta = 0;
  for (const e of edits) {
    if (offset <= e.start) break;
    if (offset < e.end) return side === "start" ? e.start + delta : e.start + delta + e.text.length;
    delta += e.text.length - (e.end - e.start);
  }
  return offset + delta;
}

describe("mapOffset", () => {
  it("maps every offset as a scan of all the edits does", () =>
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(60), fc.nat(5), fc.string({ maxLength: 4 })), { maxLength: 12 }),
        (text, raw) => {
          const edits = raw.map(([at, len, t]) => ({
            start: Math.min(at, text.length),
            end: Math.min(at + len, text.length),
            text: t,
          }));
          const applied = applyEdits(text, edits);
          for (let o = 0; o <= text.length; o++)
            for (const side of ["start", "end"] as const)
              expect(mapOffset(applied.edits, o, side)).toBe(mapByScan(applied.edits, o, side));
        },
      ),
    ));
});
