import { describe, expect, it } from "vitest";
import { parseScale } from "./supervisor.js";

describe("parseScale", () => {
  it("reads --scale flags and SIFT_SCALE, one replica otherwise", () => {
    expect(parseScale(["--scale", "tagger=3", "--scale=cleaner=2"], "segmenter=2")).toEqual({
      intake: 1,
      segmenter: 2,
      cleaner: 2,
      tagger: 3,
      sink: 1,
    });
  });

  it("refuses unknown services, bad counts and a second intake", () => {
    expect(() => parseScale(["--scale", "tagerr=2"], undefined)).toThrow(/cannot scale "tagerr"/);
    expect(() => parseScale(["--scale", "tagger=two"], undefined)).toThrow(/bad scale/);
    expect(() => parseScale([], "intake=2")).toThrow(/intake runs as one process/);
  });
});
