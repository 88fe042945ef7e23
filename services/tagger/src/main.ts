import { Consumers, DocCleaned, DocTagged, Subjects, type TaggedDocument } from "@sift/contracts";
import {
  createStagePool,
  documentMessage,
  exitOnStartupError,
  runStage,
  startService,
  withoutEnvelope,
} from "@sift/runtime";

async function main() {
  const svc = await startService({ service: "tagger", env: process.env });
  // one worker loads the model at start, so the first document does not wait for it
  const pool = createStagePool(svc, [import.meta.resolve("@sift/tag/tasks")], { warm: 1 });
  const stage = await runStage(svc, {
    stage: "tagger",
    consumer: Consumers.tagger,
    input: DocCleaned,
    handle: async (m) => {
      const tagged = await pool.run<TaggedDocument>("tag", withoutEnvelope(m), {
        label: `doc ${m.docId} of ${m.file.name}`,
      });
      return [documentMessage(svc.producer, Subjects.docTagged, DocTagged, tagged)];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close]);
}

main().catch(exitOnStartupError);
