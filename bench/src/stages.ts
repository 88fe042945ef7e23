import { createCleaner } from "@sift/clean";
import {
  type CleanedDocument,
  type ConsumerSpec,
  Consumers,
  DocTagged,
  encodeJson,
  type FileMeta,
  groupDocuments,
  type SegmentedDocument,
  safeJson,
  type TaggedDocument,
  TrustedDocCleaned,
  TrustedDocSegmented,
} from "@sift/contracts";
import { documentsMessage } from "@sift/runtime";
import { segmentFile, sniffMediaType } from "@sift/segment";
import { loadTagger } from "@sift/tag";
import { benchCorpus, describeCorpus } from "./corpus.js";
import { loadAverage } from "./procs.js";
import type { BenchOptions, BenchRow, BenchSection } from "./table.js";

/** The corpus's documents after each stage, as the stages section made them (or made untimed, for a section alone). */
export interface CorpusDocuments {
  segmented: SegmentedDocument[];
  cleaned: CleanedDocument[];
  tagged: TaggedDocument[];
}

let documents: Promise<CorpusDocuments> | undefined;

/** The corpus's documents at every stage: those the stages section made, else made now (once a run). */
export function corpusDocuments(o: BenchOptions): Promise<CorpusDocuments> {
  documents ??= stageDocuments(o).then((r) => r.docs);
  return documents;
}

/**
 * Each stage alone, in this process, over the bench corpus: segment (files → documents), clean (documents),
 * tag (cleaned documents). Timed separately, one document at a time, after one warm-up file.
 */
export const benchStages: BenchSection = async (o) => {
  const run = stageDocuments(o);
  documents ??= run.then((r) => r.docs);
  const { corpus, modelMs, segMs, cleanMs, tagMs, docs } = await run;
  const { segmented, cleaned } = docs;
  let inBytes = 0;
  for (const f of corpus.files) inBytes += f.bytes.length;
  const segChars = segmented.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  const cleanChars = cleaned.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  const load = `load ${loadAverage()}`;
  const rate = (n: number, t: number) => n / (t / 1000);
  const rows: BenchRow[] = [
    {
      group: "stage",
      name: "segment files/s",
      value: rate(corpus.files.length, segMs),
      unit: "files/s",
      note: `${describeCorpus(corpus)} → ${segmented.length} documents; ${load}`,
    },
    { group: "stage", name: "segment MB/s", value: rate(inBytes / 1e6, segMs), unit: "MB/s", note: "of file bytes" },
    { group: "stage", name: "clean documents/s", value: rate(segmented.length, cleanMs), unit: "docs/s" },
    {
      group: "stage",
      name: "clean MB/s",
      value: rate(segChars / 1e6, cleanMs),
      unit: "MB/s",
      note: "of segmented text",
    },
    { group: "stage", name: "tag documents/s", value: rate(cleaned.length, tagMs), unit: "docs/s" },
    {
      group: "stage",
      name: "tag MB/s",
      value: rate(cleanChars / 1e6, tagMs),
      unit: "MB/s",
      note: `of cleaned text; model load ${Math.round(modelMs)} ms not counted`,
    },
  ];
  const slowest = [
    ["segment", segMs],
    ["clean", cleanMs],
    ["tag", tagMs],
  ].sort((a, b) => Number(b[1]) - Number(a[1]))[0];
  rows.push({
    group: "stage",
    name: `slowest in one process: ${slowest?.[0]}`,
    value: Number(slowest?.[1] ?? 0) / (segMs + cleanMs + tagMs),
    unit: "share of time",
    note: `segment ${Math.round(segMs)} ms, clean ${Math.round(cleanMs)} ms, tag ${Math.round(tagMs)} ms`,
  });
  rows.push(...messageRows(docs, segMs + cleanMs + tagMs));
  return rows;
};

/** The stages over the corpus in this process, each timed (ms), after one warm-up file. */
async function stageDocuments(o: BenchOptions) {
  const { corpus } = await benchCorpus(o);
  const t0 = performance.now();
  const tag = loadTagger();
  const modelMs = performance.now() - t0;
  const clean = createCleaner();
  const meta = (name: string, bytes: Uint8Array, i: number): FileMeta => ({
    fileId: i.toString(16).padStart(64, "0"),
    name,
    size: bytes.length,
    mediaType: sniffMediaType(bytes, name),
    receivedAt: new Date(0).toISOString(),
  });
  // warm-up: the first PDF loads pdf.js, the first document JITs the tagger
  const warm = corpus.files.find((f) => f.format === "pdf") ?? corpus.files[0];
  if (warm) {
    for (const d of await segmentFile({ file: meta(warm.name, warm.bytes, 0), bytes: warm.bytes })) {
      try {
        tag(await clean(d));
      } catch {
        // a refused document: warm enough
      }
    }
  }
  const segmented: SegmentedDocument[] = [];
  let ms = performance.now();
  let i = 1;
  for (const f of corpus.files)
    segmented.push(...(await segmentFile({ file: meta(f.name, f.bytes, i++), bytes: f.bytes })));
  const segMs = performance.now() - ms;
  const cleaned: CleanedDocument[] = [];
  ms = performance.now();
  for (const d of segmented) cleaned.push(clean(d));
  const cleanMs = performance.now() - ms;
  ms = performance.now();
  const tagged: TaggedDocument[] = [];
  for (const d of cleaned) tagged.push(tag(d));
  const tagMs = performance.now() - ms;
  return { corpus, modelMs, segMs, cleanMs, tagMs, docs: { segmented, cleaned, tagged } };
}

