/**
 * Redaction benchmark: a 5 MiB configuration-like output (interfaces, with secrets every few
 * dozen lines) redacted with each collectable platform's rules plus two vault secrets, and with
 * the vault secrets only (what a run without --redact pays). Prints MiB/s; no target.
 *   npm run bench -- redact
 */
import { loadCatalogue } from "../lib/core/platforms";
import { makeRedactor } from "../lib/core/redact";

const BYTES = 5 * 1024 * 1024;
const RUNS = 3;
const VAULT_SECRETS = ["Bench-Vault-Pass-5e1d", "admin"];

function configText(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < BYTES; i++) {
    const line =
      i % 50 === 0
        ? ` password 7 0822455D0A16${i}`
        : i % 37 === 0
          ? `snmp-server community Comm${i} RO 10`
          : i % 4 === 0
            ? `interface GigabitEthernet${i % 4}/0/${i % 48}`
            : ` ip address 10.${i % 250}.${(i >> 8) % 250}.1 255.255.255.0`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

function best(fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
}

const text = configText();
const mib = text.length / 1048576;
console.log(`${mib.toFixed(1)} MiB of output, best of ${RUNS} runs`);
for (const record of loadCatalogue()
  .list()
  .filter((r) => r.session)) {
  const redact = makeRedactor({ platform: record.name, vaultSecrets: VAULT_SECRETS });
  const ms = best(() => redact(text));
  console.log(`  ${record.name.padEnd(16)} ${ms.toFixed(0).padStart(5)} ms  ${(mib / (ms / 1000)).toFixed(0)} MiB/s`);
}
const vaultOnly = makeRedactor({ platform: "cisco_ios", rules: false, vaultSecrets: VAULT_SECRETS });
const ms = best(() => vaultOnly(text));
console.log(`  vault secrets only ${ms.toFixed(0).padStart(5)} ms  ${(mib / (ms / 1000)).toFixed(0)} MiB/s`);
