import { Kvm } from "@nats-io/kv";
import { createCleaner } from "@sift/clean";
import { Buckets, Consumers, DocCleaned, DocSegmented, Subjects } from "@sift/contracts";
import { envelope, exitOnStartupError, runStage, startService } from "@sift/runtime";
import { createKvLineMemory } from "./line-memory.js";

async function main() {
  const svc = await startService({ service: "cleaner", env: process.env });
  const lines = createKvLineMemory(await new Kvm(svc.nc).open(Buckets.lines), svc.log);
  const clean = createCleaner({ lines });
  const stage = await runStage(svc, {
    stage: "cleaner",
    consumer: Consumers.cleaner,
    input: DocSegmented,
    describe: (m) => ({ fileId: m.fileId, docId: m.docId, file: m.file }),
    handle: async (m) => {
      const { v: _v, id: _id, fileId, producedAt: _p, producer: _pr, ...doc } = m;
      const cleaned = await clean(doc);
      const id = `${m.docId}@cleaner`;
      return [
        {
          subject: Subjects.docCleaned,
          schema: DocCleaned,
          message: { ...envelope(svc.producer, fileId, id), ...cleaned },
        },
      ];
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, lines.stop]);
}

main().catch(exitOnStartupError);
