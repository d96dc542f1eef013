import { redactionRules, type RuleOptions } from "../platforms";
import { OUTPUT_SECRET_MIN_LENGTH, applyRules, maskSecrets } from "../redact";
import { LineStreamRedactor } from "./stream-redaction";
import { discoveryOrder, secretsOf, type CredentialSource } from "./credentials";

/** What a run decides about redaction (CollectRequest.redact / platforms, and the vault's secrets). */
export interface RunRedaction {
  /** Apply the platform's secret rules to every output (off for raw config backups). */
  redact: boolean;
  /** User platform records and rules (a data home's platforms/ and platforms.yaml). */
  platforms?: RuleOptions;
  /** Every secret of the unlocked vault: masked wherever it appears, whatever `redact` says. */
  vaultSecrets: readonly string[];
}

/** How one device's texts are cleaned before they are saved, reported or sent on. */
export interface DeviceRedactor {
  /**
   * A command's output: vault secrets (of at least OUTPUT_SECRET_MIN_LENGTH characters) always;
   * the platform's rules when the run redacts or the output is partial.
   */
  output(text: string, partial?: boolean): string;
  /** The same as `output` for an output read line by line as it arrives (see LineStreamRedactor). */
  stream(): LineStreamRedactor;
  /** An error message (may quote device output): the platform's rules and the vault secrets, always. */
  message(text: string): string;
}

/** Every secret the vault can give (passwords, keys, passphrases, enable secrets), read once per run. */
export function vaultSecretsOf(source: CredentialSource): string[] {
  return [...new Set(discoveryOrder(source).flatMap(secretsOf))];
}

export function deviceRedactor(
  platform: string,
  run: RunRedaction,
  deviceSecrets: readonly string[] = [],
): DeviceRedactor {
  const rules = redactionRules(platform, run.platforms);
  const secrets = [...new Set([...deviceSecrets, ...run.vaultSecrets])];
  const outputSecrets = secrets.filter((s) => s.length >= OUTPUT_SECRET_MIN_LENGTH);
  return {
    output: (text, partial = false) =>
      maskSecrets(run.redact || partial ? applyRules(text, rules) : text, outputSecrets),
    stream: () => new LineStreamRedactor(run.redact ? rules : [], outputSecrets),
    message: (text) => maskSecrets(applyRules(text, rules), secrets),
  };
}
