import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BaseEnv, ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("gives defaults for an empty environment", () => {
    const c = loadConfig(BaseEnv, {});
    expect(c.NATS_URL).toBe("nats://127.0.0.1:4222");
    expect(c.MAX_DELIVER).toBe(5);
    expect(c.SIFT_DATA_DIR).toBe("./data");
  });

  it("coerces numbers and booleans from strings", () => {
    const c = loadConfig(BaseEnv.extend({ FLAG: z.stringbool().default(false) }), {
      ACK_WAIT_MS: "1500",
      FLAG: "true",
    });
    expect(c.ACK_WAIT_MS).toBe(1500);
    expect(c.FLAG).toBe(true);
  });

  it("stops with a message that names the bad variable", () => {
    expect(() => loadConfig(BaseEnv, { MAX_IN_FLIGHT: "many" })).toThrow(ConfigError);
    expect(() => loadConfig(BaseEnv, { MAX_IN_FLIGHT: "many" })).toThrow(/MAX_IN_FLIGHT/);
    expect(() => loadConfig(BaseEnv, { LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
});

describe("SIFT_REPLICAS", () => {
  it("is 1 by default and takes 3 or 5, not an even count", () => {
    expect(loadConfig(BaseEnv, {}).SIFT_REPLICAS).toBe(1);
    expect(loadConfig(BaseEnv, { SIFT_REPLICAS: "3" }).SIFT_REPLICAS).toBe(3);
    expect(() => loadConfig(BaseEnv, { SIFT_REPLICAS: "2" })).toThrow(/SIFT_REPLICAS is 1, 3 or 5/);
    expect(() => loadConfig(BaseEnv, { SIFT_REPLICAS: "three" })).toThrow(/SIFT_REPLICAS/);
  });
});
