import type { CleanedDocument, SegmentedDocument } from "@sift/contracts";
import { type CleanerOptions, createCleaner, type LineMemory } from "./clean.js";

export interface CleanTaskInput {
  doc: SegmentedDocument;
  options?: CleanerOptions;
}

/**
 * The cleaner's pure work, as a worker pool runs it. The line memory is I/O: the worker calls the
 * parent's `record` (the `deps` of the pool), which keeps the memory (a KV bucket, or a map in `sift process`).
 */
export const tasks = {
  clean: (input: CleanTaskInput, deps: Pick<LineMemory, "record">): Promise<CleanedDocument> =>
    createCleaner({ lines: { record: deps.record }, ...(input.options ? { options: input.options } : {}) })(input.doc),
};
