import * as fs from "node:fs";
import * as path from "node:path";
import { startLab, type Lab, type StartLabOptions } from "../../lib/lab";
import { makeTmpDir } from "./tmp";
import { makeVault, type TestVault } from "./vault";

/** A lab for CLI tests: the running lab, its inventory as a CSV file and a vault whose one default credential logs in. */
export interface CliLab {
  lab: Lab;
  csv: string;
  vault: TestVault;
}

/**
 * In a new temporary folder `dir` (named from `prefix`): starts a lab with the options made for
 * that folder (its devices' password for admin: `password`), writes its inventory to
 * `<dir>/lab.csv` and a vault with the default credential "lab" (admin / password).
 * stopCliLab ends it.
 */
export async function startCliLab(
  prefix: string,
  password: string,
  labOptions: (dir: string) => StartLabOptions,
): Promise<CliLab & { dir: string }> {
  const dir = makeTmpDir(prefix);
  try {
    const lab = await startLab(labOptions(dir));
    const csv = path.join(dir, "lab.csv");
    fs.writeFileSync(csv, lab.inventoryCsv());
    const vault = makeVault(dir, [{ name: "lab", username: "admin", password, isDefault: true }]);
    return { dir, lab, csv, vault };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Stops the lab and removes the folder of startCliLab (either may be missing when it failed). */
export async function stopCliLab(started: { dir?: string; lab?: Lab }): Promise<void> {
  await started.lab?.stop();
  if (started.dir) fs.rmSync(started.dir, { recursive: true, force: true });
}

export interface CollectArgs {
  home: string;
  inventory: string;
  vault: string;
  /** --out (default: the home's collections folder). */
  out?: string;
  commands: readonly string[];
  captureType: string;
}

/** `vcollector --home <home> collect` with inventory, vault, output folder, commands, capture type and no start jitter. */
export function collectArgs(a: CollectArgs): string[] {
  return [
    "--home",
    a.home,
    "collect",
    "--inventory",
    a.inventory,
    "--vault",
    a.vault,
    ...(a.out === undefined ? [] : ["--out", a.out]),
    "--commands",
    a.commands.join(";"),
    "--capture-type",
    a.captureType,
    "--jitter",
    "0",
  ];
}

/**
 * startCliLab in before() and stopCliLab in after(), inside a describe block; the holder's fields
 * are set once before() has run.
 */
export function useCliLab(
  prefix: string,
  password: string,
  labOptions: (dir: string) => StartLabOptions,
): Readonly<CliLab & { dir: string }> {
  const holder = { dir: "" } as CliLab & { dir: string };
  before(async () => {
    Object.assign(holder, await startCliLab(prefix, password, labOptions));
  });
  after(() => stopCliLab(holder));
  return holder;
}
