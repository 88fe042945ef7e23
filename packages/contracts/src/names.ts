/** Every subject, stream, consumer and bucket name Sift uses, in one place. */
export const Subjects = {
  fileReceived: "sift.file.received",
  docSegmented: "sift.doc.segmented",
  docCleaned: "sift.doc.cleaned",
  docTagged: "sift.doc.tagged",
  fileCompleted: "sift.file.completed",
  /** `sift.dlq.<stage>` */
  dlqPrefix: "sift.dlq",
  dlqAll: "sift.dlq.>",
} as const;
export type Subject = (typeof Subjects)[keyof typeof Subjects];

export const dlqSubject = (stage: string): string => `${Subjects.dlqPrefix}.${stage}`;

export const Streams = {
  work: {
    name: "SIFT_WORK",
    subjects: [Subjects.fileReceived, Subjects.docSegmented, Subjects.docCleaned],
  },
  results: { name: "SIFT_RESULTS", subjects: [Subjects.docTagged, Subjects.fileCompleted] },
  dlq: { name: "SIFT_DLQ", subjects: [Subjects.dlqAll] },
  /** Captures max-delivery advisories of the work stream so that none is lost while no sink runs. */
  advisories: {
    name: "SIFT_ADVISORIES",
    subjects: ["$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.SIFT_WORK.>"],
  },
} as const;

/** Durable consumer names: one per stage, shared by every replica. */
export const Consumers = {
  segmenter: { stream: Streams.work.name, durable: "segmenter", filter: Subjects.fileReceived },
  cleaner: { stream: Streams.work.name, durable: "cleaner", filter: Subjects.docSegmented },
  tagger: { stream: Streams.work.name, durable: "tagger", filter: Subjects.docCleaned },
  sink: { stream: Streams.results.name, durable: "sink", filter: Subjects.docTagged },
  sinkDlq: { stream: Streams.dlq.name, durable: "sink-dlq", filter: Subjects.dlqAll },
  sinkAdvisories: {
    stream: Streams.advisories.name,
    durable: "sink-advisories",
    filter: Streams.advisories.subjects[0],
  },
} as const;
export type ConsumerSpec = (typeof Consumers)[keyof typeof Consumers];

export const Buckets = {
  /** Object Store: raw bytes of every file, named by file id. */
  files: "sift-files",
  /** Object Store: message bodies over the server's max payload. */
  payloads: "sift-payloads",
  /** KV: file id → progress (received, documents tagged, completed, failed). */
  fileState: "sift-files",
  /** KV: line frequencies the cleaner learns across documents. */
  lines: "sift-lines",
} as const;

/** Headers the runtime sets. */
export const Headers = {
  /** Name of the `sift-payloads` object that holds the real body. */
  payloadRef: "Sift-Payload-Ref",
  schemaVersion: "Sift-Schema-Version",
} as const;
