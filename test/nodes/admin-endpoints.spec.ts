import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import bcrypt = require("bcryptjs");
import { useLab } from "../support/lab";
import { startNodeRed, type NodeRedProcess } from "../support/nodered-process";
import { findSecretsInText } from "../support/secrets";
import { makeTmpDir } from "../support/tmp";
import { makeVault, type TestVault } from "../support/vault";

/**
 * Every admin endpoint the pack registers, against a real Node-RED process (run `npm run build`
 * first), without adminAuth (Node-RED's default) and with it: form posts and cross-origin
 * requests are refused, a same-origin JSON request works, and no path comes from a request.
 */
const LAB_PASSWORD = "Admin-Lab-Pass-7d2c";
const ADMIN_PASSWORD = "admin-ui-Pass-51x";
const READER_PASSWORD = "reader-ui-Pass-52x";

interface Started {
  red: NodeRedProcess;
  home: string;
  token?: string;
}

describe("admin endpoints against a real Node-RED (guard, no path from requests)", function () {
  this.timeout(120_000);
  const labHolder = useLab({ devices: [{ name: "r1", platform: "cisco_ios", password: LAB_PASSWORD }], seed: "admin" });
  let tmp = "";
  let vault: TestVault;

  before(() => {
    tmp = makeTmpDir("vc-admin-endpoints-");
    vault = makeVault(tmp, [{ name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true }]);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Starts Node-RED with a vault node and a vc-collect node already in its flow file. */
  async function start(name: string, settings: Record<string, unknown> = {}): Promise<Started> {
    const userDir = path.join(tmp, name, "userdir");
    const home = path.join(tmp, name, "home");
    const collectHome = path.join(tmp, name, "collect-home");
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(
      path.join(userDir, "flows.json"),
      JSON.stringify([
        { id: "tab1", type: "tab", label: "t" },
        { id: "vault1", type: "vc-vault-config", name: "v", vaultFile: vault.file, home },
        { id: "c1", type: "vc-collect", z: "tab1", vault: "vault1", commands: "show version", home: collectHome },
      ]),
    );
    fs.writeFileSync(
      path.join(userDir, "flows_cred.json"),
      JSON.stringify({ vault1: { masterPassword: vault.password } }),
    );
    const red = await startNodeRed({ userDir, env: { VCOLLECTOR_VAULT_PASS: undefined }, settings });
    return { red, home };
  }

  async function waitDeployed(s: Started): Promise<void> {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const res = await call(s, "GET", "vc-vault-config/vault1/credentials");
      if (res.status === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the vault node was not deployed:\n${s.red.output()}`);
  }

  function call(
    s: Started,
    method: string,
    route: string,
    opts: { json?: unknown; body?: string; type?: string; origin?: string; token?: string | null } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = opts.token === undefined ? s.token : opts.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.origin) headers.Origin = opts.origin;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      headers["Content-Type"] = opts.type ?? "application/x-www-form-urlencoded";
      body = opts.body;
    }
    return fetch(`${s.red.url}${route}`, { method, headers, body });
  }

  async function login(s: Started, username: string, password: string, scope = "*"): Promise<string> {
    const res = await fetch(`${s.red.url}auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: "node-red-admin", grant_type: "password", scope, username, password }),
    });
    assert.strictEqual(res.status, 200, `login as ${username}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  function device() {
    const d = labHolder.lab.devices[0];
    return { host: d.host, port: d.port, platform: d.platform };
  }

  /** Each write route with a valid JSON body. */
  const WRITES: Array<[string, string, unknown]> = [
    ["POST", "vc-vault-config/vault1/credentials", { name: "planted", username: "u", password: "Planted-Pass-99q" }],
    ["PUT", "vc-vault-config/vault1/credentials/lab", { username: "admin" }],
    ["PUT", "vc-vault-config/vault1/default", { name: "lab" }],
    ["PUT", "vc-vault-config/vault1/fallback", { names: [] }],
    ["POST", "vc-vault-config/vault1/init", {}],
    ["DELETE", "vc-vault-config/vault1/credentials/nobody", {}],
    ["POST", "vc-collect/test-credential", { vault: "vault1", credential: "lab", device: { host: "127.0.0.1" } }],
  ];

  describe("without adminAuth", () => {
    let s: Started;
    before(async () => {
      s = await start("open");
      await waitDeployed(s);
    });
    after(async () => {
      await s?.red.stop();
    });

    it("refuses form-encoded and text/plain writes with 415 on every write route", async () => {
      for (const [method, route] of WRITES) {
        const form = await call(s, method, route, { body: "name=planted&username=u&password=x" });
        assert.strictEqual(form.status, 415, `${method} ${route} form`);
        const text = await call(s, method, route, { body: "{}", type: "text/plain" });
        assert.strictEqual(text.status, 415, `${method} ${route} text/plain`);
      }
      const list = (await (await call(s, "GET", "vc-vault-config/vault1/credentials")).json()) as {
        credentials: Array<{ name: string }>;
      };
      assert.deepStrictEqual(
        list.credentials.map((c) => c.name),
        ["lab"],
      );
    });

    it("refuses a cross-origin Origin with 403 on every route, reads included", async () => {
      for (const [method, route, json] of [
        ...WRITES,
        ["GET", "vc-vault-config/vault1/credentials", undefined],
      ] as Array<[string, string, unknown]>) {
        const res = await call(s, method, route, { json, origin: "http://evil.example" });
        assert.strictEqual(res.status, 403, `${method} ${route}`);
        const nullOrigin = await call(s, method, route, { json, origin: "null" });
        assert.strictEqual(nullOrigin.status, 403, `${method} ${route} Origin: null`);
      }
    });

    it("a same-origin JSON request works; `home` in the body is ignored", async () => {
      const attacker = path.join(tmp, "attacker-home");
      const res = await call(s, "POST", "vc-collect/test-credential", {
        json: { vault: "vault1", credential: "lab", device: device(), home: attacker },
        origin: s.red.url.replace(/\/$/, ""),
      });
      assert.strictEqual(res.status, 200);
      const body = (await res.json()) as { ok: boolean };
      assert.strictEqual(body.ok, true, JSON.stringify(body));
      assert.ok(!fs.existsSync(attacker), "nothing is created in the folder the request named");
      assert.ok(fs.existsSync(path.join(s.home, "known_hosts")), "the host key is pinned in the vault node's home");
      assert.deepStrictEqual(findSecretsInText(JSON.stringify(body), [LAB_PASSWORD, vault.password]), []);
    });

    it("the collect dialog's request pins in the deployed vc-collect node's home", async () => {
      const res = await call(s, "POST", "vc-collect/test-credential", {
        json: { vault: "vault1", credential: "lab", device: device(), node: "c1" },
      });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(((await res.json()) as { ok: boolean }).ok, true);
      assert.ok(fs.existsSync(path.join(tmp, "open", "collect-home", "known_hosts")));
    });
  });

  describe("with adminAuth", () => {
    let s: Started;
    let readerToken = "";
    before(async () => {
      const adminAuth = {
        type: "credentials",
        users: [
          { username: "admin", password: bcrypt.hashSync(ADMIN_PASSWORD, 8), permissions: "*" },
          { username: "reader", password: bcrypt.hashSync(READER_PASSWORD, 8), permissions: "read" },
        ],
      };
      s = await start("auth", { adminAuth });
      s.token = await login(s, "admin", ADMIN_PASSWORD);
      readerToken = await login(s, "reader", READER_PASSWORD, "read");
      await waitDeployed(s);
    });
    after(async () => {
      await s?.red.stop();
    });

    it("refuses unauthenticated requests with 401", async () => {
      for (const [method, route, json] of [
        ...WRITES,
        ["GET", "vc-vault-config/vault1/credentials", undefined],
      ] as Array<[string, string, unknown]>) {
        const res = await call(s, method, route, { json, token: null });
        assert.strictEqual(res.status, 401, `${method} ${route}`);
      }
    });

    it("lets a read-only user read but refuses its writes", async () => {
      const list = await call(s, "GET", "vc-vault-config/vault1/credentials", { token: readerToken });
      assert.strictEqual(list.status, 200);
      for (const [method, route, json] of WRITES) {
        const res = await call(s, method, route, { json, token: readerToken });
        assert.strictEqual(res.status, 401, `${method} ${route}`);
      }
    });

    it("refuses an authenticated form post (415) and a cross-origin request (403)", async () => {
      const form = await call(s, "POST", "vc-vault-config/vault1/credentials", { body: "name=x&username=u" });
      assert.strictEqual(form.status, 415);
      const cross = await call(s, "GET", "vc-vault-config/vault1/credentials", { origin: "http://evil.example" });
      assert.strictEqual(cross.status, 403);
    });

    it("an authenticated same-origin JSON request works and ignores `home`", async () => {
      const attacker = path.join(tmp, "attacker-home-auth");
      const res = await call(s, "POST", "vc-collect/test-credential", {
        json: { vault: "vault1", credential: "lab", device: device(), home: attacker },
      });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(((await res.json()) as { ok: boolean }).ok, true);
      assert.ok(!fs.existsSync(attacker));
      const add = await call(s, "POST", "vc-vault-config/vault1/credentials", {
        json: { name: "second", username: "u", password: "Second-Pass-88w" },
      });
      assert.strictEqual(add.status, 201);
    });
  });
});
