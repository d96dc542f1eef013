import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/**
 * Helpers to drive a real `n8n` (the CLI of the runtime install, .n8n-runtime/n8n or
 * $VC_N8N_RUNTIME) on this machine: loopback only, SQLite or Postgres, a temp user folder,
 * telemetry, version notifications and templates off.
 */

export const RUNTIME = process.env.VC_N8N_RUNTIME || path.resolve(__dirname, "../../.n8n-runtime/n8n");
export const N8N_BIN = path.join(RUNTIME, "node_modules/n8n/bin/n8n");

export function n8nEnv(userFolder: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: userFolder,
    N8N_USER_FOLDER: userFolder,
    N8N_ENCRYPTION_KEY: "vc-n8n-test-encryption-key-5d1c",
    N8N_LISTEN_ADDRESS: "127.0.0.1",
    N8N_HOST: "127.0.0.1",
    N8N_PROTOCOL: "http",
    N8N_DIAGNOSTICS_ENABLED: "false",
    N8N_VERSION_NOTIFICATIONS_ENABLED: "false",
    N8N_TEMPLATES_ENABLED: "false",
    N8N_PERSONALIZATION_ENABLED: "false",
    N8N_HIRING_BANNER_ENABLED: "false",
    N8N_DYNAMIC_BANNERS_ENABLED: "false",
    N8N_COMMUNITY_PACKAGES_ENABLED: "true",
    N8N_SECURE_COOKIE: "false",
    N8N_LOG_LEVEL: "warn",
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: "127.0.0.1",
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: "false",
    DB_TYPE: "sqlite",
    DB_SQLITE_POOL_SIZE: "2",
    GENERIC_TIMEZONE: "UTC",
    ...extra,
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one n8n CLI command to completion (bounded by timeoutMs). With `stdoutFile`, stdout goes
 * to that file (n8n ends with process.exit(), which cuts a large output written to a pipe; writes
 * to a file are synchronous) and is read back from it.
 */
export function n8nCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 240_000,
  stdoutFile?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const outFd = stdoutFile ? fs.openSync(stdoutFile, "w") : undefined;
    const child = spawn(process.execPath, [N8N_BIN, ...args], {
      env,
      stdio: ["ignore", outFd ?? "pipe", "pipe"],
    });
    if (outFd !== undefined) fs.closeSync(outFd);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`n8n ${args.join(" ")} did not finish in ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      if (stdoutFile) stdout = fs.readFileSync(stdoutFile, "utf8");
      resolve({ status, stdout, stderr });
    });
  });
}

/** Packs the package (n8n/) and installs the tarball into <userFolder>/.n8n/nodes with npm. */
export function installPackage(userFolder: string, work: string): string {
  const pkgDir = path.resolve(__dirname, "../..");
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
  const run = (args: string[], cwd: string) => {
    const r = spawnSync(npm[0], [...npm.slice(1), ...args], { cwd, encoding: "utf8", timeout: 300_000 });
    if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const tarball = run(["pack", "--silent", "--pack-destination", work], pkgDir).trim().split("\n").pop()!;
  const nodesDir = path.join(userFolder, ".n8n", "nodes");
  fs.mkdirSync(nodesDir, { recursive: true });
  fs.writeFileSync(path.join(nodesDir, "package.json"), JSON.stringify({ name: "installed-nodes", private: true }));
  run(["install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev", path.join(work, tarball)], nodesDir);
  return nodesDir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The JSON object `n8n execute --rawOutput` prints. n8n prints it through its logger at level
 * info (run execute with N8N_LOG_LEVEL=info), so log lines may surround it.
 */
export function parseRawOutput(stdout: string): Record<string, unknown> {
  // JSON.stringify(data, null, 2): a line "{" … the first line "}" after it closes it.
  for (let at = stdout.indexOf("{\n"); at >= 0; at = stdout.indexOf("{\n", at + 1)) {
    if (at > 0 && stdout[at - 1] !== "\n") continue;
    const end = stdout.indexOf("\n}", at);
    if (end < 0) break;
    try {
      const parsed = JSON.parse(stdout.slice(at, end + 2)) as Record<string, unknown>;
      if (parsed && typeof parsed === "object" && "data" in parsed) return parsed;
    } catch {
      // another log line that starts with "{": keep looking
    }
  }
  throw new Error(`no execution JSON in n8n output (${stdout.length} chars):\n${stdout.slice(0, 1500)}`);
}

/** The environment for `n8n execute`: its result is logged at level info. */
export function executeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, N8N_LOG_LEVEL: "info", N8N_LOG_OUTPUT: "console" };
}

/**
 * Writes the vault credential the example workflows name (id vcVaultExample01) as a file for
 * `n8n import:credentials`. The file holds the master password: delete it once imported.
 */
export function writeVaultCredentialFile(file: string, vaultPath: string, masterPassword: string): void {
  const credential = {
    id: "vcVaultExample01",
    name: "Velocity Collector vault",
    type: "velocityCollectorVaultApi",
    data: { vaultPath, masterPassword },
  };
  fs.writeFileSync(file, JSON.stringify([credential]));
}
