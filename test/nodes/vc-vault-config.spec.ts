import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Node } from "node-red";
import { Vault } from "../../lib/core/vault";
import type { VaultConfigNode } from "../../nodes/vc-vault-config/api";
import { REPO_ROOT } from "../support/cli";
import { freePort, waitForHttp } from "../support/net";
import { helper, useNodeRed } from "../support/nodered";
import { startProcess, type Started } from "../support/process";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { useTmpDir } from "../support/tmp";
import { makeVault, vaultConfigNode } from "../support/vault";
import { PLANTED, allSecrets, encryptedKey } from "../core/vault/helpers";

const vaultNode = require("../../nodes/vc-vault-config/vc-vault-config");

type Spy = { args: unknown[][] };
const spyArgs = (fn: unknown): unknown[][] => (fn as Spy).args ?? [];

describe("vc-vault-config node", function () {
  this.timeout(60000);
  const tmp = useTmpDir("vc-node-vault-");
  let key: string;
  let file: string;
  let secrets: string[];
  let responses: string[];

  before(() => {
    key = encryptedKey();
    secrets = allSecrets(key).filter((s) => s !== PLANTED.master);
  });

  beforeEach(() => {
    responses = [];
    file = makeVault(
      tmp.path,
      [
        { name: "lab", username: "admin", password: PLANTED.password, enableSecret: PLANTED.enable, isDefault: true },
        { name: "keyed", username: "netops", privateKey: key, privateKeyPassphrase: PLANTED.passphrase },
      ],
      { password: PLANTED.master },
    ).file;
  });

  afterEach(function () {
    if (this.currentTest?.state !== "passed") return;
    // Every admin response, and every status/log/warn/error call of any node, is secret-free.
    const calls = ["status", "log", "warn", "error", "debug", "trace"].map((m) =>
      JSON.stringify(spyArgs((helper.getNode("v1") as unknown as Record<string, unknown> | null)?.[m] ?? [])),
    );
    const runtimeLog = JSON.stringify(spyArgs(helper.log()));
    assert.deepStrictEqual(
      findSecretsInText([...responses, ...calls, runtimeLog].join("\n"), [...secrets, PLANTED.master]),
      [],
    );
  });
  // After the scan above (hooks run in the order they are defined): the spies live until unload.
  useNodeRed();

  async function load(opts: { password?: string; vaultFile?: string; home?: string } = {}): Promise<VaultConfigNode> {
    const vc = vaultConfigNode(opts.vaultFile ?? file, opts.password ?? PLANTED.master, "v1");
    const node = { ...vc.node, home: opts.home ?? "" };
    await helper.load(vaultNode, [node], opts.password === "" ? {} : vc.credentials);
    return helper.getNode("v1") as unknown as VaultConfigNode;
  }

  async function request(
    method: "get" | "post" | "put" | "delete",
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    let req = helper.request()[method](url);
    if (body !== undefined) req = req.send(body as object).set("Content-Type", "application/json");
    const res = await req;
    responses.push(res.text);
    return { status: res.status, body: res.body as Record<string, unknown> };
  }

  async function waitFor(cond: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(cond(), `timed out waiting for ${what}`);
  }

  describe("runtime API used by other nodes", () => {
    it("openUnlocked() opens and unlocks the configured vault once, and caches it while deployed", async () => {
      const n = await load();
      assert.strictEqual(n.vaultPath, file);
      const v = n.openUnlocked();
      assert.strictEqual(v.get("lab").password, PLANTED.password);
      assert.strictEqual(n.openUnlocked(), v, "the same unlocked vault is reused");
      assert.deepStrictEqual(
        v.fallbackChain().map((c) => c.name),
        ["lab"],
      );
    });

    it("locks and closes the vault when the flow stops", async () => {
      const n = await load();
      const v: Vault = n.openUnlocked();
      await helper.clearFlows();
      assert.strictEqual(v.unlocked, false);
      assert.throws(() => v.get("lab"), /closed/);
      assert.throws(() => n.openUnlocked(), /stopped/);
    });

    it("takes the master password from VCOLLECTOR_VAULT_PASS when the credential is empty", async () => {
      const saved = process.env.VCOLLECTOR_VAULT_PASS;
      process.env.VCOLLECTOR_VAULT_PASS = PLANTED.master;
      try {
        const n = await load({ password: "" });
        assert.strictEqual(n.openUnlocked().get("keyed").privateKeyPassphrase, PLANTED.passphrase);
      } finally {
        if (saved === undefined) delete process.env.VCOLLECTOR_VAULT_PASS;
        else process.env.VCOLLECTOR_VAULT_PASS = saved;
      }
    });

    it("a credential of ${VAR} is substituted from the environment by Node-RED", async () => {
      process.env.VC_TEST_VAULT_MASTER = PLANTED.master;
      try {
        const n = await load({ password: "${VC_TEST_VAULT_MASTER}" });
        assert.strictEqual(n.openUnlocked().get("lab").username, "admin");
      } finally {
        delete process.env.VC_TEST_VAULT_MASTER;
      }
    });

    it("no master password at all is a clear error", async () => {
      const saved = process.env.VCOLLECTOR_VAULT_PASS;
      delete process.env.VCOLLECTOR_VAULT_PASS;
      try {
        const n = await load({ password: "" });
        assert.throws(
          () => n.openUnlocked(),
          (err: { errorClass?: string; message: string }) =>
            err.errorClass === "vault_no_password" && /VCOLLECTOR_VAULT_PASS/.test(err.message),
        );
      } finally {
        if (saved !== undefined) process.env.VCOLLECTOR_VAULT_PASS = saved;
      }
    });

    it("a wrong master password is reported at deploy (warn, no secret) and by openUnlocked", async () => {
      const n = await load({ password: "PLANTED-wrong-master-42" });
      await waitFor(() => spyArgs((n as unknown as Node).warn).length > 0, "the deploy-time warning");
      const warned = JSON.stringify(spyArgs((n as unknown as Node).warn));
      assert.match(warned, /wrong master password/);
      assert.ok(!warned.includes("PLANTED-wrong-master-42"));
      assert.throws(
        () => n.openUnlocked(),
        (err: { errorClass?: string }) => err.errorClass === "vault_wrong_password",
      );
      secrets.push("PLANTED-wrong-master-42");
    });

    it("the default vault file is vault.db in the configured data home", async () => {
      const home = path.join(tmp.path, "home");
      const n = await load({ vaultFile: "", home });
      assert.strictEqual(n.vaultPath, path.join(home, "vault.db"));
    });
  });

  describe("admin endpoints (the edit dialog)", () => {
    it("GET lists name, username, kind and default, never a secret", async () => {
      await load();
      const r = await request("get", "/vc-vault-config/v1/credentials");
      assert.strictEqual(r.status, 200);
      assert.strictEqual(r.body.vaultPath, file);
      assert.strictEqual(r.body.exists, true);
      const list = r.body.credentials as Array<Record<string, unknown>>;
      assert.deepStrictEqual(
        list.map((c) => [c.name, c.username, c.kind, c.isDefault, c.hasEnableSecret]),
        [
          ["keyed", "netops", "key", false, false],
          ["lab", "admin", "password", true, true],
        ],
      );
      for (const c of list)
        assert.deepStrictEqual(
          Object.keys(c).filter((k) => /password|key$|secret$|passphrase/i.test(k) && k !== "hasEnableSecret"),
          [],
        );
    });

    it("POST adds a credential from the body; PUT edits it in place (same id); DELETE removes it", async () => {
      const n = await load();
      const added = await request("post", "/vc-vault-config/v1/credentials", {
        name: "new",
        username: "ops",
        password: PLANTED.password2,
        enableSecret: "PLANTED-new-enable-1",
        isDefault: true,
      });
      secrets.push("PLANTED-new-enable-1");
      assert.strictEqual(added.status, 201);
      const summary = added.body.credential as { id: number; name: string; isDefault: boolean; kind: string };
      assert.deepStrictEqual([summary.name, summary.isDefault, summary.kind], ["new", true, "password"]);
      const v = n.openUnlocked();
      assert.strictEqual(v.get("new").password, PLANTED.password2);
      assert.strictEqual(v.getDefault()?.name, "new");

      const edited = await request("put", "/vc-vault-config/v1/credentials/new", {
        newName: "renamed",
        username: "ops2",
        password: "",
        privateKey: "",
        enableSecret: "",
      });
      assert.strictEqual(edited.status, 200);
      assert.strictEqual((edited.body.credential as { id: number }).id, summary.id, "the id is kept");
      const c = v.get("renamed");
      assert.deepStrictEqual(
        [c.username, c.password, c.enableSecret],
        ["ops2", PLANTED.password2, "PLANTED-new-enable-1"],
        "empty secret fields keep the stored values",
      );

      const cleared = await request("put", "/vc-vault-config/v1/credentials/renamed", {
        clearEnableSecret: true,
        isDefault: false,
      });
      assert.strictEqual(cleared.status, 200);
      assert.strictEqual(v.get("renamed").enableSecret, undefined);
      assert.strictEqual(v.getDefault(), undefined);

      const removed = await request("delete", "/vc-vault-config/v1/credentials/renamed");
      assert.strictEqual(removed.status, 200);
      assert.deepStrictEqual(
        v.list().map((s) => s.name),
        ["keyed", "lab"],
      );
    });

    it("PUT default and fallback set the default and the order; unknown names change nothing", async () => {
      const n = await load();
      assert.strictEqual((await request("put", "/vc-vault-config/v1/default", { name: "keyed" })).status, 200);
      const unknown = await request("put", "/vc-vault-config/v1/default", { name: "ghost" });
      assert.strictEqual(unknown.status, 404);
      assert.match(String(unknown.body.error), /no credential named 'ghost'/);
      assert.strictEqual(n.openUnlocked().getDefault()?.name, "keyed");
      assert.deepStrictEqual((await request("put", "/vc-vault-config/v1/fallback", { names: ["lab"] })).body.fallback, [
        "lab",
      ]);
      assert.deepStrictEqual(n.openUnlocked().fallbackChainNames(), ["keyed", "lab"]);
      assert.strictEqual((await request("put", "/vc-vault-config/v1/fallback", { names: "lab" })).status, 400);
      assert.strictEqual((await request("put", "/vc-vault-config/v1/default", { name: null })).status, 200);
      assert.strictEqual(n.openUnlocked().getDefault(), undefined);
    });

    it("bad input is a 400, a duplicate a 409, an unknown credential a 404, with clear texts", async () => {
      await load();
      const dup = await request("post", "/vc-vault-config/v1/credentials", {
        name: "lab",
        username: "x",
        password: PLANTED.password2,
      });
      assert.deepStrictEqual([dup.status, dup.body.errorClass], [409, "vault_duplicate"]);
      const nosecret = await request("post", "/vc-vault-config/v1/credentials", { name: "x", username: "u" });
      assert.strictEqual(nosecret.status, 400);
      assert.match(String(nosecret.body.error), /credential 'x'.*needs a password or a private key/);
      const wrongType = await request("post", "/vc-vault-config/v1/credentials", {
        name: "x",
        username: "u",
        password: 12345,
      });
      assert.strictEqual(wrongType.status, 400);
      assert.match(String(wrongType.body.error), /'password' must be a string/);
      const badKey = await request("post", "/vc-vault-config/v1/credentials", {
        name: "k",
        username: "u",
        privateKey: key,
        privateKeyPassphrase: "wrong-passphrase-1",
      });
      assert.strictEqual(badKey.status, 400);
      assert.match(String(badKey.body.error), /cannot be decrypted with the given passphrase/);
      const ghost = await request("put", "/vc-vault-config/v1/credentials/ghost", { username: "x" });
      assert.strictEqual(ghost.status, 404);
      assert.strictEqual((await request("delete", "/vc-vault-config/v1/credentials/ghost")).status, 404);
    });

    it("an undeployed (unknown) node id is a 404 telling the user to deploy", async () => {
      await load();
      const r = await request("get", "/vc-vault-config/not-deployed/credentials");
      assert.strictEqual(r.status, 404);
      assert.match(String(r.body.error), /deploy it first/);
    });

    it("a wrong deployed master password makes every endpoint fail clearly, changing nothing", async () => {
      await load({ password: "PLANTED-wrong-master-43" });
      secrets.push("PLANTED-wrong-master-43");
      const before = fs.readFileSync(file);
      const r = await request("post", "/vc-vault-config/v1/credentials", {
        name: "x",
        username: "u",
        password: PLANTED.password2,
      });
      assert.deepStrictEqual([r.status, r.body.errorClass], [422, "vault_wrong_password"]);
      assert.strictEqual(
        (await request("get", "/vc-vault-config/v1/credentials")).body.errorClass,
        "vault_wrong_password",
      );
      assert.deepStrictEqual(fs.readFileSync(file), before);
    });

    it("a missing vault file lists as absent; POST init creates it (real 600k-iteration key) and it is usable", async () => {
      const fresh = path.join(tmp.path, "fresh", "vault.db");
      const n = await load({ vaultFile: fresh });
      const absent = await request("get", "/vc-vault-config/v1/credentials");
      assert.deepStrictEqual([absent.status, absent.body.exists], [200, false]);
      const created = await request("post", "/vc-vault-config/v1/init", {});
      assert.strictEqual(created.status, 201);
      assert.strictEqual((await request("post", "/vc-vault-config/v1/init", {})).status, 409, "never overwrites");
      const added = await request("post", "/vc-vault-config/v1/credentials", {
        name: "first",
        username: "u",
        privateKey: key,
        privateKeyPassphrase: PLANTED.passphrase,
      });
      assert.strictEqual(added.status, 201);
      assert.strictEqual(n.openUnlocked().iterations, 600_000);
      assert.strictEqual(n.openUnlocked().get("first").privateKey, key);
    });

    it("device secrets never reach Node-RED's own credential store (flows_cred.json) nor the vault file in clear", async () => {
      const n = await load();
      await request("post", "/vc-vault-config/v1/credentials", {
        name: "extra",
        username: "u",
        password: PLANTED.password2,
      });
      const nodeCreds = JSON.stringify((n as unknown as { credentials: unknown }).credentials);
      assert.deepStrictEqual(Object.keys(JSON.parse(nodeCreds) as object), ["masterPassword"]);
      const exported = await (
        helper as unknown as { credentials: { export(): Promise<unknown> } }
      ).credentials.export();
      assert.deepStrictEqual(findSecretsInText(JSON.stringify(exported) + nodeCreds, secrets), []);
      n.openUnlocked().close();
      assert.deepStrictEqual(findSecretsInDir(tmp.path, [...secrets, PLANTED.master]), []);
    });
  });
});

