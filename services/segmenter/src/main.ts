import { Objm } from "@nats-io/obj";
import { Buckets, Consumers, DocSegmented, FileReceived, InvalidInputError, Subjects } from "@sift/contracts";
import { documentMessage, exitOnStartupError, runStage, startService } from "@sift/runtime";
import { segmentFile } from "@sift/segment";

async function main() {
  const svc = await startService({ service: "segmenter", env: process.env });
  const files = await new Objm(svc.nc).open(Buckets.files);
  const stage = await runStage(svc, {
    stage: "segmenter",
    consumer: Consumers.segmenter,
    input: FileReceived,
    handle: async (m, ctx) => {
      const name = m.object?.name ?? m.fileId;
      const bytes = m.content !== undefined ? Buffer.from(m.content, "base64") : await files.getBlob(name);
      if (!bytes)
        throw new InvalidInputError("MISSING_BYTES", `${m.file.name}: bytes ${name} are not in ${Buckets.files}`);
      const docs = await segmentFile({ file: m.file, bytes });
      const warnings = [...new Set(docs.flatMap((d) => d.warnings))];
      if (warnings.length > 0) ctx.log.warn({ warnings, charset: docs[0]?.file.charset }, "suspect decoding");
      ctx.note({ documents: docs.length, mediaType: m.file.mediaType });
      return docs.map((doc) => documentMessage(svc.producer, Subjects.docSegmented, DocSegmented, doc));
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop]);
}

main().catch(exitOnStartupError);