/**
 * What a broker adds per message that one process does not: JSON out, JSON in and zod where the message is taken in
 * (with the schema the next stage takes it in with: its documents' lists trusted up to the sink), for the messages
 * this corpus makes between the stages.
 */
function messageRows(docs: CorpusDocuments, workMs: number): BenchRow[] {
  const rows: BenchRow[] = [];
  let total = 0;
  let count = 0;
  let jsonMs = 0;
  let bytes = 0;
  for (const { kind, schema, messages } of documentMessages(docs)) {
    let json = 0;
    let zod = 0;
    // a warm-up pass (the services run warm), then the timed one
    for (const m of messages.slice(0, 20)) schema.safeParse(safeJson(encodeJson(m)));
    for (const m of messages) {
      let t = performance.now();
      const data = encodeJson(m);
      const body = safeJson(data);
      json += performance.now() - t;
      bytes += data.length;
      t = performance.now();
      schema.safeParse(body);
      zod += performance.now() - t;
    }
    total += json + zod;
    jsonMs += json;
    count += messages.length;
    rows.push({
      group: "messages",
      name: `doc.${kind}: JSON + zod per message`,
      value: messages.length ? (json + zod) / messages.length : 0,
      unit: "ms",
      note: `${messages.length} messages; JSON ${json.toFixed(0)} ms (out and in), zod ${zod.toFixed(0)} ms (where taken in)`,
    });
  }
  rows.push({
    group: "messages",
    name: "JSON + zod as a share of the stages' work",
    value: total / workMs,
    unit: "×",
    note: `${count} messages, ${(bytes / 1e6).toFixed(1)} MB of JSON: ${total.toFixed(0)} ms (JSON ${jsonMs.toFixed(0)} ms) vs ${workMs.toFixed(0)} ms of segment + clean + tag`,
  });
  return rows;
}

/**
 * The messages the corpus's documents make between the stages, as the stages send them (a file's consecutive
 * documents together), each with the consumer that takes it and the schema it is taken in with.
 */
export function documentMessages(docs: CorpusDocuments): Array<{
  kind: "segmented" | "cleaned" | "tagged";
  subject: string;
  /** The consumer of the stage that takes these messages in. */
  to: ConsumerSpec;
  /** The schema that stage validates them with, and its name in `@sift/contracts`. */
  schema: { safeParse(v: unknown): { success: boolean } };
  schemaName: "TrustedDocSegmented" | "TrustedDocCleaned" | "DocTagged";
  messages: Array<{ id: string } & Record<string, unknown>>;
}> {
  const kinds = [
    {
      kind: "segmented",
      by: "segmenter",
      to: Consumers.cleaner,
      schemaName: "TrustedDocSegmented",
      list: docs.segmented,
    },
    { kind: "cleaned", by: "cleaner", to: Consumers.tagger, schemaName: "TrustedDocCleaned", list: docs.cleaned },
    { kind: "tagged", by: "tagger", to: Consumers.sink, schemaName: "DocTagged", list: docs.tagged },
  ] as const;
  const schemas = { TrustedDocSegmented, TrustedDocCleaned, DocTagged };
  return kinds.map(({ kind, by, to, schemaName, list }) => {
    const schema = schemas[schemaName];
    // each stage names its messages after itself: the same documents' ids from two stages are two messages
    const producer = { service: by, version: "0", instance: `${by}-bench` };
    const byFile = new Map<string, Array<SegmentedDocument | TaggedDocument>>();
    for (const d of list as Array<SegmentedDocument | TaggedDocument>) {
      const docs = byFile.get(d.file.fileId) ?? [];
      docs.push(d);
      byFile.set(d.file.fileId, docs);
    }
    const messages = [...byFile.values()]
      .flatMap((docs) => groupDocuments(docs))
      .map((group) => documentsMessage(producer, to.filter, schema, group).message);
    return { kind, subject: to.filter, to, schema, schemaName, messages };
  });
}
