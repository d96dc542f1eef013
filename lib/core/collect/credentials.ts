import { VcError } from "../errors";
import type { Credential, CredentialSummary, Device } from "../types";

/** What the runner needs from the vault (lib/core/vault's Vault satisfies it once unlocked). */
export interface CredentialSource {
  /** Throws when the name is unknown. */
  get(name: string): Credential;
  getDefault(): Credential | undefined;
  /** Default first, then the ordered fallback list, no duplicates. */
  fallbackChain(): Credential[];
  list(): CredentialSummary[];
}

/**
 * A credential test's outcome for one device: ok with the credential that worked, or failed with
 * the credentials that were rejected (so the recorder can tell whether the mapped one was among them).
 */
export interface CredentialResult {
  credentialName?: string;
  status: "ok" | "failed";
  rejected?: readonly string[];
  at?: Date;
}

/** Where the credential that worked is remembered (lib/core/inventory's Inventory satisfies it). */
export interface CredentialRecorder {
  setCredentialResult(deviceName: string, result: CredentialResult): void;
  /** Records that a run collected output from the device (the inventory's last_collected_at). */
  setCollectedAt?(deviceName: string, at: Date): void;
}

/** Why a credential is in a device's chain, in the order the chain is built. */
export type ChainSource = "device" | "explicit" | "default" | "discovery";

export interface ChainStep {
  credential: Credential;
  source: ChainSource;
}

export interface ChainOptions {
  /** The job's / node's explicit credential name. */
  explicit?: string;
  /** Try the rest of the vault after the device, explicit and default credentials. */
  discovery?: boolean;
  /**
   * Whether the device's host key was pinned BEFORE this run touched it. Discovery only sprays
   * the other credentials at hosts whose identity is already verified.
   */
  hostPinned?: boolean;
}

export interface Chain {
  steps: ChainStep[];
  /** Problems worth reporting when no step works, e.g. a mapped credential missing from the vault. */
  notes: string[];
}

/**
 * The credential chain of one device: its mapped credential → the explicit credential → the
 * vault default → (discovery on, host key pinned) the other vault credentials in the vault's
 * order (fallback list first, then the rest as listed). Each credential appears once.
 */
export function credentialChain(device: Device, source: CredentialSource, opts: ChainOptions = {}): Chain {
  const steps: ChainStep[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const push = (credential: Credential | undefined, from: ChainSource) => {
    if (!credential || seen.has(credential.name)) return;
    seen.add(credential.name);
    steps.push({ credential, source: from });
  };
  if (device.credentialName) {
    const mapped = lookup(source, device.credentialName);
    if (mapped) push(mapped, "device");
    else notes.push(`the device's credential '${device.credentialName}' is not in the vault`);
  }
  if (opts.explicit) push(source.get(opts.explicit), "explicit");
  push(source.getDefault(), "default");
  if (opts.discovery) {
    if (opts.hostPinned) {
      for (const c of discoveryOrder(source)) push(c, "discovery");
    } else {
      notes.push("discovery skipped: the host key was not pinned before this run");
    }
  }
  return { steps, notes };
}

/** Every vault credential in discovery order: the fallback chain, then the others as listed. */
export function discoveryOrder(source: CredentialSource): Credential[] {
  const out: Credential[] = [];
  const seen = new Set<string>();
  for (const c of source.fallbackChain()) {
    if (!seen.has(c.name)) {
      seen.add(c.name);
      out.push(c);
    }
  }
  for (const s of source.list()) {
    if (seen.has(s.name)) continue;
    const c = lookup(source, s.name);
    if (c) {
      seen.add(c.name);
      out.push(c);
    }
  }
  return out;
}

/**
 * Reads the vault once per run: every device of the run sees the same credentials even if the
 * vault is edited meanwhile, and a 1000-device run does not decrypt each credential 1000 times.
 * Unknown names keep failing the same way as the source.
 */
export function snapshotCredentials(source: CredentialSource): CredentialSource {
  const byName = new Map<string, Credential | Error>();
  let defaultCredential: { value: Credential | undefined } | undefined;
  let chain: Credential[] | undefined;
  let summaries: CredentialSummary[] | undefined;
  return {
    get(name: string): Credential {
      let hit = byName.get(name);
      if (hit === undefined) {
        try {
          hit = source.get(name);
        } catch (err) {
          hit = err instanceof Error ? err : new Error(String(err));
        }
        byName.set(name, hit);
      }
      if (hit instanceof Error) throw hit;
      return hit;
    },
    getDefault: () => (defaultCredential ??= { value: source.getDefault() }).value,
    fallbackChain: () => (chain ??= source.fallbackChain()).slice(),
    list: () => (summaries ??= source.list()).slice(),
  };
}

/** Checks an explicit credential name up front, so a typo fails the run before any login. */
export function requireCredential(source: CredentialSource, name: string, where: string): Credential {
  const c = lookup(source, name);
  if (!c)
    throw new VcError(
      "no_credential",
      `credential '${name}' is not in the vault (known: ${
        source
          .list()
          .map((s) => s.name)
          .join(", ") || "none"
      })`,
      where,
    );
  return c;
}

function lookup(source: CredentialSource, name: string): Credential | undefined {
  try {
    return source.get(name);
  } catch {
    return undefined;
  }
}

/** The secret strings of a credential, for redaction. */
export function secretsOf(c: Credential): string[] {
  return [c.password, c.privateKey, c.privateKeyPassphrase, c.enableSecret].filter(
    (s): s is string => typeof s === "string" && s.length >= 3,
  );
}

/** Replaces occurrences of any secret by "***" (defence in depth for device-supplied text); lib/core/ssh's rule. */
export { redact } from "../ssh/errors";
