/**
 * The hop section's process: `node hop-child.js <nats url> <nats-server pid> <hops.json>`. For each hop, publishes
 * its messages (16 awaited side by side, a large file's bytes first into the object store, as intake does), then
 * takes them all as the next stage's consumer does, and prints the CPU both ends and nats-server spent, as one JSON
 * line at the end.
 */
import { readFileSync } from "node:fs";
import { type JsMsg, jetstream } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  Buckets,
  type ConsumerSpec,
  DocTagged,
  FileReceived,
  TrustedDocCleaned,
  TrustedDocSegmented,
} from "@sift/contracts";
import { createLogger, Publisher, provisionConsumer, provisionStreams } from "@sift/runtime";
import { procCpuSeconds, sleep } from "./procs.js";

const SCHEMAS = { FileReceived, TrustedDocSegmented, TrustedDocCleaned, DocTagged } as const;

export interface HopSpec {
  name: string;
  consumer: ConsumerSpec;
  subject: string;
  /** The schema the stage that takes these messages in validates them with. */
  schema: keyof typeof SCHEMAS;
  messages: Array<{ id: string } & Record<string, unknown>>;
  /** Bytes that go by the object store instead of the message (intake's large files): object name → base64. */
  objects?: Record<string, string>;
}

export interface HopResult {
  name: string;
  messages: number;
  objects: number;
  /** Message bytes taken, and the object store's bytes fetched. */
  bytes: number;
  /** CPU seconds of this process (both ends), of which publishing; and of nats-server. */
  clientS: number;
  publishS: number;
  serverS: number;
}

/** Publishes awaited side by side, as a stage's outputs and many stages' messages are. */
const IN_FLIGHT = 16;
/** How long taking waits for the next message before it gives up. */
const STALL_MS = 30_000;

async function main(): Promise<void> {
  const [url, pid, specFile] = process.argv.slice(2);
  if (!url || !pid || !specFile) throw new Error("usage: hop-child <nats url> <nats-server pid> <hops.json>");
  const hops = JSON.parse(readFileSync(specFile, "utf8")) as HopSpec[];
  const nc = await connectWhenUp(url);
  const log = createLogger({ service: "bench-hop", level: "warn" });
  // the services' defaults (runtime config)
  await provisionStreams(nc, { duplicateWindowMs: 120_000, ackWaitMs: 30_000, maxDeliver: 5 }, log);
  const results: HopResult[] = [];
  for (const hop of hops) results.push(await runHop(nc, hop, Number(pid)));
  await nc.close();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

async function connectWhenUp(servers: string): Promise<NatsConnection> {
  for (let tries = 0; ; tries++) {
    try {
      return await connect({ servers });
    } catch (err) {
      if (tries >= 50) throw err;
      await sleep(100);
    }
  }
}

async function runHop(nc: NatsConnection, hop: HopSpec, serverPid: number): Promise<HopResult> {
  const log = createLogger({ service: "bench-hop", level: "warn" });
  const publisher = new Publisher(nc, jetstream(nc));
  const files = await new Objm(nc).open(Buckets.files);
  const schema = SCHEMAS[hop.schema];
  const objects = new Map(Object.entries(hop.objects ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]));
  await provisionConsumer(nc, hop.consumer, { ackWaitMs: 30_000, maxDeliver: 5, maxAckPending: 10_000 }, log);
  const consumer = await jetstream(nc).consumers.get(hop.consumer.stream, hop.consumer.durable);
  const server0 = procCpuSeconds(serverPid) ?? 0;
  const cpu0 = process.cpuUsage();
  let inFlight: Array<Promise<unknown>> = [];
  for (const m of hop.messages) {
    const ref = (m as { object?: { name: string } }).object;
    const bytes = ref ? objects.get(ref.name) : undefined;
    inFlight.push(
      (bytes && ref ? files.putBlob({ name: ref.name }, bytes) : Promise.resolve()).then(() =>
        publisher.publish(hop.subject, m, m.id),
      ),
    );
    if (inFlight.length >= IN_FLIGHT) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  const published = process.cpuUsage(cpu0);
  let bytes = 0;
  let taken = 0;
  // as a stage pulls (runStage: 12 at a time, again once a quarter is left)
  const messages = await consumer.consume({ max_messages: 12, threshold_messages: 3 });
  const take = async (m: JsMsg) => {
    bytes += m.data.length;
    const { body } = await publisher.read(m.data, () => m.headers);
    if (!schema.safeParse(body).success) throw new Error(`${hop.name}: a message the next stage would refuse`);
    const ref = (body as { object?: { name: string } }).object;
    if (ref) bytes += (await files.getBlob(ref.name))?.length ?? 0;
    m.ack();
  };
  // a message JetStream did not keep (a Nats-Msg-Id seen before, say) would be waited for for ever
  const stalled = setTimeout(() => messages.stop(), STALL_MS);
  for await (const m of messages) {
    stalled.refresh();
    await take(m);
    if (++taken === hop.messages.length) break;
  }
  clearTimeout(stalled);
  await messages.close();
  if (taken < hop.messages.length)
    throw new Error(
      `${hop.name}: ${taken} of ${hop.messages.length} messages came back; none for ${STALL_MS / 1000} s`,
    );
  const cpu = process.cpuUsage(cpu0);
  const serverS = (procCpuSeconds(serverPid) ?? server0) - server0;
  // a file's raw bytes go once it is complete, as the sink removes them (not counted)
  for (const name of objects.keys()) await files.delete(name);
  return {
    name: hop.name,
    messages: hop.messages.length,
    objects: objects.size,
    bytes,
    clientS: (cpu.user + cpu.system) / 1e6,
    publishS: (published.user + published.system) / 1e6,
    serverS,
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
