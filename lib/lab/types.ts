/** Public shapes of the device lab (the contract with lib/core/ssh and lib/core/collect). */

export type LabFault =
  "refuse" | "banner_hang" | "drop_mid_output" | "slow" | "no_prompt" | "huge_output" | "auth_fail";

export const LAB_FAULTS: readonly LabFault[] = [
  "refuse",
  "banner_hang",
  "drop_mid_output",
  "slow",
  "no_prompt",
  "huge_output",
  "auth_fail",
];

export interface LabAlgorithms {
  kex?: string[];
  cipher?: string[];
  serverHostKey?: string[];
  hmac?: string[];
}

export interface LabDeviceSpec {
  name?: string;
  /** One of labPlatforms(). */
  platform: string;
  /** Default: the device's own 127.0.x.y address (127.0.0.2 upward). */
  host?: string;
  /** Default 0: chosen by the OS. */
  port?: number;
  /** Default admin / admin. */
  username?: string;
  password?: string;
  /** OpenSSH public key lines accepted for publickey auth. */
  authorizedKeys?: string[];
  /** Also accept keyboard-interactive with the password; with `password` undefined, k-i is the only password method. */
  keyboardInteractive?: boolean;
  /** Platforms with enable: the session starts at the user prompt and `enable` asks for this. Without it the session starts privileged. */
  enableSecret?: string;
  /** Pre-login banner (SSH userauth banner). Undefined: the platform default; "" for none. */
  banner?: string;
  /** Text written in the shell before the first prompt. Undefined: the platform default; "" for none. */
  motd?: string;
  /** Delay before each command's output, plus a random 0..jitterMs. */
  latencyMs?: number;
  jitterMs?: number;
  /** Output is written in chunks of this many bytes (default 512). */
  chunkBytes?: number;
  fault?: LabFault;
  /** drop_mid_output: bytes of command output sent before the connection is cut (default 300). */
  faultAfterBytes?: number;
  /** slow: delay before each show command's output (default 30000 ms). */
  slowMs?: number;
  /** huge_output: bytes each show command produces (default 1 GiB, in effect endless). */
  hugeOutputBytes?: number;
  /** PEM/OpenSSH private host key; default: an ed25519 key derived from the lab seed and the device. */
  hostKey?: string;
  /** What the server offers (legacy devices). */
  algorithms?: LabAlgorithms;
  /** Lines of output per page while paging is on (default: the platform's, usually 24). */
  pageLines?: number;
  /** Accept direct-tcpip (jump host) channels to loopback destinations. */
  allowForwarding?: boolean;
  /** Response directories in the ntc-templates tests layout, searched before the built-in set. */
  responsesDirs?: string[];
}

export interface LabDeviceInfo {
  name: string;
  platform: string;
  host: string;
  port: number;
  username: string;
  password: string;
  enableSecret?: string;
  fault?: LabFault;
  /** "SHA256:<base64 without padding>", as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** What the prompt shows. */
  hostname: string;
}

export interface Lab {
  devices: LabDeviceInfo[];
  /** Closes every server and connection; idempotent. */
  stop(): Promise<void>;
  /** `name,primary_ip4,platform,site,role,status,port` with a header line. */
  inventoryCsv(): string;
}

export interface LabCountOptions {
  count: number;
  /** Assigned round-robin (default: every platform). */
  platforms?: string[];
  latencyMs?: number;
  jitterMs?: number;
  /** Given to the LAST faults.length devices, in order. */
  faults?: LabFault[];
  username?: string;
  password?: string;
  enableSecret?: string;
  responsesDirs?: string[];
  /** First address (default 127.0.0.2). */
  baseAddress?: string;
  /** Every device listens on this port at its own address (default 0: OS-chosen). */
  port?: number;
  /** All devices on baseAddress, ports port, port+1, … (or OS-chosen). */
  oneAddress?: boolean;
}

export interface LabCommonOptions {
  /** Seeds host keys, jitter and device facts: the same seed gives the same fingerprints. */
  seed?: string;
}

export type StartLabOptions = ({ devices: LabDeviceSpec[]; responsesDirs?: string[] } | LabCountOptions) &
  LabCommonOptions;
