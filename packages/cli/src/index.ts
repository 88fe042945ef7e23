export { createPipeline, type InProcessPipeline, processPath, writeOutput } from "./pipeline.js";
export { formatStatus, type PipelineStatus, readStatus, type StageStatus } from "./status.js";
export { parseScale, SERVICES } from "./supervisor.js";
