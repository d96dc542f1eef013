import type { CommandCatalog } from "./catalog";
import type { LabConfigState } from "./config-mode";
import type { DeviceFacts } from "./facts";
import type { PlatformDef } from "./platform";
import type { ResponseLibrary } from "./responses";
import type { Rng } from "./rng";
import type { LabFault } from "./types";

/** Everything a shell or exec session of one device needs, resolved from its spec. */
export interface DeviceBehaviour {
  name: string;
  platform: PlatformDef;
  catalog: CommandCatalog;
  library: ResponseLibrary;
  facts: DeviceFacts;
  rng: Rng;
  enableSecret?: string;
  motd: string;
  latencyMs: number;
  jitterMs: number;
  chunkBytes: number;
  pageLines: number;
  fault?: LabFault;
  faultAfterBytes: number;
  slowMs: number;
  hugeOutputBytes: number;
  /** Configuration changes made in this lab run (configure terminal / set … commit). */
  config: LabConfigState;
}

/** What a session may do to the SSH connection it runs on. */
export interface ConnectionControl {
  /** Cut the TCP connection at once (drop_mid_output). */
  drop(): void;
  /** Close the SSH connection politely (after logout). */
  close(): void;
}

export const DEFAULTS = {
  username: "admin",
  password: "admin",
  chunkBytes: 512,
  faultAfterBytes: 300,
  slowMs: 30_000,
  hugeOutputBytes: 1024 * 1024 * 1024,
} as const;
