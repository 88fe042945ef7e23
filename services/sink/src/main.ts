import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import {
  Buckets,
  buildOutputFile,
  Consumers,
  DeadLetter,
  DocTagged,
  dlqSubject,
  FileCompleted,
  type FileState,
  runOf,
  SiftError,
  Streams,
  Subjects,
  safeFileName,
  TaggedDocument,
} from "@sift/contracts";
import {
  createFileStateWriter,
  dataDirs,
  deleteObject,
  envelope,
  exists,
  exitOnStartupError,
  freeName,
  outputName,
  recordFailedEntry,
  recordFailure,
  runStage,
  startService,
  updateFileState,
  withNameFallback,
  writeAtomic,
} from "@sift/runtime";
import { z } from "zod";
import {
  createHeldDocs,
  isComplete,
  recordDoc,
  STREAM_OVER_BYTES,
  serialiseOutput,
  writeOutputStream,
} from "./assemble.js";

/** The max-deliveries advisory the server publishes (schema io.nats.jetstream.advisory.v1.max_deliver). */
const MaxDeliverAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int(),
  deliveries: z.number().int(),
});

async function main() {
  const svc = await startService({ service: "sink", env: process.env });
  const { nc, publisher, producer } = svc;
  const dirs = dataDirs(svc.config.SIFT_DATA_DIR);
  await mkdir(dirs.output, { recursive: true });
  await mkdir(dirs.failed, { recursive: true });
  const kv = await new Kvm(nc).open(Buckets.fileState);
  // the documents of a file arrive together: their entries' changes go in one write where they can
  const fileStates = createFileStateWriter(kv);
  const files = await new Objm(nc).open(Buckets.files);
  const jsm = await jetstreamManager(nc);
  // retention: a file's raw bytes are kept until it is complete or failed (the original stays in processed/ or failed/)
  const dropBytes = (fileId: string) =>
    deleteObject(files, jsm, Buckets.files, fileId).then(
      () => {},
      (err: unknown) => svc.log.warn({ err, fileId }, "raw bytes not deleted from the object store"),
    );

  const loadTagged = async (seq: number): Promise<TaggedDocument> => {
    const stored = await jsm.streams.getMessage(Streams.results.name, { seq });
    if (!stored)
      throw new SiftError("DOCUMENT_GONE", `tagged document at ${Streams.results.name} seq ${seq} is gone`, {
        retryable: false,
      });
    return TaggedDocument.parse(await publisher.readBody(stored.data, stored.header));
  };

  // documents of files still incomplete, so that a file is assembled without reading them back (64 M characters at most)
  const held = createHeldDocs(64 * 1024 * 1024);

  const results = await runStage(svc, {
    stage: "sink",
    consumer: Consumers.sink,
    input: DocTagged,
    // documents of one file wait in KV, not in flight, so replicas and restarts need no coordination
    handle: async (m, ctx) => {
      const init = (): FileState => ({ state: "received", name: m.file.name, receivedAt: m.file.receivedAt });
      // a one-document file needs no bookkeeping: it is complete as it arrives
      let loaders: Array<() => Promise<TaggedDocument>> = [async () => m];
      if (m.count > 1) {
        const state = await fileStates.update(m.fileId, init, recordDoc(m.index, m.count, ctx.seq, runOf(m.file)));
        if (!isComplete(state)) {
          // a large file's documents are streamed to its output one at a time: they are not held either
          if (m.file.size <= STREAM_OVER_BYTES) held.put(ctx.seq, m);
          return [];
        }
        const seqs = Object.entries(state.docs ?? {}).sort(([a], [b]) => Number(a) - Number(b));
        loaders = seqs.map(
          ([, seq]) =>
            async () =>
              seq === ctx.seq ? m : (held.take(seq) ?? (await loadTagged(seq))),
        );
      }
      // a file of several documents may take a while to assemble: the server's ack timer starts again (a one-document
      // file is written in a moment, and the keep-alive of runStage covers any handler that runs long)
      if (loaders.length > 1) ctx.working();
      const documents = loaders.length;
      const write = async (name: string) => {
        if (m.file.size <= STREAM_OVER_BYTES) {
          const docs = [];
          for (const load of loaders) docs.push(await load());
          await writeAtomic(join(dirs.output, name), serialiseOutput(buildOutputFile(m.file, docs, new Date())));
        } else {
          // a large file is written one document at a time, so the sink never holds all of it
          await writeOutputStream(join(dirs.output, name), m.file, loaders, new Date(), () => ctx.working());
        }
        return name;
      };
      const name = await withNameFallback(await outputName(dirs.output, m.file), `${m.fileId}.json`, write);
      const relative = `output/${name}`;
      const completed = ({ reprocess: _r, ...s }: FileState): FileState => ({
        ...s,
        state: "completed",
        output: relative,
      });
      // a one-document file's entry holds nothing to merge (the original's name travels with the file): written at once;
      // its state and the raw bytes' removal go while the completion is published (the output is written already),
      // and the message is acked once all three are done
      const storedName = m.file.storedName;
      ctx.alongside(
        m.count === 1
          ? kv.put(m.fileId, JSON.stringify(completed({ ...init(), ...(storedName ? { storedName } : {}) })))
          : fileStates.update(m.fileId, init, completed),
      );
      // bytes that travelled inline were never stored: no request to find that out
      if (!m.file.bytesInline) ctx.alongside(dropBytes(m.fileId));
      ctx.note({ output: relative, documents });
      const id = `${m.fileId}@sink.${runOf(m.file)}`;
      return [
        {
          subject: Subjects.fileCompleted,
          schema: FileCompleted,
          message: { ...envelope(producer, m.fileId, id), file: m.file, output: relative, documents },
        },
      ];
    },
    maxInFlight: 16,
    maxAckPending: 10_000,
  });

  const dead = await runStage(svc, {
    stage: "sink-dlq",
    consumer: Consumers.sinkDlq,
    input: DeadLetter,
    handle: async (m, ctx) => {
      const name = m.file?.name ?? `message-${m.fileId ? m.fileId.slice(0, 12) : m.id}`;
      const processed = m.file?.storedName ? join(dirs.processed, m.file.storedName) : undefined;
      const keep = async (preferred: string): Promise<string> => {
        let stored: string;
        if (processed && (await exists(processed))) {
          stored = await freeName(dirs.failed, preferred, m.fileId || m.id);
          await rename(processed, join(dirs.failed, stored));
        } else {
          // a later document of a file that already failed: its original is in failed/ already
          stored = safeFileName(preferred);
          if (!(await exists(join(dirs.failed, stored)))) {
            const inline = (m.payload as { content?: unknown } | undefined)?.content;
            const bytes =
              typeof inline === "string"
                ? Buffer.from(inline, "base64")
                : m.fileId
                  ? await files.getBlob(m.fileId).catch(() => null)
                  : null;
            await writeFile(join(dirs.failed, stored), bytes ?? JSON.stringify(m.payload ?? null));
          }
        }
        await recordFailure(dirs.failed, stored, {
          name,
          ...(m.fileId ? { fileId: m.fileId } : {}),
          stage: m.stage,
          error: m.error,
          attempts: m.attempts,
          failedAt: m.failedAt,
          ...(m.docId ? { docId: m.docId } : {}),
        });
        return stored;
      };
      const stored = await withNameFallback(name, `failed-${m.fileId ? m.fileId.slice(0, 16) : m.id}`, keep);
      if (m.fileId) {
        await updateFileState(
          kv,
          m.fileId,
          () => ({ state: "failed", name, receivedAt: m.failedAt }),
          ({ reprocess: _r, ...s }) => ({ ...s, state: "failed" }),
        );
        if (!m.file?.bytesInline) await dropBytes(m.fileId);
      } else {
        await recordFailedEntry(kv, stored, name);
      }
      ctx.note({ failedStage: m.stage, code: m.error.code, reason: m.error.message, failed: `failed/${stored}` });
      return [];
    },
  });

  // a message that kills its worker on every delivery never reaches the handler's catch; the server's advisory does
  const advisories = await runStage(svc, {
    stage: "sink-advisories",
    consumer: Consumers.sinkAdvisories,
    input: MaxDeliverAdvisory,
    handle: async (a, ctx) => {
      const stored = await jsm.streams.getMessage(a.stream, { seq: a.stream_seq }).catch(() => null);
      if (!stored) return [];
      const body = await publisher.readBody(stored.data, stored.header).catch(() => undefined);
      const parsed = z.object({ fileId: z.string(), docId: z.string().optional(), file: z.unknown() }).safeParse(body);
      const id = `seq-${a.stream_seq}@dlq.${a.consumer}`;
      const letter = DeadLetter.parse({
        ...envelope(producer, parsed.data?.fileId ?? "", id),
        stage: a.consumer,
        subject: stored.subject,
        payload: body,
        ...(parsed.success && parsed.data.file ? { file: parsed.data.file } : {}),
        ...(parsed.data?.docId ? { docId: parsed.data.docId } : {}),
        error: {
          code: "MAX_DELIVERIES",
          message: `${a.consumer} never finished this message in ${a.deliveries} deliveries (the worker crashed or timed out each time)`,
        },
        attempts: a.deliveries,
        failedAt: new Date().toISOString(),
      });
      await publisher.publish(dlqSubject(a.consumer), letter, id);
      await jsm.streams.deleteMessage(a.stream, a.stream_seq);
      ctx.note({ failedStage: a.consumer, failedSeq: a.stream_seq });
      return [];
    },
  });

  svc.setReady(() => results.consuming && dead.consuming && advisories.consuming);
  svc.onShutdown([results.stop, dead.stop, advisories.stop]);
}

main().catch(exitOnStartupError);
