/**
 * Shapes shared across core modules. Inventory produces Devices; the vault produces Credentials;
 * the collection runner takes both; parse and export take DeviceResults.
 */
import type { SESSION_ERROR_CLASSES } from "./error-classes";

/** A network device as every consumer sees it, whatever inventory it came from. */
export interface Device {
  /** Inventory row id when the device comes from the SQLite inventory. */
  id?: number;
  /** Unique device name (hostname); used in capture file names. */
  name: string;
  /** Management address (IPv4/IPv6, or a DNS name), without prefix length. */
  host: string;
  /** SSH port (default 22). */
  port: number;
  /** netmiko / ntc-templates platform name, e.g. "cisco_ios". */
  platform: string;
  site?: string;
  role?: string;
  manufacturer?: string;
  /** NetBox-style status: active, planned, staged, failed, offline, decommissioning, inventory. */
  status?: string;
  tags?: string[];
  /** Name of the vault credential mapped to this device (never the secret itself). */
  credentialName?: string;
  /** Result of the last credential test: "ok" | "failed" | "untested". */
  credentialStatus?: "ok" | "failed" | "untested";
  credentialTestedAt?: string;
  /** Free-form extra attributes (NetBox custom fields, CSV extra columns). */
  extra?: Record<string, unknown>;
}

/** A credential's name, login and secrets: what the vault stores, adds and backs up. */
export interface CredentialFields {
  name: string;
  username: string;
  password?: string;
  /** PEM/OpenSSH private key text. */
  privateKey?: string;
  privateKeyPassphrase?: string;
  enableSecret?: string;
}

/** A decrypted credential, held only in memory while the vault is unlocked. */
export interface Credential extends CredentialFields {
  id: number;
}

/** What a credential looks like when listed: never any secret. */
export interface CredentialSummary {
  id: number;
  name: string;
  username: string;
  kind: "password" | "key" | "key+password";
  hasEnableSecret: boolean;
  isDefault: boolean;
  /** Position in the fallback order (0 = first), or null when not in the fallback list. */
  fallbackPosition: number | null;
  createdAt: string;
  updatedAt: string;
}

/** Stable error classes reported per device and per command. */
export type SessionErrorClass = (typeof SESSION_ERROR_CLASSES)[number];

/** One command's outcome on one device, as the collection runner reports it. */
export interface CommandResult {
  command: string;
  /** Clean output: no echo, pager residue, backspaces or trailing prompt. Partial on error. */
  output: string;
  status: "ok" | "error";
  errorClass?: SessionErrorClass;
  error?: string;
  durationMs: number;
  /**
   * Set when `output` is only the beginning of what the device printed (the whole output is in
   * the capture file, see DeviceResult.capturePaths): big outputs are not kept in memory.
   */
  outputTruncated?: boolean;
  /** Size of the whole output in bytes (UTF-8), when `output` was truncated. */
  outputBytes?: number;
}

/** One device's outcome in a collection run (vc-collect output 1, one message per device). */
export interface DeviceResult {
  runId?: string;
  device: Device;
  captureType?: string;
  status: "ok" | "failed" | "partial";
  errorClass?: SessionErrorClass;
  error?: string;
  /** Name of the vault credential that worked (never the secret). */
  credentialName?: string;
  commands: CommandResult[];
  capturePaths: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The job's validation gate, when the run had one: score, template and record count. */
  validation?: OutputValidation;
}

/** What a job's validation gate found in one device's output (lowest-scoring command). */
export interface OutputValidation {
  valid: boolean;
  /** 0..1, the auto-detect score of the chosen template's parse. */
  score: number;
  minScore: number;
  /** Template file stem, or null when no template fits. */
  template: string | null;
  recordCount: number;
  /** Why the output is not valid (absent when valid). */
  reason?: string;
  /** The output was stored although not valid (store_failures / force-save). */
  stored?: boolean;
}

export type ParseStatus = "ok" | "no_template" | "parse_error" | "zero_records";

/** Parsed records of one command output (what vc-textfsm adds and vc-export consumes). */
export interface ParsedResult {
  device: string;
  platform?: string;
  command: string;
  /** Template file name(s) used, e.g. ["cisco_ios_show_version.textfsm"]. */
  templates: string[];
  status: ParseStatus;
  records: Record<string, unknown>[];
  recordCount: number;
  /** Auto-detect score (0..1) when the template was chosen by detection. */
  score?: number;
  error?: string;
  collectedAt?: string;
}
