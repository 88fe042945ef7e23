import { Writable } from "node:stream";
import { createLogger } from "@sift/runtime";
import { describe, expect, it } from "vitest";
import { createBackPressure } from "./back-pressure.js";

const capture = () => {
  const lines: Array<{ msg: string; pending?: number }> = [];
  const log = createLogger(
    { service: "intake", instance: "t" },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { lines, log };
};

describe("createBackPressure", () => {
  it("lets files through under the bound, counting the ones taken since the last reading", async () => {
    const { lines, log } = capture();
    let reads = 0;
    const read = async () => {
      reads++;
      return 0;
    };
    const gate = createBackPressure({ bound: 3, pollMs: 5, log, freshMs: 60_000, read });
    for (let i = 0; i < 3; i++) await gate.wait(() => false);
    expect(reads).toBe(1);
    expect(lines).toEqual([]);
  });

  it("waits while the pending count is at the bound, says so once, and resumes below it", async () => {
    const { lines, log } = capture();
    const readings = [5, 5, 4, 2];
    const gate = createBackPressure({ bound: 3, pollMs: 5, log, read: async () => readings.shift() ?? 0 });
    await gate.wait(() => false);
    expect(readings).toEqual([]);
    expect(lines.map((l) => [l.msg, l.pending])).toEqual([
      ["first stage busy, intake waiting", 5],
      ["intake resuming", 2],
    ]);
  });

  it("holds nothing back when the count cannot be read, or with no bound", async () => {
    const { log } = capture();
    let stopped = false;
    const through = (gate: { wait(stopped: () => boolean): Promise<void> }) =>
      Promise.race([
        gate.wait(() => stopped).then(() => "through"),
        new Promise((r) => setTimeout(() => r("held"), 500)),
      ]);
    const unreadable = createBackPressure({ bound: 1, pollMs: 5, log, read: async () => undefined });
    expect(await through(unreadable)).toBe("through");
    const off = createBackPressure({ bound: 0, pollMs: 5, log, read: async () => 1_000_000 });
    expect(await through(off)).toBe("through");
    const busy = createBackPressure({ bound: 1, pollMs: 5, log, read: async () => 1_000_000 });
    expect(await through(busy)).toBe("held");
    stopped = true;
  });
});
