import { Kvm } from "@nats-io/kv";
import { createCleaner } from "@sift/clean";
import { Buckets, Consumers, DocCleaned, DocSegmented, Subjects } from "@sift/contracts";
import { documentMessage, exitOnStartupError, runStage, startService, withoutEnvelope } from "@sift/runtime";
import { createKvLineMemory } from "./line-memory.js";

async function main() {
  const svc = await startService({ service: "cleaner", env: process.env });
  const lines = createKvLineMemory(await new Kvm(svc.nc).open(Buckets.lines), svc.log);
  const clean = createCleaner({ lines });
  const stage = await runStage(svc, {
    stage: "cleaner",
    consumer: Consumers.cleaner,
    input: DocSegmented,
    handle: async (m) => [
      documentMessage(svc.producer, Subjects.docCleaned, DocCleaned, await clean(withoutEnvelope(m))),
    ],
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, lines.stop]);
}

main().catch(exitOnStartupError);
