export {
  type BaseConfig,
  BaseEnv,
  ConfigError,
  doorLimits,
  type LimitsConfig,
  LimitsEnv,
  loadConfig,
  type NatsConfig,
  NatsEnv,
  type WorkConfig,
  WorkEnv,
} from "./config.js";
export { envelope, type Producer } from "./envelope.js";
export {
  createFileStateWriter,
  failedEntryKey,
  readFileState,
  readFileStateEntry,
  recordFailedEntry,
  updateFileState,
} from "./file-state.js";
export {
  dataDirs,
  exists,
  type FailureRecord,
  freeName,
  outputName,
  readWhole,
  recordFailure,
  withNameFallback,
  writeAtomic,
} from "./files.js";
export { type HealthServer, startHealthServer } from "./http.js";
export { createLogger, defaultInstance, type Logger } from "./logger.js";
export { Publisher } from "./messaging.js";
export { createMetrics, type StageMetrics } from "./metrics.js";
export {
  type BrokerWatch,
  connectDelayMs,
  connectNats,
  createBrokerWatch,
  natsConnectOptions,
  natsServers,
  redactUrl,
  seedAddress,
} from "./nats.js";
export {
  type ConsumerOptions,
  kvStream,
  objStream,
  ProvisionError,
  type ProvisionOptions,
  provisionConsumer,
  provisionedStreams,
  provisionStreams,
} from "./provision.js";
export { deleteObject } from "./retention.js";
export { exitOnStartupError, provisionOptions, type Service, startService, VERSION } from "./service.js";
export { exitWithParent, onShutdown } from "./shutdown.js";
export {
  documentsMessage,
  type HandlerContext,
  messageIds,
  type Outgoing,
  type RunningStage,
  runStage,
  type StageOptions,
} from "./stage.js";
export {
  createStagePool,
  createWorkPool,
  type RunOptions,
  type WorkDep,
  type WorkPool,
  type WorkPoolOptions,
  type WorkPoolStats,
} from "./work-pool.js";
