import { type CleanedDocument, Consumers, DocCleaned, DocSegmented, Subjects } from "@sift/contracts";
import {
  createStagePool,
  documentMessage,
  exitOnStartupError,
  runStage,
  startService,
  withoutEnvelope,
} from "@sift/runtime";

async function main() {
  const svc = await startService({ service: "cleaner", env: process.env });
  const pool = createStagePool(svc, [import.meta.resolve("@sift/clean/tasks")]);
  // the workers are up (code compiled) before the first message is taken
  await pool.ready();
  const stage = await runStage(svc, {
    stage: "cleaner",
    consumer: Consumers.cleaner,
    input: DocSegmented,
    handle: async (m) => {
      // a small document is cleaned here (linear work): no copy to a worker and back
      const cleaned = await pool.run<CleanedDocument>(
        "clean",
        { doc: withoutEnvelope(m) },
        { label: `doc ${m.docId} of ${m.file.name}`, inline: m.text.length <= svc.config.WORK_INLINE_MAX_BYTES },
      );
      return [documentMessage(svc.producer, Subjects.docCleaned, DocCleaned, cleaned)];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close]);
}

main().catch(exitOnStartupError);
