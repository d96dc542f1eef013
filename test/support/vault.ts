import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Vault, type CredentialInput } from "../../lib/core/vault";

/**
 * Test helpers for anything that needs a real vault file: collection, discovery, node flows.
 * Vaults made here use a LOW PBKDF2 iteration count (TEST_VAULT_ITERATIONS) so each test pays
 * milliseconds, not half a second; production vaults never do (the option is explicit).
 */

export const TEST_VAULT_PASSWORD = "test-master-password-7c1e";
export const TEST_VAULT_ITERATIONS = 1_000;

export interface TestVault {
  /** Path of the vault file. */
  file: string;
  password: string;
  /** `{ VCOLLECTOR_VAULT_PASS: password }`, to spread into a child process's env or unlockFromEnv. */
  env: { VCOLLECTOR_VAULT_PASS: string };
  /** Opens the file and unlocks it (the caller closes it). */
  open(): Vault;
}

export interface MakeVaultOptions {
  /** File name inside `dir` (default vault.db) or an absolute path. */
  file?: string;
  password?: string;
  iterations?: number;
  /** Name of the default credential (alternatively set `isDefault` on one credential). */
  defaultName?: string;
  /** Ordered fallback list. */
  fallback?: string[];
}

/** Creates a vault file in `dir` holding `creds`, closes it, and says how to open it. */
export function makeVault(dir: string, creds: CredentialInput[], opts: MakeVaultOptions = {}): TestVault {
  const file = path.resolve(dir, opts.file ?? "vault.db");
  const password = opts.password ?? TEST_VAULT_PASSWORD;
  const vault = Vault.create(file, password, { iterations: opts.iterations ?? TEST_VAULT_ITERATIONS });
  try {
    for (const c of creds) vault.add(c);
    if (opts.defaultName !== undefined) vault.setDefault(opts.defaultName);
    if (opts.fallback !== undefined) vault.setFallbackOrder(opts.fallback);
  } finally {
    vault.close();
  }
  return {
    file,
    password,
    env: { VCOLLECTOR_VAULT_PASS: password },
    open: () => {
      const v = Vault.open(file);
      v.unlock(password);
      return v;
    },
  };
}

/**
 * A vc-vault-config node for helper.load() flows, with its master password as the node's
 * credential: `const vc = vaultConfigNode(file, password); helper.load(nodes, [vc.node, ...], vc.credentials)`.
 */
export function vaultConfigNode(
  file: string,
  password: string,
  id = "vault1",
): {
  node: { id: string; type: "vc-vault-config"; name: string; vaultFile: string; home: string };
  credentials: Record<string, { masterPassword: string }>;
} {
  return {
    node: { id, type: "vc-vault-config", name: "test vault", vaultFile: file, home: "" },
    credentials: { [id]: { masterPassword: password } },
  };
}

/** A VelocityCollector credential, as its own resolver stores it. */
export interface VelocityCollectorCredential {
  name: string;
  username: string;
  password?: string;
  sshKey?: string;
  sshKeyPassphrase?: string;
  isDefault?: boolean;
}

export const PYTHON = "/usr/bin/python3";
const VC_FIXTURE_SCRIPT = path.join(__dirname, "vault-vc-fixture.py");

/**
 * Builds a VelocityCollector collector.db at `file` with VelocityCollector's own algorithm
 * (salt + 100k-iteration verifier in vault_metadata, PBKDF2 480k key, one Fernet token per
 * secret, made by Python's `cryptography`). Secrets travel to Python on stdin, never in argv.
 * Takes about a second (the 480k derivation in Python).
 */
export function makeVelocityCollectorVault(
  file: string,
  masterPassword: string,
  creds: VelocityCollectorCredential[],
): void {
  const r = spawnSync(PYTHON, [VC_FIXTURE_SCRIPT], {
    input: JSON.stringify({ file, password: masterPassword, credentials: creds }),
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0)
    throw new Error(
      `building the VelocityCollector fixture failed (exit ${r.status}): ${r.stderr || r.error?.message}`,
    );
}
