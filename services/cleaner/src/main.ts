import { Kvm } from "@nats-io/kv";
import { Buckets, type CleanedDocument, Consumers, DocCleaned, DocSegmented, Subjects } from "@sift/contracts";
import {
  createStagePool,
  documentMessage,
  exitOnStartupError,
  runStage,
  startService,
  withoutEnvelope,
} from "@sift/runtime";
import { createKvLineMemory } from "./line-memory.js";

async function main() {
  const svc = await startService({ service: "cleaner", env: process.env });
  const lines = createKvLineMemory(await new Kvm(svc.nc).open(Buckets.lines), svc.log);
  const pool = createStagePool(svc, [import.meta.resolve("@sift/clean/tasks")]);
  // the workers are up (code compiled, the model loaded) before the first message is taken
  await pool.ready();
  const stage = await runStage(svc, {
    stage: "cleaner",
    consumer: Consumers.cleaner,
    input: DocSegmented,
    // the cleaning runs in a worker; the line memory (KV) stays here, and the worker asks for it through `deps`
    handle: async (m) => {
      const doc = withoutEnvelope(m);
      const cleaned = await pool.run<CleanedDocument>(
        "clean",
        { doc },
        { label: `doc ${m.docId} of ${m.file.name}`, deps: { record: lines.record } },
      );
      return [documentMessage(svc.producer, Subjects.docCleaned, DocCleaned, cleaned)];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close, lines.stop]);
}

main().catch(exitOnStartupError);
