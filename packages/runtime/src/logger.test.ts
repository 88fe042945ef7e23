import { execFileSync } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchedByTurn, createLogger } from "./logger.js";

describe("createLogger", () => {
  it("redacts passwords and tokens wherever a logged object holds them", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const log = createLogger({ service: "t", instance: "i" }, sink);
    log.info(
      { NATS_PASSWORD: "pw1", opts: { pass: "pw2", token: "tk3" }, config: { nested: { password: "pw4" } } },
      "x",
    );
    expect(out).not.toMatch(/pw1|pw2|tk3|pw4/);
    expect(out).toContain("[redacted]");
  });

  it("redacts secrets in a child logger's bindings and leaves the logged object as it was", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const log = createLogger({ service: "t", instance: "i" }, sink)
      .child({ conn: { token: "tk5" } })
      .child({ auth: { pass: "pw8" } });
    const logged = { opts: { password: "pw6" }, list: [{ pass: "pw7" }] };
    log.info(logged, "x");
    expect(out).not.toMatch(/tk5|pw6|pw7|pw8/);
    expect(logged.opts.password).toBe("pw6");
  });
});

/** The `i` of every JSON line in `text`. */
const loggedIs = (text: string): unknown[] =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l).i);

describe("batchedByTurn", () => {
  it("writes the lines of one turn of the event loop in one call, in order, once the turn is done", async () => {
    const writes: string[] = [];
    const log = createLogger({ service: "t", instance: "i" }, batchedByTurn({ write: (t) => writes.push(t) }));
    for (let i = 0; i < 3; i++) log.info({ i }, "line");
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(loggedIs(writes[0] ?? "")).toEqual([0, 1, 2]);
    log.info({ i: 3 }, "line");
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
  });

  it("loses no line when the process exits before the turn ends", () => {
    const script = [
      `import { createLogger } from ${JSON.stringify(new URL("../dist/logger.js", import.meta.url).href)};`,
      `const log = createLogger({ service: "t", instance: "i" });`,
      `for (let i = 0; i < 3; i++) log.info({ i }, "line");`,
      `setImmediate(() => { log.info({ i: 3 }, "line"); process.exit(0); });`,
    ].join("\n");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(loggedIs(out)).toEqual([0, 1, 2, 3]);
  });
});
