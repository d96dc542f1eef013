import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Device output with planted secrets, served by the lab (a responses directory in the ntc tests
 * layout) for redaction tests: hashes and keys the platform rules must mask, and the clear-text
 * vault passwords that must be masked whatever the redact setting.
 */
export const SECRETS_COMMAND = "show vcsecrets";

export const PLANTED = {
  enableHash: "$1$Pl4n$tedEnableHash0123",
  community: "Pl4nted-Community-RO",
  type7: "0822455D0A16Pl4nted",
  tacacsKey: "Pl4nted-Tacacs-Key",
} as const;

/** The config lines a device prints, with the vault passwords in clear text. */
export function secretsOutput(vaultPasswords: string[]): string {
  return [
    "hostname {{hostname}}",
    `enable secret 5 ${PLANTED.enableHash}`,
    `snmp-server community ${PLANTED.community} RO 10`,
    ...vaultPasswords.map((p, i) => `username netops${i} password 0 ${p}`),
    "line vty 0 4",
    ` password 7 ${PLANTED.type7}`,
    `tacacs-server key ${PLANTED.tacacsKey}`,
    ...Array.from({ length: 30 }, (_, i) => `interface Loopback${i}`),
    "end",
  ].join("\n");
}

export function writeSecretsResponses(dir: string, platforms: string[], vaultPasswords: string[]): string {
  const root = path.join(dir, "secret-responses");
  for (const platform of platforms) {
    const commandDir = path.join(root, platform, SECRETS_COMMAND.replace(/ /g, "_"));
    fs.mkdirSync(commandDir, { recursive: true });
    fs.writeFileSync(path.join(commandDir, "secrets.txt"), secretsOutput(vaultPasswords) + "\n");
  }
  return root;
}
