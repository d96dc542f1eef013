import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CredentialSummary } from "../../lib/core/types";
import { Vault } from "../../lib/core/vault";
import { CLI, runCli, type CliResult } from "../support/cli";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { useTmpDir } from "../support/tmp";
import { PYTHON, makeVelocityCollectorVault } from "../support/vault";
import { PLANTED, allSecrets, encryptedKey } from "../core/vault/helpers";

// Every CLI invocation's stdout and stderr is scanned for the planted secrets; so are the data
// home's files at the end of each test. Vaults are created with --iterations 100000 (the CLI's
// floor) for speed, except where a test says otherwise.
const ITER = ["--iterations", "100000"];
const BACKUP_PASS = "PLANTED-cli-backup-61f2";
const NEW_MASTER = "PLANTED-cli-newmaster-0c3d";
const VC_MASTER = "PLANTED-cli-vcmaster-93e1";

describe("vcollector vault", function () {
  this.timeout(120000);
  const tmp = useTmpDir("vc-cli-vault-");
  let key: string;
  let outputs: string[];
  let home: string;
  let secrets: string[];

  before(() => {
    key = encryptedKey();
    secrets = [...allSecrets(key), BACKUP_PASS, NEW_MASTER, VC_MASTER];
  });

  beforeEach(() => {
    outputs = [];
    home = path.join(tmp.path, "home");
  });

  afterEach(function () {
    if (this.currentTest?.state !== "passed") return;
    assert.deepStrictEqual(findSecretsInText(outputs.join("\n"), secrets), [], "a secret reached stdout/stderr");
    if (fs.existsSync(home))
      assert.deepStrictEqual(
        findSecretsInDir(
          home,
          secrets.filter((s) => s !== BACKUP_PASS),
        ),
        [],
      );
  });

  /** Runs vcollector with the test's home; the master password comes from env unless overridden. */
  async function vc(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
    const r = await runCli(args, {
      env: { VCOLLECTOR_HOME: home, VCOLLECTOR_VAULT_PASS: PLANTED.master, ...opts.env },
      input: opts.input,
    });
    outputs.push(r.stdout, r.stderr);
    return r;
  }

  async function ok(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
    const r = await vc(args, opts);
    assert.strictEqual(r.code, 0, `vcollector ${args.join(" ")} failed: ${r.stderr}`);
    return r;
  }

  async function list(): Promise<CredentialSummary[]> {
    return JSON.parse((await ok(["vault", "list", "--json"])).stdout) as CredentialSummary[];
  }

  function file(name: string, content: string): string {
    const p = path.join(tmp.path, name);
    fs.writeFileSync(p, content, { mode: 0o600 });
    return p;
  }

  function vaultFile(): string {
    return path.join(home, "vault.db");
  }

  /** A vault with the three sample credentials, made through the CLI. */
  async function sampleVault(): Promise<void> {
    await ok(["vault", "init", ...ITER]);
    await ok(
      [
        "vault",
        "add",
        "lab",
        "--username",
        "admin",
        "--password-stdin",
        "--enable-file",
        file("en.txt", PLANTED.enable + "\n"),
        "--default",
      ],
      { input: PLANTED.password + "\n" },
    );
    await ok([
      "vault",
      "add",
      "keyed",
      "--username",
      "netops",
      "--key-file",
      file("id_ed25519", key),
      "--key-passphrase-file",
      file("kp.txt", PLANTED.passphrase + "\n"),
    ]);
    await ok([
      "vault",
      "add",
      "legacy",
      "--username",
      "cisco",
      "--password-file",
      file("pw.txt", PLANTED.password2 + "\n"),
      "--fallback",
    ]);
  }

  function openVault(password = PLANTED.master): Vault {
    const v = Vault.open(vaultFile());
    v.unlock(password);
    return v;
  }

  it("init creates an owner-only vault in the data home (password from VCOLLECTOR_VAULT_PASS) and refuses to overwrite it", async () => {
    const r = await ok(["vault", "init", ...ITER]);
    assert.match(r.stdout, /created vault .*vault\.db \(PBKDF2-SHA256, 100000 iterations\)/);
    assert.match(r.stderr, /below the recommended 600000/);
    assert.strictEqual(fs.statSync(vaultFile()).mode & 0o077, 0);
    assert.strictEqual(fs.statSync(home).mode & 0o077, 0);
    const again = await vc(["vault", "init", ...ITER]);
    assert.strictEqual(again.code, 1);
    assert.match(again.stderr, /refusing to overwrite/);
  });

  it("init at the default cost reads the password from stdin when no terminal and no env", async () => {
    const r = await ok(["vault", "init"], { env: { VCOLLECTOR_VAULT_PASS: "" }, input: PLANTED.master + "\n" });
    assert.match(r.stdout, /600000 iterations/);
    const v = openVault();
    assert.strictEqual(v.iterations, 600000);
    v.close();
  });

  it("init refuses an iteration count below the floor, a short password, and stray arguments (usage: exit 2 or 1)", async () => {
    assert.strictEqual((await vc(["vault", "init", "--iterations", "5000"])).code, 2);
    assert.strictEqual((await vc(["vault", "init", "--iterations", "lots"])).code, 2);
    assert.strictEqual((await vc(["vault", "init", "extra"])).code, 2);
    const short = await vc(["vault", "init", ...ITER], { env: { VCOLLECTOR_VAULT_PASS: "short" } });
    assert.strictEqual(short.code, 1);
    assert.match(short.stderr, /at least 8 characters/);
    assert.ok(!fs.existsSync(vaultFile()));
  });

  it("add stores password, key+passphrase and enable secrets from stdin and files; list shows no secret", async () => {
    await sampleVault();
    const text = (await ok(["vault", "list"])).stdout;
    assert.match(text, /^NAME\s+USERNAME\s+KIND\s+ENABLE\s+DEFAULT\s+FALLBACK$/m);
    assert.match(text, /^lab\s+admin\s+password\s+yes\s+\*$/m);
    assert.match(text, /^keyed\s+netops\s+key\s+no$/m);
    assert.match(text, /^legacy\s+cisco\s+password\s+no\s+1$/m);
    const v = openVault();
    assert.strictEqual(v.get("lab").password, PLANTED.password);
    assert.strictEqual(v.get("lab").enableSecret, PLANTED.enable);
    assert.strictEqual(v.get("keyed").privateKey, key);
    assert.strictEqual(v.get("keyed").privateKeyPassphrase, PLANTED.passphrase);
    assert.strictEqual(v.get("legacy").password, PLANTED.password2);
    v.close();
  });

  it("add reads master password then credential password as successive stdin lines", async () => {
    await ok(["vault", "init", ...ITER]);
    await ok(["vault", "add", "piped", "--username", "u", "--password-stdin"], {
      env: { VCOLLECTOR_VAULT_PASS: "" },
      input: `${PLANTED.master}\n${PLANTED.password}\n`,
    });
    await ok(["vault", "add", "prompted", "--username", "u"], { input: `${PLANTED.password2}\n` });
    const v = openVault();
    assert.strictEqual(v.get("piped").password, PLANTED.password);
    assert.strictEqual(v.get("prompted").password, PLANTED.password2);
    v.close();
  });

  it("never takes a secret as an argument: --password <value> is a usage error that does not echo the value", async () => {
    await ok(["vault", "init", ...ITER]);
    for (const args of [
      ["--password", PLANTED.password],
      [`--password=${PLANTED.password}`],
      ["--enable-secret", PLANTED.enable],
    ]) {
      const r = await vc(["vault", "add", "x", "--username", "u", ...args]);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /secrets are never taken as command-line arguments/);
    }
    assert.deepStrictEqual(await list(), []);
  });

  it("add errors: missing username (2), duplicate name (1), unreadable file (1), bad key (1); nothing added", async () => {
    await sampleVault();
    assert.strictEqual((await vc(["vault", "add", "x", "--password-stdin"], { input: "p\n" })).code, 2);
    const dup = await vc(["vault", "add", "lab", "--username", "u", "--password-stdin"], { input: "another-pw\n" });
    assert.strictEqual(dup.code, 1);
    assert.match(dup.stderr, /'lab' already exists/);
    const missing = await vc([
      "vault",
      "add",
      "x",
      "--username",
      "u",
      "--password-file",
      path.join(tmp.path, "nope.txt"),
    ]);
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stderr, /nope\.txt: cannot read the password file \(no such file\)/);
    const badKey = await vc([
      "vault",
      "add",
      "x",
      "--username",
      "u",
      "--key-file",
      file("bad.key", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"),
    ]);
    assert.strictEqual(badKey.code, 1);
    assert.match(badKey.stderr, /credential 'x': private key cannot be read/);
    const noPass = await vc(["vault", "add", "x", "--username", "u", "--key-file", path.join(tmp.path, "id_ed25519")]);
    assert.strictEqual(noPass.code, 1);
    assert.match(noPass.stderr, /passphrase is needed/);
    assert.deepStrictEqual(
      (await list()).map((s) => s.name),
      ["keyed", "lab", "legacy"],
    );
  });

  it("edit keeps the id through a rename and changes only what is given", async () => {
    await sampleVault();
    const before = (await list()).find((s) => s.name === "legacy")!;
    const r = await ok(
      ["vault", "edit", "legacy", "--rename", "legacy-ios", "--username", "cisco2", "--password-stdin"],
      { input: `${NEW_MASTER}x\n` },
    );
    assert.match(r.stdout, /updated credential 'legacy-ios' \(id \d+, user cisco2/);
    const after = (await list()).find((s) => s.name === "legacy-ios")!;
    assert.strictEqual(after.id, before.id);
    assert.strictEqual(after.fallbackPosition, 0);
    await ok(["vault", "edit", "lab", "--no-enable", "--no-default"]);
    const lab = (await list()).find((s) => s.name === "lab")!;
    assert.deepStrictEqual([lab.hasEnableSecret, lab.isDefault], [false, false]);
    const v = openVault();
    assert.strictEqual(v.get("legacy-ios").password, `${NEW_MASTER}x`);
    assert.strictEqual(v.get("lab").password, PLANTED.password);
    v.close();
    assert.strictEqual((await vc(["vault", "edit", "lab"])).code, 2, "nothing to change");
    const clash = await vc(["vault", "edit", "lab", "--no-password"]);
    assert.strictEqual(clash.code, 1);
    assert.match(clash.stderr, /needs a password or a private key/);
  });

  it("rm removes a credential; an unknown name fails with exit 1", async () => {
    await sampleVault();
    assert.match((await ok(["vault", "rm", "legacy"])).stdout, /removed credential 'legacy'/);
    assert.deepStrictEqual(
      (await list()).map((s) => s.name),
      ["keyed", "lab"],
    );
    const r = await vc(["vault", "rm", "legacy"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /no credential named 'legacy'/);
  });

  it("set-default with an unknown name errors and changes nothing; a known one moves the default", async () => {
    await sampleVault();
    const bytes = fs.readFileSync(vaultFile());
    const r = await vc(["vault", "set-default", "lab-typo"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /no credential named 'lab-typo'/);
    assert.deepStrictEqual(fs.readFileSync(vaultFile()), bytes);
    assert.strictEqual((await list()).find((s) => s.isDefault)?.name, "lab");
    await ok(["vault", "set-default", "keyed"]);
    assert.strictEqual((await list()).find((s) => s.isDefault)?.name, "keyed");
  });

  it("fallback sets the order, refuses unknown names, and --clear empties it", async () => {
    await sampleVault();
    await ok(["vault", "fallback", "keyed", "legacy"]);
    assert.deepStrictEqual(
      (await list()).map((s) => [s.name, s.fallbackPosition]),
      [
        ["keyed", 0],
        ["lab", null],
        ["legacy", 1],
      ],
    );
    assert.strictEqual((await vc(["vault", "fallback", "keyed", "ghost"])).code, 1);
    assert.strictEqual((await vc(["vault", "fallback"])).code, 2);
    await ok(["vault", "fallback", "--clear"]);
    assert.ok((await list()).every((s) => s.fallbackPosition === null));
  });

  it("list works without the password (plain listing); with a wrong VCOLLECTOR_VAULT_PASS it fails clearly", async () => {
    await sampleVault();
    const plain = await ok(["vault", "list", "--json"], { env: { VCOLLECTOR_VAULT_PASS: "" } });
    assert.strictEqual((JSON.parse(plain.stdout) as unknown[]).length, 3);
    const wrong = await vc(["vault", "list"], { env: { VCOLLECTOR_VAULT_PASS: "not-the-master-pw" } });
    assert.strictEqual(wrong.code, 1);
    assert.match(wrong.stderr, /^vcollector: .*vault\.db: wrong master password\n$/);
  });

  it("errors name the problem: wrong password, missing vault, damaged file, tampered token", async () => {
    const missing = await vc(["vault", "list"]);
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stderr, /vault\.db: no vault file here \(create one with 'vcollector vault init'\)/);
    await sampleVault();
    const wrong = await vc(["vault", "add", "x", "--username", "u", "--password-stdin"], {
      env: { VCOLLECTOR_VAULT_PASS: "wrong-master-pw" },
      input: "p\n",
    });
    assert.strictEqual(wrong.code, 1);
    assert.match(wrong.stderr, /wrong master password/);
    const v = Vault.open(vaultFile());
    v.close();
    const Database = require("better-sqlite3") as typeof import("better-sqlite3");
    const db = new Database(vaultFile());
    const t = (db.prepare("SELECT secret_token AS t FROM credentials WHERE name = 'lab'").get() as { t: string }).t;
    db.prepare("UPDATE credentials SET secret_token = ? WHERE name = 'lab'").run(
      t.slice(0, 70) + (t[70] === "A" ? "B" : "A") + t.slice(71),
    );
    db.close();
    const tampered = await vc(["vault", "list"]);
    assert.strictEqual(tampered.code, 1);
    assert.match(tampered.stderr, /credential 'lab' \(id 1\) was modified outside vcollector/);
    const junk = path.join(tmp.path, "junk.db");
    fs.writeFileSync(junk, Buffer.alloc(2048, 7));
    const damaged = await vc(["vault", "list", "--vault", junk]);
    assert.strictEqual(damaged.code, 1);
    assert.match(damaged.stderr, /junk\.db: the vault file is damaged or not a SQLite database/);
    for (const r of [missing, wrong, tampered, damaged])
      assert.strictEqual(r.stderr.trim().split("\n").length, 1, "one line on stderr");
  });

  it("passwd re-encrypts under a new password (from VCOLLECTOR_NEW_VAULT_PASS, a file, or stdin lines)", async () => {
    await sampleVault();
    const r = await ok(["vault", "passwd", ...ITER], { env: { VCOLLECTOR_NEW_VAULT_PASS: NEW_MASTER } });
    assert.match(r.stdout, /master password changed/);
    assert.strictEqual((await vc(["vault", "list"])).code, 1, "the old password no longer opens it");
    await ok(["vault", "passwd", ...ITER, "--new-password-file", file("newpw.txt", `${NEW_MASTER}-2\n`)], {
      env: { VCOLLECTOR_VAULT_PASS: NEW_MASTER },
    });
    await ok(["vault", "passwd", ...ITER], {
      env: { VCOLLECTOR_VAULT_PASS: "" },
      input: `${NEW_MASTER}-2\n${PLANTED.master}\n`,
    });
    const v = openVault();
    assert.strictEqual(v.get("keyed").privateKeyPassphrase, PLANTED.passphrase);
    assert.strictEqual(v.get("lab").password, PLANTED.password);
    v.close();
  });

  it("export and import: an encrypted backup restores into a new vault; a wrong backup password fails", async () => {
    await sampleVault();
    const backup = path.join(tmp.path, "backup.json");
    const exp = await ok(["vault", "export", backup], { env: { VCOLLECTOR_BACKUP_PASS: BACKUP_PASS } });
    assert.match(exp.stdout, /exported 3 credential\(s\)/);
    assert.deepStrictEqual(findSecretsInText(fs.readFileSync(backup, "latin1"), secrets), []);
    assert.strictEqual(
      (await vc(["vault", "export", backup], { env: { VCOLLECTOR_BACKUP_PASS: BACKUP_PASS } })).code,
      1,
      "refuses to overwrite",
    );
    await ok(["vault", "export", backup, "--force", "--backup-password-file", file("bp.txt", BACKUP_PASS + "\n")]);
    const other = path.join(tmp.path, "other.db");
    await ok(["vault", "init", ...ITER, "--vault", other]);
    const wrong = await vc(["vault", "import", backup, "--vault", other], {
      env: { VCOLLECTOR_BACKUP_PASS: "wrong-backup-pw" },
    });
    assert.strictEqual(wrong.code, 1);
    assert.match(wrong.stderr, /wrong backup password/);
    const imp = await ok(["vault", "import", backup, "--vault", other], {
      env: { VCOLLECTOR_BACKUP_PASS: BACKUP_PASS },
    });
    assert.match(imp.stdout, /imported 3: /);
    assert.match(imp.stdout, /default credential is now 'lab'/);
    const again = await ok(["vault", "import", backup, "--vault", other], {
      env: { VCOLLECTOR_BACKUP_PASS: BACKUP_PASS },
    });
    assert.match(again.stdout, /skipped 'lab': a credential with this name already exists/);
    const v = Vault.open(other);
    v.unlock(PLANTED.master);
    assert.strictEqual(v.get("keyed").privateKey, key);
    assert.deepStrictEqual(v.fallbackChainNames(), ["lab", "legacy"]);
    v.close();
  });

  it("import-vc imports a VelocityCollector collector.db (old password from VCOLLECTOR_IMPORT_PASS or stdin)", async () => {
    const collectorDb = path.join(tmp.path, "collector.db");
    makeVelocityCollectorVault(collectorDb, VC_MASTER, [
      { name: "vc-lab", username: "admin", password: PLANTED.password, isDefault: true },
      { name: "vc-keyed", username: "netops", sshKey: key, sshKeyPassphrase: PLANTED.passphrase },
    ]);
    await ok(["vault", "init", ...ITER]);
    const wrong = await vc(["vault", "import-vc", collectorDb], {
      env: { VCOLLECTOR_IMPORT_PASS: "wrong-old-master" },
    });
    assert.strictEqual(wrong.code, 1);
    assert.match(wrong.stderr, /collector\.db: wrong master password for this VelocityCollector vault/);
    const r = await ok(["vault", "import-vc", collectorDb], { env: { VCOLLECTOR_IMPORT_PASS: VC_MASTER } });
    assert.match(r.stdout, /2 credential\(s\) found/);
    assert.match(r.stdout, /imported 2: vc-lab, vc-keyed/);
    assert.match(r.stdout, /default credential is now 'vc-lab'/);
    const viaStdin = await ok(["vault", "import-vc", collectorDb, "--replace"], {
      env: { VCOLLECTOR_VAULT_PASS: "" },
      input: `${PLANTED.master}\n${VC_MASTER}\n`,
    });
    assert.match(viaStdin.stdout, /replaced 2: vc-lab, vc-keyed/);
    const v = openVault();
    assert.strictEqual(v.get("vc-keyed").privateKeyPassphrase, PLANTED.passphrase);
    assert.strictEqual(v.getDefault()?.password, PLANTED.password);
    v.close();
  });

  it("unknown subcommands and options are usage errors (exit 2); --help documents the secret rules", async () => {
    assert.strictEqual((await vc(["vault"])).code, 2);
    assert.strictEqual((await vc(["vault", "frob"])).code, 2);
    assert.strictEqual((await vc(["vault", "list", "--bogus"])).code, 2);
    const help = await ok(["vault", "--help"]);
    for (const sub of [
      "init",
      "add",
      "edit",
      "rm",
      "list",
      "set-default",
      "fallback",
      "passwd",
      "export",
      "import",
      "import-vc",
    ]) {
      assert.match(help.stdout, new RegExp(`^  ${sub} `, "m"), sub);
    }
    assert.match(help.stdout, /never command-line arguments/);
  });

  it("the hidden prompt echoes nothing on a real terminal (pty)", async () => {
    // Python's pty drives the CLI like a person at a terminal: it waits for each new prompt,
    // types the answer at once, and records everything the terminal shows.
    const script = [
      "import os, pty, sys, json, time, select",
      "spec = json.load(sys.stdin)",
      "pid, fd = pty.fork()",
      "if pid == 0:",
      "    os.environ.update(spec['env'])",
      "    os.execv(spec['node'], [spec['node'], spec['cli']] + spec['args'])",
      "out = b''",
      "answered_at = 0",
      "answers = [a.encode() for a in spec['answers']]",
      "deadline = time.time() + 30",
      "while time.time() < deadline:",
      "    r, _, _ = select.select([fd], [], [], 0.2)",
      "    if r:",
      "        try:",
      "            chunk = os.read(fd, 4096)",
      "        except OSError:",
      "            break",
      "        if not chunk:",
      "            break",
      "        out += chunk",
      "        if answers and out[answered_at:].endswith(b': '):",
      "            os.write(fd, answers.pop(0) + b'\\r')",
      "            answered_at = len(out)",
      "_, status = os.waitpid(pid, 0)",
      "print(json.dumps({'output': out.decode('utf-8', 'replace'), 'code': os.waitstatus_to_exitcode(status)}))",
    ].join("\n");
    const env = { VCOLLECTOR_HOME: home, VCOLLECTOR_VAULT_PASS: "", PATH: process.env.PATH ?? "" };
    const run = (args: string[], answers: string[]) => {
      const r = spawnSync(PYTHON, ["-c", script], {
        input: JSON.stringify({ env, node: process.execPath, cli: CLI, args, answers }),
        encoding: "utf8",
        timeout: 60000,
      });
      assert.strictEqual(r.status, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { output: string; code: number };
      outputs.push(result.output);
      return result;
    };
    const init = run(["vault", "init", ...ITER], [PLANTED.master, PLANTED.master]);
    assert.strictEqual(init.code, 0, init.output);
    assert.match(init.output, /New vault master password: /);
    assert.match(init.output, /Again: /);
    const add = run(["vault", "add", "typed", "--username", "u"], [PLANTED.master, PLANTED.password]);
    assert.strictEqual(add.code, 0, add.output);
    assert.match(add.output, /Password for typed: /);
    const mismatch = run(["vault", "passwd", ...ITER], [PLANTED.master, NEW_MASTER, `${NEW_MASTER}-typo`]);
    assert.notStrictEqual(mismatch.code, 0);
    assert.match(mismatch.output, /the two entries do not match/);
    const v = openVault();
    assert.strictEqual(v.get("typed").password, PLANTED.password);
    v.close();
  });
});
