import { errors } from "@nats-io/transport-node";
import { WorkTimeoutError } from "@sift/contracts";
import { describe, expect, it, vi } from "vitest";
import { NatsEnv } from "./config.js";
import { createLogger } from "./logger.js";
import {
  createBrokerWatch,
  isBrokerUnavailable,
  natsConnectOptions,
  natsServers,
  redactUrl,
  seedAddress,
} from "./nats.js";

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

describe("isBrokerUnavailable", () => {
  it("takes what nats.js throws while a stream has no leader or a request goes unanswered for the broker's failure", () => {
    expect(isBrokerUnavailable(new errors.TimeoutError())).toBe(true);
    expect(isBrokerUnavailable(new errors.NoRespondersError("$JS.API.STREAM.INFO.SIFT_WORK"))).toBe(true);
    const noResponders = new errors.RequestError("no responders", {
      cause: new errors.NoRespondersError("sift.clean"),
    });
    expect(isBrokerUnavailable(noResponders)).toBe(true);
    // what @nats-io/jetstream throws for a publish or API request no JetStream server answers (the class is not exported)
    expect(
      isBrokerUnavailable(Object.assign(new Error("jetstream is not enabled"), { name: "JetStreamNotEnabled" })),
    ).toBe(true);
  });

  it("leaves the message's own failures to the delivery count", () => {
    expect(isBrokerUnavailable(new WorkTimeoutError("doc 0 of a.txt", 1000))).toBe(false);
    expect(isBrokerUnavailable(new errors.RequestError("permissions violation"))).toBe(false);
    expect(isBrokerUnavailable(new TypeError("x is not a function"))).toBe(false);
    expect(isBrokerUnavailable(Object.assign(new Error("stream not found"), { name: "StreamNotFoundError" }))).toBe(
      false,
    );
    expect(isBrokerUnavailable("timeout")).toBe(false);
    expect(isBrokerUnavailable(null)).toBe(false);
  });
});

describe("createBrokerWatch", () => {
  const noResponders = new errors.RequestError("no responders", { cause: new errors.NoRespondersError("sift.x") });
  const setup = (cluster: string | undefined) => {
    let t = 0;
    const nc = {
      info: (cluster ? { cluster } : {}) as never,
      getServer: () => "127.0.0.1:4222",
      reconnect: vi.fn(async () => {}),
      isClosed: () => false,
      isDraining: () => false,
    };
    const watch = createBrokerWatch(nc, createLogger({ service: "test", level: "silent" }), 15_000, () => t);
    return { nc, watch, at: (ms: number) => (t = ms) };
  };

  it("moves to another server of the cluster once nothing was answered for the whole time, then waits as long again", () => {
    const { nc, watch, at } = setup("sift");
    for (const ms of [0, 5_000, 14_999]) {
      at(ms);
      watch.unanswered(noResponders);
    }
    expect(nc.reconnect).not.toHaveBeenCalled();
    at(15_000);
    watch.unanswered(noResponders);
    expect(nc.reconnect).toHaveBeenCalledTimes(1);
    // the new server gets its own time
    for (const ms of [16_000, 29_000]) {
      at(ms);
      watch.unanswered(noResponders);
    }
    expect(nc.reconnect).toHaveBeenCalledTimes(1);
    at(31_000);
    watch.unanswered(new errors.TimeoutError());
    expect(nc.reconnect).toHaveBeenCalledTimes(2);
  });

  it("stays where one request was answered in between, for a message's own failure, and on a single server", () => {
    const { nc, watch, at } = setup("sift");
    at(0);
    watch.unanswered(noResponders);
    at(10_000);
    watch.answered();
    at(20_000);
    watch.unanswered(noResponders);
    at(30_000);
    watch.unanswered(new TypeError("x is not a function"));
    expect(nc.reconnect).not.toHaveBeenCalled();
    at(35_000);
    watch.unanswered(noResponders);
    expect(nc.reconnect).toHaveBeenCalledTimes(1);

    const single = setup(undefined);
    single.at(0);
    single.watch.unanswered(noResponders);
    single.at(60_000);
    single.watch.unanswered(noResponders);
    expect(single.nc.reconnect).not.toHaveBeenCalled();
  });
});
