import type { NodeDef } from "node-red";
import { VcError } from "../../lib/core/errors";
import { DEFAULT_HOST_KEY_POLICY, hostKeyPolicyProblem } from "../../lib/core/ssh/host-key-policy";
import type { CollectTimeouts, HostKeyPolicy, RetryPolicy } from "../../lib/core/collect";

/** The vc-collect node's properties as the editor saves them (numbers may arrive as strings). */
export interface VcCollectDef extends NodeDef {
  vault: string;
  commands: string;
  captureType: string;
  credential?: string;
  discovery?: boolean;
  concurrency?: number | string;
  connectTimeout?: number | string;
  commandTimeout?: number | string;
  deviceTimeout?: number | string;
  delay?: number | string;
  jitter?: number | string;
  retries?: number | string;
  hostKeyPolicy?: HostKeyPolicy | "";
  save?: boolean;
  /** Cap on one command's output in MiB; empty: the core's default (32 MiB for configurations, 8 MiB otherwise). */
  maxOutputMiB?: number | string;
  /** Mask secrets in device output by the platform's rules (vault secrets are masked in any case). */
  redact?: boolean;
  keepHistory?: boolean;
  history?: boolean;
  rememberCredentials?: boolean;
  outputDir?: string;
  home?: string;
}

/** The run settings that come from the node's configuration, checked once at deploy. */
export interface NodeRunSettings {
  concurrency: number;
  timeouts: Partial<CollectTimeouts>;
  commandDelayMs: number;
  jitterMs: number;
  retry: Partial<RetryPolicy>;
  hostKeyPolicy: HostKeyPolicy;
  /** Per-command output cap in bytes; undefined: the core picks by the commands (lib/core/collect/excerpt). */
  maxOutputBytes?: number;
}

/** The largest output cap the dialog accepts, in MiB (outputs stream to disk; this only bounds a runaway device). */
export const MAX_OUTPUT_CAP_MIB = 4096;

/** The output cap field: empty for the default, else a positive number of MiB up to MAX_OUTPUT_CAP_MIB. */
export function outputCapBytes(value: unknown): number | undefined {
  if (value === undefined || value === null || String(value).trim() === "") return undefined;
  const n = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n <= 0 || n > MAX_OUTPUT_CAP_MIB)
    throw new VcError(
      "invalid_config",
      `must be a positive number of MiB up to ${MAX_OUTPUT_CAP_MIB} (empty: the default), got ${JSON.stringify(value)}`,
      "vc-collect output cap",
    );
  return Math.max(1, Math.round(n * 1024 * 1024));
}

function number(value: unknown, field: string, dflt: number, min: number, max: number, integer = false): number {
  return optionalNumber(value, field, min, max, integer) ?? dflt;
}

/** An empty field is undefined: the core's default (lib/core/defaults) or the platform's applies. */
function optionalNumber(value: unknown, field: string, min: number, max: number, integer = false): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new VcError(
      "invalid_config",
      `must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got ${JSON.stringify(value)}`,
      `vc-collect ${field}`,
    );
  }
  return n;
}

/** Seconds in the dialog, milliseconds in the core. */
export function settingsFrom(def: VcCollectDef, maxConcurrency: number): NodeRunSettings {
  const connectS = optionalNumber(def.connectTimeout, "connect timeout", 0.1, 3600);
  const commandS = optionalNumber(def.commandTimeout, "command timeout", 0.1, 86_400);
  const deviceS = optionalNumber(def.deviceTimeout, "device timeout", 0.1, 86_400);
  const policy = def.hostKeyPolicy || DEFAULT_HOST_KEY_POLICY;
  const policyProblem = hostKeyPolicyProblem(policy);
  if (policyProblem) throw new VcError("invalid_config", policyProblem, "vc-collect host-key policy");
  return {
    concurrency: number(def.concurrency, "concurrency", 20, 1, maxConcurrency, true),
    timeouts: {
      ...(connectS !== undefined
        ? { connectMs: connectS * 1000, bannerMs: connectS * 1000, authMs: connectS * 1000 }
        : {}),
      ...(commandS !== undefined ? { commandMs: commandS * 1000 } : {}),
      ...(deviceS !== undefined ? { deviceMs: deviceS * 1000 } : {}),
    },
    commandDelayMs: number(def.delay, "delay between commands", 0, 0, 3600) * 1000,
    jitterMs: number(def.jitter, "start jitter", 0.25, 0, 3600) * 1000,
    retry: { retries: number(def.retries, "retries", 2, 0, 10, true) },
    hostKeyPolicy: policy as HostKeyPolicy,
    maxOutputBytes: outputCapBytes(def.maxOutputMiB),
  };
}