describe("vc-vault-config in a real Node-RED runtime (adminAuth, flows_cred.json)", function () {
  this.timeout(120000);
  const tmp = useTmpDir("vc-node-red-vault-");
  let red: Started | undefined;

  afterEach(async () => {
    await red?.stop();
    red = undefined;
  });

  /** A userDir whose package loads the node from source (tsx), with two users: admin (*) and reader (read). */
  function prepareUserDir(vaultFile: string): string {
    const userDir = path.join(tmp.path, "userdir");
    const pack = path.join(userDir, "node_modules", "vc-vault-under-test");
    fs.mkdirSync(path.join(pack, "locales", "en-US"), { recursive: true });
    const src = path.join(REPO_ROOT, "nodes", "vc-vault-config");
    fs.writeFileSync(
      path.join(pack, "vc-vault-config.js"),
      `module.exports = require(${JSON.stringify(path.join(src, "vc-vault-config.ts"))});\n`,
    );
    fs.copyFileSync(path.join(src, "vc-vault-config.html"), path.join(pack, "vc-vault-config.html"));
    fs.copyFileSync(
      path.join(src, "locales", "en-US", "vc-vault-config.json"),
      path.join(pack, "locales", "en-US", "vc-vault-config.json"),
    );
    fs.writeFileSync(
      path.join(pack, "package.json"),
      JSON.stringify({
        name: "vc-vault-under-test",
        version: "1.0.0",
        "node-red": { nodes: { "vc-vault-config": "vc-vault-config.js" } },
      }),
    );
    fs.writeFileSync(
      path.join(userDir, "package.json"),
      JSON.stringify({ name: "ud", private: true, dependencies: { "vc-vault-under-test": "*" } }),
    );
    fs.writeFileSync(
      path.join(userDir, "flows.json"),
      JSON.stringify([{ id: "v1", type: "vc-vault-config", name: "lab vault", vaultFile, home: "" }]),
    );
    // The master password is an env reference, so flows_cred.json holds no secret at all.
    fs.writeFileSync(
      path.join(userDir, "flows_cred.json"),
      JSON.stringify({ v1: { masterPassword: "${VC_E2E_MASTER}" } }),
    );
    const settings = `module.exports = {
  uiHost: "127.0.0.1", flowFile: "flows.json", credentialSecret: false,
  diagnostics: { enabled: false }, telemetry: { enabled: false },
  editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
  logging: { console: { level: "info", metrics: false, audit: false } },
  adminAuth: {
    type: "credentials",
    users: (username) => Promise.resolve({ admin: { username: "admin", permissions: "*" }, reader: { username: "reader", permissions: "read" } }[username] || null),
    authenticate: (username, password) => Promise.resolve(password === "e2e-login-" + username ? { username, permissions: username === "admin" ? "*" : "read" } : null),
  },
};\n`;
    fs.writeFileSync(path.join(userDir, "settings.js"), settings);
    return userDir;
  }

  it("enforces vc-vault-config.read/.write permissions and keeps secrets out of flows, logs and responses", async () => {
    const key = encryptedKey();
    const secrets = allSecrets(key);
    const vaultFile = makeVault(
      tmp.path,
      [{ name: "lab", username: "admin", password: PLANTED.password, isDefault: true }],
      { password: PLANTED.master },
    ).file;
    const userDir = prepareUserDir(vaultFile);
    const port = await freePort();
    red = startProcess(
      process.execPath,
      ["--require", require.resolve("tsx/cjs"), require.resolve("node-red/red.js"), "-u", userDir, "-p", String(port)],
      {
        env: { VC_E2E_MASTER: PLANTED.master, VCOLLECTOR_VAULT_PASS: "" },
      },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/`, 60000);
    const bodies: string[] = [];
    const token = async (user: string, scope: string): Promise<string> => {
      const res = await fetch(`${base}/auth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_id: "node-red-admin",
          grant_type: "password",
          scope,
          username: user,
          password: `e2e-login-${user}`,
        }),
      });
      assert.strictEqual(res.status, 200, `login ${user}`);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const call = async (method: string, url: string, bearer?: string, body?: unknown) => {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (bearer) headers.Authorization = `Bearer ${bearer}`;
      const res = await fetch(`${base}${url}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      bodies.push(text);
      return { status: res.status, text };
    };
    // The vault node is loaded and deployed (its flow started) once the endpoint answers for it.
    const admin = await token("admin", "*");
    for (let i = 0; i < 300; i++) {
      if ((await call("GET", "/vc-vault-config/v1/credentials", admin)).status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const reader = await token("reader", "read");

    assert.strictEqual((await call("GET", "/vc-vault-config/v1/credentials")).status, 401, "no token: refused");
    const listed = await call("GET", "/vc-vault-config/v1/credentials", reader);
    assert.strictEqual(listed.status, 200, listed.text);
    assert.match(listed.text, /"name":"lab"/);
    const denied = await call("POST", "/vc-vault-config/v1/credentials", reader, {
      name: "x",
      username: "u",
      password: PLANTED.password2,
    });
    assert.ok(denied.status === 401 || denied.status === 403, `a reader may not add: ${denied.status}`);
    assert.strictEqual((await call("DELETE", "/vc-vault-config/v1/credentials/lab", reader)).status >= 400, true);
    const added = await call("POST", "/vc-vault-config/v1/credentials", admin, {
      name: "keyed",
      username: "netops",
      privateKey: key,
      privateKeyPassphrase: PLANTED.passphrase,
      enableSecret: PLANTED.enable,
    });
    assert.strictEqual(added.status, 201, added.text);
    const after = await call("GET", "/vc-vault-config/v1/credentials", admin);
    assert.match(after.text, /"name":"keyed"/);

    const log = red.output();
    await red.stop();
    red = undefined;
    assert.deepStrictEqual(findSecretsInText(log, secrets), [], "Node-RED's log");
    assert.match(log, /Started flows/);
    const v = Vault.open(vaultFile);
    v.unlock(PLANTED.master);
    assert.strictEqual(v.get("keyed").privateKeyPassphrase, PLANTED.passphrase);
    assert.strictEqual(v.list().length, 2, "the reader's add and delete did nothing");
    v.close();
    assert.deepStrictEqual(findSecretsInText(bodies.join("\n"), secrets), [], "responses");
    assert.deepStrictEqual(findSecretsInDir(userDir, secrets), [], "flows.json, flows_cred.json, .config files");
    assert.deepStrictEqual(findSecretsInDir(path.dirname(vaultFile), secrets), [], "vault file");
  });
});
