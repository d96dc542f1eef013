import * as fs from "node:fs";
import * as path from "node:path";
import { startLab, type Lab, type StartLabOptions } from "../../lib/lab";
import { makeVault, type TestVault } from "./vault";

/** A lab for CLI tests: the running lab, its inventory as a CSV file and a vault whose one default credential logs in. */
export interface CliLab {
  lab: Lab;
  csv: string;
  vault: TestVault;
}

/**
 * Starts a lab (its devices' password for admin: `password`), writes its inventory to
 * `<dir>/lab.csv` and a vault with the default credential "lab" (admin / password) in `dir`.
 * Stop it with lab.stop().
 */
export async function startCliLab(dir: string, password: string, labOptions: StartLabOptions): Promise<CliLab> {
  const lab = await startLab(labOptions);
  const csv = path.join(dir, "lab.csv");
  fs.writeFileSync(csv, lab.inventoryCsv());
  const vault = makeVault(dir, [{ name: "lab", username: "admin", password, isDefault: true }]);
  return { lab, csv, vault };
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
