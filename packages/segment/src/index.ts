export { sniffMediaType } from "./media-type.js";
export { type SegmentInput, segmentFile, splitParagraphs, splitSentences } from "./segment.js";
