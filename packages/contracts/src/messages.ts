import { z } from "zod";

export const Span = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Span = z.infer<typeof Span>;

/** A span that also points into the decoded text of the original file. */
export const SourceSpan = Span.extend({
  sourceStart: z.number().int().nonnegative(),
  sourceEnd: z.number().int().nonnegative(),
});
export type SourceSpan = z.infer<typeof SourceSpan>;

/**
 * Piecewise map from a document's text to the decoded text of its file: the characters
 * `[start, end)` of the text came from `[srcStart, srcEnd)` of the source. Pieces are sorted
 * and do not overlap; when the two lengths differ the piece is mapped proportionally.
 */
export const SourceMap = z.array(
  z.object({
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    srcStart: z.number().int().nonnegative(),
    srcEnd: z.number().int().nonnegative(),
  }),
);
export type SourceMap = z.infer<typeof SourceMap>;

export const ObjectRef = z.object({
  bucket: z.string(),
  name: z.string(),
  digest: z.string().optional(),
  size: z.number().int().nonnegative(),
});
export type ObjectRef = z.infer<typeof ObjectRef>;

/** What Sift knows about an input file; every message carries it. */
export const FileMeta = z.object({
  /** sha256 of the bytes, hex. */
  fileId: z.string().regex(/^[0-9a-f]{64}$/),
  /** The name the file had in the intake folder (never used as a path). */
  name: z.string().min(1),
  /** The name it was moved to under `processed/` (differs when that name was taken). */
  storedName: z.string().optional(),
  size: z.number().int().nonnegative(),
  mediaType: z.string(),
  charset: z.string().optional(),
  mtime: z.iso.datetime().optional(),
  receivedAt: z.iso.datetime(),
  /**
   * True when the raw bytes travelled inside `sift.file.received` and none were stored in the `sift-files`
   * Object Store: the sink has nothing to delete there (absent: they may have been, so it looks).
   */
  bytesInline: z.boolean().optional(),
});
export type FileMeta = z.infer<typeof FileMeta>;

export const Envelope = z.object({
  v: z.literal(1),
  /** Unique per message; also the `Nats-Msg-Id` it was published with. */
  id: z.string(),
  fileId: z.string(),
  producedAt: z.iso.datetime(),
  producer: z.object({ service: z.string(), version: z.string(), instance: z.string() }),
});
export type Envelope = z.infer<typeof Envelope>;

export const FileReceivedBody = z.object({
  file: FileMeta,
  /** Where the bytes are (`sift-files` Object Store), for files too large to travel inline. */
  object: ObjectRef.optional(),
  /** The bytes themselves, base64, for small files: no Object Store round trip. */
  content: z.base64().optional(),
});
export type FileReceivedBody = z.infer<typeof FileReceivedBody>;
export const FileReceived = Envelope.extend(FileReceivedBody.shape).refine(
  (m) => m.object !== undefined || m.content !== undefined,
  "a file.received message carries its bytes: `object` or `content`",
);
export type FileReceived = z.infer<typeof FileReceived>;

export const Removal = z.object({
  text: z.string(),
  /** Why it is not content ("navigation", "recurring line", "desk code", …). */
  reason: z.string(),
  sourceStart: z.number().int().nonnegative(),
  sourceEnd: z.number().int().nonnegative(),
});
export type Removal = z.infer<typeof Removal>;

export const Role = z.enum(["main", "related", "teaser", "other"]);
export type Role = z.infer<typeof Role>;

/** Where a document came from, as far as the page tells. */
export const DocSource = z.object({
  site: z.string().optional(),
  /** As written on the page ("5 hours ago", "July 21, 2025"). */
  published: z.string().optional(),
  /** ISO time when `published` could be resolved against the file's time. */
  publishedAt: z.iso.datetime({ offset: true }).optional(),
  url: z.string().optional(),
  author: z.string().optional(),
});
export type DocSource = z.infer<typeof DocSource>;

/**
 * One document of a file. When `title` is set, `text` starts with it (then a blank line); `paragraphs`
 * and `sentences` cover the body after the title, and entities may lie in the title too.
 */
/** A document's language: ISO 639-1 code, "und" when there is too little text to tell, and the identifier's confidence. */
export const DocLanguage = z.object({
  code: z.string(),
  confidence: z.number().min(0).max(1),
});
export type DocLanguage = z.infer<typeof DocLanguage>;

export const SegmentedDocument = z.object({
  file: FileMeta,
  /** `<fileId>-<index>` */
  docId: z.string(),
  index: z.number().int().nonnegative(),
  /** Documents in the file. */
  count: z.number().int().positive(),
  role: Role,
  title: z.string().nullable(),
  source: DocSource,
  /** Identified from the document's own text by the segmenter (absent in messages of older producers). */
  language: DocLanguage.optional(),
  text: z.string(),
  paragraphs: z.array(Span),
  sentences: z.array(Span),
  /** From `text` to the decoded text of the file. */
  sourceMap: SourceMap,
  /** Problems worth telling the user (suspect decoding, say). */
  warnings: z.array(z.string()).default([]),
  /** What was taken out as not content, with why (markup chrome, metadata lines, boilerplate). */
  removed: z.array(Removal).default([]),
});
export type SegmentedDocument = z.infer<typeof SegmentedDocument>;
/**
 * Consecutive documents of one file travel together, so a page of many short documents is one message a hop, not one
 * each (`groupDocuments`); each document still carries its file, index and count.
 */
const documentsOf = <D extends z.ZodType<{ file: { fileId: string } }>>(doc: D) =>
  Envelope.extend({ docs: z.array(doc).min(1) }).refine(
    (m) => m.docs.every((d) => d.file.fileId === m.fileId),
    "every document of a message belongs to the message's file",
  );

