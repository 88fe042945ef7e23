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
  while (seen < total) {
    const batch = await c.fetch({ max_messages: Math.min(500, total - seen), expires: 5000 });
    let got = 0;
    for await (const m of batch) {
      const { fileId } = m.json<{ fileId: string }>();
      counts.set(fileId, (counts.get(fileId) ?? 0) + 1);
      got++;
    }
    if (got === 0) break;
    seen += got;
  }
  await jsm.consumers.delete(Streams.results.name, ci.name).catch(() => {});
  return counts;
}
