import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Streams, Subjects } from "@sift/contracts";

/** Every `sift.file.completed` in SIFT_RESULTS, read from the start: file id → how many times it completed. */
export async function completions(nc: NatsConnection): Promise<Map<string, number>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(Streams.results.name, { subjects_filter: Subjects.fileCompleted });
  const total = info.state.subjects?.[Subjects.fileCompleted] ?? 0;
  const counts = new Map<string, number>();
  if (total === 0) return counts;
  const ci = await jsm.consumers.add(Streams.results.name, {
    filter_subject: Subjects.fileCompleted,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    inactive_threshold: 30_000_000_000,
  });
  const c = await jetstream(nc).consumers.get(Streams.results.name, ci.name);
  let seen = 0;
  // a consumer on a cluster that just lost a node may answer empty for a while: wait, not stop at the first
  for (const deadline = Date.now() + 30_000; seen < total && Date.now() < deadline; ) {
    const batch = await c.fetch({ max_messages: Math.min(500, total - seen), expires: 2000 });
    for await (const m of batch) {
      const { fileId } = m.json<{ fileId: string }>();
      counts.set(fileId, (counts.get(fileId) ?? 0) + 1);
      seen++;
    }
  }
  if (seen < total) throw new Error(`read ${seen} of the ${total} completions in ${Streams.results.name}`);
  await jsm.consumers.delete(Streams.results.name, ci.name).catch(() => {});
  return counts;
}
