import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../core/errors";
import { ensureHome, type HomePaths } from "../core/home";
import { prepareJobs } from "./jobs";
import { Inventory } from "../core/inventory";
import { startLab, type Lab } from "../lab";
import { Vault } from "../core/vault";

/**
 * The demo environment behind `npm start`: a lab of simulated devices, a vault holding the lab's
 * credential, and an inventory of the lab devices, all in one data home. Restarting with the same
 * home keeps the host keys (same seed) and the vault; the inventory is rebuilt from the running
 * lab every time, because the lab's ports may change between runs.
 */
export interface DemoOptions {
  home: HomePaths;
  /** Master password of the demo vault (printed by the demo; it protects only lab credentials). */
  masterPassword: string;
  devices?: number;
  platforms?: string[];
  /** Every lab device listens on this port at its own 127.0.0.x address (0: chosen by the OS). */
  port?: number;
  latencyMs?: number;
  jitterMs?: number;
}

export interface Demo {
  lab: Lab;
  home: HomePaths;
  /** Name of the vault credential every demo device is mapped to. */
  credentialName: string;
  /** Devices in the rebuilt inventory. */
  inventoryDevices: number;
  stop(): Promise<void>;
}

export const DEMO_SEED = "velocitycollector-demo";
export const DEMO_PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos"];
export const DEMO_DEVICE_COUNT = 20;
export const DEMO_CREDENTIAL = "lab-admin";
/** The lab's own account: simulated devices only, listening on loopback. */
export const DEMO_LAB_ACCOUNT = { username: "admin", password: "admin", enableSecret: "lab-enable" } as const;

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  ensureHome(opts.home);
  const lab = await startLab({
    count: opts.devices ?? DEMO_DEVICE_COUNT,
    platforms: opts.platforms ?? DEMO_PLATFORMS,
    latencyMs: opts.latencyMs ?? 40,
    jitterMs: opts.jitterMs ?? 40,
    username: DEMO_LAB_ACCOUNT.username,
    password: DEMO_LAB_ACCOUNT.password,
    enableSecret: DEMO_LAB_ACCOUNT.enableSecret,
    port: opts.port ?? 0,
    seed: DEMO_SEED,
  });
  let inventoryDevices: number;
  try {
    prepareVault(opts.home.vaultDb, opts.masterPassword);
    inventoryDevices = prepareInventory(opts.home.dcimDb, lab);
    prepareJobs(opts.home);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return { lab, home: opts.home, credentialName: DEMO_CREDENTIAL, inventoryDevices, stop: () => lab.stop() };
}

/** Creates the vault on first run; afterwards (re)writes the lab credential and makes it the default. */
export function prepareVault(file: string, masterPassword: string): void {
  const vault = fs.existsSync(file) ? Vault.open(file) : Vault.create(file, masterPassword);
  try {
    try {
      vault.unlock(masterPassword);
    } catch (err) {
      if (err instanceof VcError && err.errorClass === "vault_wrong_password") {
        throw new VcError(
          "vault_wrong_password",
          "this demo vault was created with another master password: start with the password it was created with, or delete the demo's home folder to start afresh",
          file,
        );
      }
      throw err;
    }
    const input = {
      username: DEMO_LAB_ACCOUNT.username,
      password: DEMO_LAB_ACCOUNT.password,
      enableSecret: DEMO_LAB_ACCOUNT.enableSecret,
    };
    if (vault.list().some((c) => c.name === DEMO_CREDENTIAL)) vault.edit(DEMO_CREDENTIAL, input);
    else vault.add({ name: DEMO_CREDENTIAL, ...input });
    vault.setDefault(DEMO_CREDENTIAL);
  } finally {
    vault.close();
  }
}

/** Rebuilds the inventory from the running lab, every device mapped to the demo credential. */
export function prepareInventory(file: string, lab: Lab): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const inv = Inventory.open(file, { create: true });
  try {
    inv.init();
    for (const d of inv.listDevices()) inv.removeDevice(d.name);
    const report = inv.importCsv(lab.inventoryCsv(), { createMissing: true, source: "lab" });
    if (report.errors.length > 0)
      throw new VcError("demo_inventory", report.errors.map((e) => e.message).join("; "), file);
    for (const d of lab.devices) inv.updateDevice(d.name, { credentialName: DEMO_CREDENTIAL });
    return inv.listDevices().length;
  } finally {
    inv.close();
  }
}
