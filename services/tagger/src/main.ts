// first: V8 is tuned before the code it runs is loaded
import "@sift/runtime/v8-tuning";
import { Consumers, DocTagged, Subjects, type TaggedDocument, TrustedDocCleaned } from "@sift/contracts";
import { createStagePool, documentsMessage, exitOnStartupError, runStage, startService } from "@sift/runtime";
import { entityModelFor } from "@sift/tag";

async function main() {
  const svc = await startService({ service: "tagger", env: process.env });
  // the workers load the model at start, so the first document does not wait for it
  const pool = createStagePool(svc, [import.meta.resolve("@sift/tag/tasks")]);
  // the workers are up (code compiled, the model loaded) before the first message is taken
  await pool.ready();
  const stage = await runStage(svc, {
    stage: "tagger",
    consumer: Consumers.tagger,
    input: TrustedDocCleaned,
    handle: async (m) => {
      const tagged = await Promise.all(
        m.docs.map(async (doc): Promise<TaggedDocument> => {
          // the entity model reads English: a document in another language is passed on with a warning instead
          const gate = entityModelFor(doc);
          // only the text goes to the worker: the rest of the document stays here
          const found = gate.run
            ? await pool.run<Pick<TaggedDocument, "entities" | "entityIndex">>("entities", doc.text, {
                label: `doc ${doc.docId} of ${doc.file.name}`,
                // a small text is tagged here (linear work, the model loaded here too): no hop to a worker and back
                inline: doc.text.length <= svc.config.WORK_INLINE_MAX_BYTES,
              })
            : { entities: [], entityIndex: [], warnings: [...doc.warnings, gate.warning] };
          // `doc` is this message's own (parsed) copy: assigned to, not spread again (~2 µs against ~10)
          return Object.assign(doc, found);
        }),
      );
      return [documentsMessage(svc.producer, Subjects.docTagged, DocTagged, tagged)];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close]);
}

main().catch(exitOnStartupError);
