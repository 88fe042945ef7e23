export {
  CliError,
  ExitCode,
  NatsUnreachableError,
  NotProvisionedError,
  UnavailableError,
  UsageError,
} from "./errors.js";
export {
  createPipeline,
  type InProcessPipeline,
  type PipelineOptions,
  processPath,
  writeOutput,
} from "./pipeline.js";
export { describeFailure, type ProcessOptions, runProcess } from "./process-command.js";
export {
  connectForStatus,
  formatStatus,
  type PipelineStatus,
  readStatus,
  type StageStatus,
  statusOf,
  type WatchOptions,
  watchStatus,
} from "./status.js";
export {
  type ChildPlan,
  graceOf,
  parseScale,
  planChildren,
  portFree,
  SERVICES,
  type ServiceName,
} from "./supervisor.js";
