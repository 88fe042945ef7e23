import { describe, expect, it } from "vitest";
import { groupDocId, groupDocuments } from "./groups.js";

const doc = (index: number, chars: number) => ({ docId: `f-${index}`, index, text: "x".repeat(chars) });

describe("groupDocuments", () => {
  it("keeps consecutive documents together up to the budget, in order, each once", () => {
    const docs = [doc(0, 4), doc(1, 4), doc(2, 3), doc(3, 9), doc(4, 1)];
    const groups = groupDocuments(docs, 10);
    expect(groups.map((g) => g.map((d) => d.index))).toEqual([[0, 1], [2], [3, 4]]);
    expect(groups.flat()).toEqual(docs);
  });

  it("sends a document over the budget alone, and nothing for no documents", () => {
    expect(groupDocuments([doc(0, 2), doc(1, 50), doc(2, 2)], 10).map((g) => g.length)).toEqual([1, 1, 1]);
    expect(groupDocuments([], 10)).toEqual([]);
  });
});

describe("groupDocId", () => {
  it("names one document by its id and several by their range", () => {
    expect(groupDocId([doc(3, 1)])).toBe("f-3");
    expect(groupDocId([doc(3, 1), doc(4, 1), doc(5, 1)])).toBe("f-3..5");
    expect(() => groupDocId([])).toThrow();
  });
});
