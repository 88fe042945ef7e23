import { Consumers, DocCleaned, DocTagged, Subjects } from "@sift/contracts";
import { documentMessage, exitOnStartupError, runStage, startService, withoutEnvelope } from "@sift/runtime";
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
    handle: async (m) => [documentMessage(svc.producer, Subjects.docTagged, DocTagged, tag(withoutEnvelope(m)))],
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop]);
}

main().catch(exitOnStartupError);
