// first: V8 is tuned before the code it runs is loaded
import "@sift/runtime/v8-tuning";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import {
  Buckets,
  Consumers,
  DocSegmented,
  FileReceived,
  GROUP_MAX_CHARS,
  groupDocuments,
  InvalidInputError,
  type SegmentedDocument,
  Subjects,
} from "@sift/contracts";
import {
  createStagePool,
  documentsMessage,
  doorLimits,
  exitOnStartupError,
  LimitsEnv,
  runStage,
  startService,
} from "@sift/runtime";
import { readsInline } from "@sift/segment";
import { z } from "zod";
import { bringsLargeFile } from "./large.js";
import { createKvLineMemory } from "./line-memory.js";

const SegmenterEnv = LimitsEnv.extend({
  /** Pages of one source the line memory keeps (the latest); older ones are forgotten. */
  SIFT_LINES_MAX_PAGES: z.coerce.number().int().positive().default(500),
  /** Characters of text one message of a file's documents holds at most (a longer document goes alone). */
  SIFT_DOC_GROUP_MAX_CHARS: z.coerce.number().int().positive().default(GROUP_MAX_CHARS),
});

async function main() {
  const svc = await startService({ service: "segmenter", env: process.env, schema: SegmenterEnv });
  const limits = doorLimits(svc.config);
  const files = await new Objm(svc.nc).open(Buckets.files);
  const memory = createKvLineMemory(await new Kvm(svc.nc).open(Buckets.lines), svc.log, {
    maxPages: svc.config.SIFT_LINES_MAX_PAGES,
  });
  const pool = createStagePool(svc, [import.meta.resolve("@sift/segment/tasks")]);
  // the workers are up (code compiled, the model loaded) before the first message is taken
  await pool.ready();
  const stage = await runStage(svc, {
    stage: "segmenter",
    consumer: Consumers.segmenter,
    input: FileReceived,
    // a file over INTAKE_INLINE_MAX_BYTES comes as a reference to the `sift-files` store: small message, large file
    isLarge: (data) => bringsLargeFile(data, svc.config.WORK_INLINE_MAX_BYTES),
    handle: async (m, ctx) => {
      const name = m.object?.name ?? m.fileId;
      const bytes = m.content !== undefined ? Buffer.from(m.content, "base64") : await files.getBlob(name);
      if (!bytes)
        throw new InvalidInputError("MISSING_BYTES", `${m.file.name}: bytes ${name} are not in ${Buckets.files}`);
      // a file is read in a worker: one that loops or eats memory fails alone, and this process stays responsive;
      // a small text, Markdown or HTML file is read here (linear, no container to inflate): no hop to a worker and back;
      // the line memory (KV) stays here and the worker asks for it
      const inline = readsInline(bytes.length, m.file.mediaType, svc.config.WORK_INLINE_MAX_BYTES);
      const docs = await pool.run<SegmentedDocument[]>(
        "segment",
        { file: m.file, bytes, limits },
        {
          label: m.file.name,
          deps: {
            seen: async (source: string) => memory.seen(source),
            // the page's entry is written while its documents are published, and before the message is acked:
            // a redelivered page still finds it and counts once
            record: async (source: string, keys: string[]) => ctx.alongside(memory.record(source, keys)),
          },
          inline,
        },
      );
      const warnings = [...new Set(docs.flatMap((d) => d.warnings))];
      if (warnings.length > 0) ctx.log.warn({ warnings, charset: docs[0]?.file.charset }, "suspect decoding");
      ctx.note({ documents: docs.length, mediaType: m.file.mediaType });
      // consecutive documents go together (a page of many short ones: one message a hop, not one each)
      return groupDocuments(docs, svc.config.SIFT_DOC_GROUP_MAX_CHARS).map((group) =>
        documentsMessage(svc.producer, Subjects.docSegmented, DocSegmented, group),
      );
    },
  });
  svc.setReady(() => stage.consuming);
  svc.onShutdown([stage.stop, pool.close, memory.stop]);
}

main().catch(exitOnStartupError);
