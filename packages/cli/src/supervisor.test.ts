import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { graceOf, parseScale, planChildren } from "./supervisor.js";

describe("parseScale", () => {
  it("reads --scale values and SIFT_SCALE, one replica otherwise", () => {
    expect(parseScale(["tagger=3", "cleaner=2"], "segmenter=2")).toEqual({
      intake: 1,
      segmenter: 2,
      cleaner: 2,
      tagger: 3,
      sink: 1,
    });
  });

  it("refuses unknown services, bad counts and a second intake, as usage errors", () => {
    expect(() => parseScale(["tagerr=2"], undefined)).toThrow(/cannot scale "tagerr"/);
    expect(() => parseScale(["tagger=two"], undefined)).toThrow(/bad scale/);
    expect(() => parseScale([], "intake=2")).toThrow(/intake runs as one process/);
    expect(() => parseScale(["tagger=two"], undefined)).toThrow(UsageError);
  });

  it("refuses 0 replicas of a stage: its files would wait for ever", () => {
    expect(() => parseScale(["tagger=0"], undefined)).toThrow(/tagger=0: every stage needs at least one replica/);
    expect(() => parseScale([], "sink=0")).toThrow(UsageError);
  });
});

describe("planChildren", () => {
  const scale = parseScale(["tagger=2"], undefined);

  it("gives every child a free port (0) when HTTP_PORT is unset or 0", () => {
    for (const value of [undefined, "", "0"]) {
      expect(planChildren(scale, value).map((c) => c.port)).toEqual([0, 0, 0, 0, 0, 0]);
    }
  });

  it("reads HTTP_PORT as a base: child n gets base + n, in start order", () => {
    expect(planChildren(scale, "19100").map((c) => [c.label, c.port])).toEqual([
      ["intake", 19100],
      ["segmenter", 19101],
      ["cleaner", 19102],
      ["tagger-1", 19103],
      ["tagger-2", 19104],
      ["sink", 19105],
    ]);
  });

  it("refuses a value that is not a port, or a base whose last port is over 65535", () => {
    expect(() => planChildren(scale, "http")).toThrow(/HTTP_PORT=http is not a port number/);
    expect(() => planChildren(scale, "65533")).toThrow(/need ports up to 65538/);
  });
});

describe("graceOf", () => {
  it("reads SHUTDOWN_GRACE_MS as the services do, 10 s by default", () => {
    expect(graceOf(undefined)).toBe(10_000);
    expect(graceOf("2500")).toBe(2500);
    expect(() => graceOf("soon")).toThrow(UsageError);
  });
});
