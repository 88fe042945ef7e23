export {
  type CleanerDeps,
  createCleaner,
  createInMemoryLineMemory,
  extractMainText,
  type LineMemory,
} from "./clean.js";
