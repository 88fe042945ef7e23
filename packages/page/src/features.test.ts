import { describe, expect, it } from "vitest";
import { FeatureList } from "./features.js";

describe("FeatureList", () => {
  it("says so when a block outgrows the room reserved for it, rather than dropping features past the end", () => {
    const list = new FeatureList();
    list.reset(2);
    list.block(0, 2);
    list.add(1, 1);
    list.add(2, 1);
    list.block(1, 1);
    list.add(1, 1);
    list.add(2, 1);
    expect(() => list.end(2)).toThrow(/more than its reserved room/);
  });
});
