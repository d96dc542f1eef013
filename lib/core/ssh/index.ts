/**
 * The SSH session driver: connect (with separate TCP, banner and auth timeouts, host-key pinning,
 * legacy algorithms, a jump host), find the prompt, enable, turn paging off, run commands and
 * return clean outputs, per platform profile. The collection runner and credential discovery
 * use only what is exported here.
 */
export { openSession, testLogin, DEFAULT_TIMEOUTS, DEFAULT_MAX_OUTPUT_BYTES } from "./session";
export type { SessionOptions, SessionTimeouts, DeviceSession, RunResult, RunOptions } from "./session";
export { SessionError } from "./errors";
export {
  KnownHostsStore,
  flushAllKnownHosts,
  fingerprintOf,
  keyTypeOf,
  parseKnownHosts,
  type PinnedKey,
} from "./known-hosts";
export {
  HOST_KEY_POLICIES,
  DEFAULT_HOST_KEY_POLICY,
  isHostKeyPolicy,
  hostKeyPolicyProblem,
  type HostKeyPolicy,
} from "./host-key-policy";
export {
  loadProfile,
  listProfiles,
  loadProfileFile,
  compileProfile,
  ProfileError,
  BUILTIN_PROFILE_DIR,
} from "./profile";
export type { PlatformProfile, ProfileSource, ProfileLookupOptions } from "./profile";
export { resolveAlgorithmList, supportedAlgorithms, type AlgorithmOptions } from "./algorithms";
export { TerminalScreen, renderTerminalText, stripAnsi, type AnsiMode } from "./terminal";
export { isEchoLine, findFailure, cleanOutputLines } from "./output";
