import type { SegmentedDocument } from "@sift/contracts";
import { type SegmentInput, segmentFile } from "./segment.js";

/** The segmenter's pure work, as a worker pool runs it (`createWorkPool` in @sift/runtime). */
export const tasks = {
  segment: (input: SegmentInput): Promise<SegmentedDocument[]> => segmentFile(input),
};
