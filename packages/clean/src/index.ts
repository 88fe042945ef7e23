export { bodyLines, classifyLines, type Line, type LineVerdict, lineFeatures, lineKey } from "./chrome.js";
export {
  type CleanerDeps,
  type CleanerOptions,
  createCleaner,
  createInMemoryLineMemory,
  extractMainText,
  type LineMemory,
  sourceKey,
  TooMuchRemovedError,
} from "./clean.js";
export { type Applied, applyEdits, composeMaps, type Edit, mapOffset } from "./edits.js";
export { type ExtractionScore, type PageScore, scoreExtraction, scorePage, tokenize } from "./eval.js";
export { extractHtml, type HtmlBlock, type HtmlDocument, type HtmlExtraction } from "./html.js";
export { type NormalizeOptions, normalizeText } from "./normalize.js";
