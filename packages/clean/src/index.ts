export { type CleanerOptions, createCleaner } from "./clean.js";
export { type Applied, applyEdits, composeMaps, type Edit, mapOffset } from "./edits.js";
export { type NormalizeOptions, normalizeText } from "./normalize.js";
