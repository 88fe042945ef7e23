import { Consumers, DocCleaned, DocTagged, Subjects, type TaggedDocument } from "@sift/contracts";
import {
  createStagePool,
  documentMessage,
  exitOnStartupError,
  runStage,
  startService,
  withoutEnvelope,
} from "@sift/runtime";
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
    input: DocCleaned,
    // only the text goes to the worker: the rest of the document stays here
    handle: async (m) => {
      const doc = withoutEnvelope(m);
      // the entity model reads English: a document in another language is passed on with a warning instead
      const gate = entityModelFor(doc);
      const found = gate.run
        ? await pool.run<Pick<TaggedDocument, "entities" | "entityIndex">>("entities", m.text, {
            label: `doc ${m.docId} of ${m.file.name}`,
            // a small text is tagged here (linear work, the model loaded here too): no hop to a worker and back
            inline: m.text.length <= svc.config.WORK_INLINE_MAX_BYTES,
          })
        : { entities: [], entityIndex: [], warnings: [...doc.warnings, gate.warning] };
      // `doc` is this message's own copy (withoutEnvelope): assigned to, not spread again (~2 µs against ~10)
      const tagged: TaggedDocument = Object.assign(doc, found);
      return [documentMessage(svc.producer, Subjects.docTagged, DocTagged, tagged)];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close]);
}

main().catch(exitOnStartupError);
