import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../core/errors";
import type { FlowNode } from "./flows";

export const PACKAGE_NAME = "node-red-contrib-velocitycollector";
/** Hash of the flows.json the demo last wrote: tells the demo's own file from one the user deployed. */
const FLOWS_STAMP = ".vc-demo-flows.sha256";
/** The key Node-RED encrypts the demo's flows_cred.json with: generated once, owner-only. */
export const CREDENTIAL_SECRET_FILE = ".vc-demo-credential-secret";

export interface UserDirOptions {
  userDir: string;
  /** This package's root folder (linked into the userDir's node_modules). */
  packageRoot: string;
  port: number;
  flows: FlowNode[];
  /** Replace flows the user deployed with the examples again. */
  resetFlows?: boolean;
}

export interface PreparedUserDir {
  settingsFile: string;
  /** Holds the generated credentialSecret (mode 0600); settings.js reads it at start. */
  credentialSecretFile: string;
  flowsFile: string;
  /** "written": the examples were deployed; "kept": the user's own deployed flows were left alone. */
  flows: "written" | "kept";
}

/**
 * A Node-RED user directory for the demo: settings (127.0.0.1 only, no calls home, no palette
 * catalogue, node credentials such as a vault's master password encrypted in flows_cred.json with
 * a secret generated for this folder), this package linked into node_modules (so Import >
 * Examples lists its flows), and the example flows. Flows the user has deployed since are kept
 * unless `resetFlows`.
 */
export function prepareUserDir(opts: UserDirOptions): PreparedUserDir {
  fs.mkdirSync(path.join(opts.userDir, "node_modules"), { recursive: true });
  linkPackage(opts.userDir, opts.packageRoot);
  linkExampleDependencies(opts.userDir, opts.packageRoot);
  fs.writeFileSync(
    path.join(opts.userDir, "package.json"),
    JSON.stringify(
      { name: "vc-demo-userdir", private: true, dependencies: { [PACKAGE_NAME]: `file:${opts.packageRoot}` } },
      null,
      2,
    ) + "\n",
  );
  const credentialSecretFile = ensureCredentialSecret(path.join(opts.userDir, CREDENTIAL_SECRET_FILE));
  const settingsFile = path.join(opts.userDir, "settings.js");
  fs.writeFileSync(settingsFile, settingsJs(opts.port));
  const flowsFile = path.join(opts.userDir, "flows.json");
  const flows = writeFlows(flowsFile, path.join(opts.userDir, FLOWS_STAMP), opts.flows, Boolean(opts.resetFlows));
  return { settingsFile, credentialSecretFile, flowsFile, flows };
}

/** The demo's settings; `credentialSecret` is the generated one (settings.js reads it from its file). */
/**
 * The vault node the sidebar unlocks in the demo: the "Collect and parse" example's. Several
 * examples carry a vault node for the same vault file; naming one keeps the choice fixed.
 */
export const DEMO_SIDEBAR_VAULT_NODE = "7ee68011896e7e57";

export function demoSettings(port: number, credentialSecret: string): Record<string, unknown> {
  return {
    uiHost: "127.0.0.1",
    uiPort: port,
    flowFile: "flows.json",
    flowFilePretty: true,
    credentialSecret,
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
    editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
    logging: { console: { level: "info", metrics: false, audit: false } },
    velocitycollector: { vaultNode: DEMO_SIDEBAR_VAULT_NODE },
  };
}

/** A random secret, created once per user folder and kept: a new one would make flows_cred.json unreadable. */
function ensureCredentialSecret(file: string): string {
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  return file;
}

function settingsJs(port: number): string {
  // The secret stays in its own owner-only file, not in settings.js.
  const settings = JSON.stringify(demoSettings(port, "@SECRET@"), null, 2).replace(
    '"@SECRET@"',
    `require("fs").readFileSync(require("path").join(__dirname, ${JSON.stringify(CREDENTIAL_SECRET_FILE)}), "utf8").trim()`,
  );
  return `// Written by the VelocityCollector demo (npm start) at every start: edit scripts/start.js options instead.\nmodule.exports = ${settings};\n`;
}

function linkPackage(userDir: string, packageRoot: string): void {
  const link = path.join(userDir, "node_modules", PACKAGE_NAME);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(link);
  } catch {
    stat = undefined;
  }
  if (stat?.isSymbolicLink()) {
    if (path.resolve(path.dirname(link), fs.readlinkSync(link)) === path.resolve(packageRoot)) return;
    fs.unlinkSync(link);
  } else if (stat) {
    throw new VcError(
      "demo_userdir",
      `exists and is not the demo's link to this package: remove it or use another --dir`,
      link,
    );
  }
  fs.symlinkSync(packageRoot, link, "dir");
}

/** Node packages an example flow uses besides the core nodes (installed as devDependencies of a clone). */
const EXAMPLE_NODE_PACKAGES = ["node-red-node-email"];

/** Links them into the userDir too, so the examples deploy without "missing types". */
function linkExampleDependencies(userDir: string, packageRoot: string): void {
  for (const name of EXAMPLE_NODE_PACKAGES) {
    const target = path.join(packageRoot, "node_modules", name);
    const link = path.join(userDir, "node_modules", name);
    if (!fs.existsSync(target)) continue;
    try {
      fs.lstatSync(link);
      continue; // already there (a link from an earlier start, or the user's own install)
    } catch {
      fs.symlinkSync(target, link, "dir");
    }
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function writeFlows(file: string, stampFile: string, flows: FlowNode[], reset: boolean): "written" | "kept" {
  if (fs.existsSync(file) && !reset) {
    const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8").trim() : "";
    if (sha256(fs.readFileSync(file, "utf8")) !== stamp) return "kept";
  }
  const text = JSON.stringify(flows, null, 4) + "\n";
  fs.writeFileSync(file, text);
  fs.writeFileSync(stampFile, sha256(text) + "\n");
  return "written";
}
