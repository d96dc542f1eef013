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
export function ensureHome(home: HomePaths, warn?: (message: string) => void): HomePaths {
  fs.mkdirSync(home.root, { recursive: true, mode: 0o700 });
  fs.mkdirSync(home.collections, { recursive: true, mode: 0o700 });
  tightenHome(home, warn);
  return home;
}

/**
 * Makes an existing data home owner-only (0700: it holds the vault, known_hosts and every
 * capture), as the pack creates it. Returns false, after telling `warn`, when it cannot (not the
 * owner, a read-only file system). A missing home is left alone (nothing to protect yet).
 */
export function tightenHome(home: HomePaths, warn?: (message: string) => void): boolean {
  let mode: number;
  try {
    mode = fs.statSync(home.root).mode & 0o777;
  } catch {
    return true;
  }
  if ((mode & 0o077) === 0) return true;
  try {
    fs.chmodSync(home.root, 0o700);
    return true;
  } catch (err) {
    warn?.(
      `cannot make the data home ${home.root} owner-only (mode ${mode.toString(8)}): ${(err as NodeJS.ErrnoException).code ?? String(err)}; others may read its captures`,
    );
    return false;
  }
}

/**
 * Prepares a database file that may hold sensitive data (collector.db, templates.db): its folder
 * is created owner-only, the file is created empty with mode 0600 before SQLite opens it (SQLite
 * gives its -wal and -shm files the same mode), and an existing file readable by others is
 * tightened to 0600 (best effort: a file someone else owns is left as it is).
 */
export function preparePrivateFile(file: string): void {
  if (file === ":memory:" || file === "") return;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, "", { mode: 0o600, flag: "wx" });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") return;
  }
  try {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) fs.chmodSync(file, mode & 0o700);
  } catch {
    // not ours to change; SQLite reports a real problem when it opens the file
  }
}
