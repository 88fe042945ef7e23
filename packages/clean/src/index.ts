export {
  type CleanerDeps,
  createCleaner,
  createInMemoryLineMemory,
  extractMainText,
  type LineMemory,
} from "./clean.js";
export { extractHtml, type HtmlBlock, type HtmlDocument, type HtmlExtraction } from "./html.js";