export const DocSegmented = documentsOf(SegmentedDocument);
export type DocSegmented = z.infer<typeof DocSegmented>;

/** The segmented document after cleaning: `text`, spans and `sourceMap` refer to the cleaned text. */
export const CleanedDocument = SegmentedDocument;
export type CleanedDocument = z.infer<typeof CleanedDocument>;
export const DocCleaned = documentsOf(CleanedDocument);
export type DocCleaned = z.infer<typeof DocCleaned>;

/** A list whose elements are not looked at one by one. */
const listOf = <T>() => z.custom<T[]>((v) => Array.isArray(v), "expected an array");

/**
 * What a stage checks of documents the stage before it made (the cleaner's and the tagger's input): the envelope and
 * every field of every document, but not each element of the lists (spans, source map, removals, warnings). Those are
 * the typed output of Sift's own stage code, carried from hop to hop; their elements are checked once, where the
 * documents leave the pipeline (the sink takes `DocTagged` whole), as `sift process` checks its output once. Checked
 * at every hop, they cost about 0.15 s of CPU a hop over the bench corpus (issue 11). What enters from outside is
 * still checked in full: files are read by the segmenter, and `sift.file.received` is taken as `FileReceived`.
 */
const TrustedDocument = SegmentedDocument.extend({
  paragraphs: listOf<Span>(),
  sentences: listOf<Span>(),
  sourceMap: listOf<SourceMap[number]>(),
  warnings: listOf<string>().default([]),
  removed: listOf<Removal>().default([]),
});
export const TrustedDocSegmented = documentsOf(TrustedDocument);
export const TrustedDocCleaned = documentsOf(TrustedDocument);

export const EntityLabel = z.enum([
  "PER",
  "ORG",
  "LOC",
  "MISC",
  "DATE",
  "TIME",
  "MONEY",
  "PERCENT",
  "QUANTITY",
  "ORDINAL",
  "CARDINAL",
]);
export type EntityLabel = z.infer<typeof EntityLabel>;

export const Entity = Span.extend({
  label: EntityLabel,
  text: z.string(),
  /** The fullest form this mention refers to in the document ("Xi" → "Xi Jinping"). */
  canonical: z.string(),
  sourceStart: z.number().int().nonnegative().optional(),
  sourceEnd: z.number().int().nonnegative().optional(),
});
export type Entity = z.infer<typeof Entity>;

export const EntityIndexEntry = z.object({
  canonical: z.string(),
  label: EntityLabel,
  mentions: z.number().int().positive(),
  firstStart: z.number().int().nonnegative(),
  aliases: z.array(z.string()),
});
export type EntityIndexEntry = z.infer<typeof EntityIndexEntry>;

export const TaggedDocument = CleanedDocument.extend({
  entities: z.array(Entity),
  entityIndex: z.array(EntityIndexEntry),
});
export type TaggedDocument = z.infer<typeof TaggedDocument>;
export const DocTagged = documentsOf(TaggedDocument);
export type DocTagged = z.infer<typeof DocTagged>;

export const FileCompletedBody = z.object({
  file: FileMeta,
  /** Path of the output file relative to the data directory. */
  output: z.string(),
  documents: z.number().int().nonnegative(),
});
export type FileCompletedBody = z.infer<typeof FileCompletedBody>;
export const FileCompleted = Envelope.extend(FileCompletedBody.shape);
export type FileCompleted = z.infer<typeof FileCompleted>;

export const StageError = z.object({ code: z.string(), message: z.string() });
export type StageError = z.infer<typeof StageError>;

export const DeadLetterBody = z.object({
  stage: z.string(),
  /** The subject the failed message was consumed from. */
  subject: z.string(),
  /** The failed message's body, or undefined when it could not be read. */
  payload: z.unknown().optional(),
  /** Set when the body was too large to embed. */
  payloadRef: ObjectRef.optional(),
  file: FileMeta.optional(),
  docId: z.string().optional(),
  error: StageError,
  attempts: z.number().int().nonnegative(),
  failedAt: z.iso.datetime(),
});
export type DeadLetterBody = z.infer<typeof DeadLetterBody>;
export const DeadLetter = Envelope.extend(DeadLetterBody.shape);
export type DeadLetter = z.infer<typeof DeadLetter>;

/** A file's progress in the `sift-files` KV bucket, keyed by file id. */
export const FileState = z.object({
  state: z.enum(["received", "completed", "failed"]),
  name: z.string(),
  receivedAt: z.string(),
  /** Documents in the file, once the first tagged one reached the sink. */
  count: z.number().int().positive().optional(),
  /** Document index → stream sequence of the `sift.doc.tagged` message that holds it. */
  docs: z.record(z.string(), z.number().int().positive()).optional(),
  /** Output path relative to the data directory, once completed. */
  output: z.string().optional(),
  /** The run (`runOf` its file) whose documents `docs` holds: a new run starts a new list. */
  run: z.string().optional(),
  /** The original's name in processed/, where `sift reprocess` finds it. */
  storedName: z.string().optional(),
  /** Set by `sift reprocess`: intake takes these bytes again once, though they were processed before. */
  reprocess: z.boolean().optional(),
});
export type FileState = z.infer<typeof FileState>;

/**
 * One pass of a file through the pipeline, from its `receivedAt`: part of every message id, so a retry or a
 * reprocess within JetStream's duplicate window is not taken for a redelivery, while a redelivery still is.
 */
export const runOf = (file: { receivedAt: string }): string => {
  const t = Date.parse(file.receivedAt);
  return Number.isNaN(t) ? file.receivedAt.replace(/[^0-9A-Za-z]/g, "") : t.toString(36);
};
