/**
 * Collection: run commands on many devices at once over SSH, keep every output, and report
 * exactly what happened to each device. Used by vc-collect, `vcollector collect` and
 * `vcollector creds`.
 */
export {
  runCollection,
  validateRequest,
  DEFAULT_CONCURRENCY,
  DEFAULT_JITTER_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  MAX_CONCURRENCY,
  type CollectRequest,
} from "./runner";
export { CaptureStore, captureContent, type SavedCapture, type CaptureStoreOptions } from "./store";
export { CollectorDb, COLLECTOR_SCHEMA_VERSION, type HistoryRow, type CaptureRow, type NewCapture } from "./history";
export {
  credentialChain,
  discoveryOrder,
  snapshotCredentials,
  requireCredential,
  redact,
  secretsOf,
  type CredentialSource,
  type CredentialRecorder,
  type ChainStep,
  type ChainSource,
  type Chain,
  type ChainOptions,
} from "./credentials";
export type { HostKeyPins } from "./device";
export type { SessionOpener, OpenRequest, CollectSession, HostKeyPolicy } from "./session";
export { runPool } from "./pool";
export {
  DEFAULT_TIMEOUTS,
  DEFAULT_RETRY,
  runTimeouts,
  type RunTimeouts,
  RETRYABLE_CLASSES,
  progressText,
  type CollectTimeouts,
  type RetryPolicy,
  type RunStatus,
  type RunSummary,
  type RunProgress,
} from "./types";
export { parseCommands } from "./commands";
export {
  discoverCredentials,
  testCredential,
  DEFAULT_DISCOVERY_CONCURRENCY,
  DEFAULT_RECENT_HOURS,
  type DiscoveryRequest,
  type DiscoveryReport,
  type DiscoveryDeviceResult,
  type DiscoveryStatus,
  type SkipReason,
  type CredentialAttempt,
  type LoginTester,
} from "./discovery";
export { fetchHostKey } from "./keyscan";
export { pinsFrom } from "./pins";
