import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { Buckets, Consumers, FileState, Streams } from "@sift/contracts";

export interface StageStatus {
  consumer: string;
  /** Waiting, not yet delivered. */
  pending: number;
  /** Delivered, not yet acked. */
  inFlight: number;
  redelivered: number;
  /** Replicas pulling right now. */
  waiting: number;
}

export interface PipelineStatus {
  stages: StageStatus[];
  deadLettered: number;
  files: Record<FileState["state"], number>;
}

/** Per stage: pending, in flight, redelivered; dead letters; files by state. */
export async function readStatus(natsUrl: string): Promise<PipelineStatus> {
  const nc = await connect({ servers: natsUrl.split(","), timeout: 3000 });
  try {
    const jsm = await jetstreamManager(nc);
    const stages: StageStatus[] = [];
    for (const spec of [Consumers.segmenter, Consumers.cleaner, Consumers.tagger, Consumers.sink]) {
      const info = await jsm.consumers.info(spec.stream, spec.durable).catch(() => null);
      stages.push({
        consumer: spec.durable,
        pending: info?.num_pending ?? 0,
        inFlight: info?.num_ack_pending ?? 0,
        redelivered: info?.num_redelivered ?? 0,
        waiting: info?.num_waiting ?? 0,
      });
    }
    const dlq = await jsm.streams.info(Streams.dlq.name).catch(() => null);
    const files: PipelineStatus["files"] = { received: 0, completed: 0, failed: 0 };
    const kv = await new Kvm(nc).open(Buckets.fileState);
    for await (const key of await kv.keys()) {
      const entry = await kv.get(key);
      const state = entry?.operation === "PUT" ? FileState.safeParse(entry.json()).data : undefined;
      if (state) files[state.state]++;
    }
    return { stages, deadLettered: dlq?.state.messages ?? 0, files };
  } finally {
    await nc.close();
  }
}

export function formatStatus(s: PipelineStatus): string {
  const rows = s.stages.map(
    (x) => `| ${x.consumer} | ${x.pending} | ${x.inFlight} | ${x.redelivered} | ${x.waiting} |`,
  );
  return [
    "| stage | pending | in flight | redelivered | pulling |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    "",
    `files: ${s.files.received} in progress, ${s.files.completed} completed, ${s.files.failed} failed; dead letters kept: ${s.deadLettered}`,
    "",
  ].join("\n");
}
