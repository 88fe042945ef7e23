import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Streams, Subjects } from "@sift/contracts";

/** A read of the stream by one consumer stops when it has gone this long with nothing new. */
const STALL_MS = 10_000;

/**
 * Every `sift.file.completed` in SIFT_RESULTS, read from the start: file id → how many times it completed.
 * A consumer on a cluster that just lost a node may answer empty for a while, or stop short of the stream's
 * count (seen on nats-server 2.9 after its leaders were killed: 69 of 80 for 30 s, the stream's state saying 80);
 * a read that stalls is dropped and the stream read again from the start by a new consumer.
 */
export async function completions(nc: NatsConnection): Promise<Map<string, number>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(Streams.results.name, { subjects_filter: Subjects.fileCompleted });
  const total = info.state.subjects?.[Subjects.fileCompleted] ?? 0;
  if (total === 0) return new Map();
  const reads: number[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const ci = await jsm.consumers.add(Streams.results.name, {
      filter_subject: Subjects.fileCompleted,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: 30_000_000_000,
    });
    const c = await jetstream(nc).consumers.get(Streams.results.name, ci.name);
    const counts = new Map<string, number>();
    let seen = 0;
    for (let last = Date.now(); seen < total && Date.now() - last < STALL_MS && Date.now() < deadline; ) {
      const batch = await c.fetch({ max_messages: Math.min(500, total - seen), expires: 2000 });
      for await (const m of batch) {
        const { fileId } = m.json<{ fileId: string }>();
        counts.set(fileId, (counts.get(fileId) ?? 0) + 1);
        seen++;
        last = Date.now();
      }
    }
    await jsm.consumers.delete(Streams.results.name, ci.name).catch(() => {});
    if (seen >= total) return counts;
    reads.push(seen);
  }
  throw new Error(`read ${reads.join(", ")} of the ${total} completions in ${Streams.results.name} (a consumer each)`);
}
