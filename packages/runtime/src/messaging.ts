import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { type ObjectStore, Objm, setSha256Backend } from "@nats-io/obj";
import { headers, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import { Buckets, encodeJson, Headers, type ObjectRef, safeJson } from "@sift/contracts";
import type { BrokerWatch } from "./nats.js";

// room for headers and protocol overhead under max_payload
const HEADROOM = 4096;

// the object store checks every object's SHA-256; its default is a JavaScript one, many times slower than node:crypto
setSha256Backend("native");

/** Publishes JSON to JetStream; a body over the server's max payload goes through the `sift-payloads` Object Store. */
export class Publisher {
  private payloads: Promise<ObjectStore> | undefined;
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly broker: BrokerWatch | undefined;
  /** `broker` hears whether each publish was answered. */
  constructor(nc: NatsConnection, js: JetStreamClient, broker?: BrokerWatch) {
    this.nc = nc;
    this.js = js;
    this.broker = broker;
  }

  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  payloadStore(): Promise<ObjectStore> {
    this.payloads ??= new Objm(this.nc).open(Buckets.payloads);
    return this.payloads;
  }

  /** `msgID` lets JetStream drop the copy a redelivered message would publish again. */
  async publish(subject: string, body: unknown, msgID: string): Promise<PubAck> {
    try {
      const ack = await this.send(subject, body, msgID);
      this.broker?.answered();
      return ack;
    } catch (err) {
      this.broker?.unanswered(err);
      throw err;
    }
  }

  private async send(subject: string, body: unknown, msgID: string): Promise<PubAck> {
    const data = encodeJson(body);
    const h = headers();
    h.set(Headers.schemaVersion, "1");
    if (data.length + HEADROOM <= this.maxPayload) return this.js.publish(subject, data, { msgID, headers: h });
    const os = await this.payloadStore();
    const name = objectName(msgID);
    await os.putBlob({ name }, data);
    h.set(Headers.payloadRef, name);
    return this.js.publish(subject, encodeJson({ $ref: name, size: data.length }), { msgID, headers: h });
  }

  /** The body of a message, fetched from the Object Store when it was sent by reference. */
  async readBody(data: Uint8Array, hdrs: MsgHdrs | undefined): Promise<unknown> {
    return (await this.read(data, () => hdrs)).body;
  }

  /**
   * The body of a message and, when it was sent by reference, that reference. The headers are decoded
   * only for a body shaped like a reference (decoding them costs more than the rest of a small message).
   */
  async read(data: Uint8Array, hdrs: () => MsgHdrs | undefined): Promise<{ body: unknown; ref?: ObjectRef }> {
    const body = safeJson(data);
    if (typeof (body as { $ref?: unknown } | undefined)?.$ref !== "string") return { body };
    const ref = this.payloadRef(hdrs(), data.length);
    if (!ref) return { body };
    const os = await this.payloadStore();
    const bytes = await os.getBlob(ref.name);
    if (!bytes) throw new Error(`payload ${ref.name} is missing from ${Buckets.payloads}`);
    return { body: safeJson(bytes), ref };
  }

  /** A reference to the stored body, for a dead letter too large to embed it. */
  payloadRef(hdrs: MsgHdrs | undefined, size: number): ObjectRef | undefined {
    const ref = hdrs?.get(Headers.payloadRef);
    return ref ? { bucket: Buckets.payloads, name: ref, size } : undefined;
  }
}

// object names allow most characters, but keep them readable and bounded
const objectName = (msgID: string): string => msgID.replace(/[^A-Za-z0-9_.=@-]/g, "_").slice(0, 200);
