import type { JetStreamClient } from "@nats-io/jetstream";
import { errors, type NatsConnection } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { Publisher } from "./messaging.js";
import { isNoResponders, NoRespondersWatch } from "./no-responders.js";

// what @nats-io/jetstream throws for a publish nobody answers (the class is not exported)
const notEnabled = () =>
  Object.assign(new Error("jetstream is not enabled"), {
    name: "JetStreamNotEnabled",
    cause: new errors.NoRespondersError("sift.file.received"),
  });

const clock = () => {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe("isNoResponders", () => {
  it("takes nats.js's no-responders errors, not timeouts or anything else", () => {
    expect(isNoResponders(notEnabled())).toBe(true);
    expect(isNoResponders(new errors.NoRespondersError("sift.clean"))).toBe(true);
    expect(isNoResponders(new errors.RequestError("no responders", { cause: new errors.NoRespondersError("x") }))).toBe(
      true,
    );
    expect(isNoResponders(new errors.TimeoutError())).toBe(false);
    expect(isNoResponders(new errors.RequestError("permissions violation"))).toBe(false);
    expect(isNoResponders(new Error("no responders"))).toBe(false);
    expect(isNoResponders(undefined)).toBe(false);
  });
});

describe("NoRespondersWatch", () => {
  it("moves once a streak of no responders has lasted the bound, then at most once a bound", () => {
    const c = clock();
    const w = new NoRespondersWatch(10_000, c.now);
    expect(w.failed(notEnabled())).toBe(false);
    c.advance(9_999);
    expect(w.failed(notEnabled())).toBe(false);
    c.advance(1);
    expect(w.streakMs).toBe(10_000);
    expect(w.failed(notEnabled())).toBe(true);
    // many publishes in flight fail at once: one move
    expect(w.failed(notEnabled())).toBe(false);
    c.advance(5_000);
    expect(w.failed(notEnabled())).toBe(false);
    // the move landed on the same server (or the stream is really gone): the next bound moves again, no sooner
    c.advance(5_000);
    expect(w.failed(notEnabled())).toBe(true);
    let moves = 0;
    for (let i = 0; i < 600; i++) {
      c.advance(100);
      if (w.failed(notEnabled())) moves++;
    }
    expect(moves).toBe(6); // a minute of failures, ten a second: one move in each 10 s
  });

  it("starts over when a publish is answered", () => {
    const c = clock();
    const w = new NoRespondersWatch(10_000, c.now);
    w.failed(notEnabled());
    c.advance(8_000);
    w.answered();
    expect(w.streakMs).toBe(0);
    c.advance(1_000);
    expect(w.failed(notEnabled())).toBe(false);
    c.advance(9_999);
    expect(w.failed(notEnabled())).toBe(false);
    c.advance(1);
    expect(w.failed(notEnabled())).toBe(true);
  });

  it("never moves on timeouts or other errors, which neither start nor end a streak", () => {
    const c = clock();
    const w = new NoRespondersWatch(10_000, c.now);
    for (let i = 0; i < 100; i++) {
      c.advance(1_000);
      expect(w.failed(new errors.TimeoutError())).toBe(false);
      expect(w.failed(new Error("stream not found"))).toBe(false);
    }
    expect(w.streakMs).toBe(0);
    expect(w.failed(notEnabled())).toBe(false);
    c.advance(6_000);
    w.failed(new errors.TimeoutError());
    c.advance(4_000);
    expect(w.failed(notEnabled())).toBe(true);
  });
});

describe("Publisher", () => {
  const setup = (connectUrls: string[] | undefined) => {
    const c = clock();
    let fail = true;
    let reconnects = 0;
    const warned: Array<{ fields: Record<string, unknown>; msg: string }> = [];
    const nc = {
      info: { server_name: "n2", max_payload: 1024 * 1024, connect_urls: connectUrls },
      reconnect: async () => {
        reconnects++;
      },
    } as unknown as NatsConnection;
    const js = {
      publish: async () => {
        if (fail) throw notEnabled();
        return { stream: "SIFT_WORK", seq: 1, duplicate: false };
      },
    } as unknown as JetStreamClient;
    const log = { warn: (fields: Record<string, unknown>, msg: string) => warned.push({ fields, msg }) };
    const publisher = new Publisher(nc, js, {
      log: log as never,
      watch: new NoRespondersWatch(10_000, c.now),
    });
    const publish = () =>
      publisher.publish("sift.file.received", { id: "a" }, "a").then(
        () => "ok",
        (e: Error) => e.name,
      );
    return {
      c,
      publish,
      warned,
      get reconnects() {
        return reconnects;
      },
      heal() {
        fail = false;
      },
    };
  };

  it("moves the connection to another server when publishes keep finding no responders, and says why", async () => {
    const s = setup(["127.0.0.1:4222", "127.0.0.1:4223", "127.0.0.1:4224"]);
    for (let i = 0; i <= 30; i++) {
      expect(await s.publish()).toBe("JetStreamNotEnabled"); // the caller still sees the error and retries
      s.c.advance(1_000);
    }
    // at 10 s, 20 s and 30 s of failures
    expect(s.reconnects).toBe(3);
    expect(s.warned).toHaveLength(3);
    expect(s.warned[0]!.msg).toMatch(/no responders/);
    expect(s.warned[0]!.fields).toMatchObject({ subject: "sift.file.received", server: "n2", again: false });
    expect(s.warned[1]!.fields).toMatchObject({ again: true });
    s.heal();
    expect(await s.publish()).toBe("ok");
    s.c.advance(60_000);
    expect(s.reconnects).toBe(3);
  });

  it("does not reconnect a single server, which has nowhere to move to", async () => {
    const s = setup(undefined);
    for (let i = 0; i < 30; i++) {
      await s.publish();
      s.c.advance(1_000);
    }
    expect(s.reconnects).toBe(0);
    expect(s.warned).toEqual([]);
  });
});
