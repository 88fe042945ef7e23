import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createStabilityTracker } from "./watch.js";

describe("createStabilityTracker", () => {
  const dirs: string[] = [];
  const folder = () => {
    const d = mkdtempSync(join(tmpdir(), "sift-watch-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("returns a file only once its size and mtime held still for the stable time", async () => {
    const dir = folder();
    let now = 0;
    const t = createStabilityTracker(dir, 500, () => now);
    writeFileSync(join(dir, "a.txt"), "part");
    expect(await t.scan()).toEqual([]);
    now = 300;
    writeFileSync(join(dir, "a.txt"), "part two, still being written");
    expect(await t.scan()).toEqual([]);
    now = 700;
    expect(await t.scan()).toEqual([]); // changed at 300: not yet 500 ms still
    now = 900;
    expect((await t.scan()).map((c) => c.name)).toEqual(["a.txt"]);
    now = 2000;
    expect(await t.scan()).toEqual([]); // handed out once until done()
  });

  it("returns a file at first sight when the stable time is 0", async () => {
    const dir = folder();
    const t = createStabilityTracker(dir, 0, () => 0);
    writeFileSync(join(dir, "a.txt"), "whole");
    expect((await t.scan()).map((c) => c.name)).toEqual(["a.txt"]);
    expect(await t.scan()).toEqual([]);
  });

  it("skips dot-files and hands out directories for the caller to refuse", async () => {
    const dir = folder();
    let now = 0;
    const t = createStabilityTracker(dir, 100, () => now);
    writeFileSync(join(dir, ".partial.txt"), "x");
    mkdirSync(join(dir, "sub"));
    await t.scan();
    now = 200;
    const ready = await t.scan();
    expect(ready.map((c) => c.name)).toEqual(["sub"]);
    expect(ready[0]?.stats.isDirectory()).toBe(true);
  });

  it("sees files that were there before it started", async () => {
    const dir = folder();
    writeFileSync(join(dir, "old.txt"), "already here");
    let now = 0;
    const t = createStabilityTracker(dir, 100, () => now);
    await t.scan();
    now = 150;
    expect((await t.scan()).map((c) => c.name)).toEqual(["old.txt"]);
  });
});
