import type { CleanedDocument, SegmentedDocument } from "@sift/contracts";
import { type CleanerOptions, createCleaner } from "./clean.js";

export interface CleanTaskInput {
  doc: SegmentedDocument;
  options?: CleanerOptions;
}

/** The cleaner's pure work, as a worker pool runs it. */
export const tasks = {
  clean: (input: CleanTaskInput): CleanedDocument => createCleaner(input.options)(input.doc),
};

const SAMPLE =
  "Home | World | Sport\nThe Star\n5 hours ago\nThe council approved a new budget on Monday after weeks of debate, officials said. The plan raises spending on schools.\nMayor Jane Doe said the vote was a fair compromise for residents and businesses alike.\nShare this article\n";

/** A worker compiles its code on a sample before its first document. */
export async function init(): Promise<void> {
  const clean = createCleaner();
  for (let round = 0; round < 5; round++) {
    const text = `${SAMPLE}Round ${round}.`;
    clean({
      file: {
        fileId: "0".repeat(64),
        name: "sample.txt",
        size: text.length,
        mediaType: "text/plain",
        receivedAt: new Date(0).toISOString(),
      },
      docId: `${"0".repeat(64)}-0`,
      index: 0,
      count: 1,
      role: "main",
      title: null,
      source: {},
      text,
      paragraphs: [{ start: 0, end: text.length }],
      sentences: [],
      sourceMap: [],
      warnings: [],
      removed: [],
    });
  }
}
