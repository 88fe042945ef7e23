export { type HtmlLayout, htmlLayout } from "./html-layout.js";
export { Label, labelNames } from "./labels.js";
export { identifyLanguage, type Language } from "./language.js";
export { lineKey } from "./line-key.js";
export { type Block, textBlocks } from "./lines.js";
export { createInMemoryLineMemory, type LineMemory, memorySource } from "./memory.js";
export { PageModel, pageModel, type StoredPageModel } from "./model.js";
export { MAX_REMEMBERED_CHARS, type PageDocument, type PageReading, type ReadOptions, readBlocks } from "./read.js";
export { isTimeLine, isTitleLike, parseSourceLines, resolvePublished } from "./source-line.js";
