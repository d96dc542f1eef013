import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The data home shared by the CLI and the Node-RED nodes, so that a flow and a cron job see the
 * same inventory, vault, captures and history. Same default as VelocityCollector: ~/.vcollector.
 */
export interface HomePaths {
  root: string;
  dcimDb: string;
  vaultDb: string;
  collectorDb: string;
  templatesDb: string;
  collections: string;
  knownHosts: string;
  configYaml: string;
}

export const HOME_ENV = "VCOLLECTOR_HOME";

/** The paths inside a given data home (no fallback: the core is always given its home). */
export function homePaths(dir: string): HomePaths {
  const root = path.resolve(dir);
  return {
    root,
    dcimDb: path.join(root, "dcim.db"),
    vaultDb: path.join(root, "vault.db"),
    collectorDb: path.join(root, "collector.db"),
    templatesDb: path.join(root, "templates.db"),
    collections: path.join(root, "collections"),
    knownHosts: path.join(root, "known_hosts"),
    configYaml: path.join(root, "config.yaml"),
  };
}

/**
 * Picks the home: an explicit directory, else $VCOLLECTOR_HOME, else ~/.vcollector. Only the
 * entry points call it (the CLI once, a node from its configuration); the core never does.
 */
export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): HomePaths {
  const chosen =
    explicit && explicit.trim() !== ""
      ? explicit
      : env[HOME_ENV] && env[HOME_ENV]!.trim() !== ""
        ? env[HOME_ENV]!
        : path.join(os.homedir(), ".vcollector");
  return homePaths(chosen);
}

/** Creates the home directory (owner-only, it holds the vault) and its collections folder. */
export function ensureHome(home: HomePaths): HomePaths {
  fs.mkdirSync(home.root, { recursive: true, mode: 0o700 });
  fs.mkdirSync(home.collections, { recursive: true, mode: 0o700 });
  return home;
}
