// first: V8 is tuned before the code it runs is loaded
import "@sift/runtime/v8-tuning";
import { type CleanedDocument, Consumers, DocCleaned, Subjects, TrustedDocSegmented } from "@sift/contracts";
import { createStagePool, documentsMessage, exitOnStartupError, runStage, startService } from "@sift/runtime";

async function main() {
  const svc = await startService({ service: "cleaner", env: process.env });
  const pool = createStagePool(svc, [import.meta.resolve("@sift/clean/tasks")]);
  // the workers are up (code compiled) before the first message is taken
  await pool.ready();
  const stage = await runStage(svc, {
    stage: "cleaner",
    consumer: Consumers.cleaner,
    input: TrustedDocSegmented,
    handle: async (m) => {
      const cleaned = await Promise.all(
        m.docs.map((doc) =>
          pool.run<CleanedDocument>(
            "clean",
            { doc },
            // a small document is cleaned here (linear work): no copy to a worker and back
            {
              label: `doc ${doc.docId} of ${doc.file.name}`,
              inline: doc.text.length <= svc.config.WORK_INLINE_MAX_BYTES,
            },
          ),
        ),
      );
      return [documentsMessage(svc.producer, Subjects.docCleaned, DocCleaned, cleaned)];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close]);
}

main().catch(exitOnStartupError);
