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
});
