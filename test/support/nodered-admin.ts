import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startNodeRed, type NodeRedProcess } from "./nodered-process";
import { makeTmpDir } from "./tmp";

const bcrypt = require("bcryptjs") as { hashSync(pw: string, rounds: number): string };

/**
 * A real Node-RED process with adminAuth (an admin with every permission, a read-only reader), a
 * VelocityCollector home and one deployed vc-vault-config node: what the sidebar's admin endpoint
 * specs (test/plugins/*) share. Needs `npm run build` (Node-RED loads the pack from dist/).
 */
export const ADMIN = { username: "admin", password: "admin-Pass-71x" };
export const READER = { username: "reader", password: "reader-Pass-52x" };

export interface CallOptions {
  token?: string;
  json?: unknown;
  headers?: Record<string, string>;
  body?: string;
}

export interface AdminNodeRed {
  red: NodeRedProcess;
  /** The VelocityCollector home (velocitycollector.home in settings.js). */
  home: string;
  adminToken: string;
  readerToken: string;
  /** A request to the admin API: `token` becomes the Bearer header, `json` the JSON body. */
  call(method: string, url: string, opts?: CallOptions): Promise<Response>;
}

export interface AdminNodeRedOptions {
  /** Prefix of the temporary directory holding home/ and userdir/. */
  tmpPrefix: string;
  /** Fills home (vault, inventory) before Node-RED starts; returns the vault's master password. */
  prepareHome(home: string): Promise<string> | string;
  /** Name of the deployed vc-vault-config node. */
  vaultNodeName: string;
  /** Added to Node-RED's environment (VCOLLECTOR_HOME and VCOLLECTOR_VAULT_PASS are always unset). */
  env?: () => NodeJS.ProcessEnv;
  /** Mocha timeout of the before() hook (default 90 s). */
  startTimeoutMs?: number;
}

/**
 * Starts the admin Node-RED in before() and stops it (and removes its files) in after(); prints
 * the end of its output when a test fails. Use inside a describe block; read the holder in tests.
 */
export function useAdminNodeRed(opts: AdminNodeRedOptions): { readonly current: AdminNodeRed } {
  const holder = { current: undefined as unknown as AdminNodeRed };
  let tmp = "";
  let red: NodeRedProcess | undefined;
  before(async function () {
    this.timeout(opts.startTimeoutMs ?? 90_000);
    tmp = makeTmpDir(opts.tmpPrefix);
    const home = path.join(tmp, "home");
    fs.mkdirSync(home, { recursive: true });
    const masterPassword = await opts.prepareHome(home);
    red = await startNodeRed({
      userDir: path.join(tmp, "userdir"),
      env: { VCOLLECTOR_HOME: undefined, VCOLLECTOR_VAULT_PASS: undefined, ...opts.env?.() },
      settings: {
        velocitycollector: { home },
        adminAuth: {
          type: "credentials",
          users: [
            { username: ADMIN.username, password: bcrypt.hashSync(ADMIN.password, 4), permissions: "*" },
            { username: READER.username, password: bcrypt.hashSync(READER.password, 4), permissions: "read" },
          ],
        },
      },
    });
    const call = (method: string, url: string, o: CallOptions = {}) => callAdmin(red!.url, method, url, o);
    const adminToken = await login(red.url, ADMIN, "*");
    const readerToken = await login(red.url, READER, "read");
    const res = await call("POST", "flows", {
      token: adminToken,
      headers: { "Node-RED-Deployment-Type": "full", "Node-RED-API-Version": "v1" },
      json: [
        {
          id: "vault1",
          type: "vc-vault-config",
          name: opts.vaultNodeName,
          vaultFile: "",
          home,
          credentials: { masterPassword },
        },
      ],
    });
    assert.ok(res.status === 204 || res.status === 200, `deploy: HTTP ${res.status}`);
    holder.current = { red, home, adminToken, readerToken, call };
  });
  after(async () => {
    await red?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed" && red) console.log(red.output().slice(-3000));
  });
  return holder;
}

async function login(base: string, user: { username: string; password: string }, scope: string): Promise<string> {
  const res = await fetch(`${base}auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: "node-red-admin", grant_type: "password", scope, ...user }),
  });
  assert.strictEqual(res.status, 200, `login of ${user.username}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function callAdmin(base: string, method: string, url: string, opts: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  return fetch(`${base}${url}`, { method, headers, body });
}
