export { type Decoded, decodeBytes } from "./decode.js";
export { DOCX, normaliseMediaType, readsInline, sniffMediaType } from "./media-type.js";
export { splitParagraphs } from "./paragraphs.js";
export { type SegmentInput, segmentFile } from "./segment.js";
export { splitSentences } from "./sentences.js";
