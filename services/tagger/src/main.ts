import { Consumers, DocCleaned, DocTagged, Subjects } from "@sift/contracts";
import { envelope, exitOnStartupError, runStage, startService } from "@sift/runtime";
import { loadTagger } from "@sift/tag";

async function main() {
  const svc = await startService({ service: "tagger", env: process.env });
  const t0 = performance.now();
  const tag = loadTagger();
  svc.log.info({ ms: Math.round(performance.now() - t0) }, "model loaded");
  const stage = await runStage(svc, {
    stage: "tagger",
    consumer: Consumers.tagger,
    input: DocCleaned,
    describe: (m) => ({ fileId: m.fileId, docId: m.docId, file: m.file }),
    handle: async (m) => {
      const { v: _v, id: _id, fileId, producedAt: _p, producer: _pr, ...doc } = m;
      const id = `${m.docId}@tagger`;
      return [
        {
          subject: Subjects.docTagged,
          schema: DocTagged,
          message: { ...envelope(svc.producer, fileId, id), ...tag(doc) },
        },
      ];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop]);
}

main().catch(exitOnStartupError);
