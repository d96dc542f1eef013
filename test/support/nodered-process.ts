import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./cli";
import { freePort } from "./net";
import { startProcess, type Started } from "./process";

/**
 * A real Node-RED process for browser tests: node_modules/node-red/red.js on 127.0.0.1 at a free
 * port, with its userDir in `userDir` and this package loaded from the repository as a Node-RED
 * module (settings.nodesDir = the repository root, so the package.json "node-red" entries point
 * at dist/: run `npm run build` first). No adminAuth, no calls home, plain flows_cred.json.
 * Stop it with `stop()` (SIGTERM by pid, then SIGKILL).
 */
export interface NodeRedProcess {
  /** http://127.0.0.1:<port>/ (with the trailing slash). */
  url: string;
  port: number;
  userDir: string;
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** A full deploy through the admin API (POST /flows); node credentials may sit in each node's `credentials`. */
  deploy(flows: Array<Record<string, unknown>>): Promise<void>;
  stop(): Promise<void>;
}

export interface StartNodeRedOptions {
  userDir: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Extra settings.js entries. */
  settings?: Record<string, unknown>;
  /** Default 60 s. */
  readyTimeoutMs?: number;
}

const RED_JS = path.join(REPO_ROOT, "node_modules", "node-red", "red.js");
const BUILT_MARKER = path.join(REPO_ROOT, "dist", "nodes", "vc-vault-config", "vc-vault-config.js");

export async function startNodeRed(opts: StartNodeRedOptions): Promise<NodeRedProcess> {
  if (!fs.existsSync(BUILT_MARKER)) throw new Error(`${BUILT_MARKER} is missing: run 'npm run build' first`);
  const port = await freePort();
  fs.mkdirSync(opts.userDir, { recursive: true });
  const settings = {
    uiHost: "127.0.0.1",
    uiPort: port,
    nodesDir: [REPO_ROOT],
    flowFile: "flows.json",
    credentialSecret: false,
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
    logging: { console: { level: "info", metrics: false, audit: false } },
    ...opts.settings,
  };
  fs.writeFileSync(path.join(opts.userDir, "settings.js"), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  const started = startProcess(process.execPath, [RED_JS, "--userDir", opts.userDir, "--port", String(port)], {
    cwd: opts.userDir,
    env: opts.env,
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilReady(url, started, opts.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await started.stop();
    throw err;
  }
  return {
    url,
    port,
    userDir: opts.userDir,
    pid: started.child.pid!,
    output: started.output,
    deploy: (flows) => deploy(url, flows, started),
    stop: started.stop,
  };
}

/** Ready means the runtime has loaded its nodes: GET /nodes answers (200, or 401 under adminAuth). */
async function waitUntilReady(url: string, started: Started, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`Node-RED exited before it was ready:\n${started.output()}`);
    }
    try {
      const res = await fetch(`${url}nodes`, { headers: { Accept: "application/json" } });
      if (res.ok || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Node-RED at ${url} was not ready within ${ms} ms:\n${started.output()}`);
}

async function deploy(url: string, flows: Array<Record<string, unknown>>, started: Started): Promise<void> {
  const res = await fetch(`${url}flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full", "Node-RED-API-Version": "v1" },
    body: JSON.stringify(flows),
  });
  if (res.status !== 204 && res.status !== 200) {
    throw new Error(`deploy failed: HTTP ${res.status} ${await res.text()}\n${started.output()}`);
  }
}
