import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Streams, Subjects } from "@sift/contracts";

/** Messages per subject in the results stream: a duplicate output would show as a count over one. */
export async function resultCounts(natsUrl: string): Promise<{ tagged: number; completed: number }> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(Streams.results.name, { subjects_filter: ">" });
    const subjects = info.state.subjects ?? {};
    return { tagged: subjects[Subjects.docTagged] ?? 0, completed: subjects[Subjects.fileCompleted] ?? 0 };
  } finally {
    await nc.close();
  }
}
