import { describe, expect, it } from "vitest";
import { NatsEnv } from "./config.js";
import { natsConnectOptions, natsServers, redactUrl, seedAddress } from "./nats.js";

describe("NATS_URL", () => {
  it("takes several seeds, with or without a scheme, spaces and trailing commas ignored", () => {
    expect(natsServers("nats://a:4222, b:4223,,tls://c ,")).toEqual(["nats://a:4222", "b:4223", "tls://c"]);
    expect(natsServers("127.0.0.1:4222,127.0.0.1:4223").map(seedAddress)).toEqual([
      { host: "127.0.0.1", port: 4222 },
      { host: "127.0.0.1", port: 4223 },
    ]);
    expect(seedAddress("nats")).toEqual({ host: "nats", port: 4222 });
  });

  it("hides a password written into it", () => {
    expect(redactUrl("nats://sift:s3cret@a:4222,nats://b:4222")).toBe("nats://***@a:4222,nats://b:4222");
  });
});

describe("natsConnectOptions", () => {
  it("passes user and password, or a token, and asks for TLS when a CA is set", () => {
    const userPass = natsConnectOptions(NatsEnv.parse({ NATS_URL: "a:1,b:2", NATS_USER: "u", NATS_PASSWORD: "p" }));
    expect(userPass).toEqual({ servers: ["a:1", "b:2"], user: "u", pass: "p" });
    expect(natsConnectOptions(NatsEnv.parse({ NATS_TOKEN: "t" })).token).toBe("t");
  });

  it("names the variable of a file it cannot read", () => {
    expect(() => natsConnectOptions(NatsEnv.parse({ NATS_TLS_CA: "/nonexistent/ca.pem" }))).toThrow(/NATS_TLS_CA=/);
    expect(() => natsConnectOptions(NatsEnv.parse({ NATS_TLS_CERT: "/x" }))).toThrow(/NATS_TLS_KEY go together/);
  });
});
