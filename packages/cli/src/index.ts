export { createPipeline, type InProcessPipeline, processPath, writeOutput } from "./pipeline.js";
export { parseScale, SERVICES } from "./supervisor.js";
