import { errors } from "@nats-io/transport-node";
import { WorkTimeoutError } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { isBrokerUnavailable } from "./stage.js";

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
