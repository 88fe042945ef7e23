// first: V8 is tuned before the code it runs is loaded
import "@sift/runtime/v8-tuning";
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
  messageIds,
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
  recordDocs,
  STREAM_OVER_BYTES,
  serialiseOutput,
  writeOutputStream,
} from "./assemble.js";

/** A tagged message read back from the stream: its documents (the envelope is not needed again). */
const StoredDocs = z.object({ docs: z.array(TaggedDocument) });

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

  // a message's documents, parsed once however many of them a file's assembly reads (the last message read back)
  let lastRead: { seq: number; docs: Promise<TaggedDocument[]> } | undefined;
  const loadTagged = async (seq: number, index: number): Promise<TaggedDocument> => {
    if (lastRead?.seq !== seq) {
      const read = { seq, docs: readTagged(seq) };
      // a failed read is not kept: the retry reads again
      read.docs.catch(() => {
        if (lastRead === read) lastRead = undefined;
      });
      lastRead = read;
    }
    const doc = (await lastRead.docs).find((d) => d.index === index);
    if (!doc)
      throw new SiftError("DOCUMENT_GONE", `document ${index} is not in ${Streams.results.name} seq ${seq}`, {
        retryable: false,
      });
    return doc;
  };
  const readTagged = async (seq: number): Promise<TaggedDocument[]> => {
    const stored = await jsm.streams.getMessage(Streams.results.name, { seq });
    if (!stored)
      throw new SiftError("DOCUMENT_GONE", `tagged documents at ${Streams.results.name} seq ${seq} are gone`, {
        retryable: false,
      });
    return StoredDocs.parse(await publisher.readBody(stored.data, stored.header)).docs;
  };

  // documents of files still incomplete, so that a file is assembled without reading them back (64 M characters at most)
  const held = createHeldDocs(64 * 1024 * 1024);

  const results = await runStage(svc, {
    stage: "sink",
    consumer: Consumers.sink,
    input: DocTagged,
    // documents of one file wait in KV, not in flight, so replicas and restarts need no coordination
    handle: async (m, ctx) => {
      // a message holds one document at least, all of one file (the schema checks both): its meta and count are theirs
      const { file, count } = m.docs[0] as TaggedDocument;
      const init = (): FileState => ({ state: "received", name: file.name, receivedAt: file.receivedAt });
      // a message that holds all of its file's documents (a one-document file, most pages) needs no bookkeeping:
      // the file is complete as it arrives
      const whole = m.docs.length === count;
      let loaders: Array<() => Promise<TaggedDocument>> = m.docs.map((d) => async () => d);
      if (!whole) {
        const indices = m.docs.map((d) => d.index);
        const state = await fileStates.update(m.fileId, init, recordDocs(indices, count, ctx.seq, runOf(file)));
        if (!isComplete(state)) {
          // a large file's documents are streamed to its output one at a time: they are not held either
          if (file.size <= STREAM_OVER_BYTES) for (const d of m.docs) held.put(ctx.seq, d);
          return [];
        }
        const mine = new Map(m.docs.map((d) => [d.index, d]));
        const seqs = Object.entries(state.docs ?? {})
          .map(([index, seq]) => [Number(index), seq] as const)
          .sort(([a], [b]) => a - b);
        loaders = seqs.map(
          ([index, seq]) =>
            async () =>
              (seq === ctx.seq ? mine.get(index) : held.take(seq, index)) ?? (await loadTagged(seq, index)),
        );
      }
      // a file of several documents may take a while to assemble: the server's ack timer starts again (a one-document
      // file is written in a moment, and the keep-alive of runStage covers any handler that runs long)
      if (loaders.length > 1) ctx.working();
      const documents = loaders.length;
      const write = async (name: string) => {
        if (file.size <= STREAM_OVER_BYTES) {
          const docs = [];
          for (const load of loaders) docs.push(await load());
          await writeAtomic(join(dirs.output, name), serialiseOutput(buildOutputFile(file, docs, new Date())));
        } else {
          // a large file is written one document at a time, so the sink never holds all of it
          await writeOutputStream(join(dirs.output, name), file, loaders, new Date(), () => ctx.working());
        }
        return name;
      };
      const name = await withNameFallback(await outputName(dirs.output, file), `${m.fileId}.json`, write);
      const relative = `output/${name}`;
      const completed = ({ reprocess: _r, ...s }: FileState): FileState => ({
        ...s,
        state: "completed",
        output: relative,
      });
      // the entry of a file whose documents came together holds nothing to merge (the original's name travels with the
      // file): written at once; its state and the raw bytes' removal go while the completion is published (the output
      // is written already), and the message is acked once all three are done
      const storedName = file.storedName;
      ctx.alongside(
        whole
          ? kv.put(m.fileId, JSON.stringify(completed({ ...init(), ...(storedName ? { storedName } : {}) })))
          : fileStates.update(m.fileId, init, completed),
      );
      // bytes that travelled inline were never stored: no request to find that out
      if (!file.bytesInline) ctx.alongside(dropBytes(m.fileId));
      ctx.note({ output: relative, documents });
      const id = `${m.fileId}@sink.${runOf(file)}`;
      return [
        {
          subject: Subjects.fileCompleted,
          schema: FileCompleted,
          message: { ...envelope(producer, m.fileId, id), file, output: relative, documents },
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
      const ids = messageIds(body);
      const id = `seq-${a.stream_seq}@dlq.${a.consumer}`;
      const letter = DeadLetter.parse({
        ...envelope(producer, ids.fileId ?? "", id),
        stage: a.consumer,
        subject: stored.subject,
        payload: body,
        ...(ids.file ? { file: ids.file } : {}),
        ...(ids.docId ? { docId: ids.docId } : {}),
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
