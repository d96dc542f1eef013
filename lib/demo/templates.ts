import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TEMPLATES_DIR_ENV } from "../core/textfsm";

/** Where the demo's TextFSM templates come from, in the order they are looked for. */
export type TemplatesSource =
  "NET_TEXTFSM" | "ntc-templates beside the project" | "python ntc_templates" | "demo templates";

export interface FoundTemplates {
  dir: string;
  source: TemplatesSource;
}

export interface FindTemplatesOptions {
  env?: NodeJS.ProcessEnv;
  /** The project folder: ntc-templates checked out beside it (../ntc-templates or ../shared/ntc-templates) is used. */
  projectRoot: string;
  /** The demo's own small template set (lib/demo/templates), the last resort. */
  demoTemplatesDir: string;
  /** Ask `python3` where the ntc_templates package is (netmiko installs it). Default true. */
  askPython?: boolean;
}

/** A directory holding an ntc-style `index`, or undefined. */
function indexed(dir: string | undefined): string | undefined {
  return dir && fs.existsSync(path.join(dir, "index")) ? path.resolve(dir) : undefined;
}

/**
 * The templates vc-textfsm should use in the demo: $NET_TEXTFSM, else an ntc-templates checkout
 * beside the project, else the ntc_templates Python package, else the demo's own templates (which
 * cover only the commands of the example flows on the lab's platforms).
 */
export function findTemplatesDir(opts: FindTemplatesOptions): FoundTemplates {
  const env = opts.env ?? process.env;
  const fromEnv = indexed(env[TEMPLATES_DIR_ENV]);
  if (fromEnv) return { dir: fromEnv, source: "NET_TEXTFSM" };
  for (const candidate of ["ntc-templates", path.join("shared", "ntc-templates")]) {
    const dir = indexed(path.resolve(opts.projectRoot, "..", candidate, "templates"));
    if (dir) return { dir, source: "ntc-templates beside the project" };
  }
  if (opts.askPython !== false) {
    const dir = indexed(pythonNtcTemplates(env));
    if (dir) return { dir, source: "python ntc_templates" };
  }
  return { dir: path.resolve(opts.demoTemplatesDir), source: "demo templates" };
}

function pythonNtcTemplates(env: NodeJS.ProcessEnv): string | undefined {
  const script = "import os, ntc_templates; print(os.path.join(os.path.dirname(ntc_templates.__file__), 'templates'))";
  for (const python of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(python, ["-c", script], {
      env,
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    if (r.status === 0 && r.stdout.trim() !== "") return r.stdout.trim();
  }
  return undefined;
}
