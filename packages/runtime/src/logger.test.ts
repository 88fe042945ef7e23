import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

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
