// npm run bench -- vault: what the vault costs a collection run.
// Prints: key derivation (unlock) at the default 600k iterations, sync and on the thread pool;
// adding credentials; get() and fallbackChain() throughput on a 500-credential vault (what a
// 10,000-device run asks for); an atomic master-password change of 500 credentials.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Vault } from "../lib/core/vault";

const COUNT = 500;
const MASTER = "bench-master-password";

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-vault-"));
  try {
    const file = path.join(dir, "vault.db");
    let t = process.hrtime.bigint();
    const vault = Vault.create(file, MASTER);
    console.log(`create (600,000 iterations):            ${ms(t).toFixed(0)} ms`);

    t = process.hrtime.bigint();
    for (let i = 0; i < COUNT; i++) {
      vault.add({
        name: `cred-${i}`,
        username: `user-${i}`,
        password: `password-${i}`,
        enableSecret: `enable-${i}`,
        isDefault: i === 0,
      });
    }
    const addMs = ms(t);
    console.log(
      `add ${COUNT} credentials:                   ${addMs.toFixed(0)} ms (${(addMs / COUNT).toFixed(2)} ms each)`,
    );
    vault.setFallbackOrder(Array.from({ length: 20 }, (_, i) => `cred-${i * 7 + 1}`));
    vault.close();

    const reopened = Vault.open(file);
    t = process.hrtime.bigint();
    reopened.unlock(MASTER);
    console.log(`unlock, sync (600,000 iterations):      ${ms(t).toFixed(0)} ms`);
    reopened.lock();
    t = process.hrtime.bigint();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await reopened.unlockAsync(MASTER);
    clearInterval(ticker);
    console.log(
      `unlock, thread pool:                    ${ms(t).toFixed(0)} ms (event loop ticked ${ticks}x meanwhile)`,
    );

    const GETS = 10_000;
    t = process.hrtime.bigint();
    for (let i = 0; i < GETS; i++) reopened.get(`cred-${i % COUNT}`);
    const getMs = ms(t);
    console.log(
      `get() x ${GETS} on ${COUNT} credentials:       ${getMs.toFixed(0)} ms (${((GETS / getMs) * 1000).toFixed(0)} /s)`,
    );

    const CHAINS = 1_000;
    t = process.hrtime.bigint();
    for (let i = 0; i < CHAINS; i++) reopened.fallbackChain();
    const chainMs = ms(t);
    console.log(
      `fallbackChain() (21 creds) x ${CHAINS}:     ${chainMs.toFixed(0)} ms (${(chainMs / CHAINS).toFixed(3)} ms each)`,
    );

    t = process.hrtime.bigint();
    reopened.changePassword("bench-new-master-password");
    console.log(`passwd, ${COUNT} credentials re-encrypted:   ${ms(t).toFixed(0)} ms (incl. one 600k derivation)`);
    reopened.close();
    console.log(`vault file: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB for ${COUNT} credentials`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
