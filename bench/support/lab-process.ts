import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import type { StartLabOptions } from "../../lib/lab";

const ROOT = path.resolve(__dirname, "../..");

export interface LabProcessDevice {
  name: string;
  platform: string;
  host: string;
  port: number;
}

export interface LabProcess {
  child: ChildProcess;
  devices: LabProcessDevice[];
  /** How long startLab took in the child. */
  startMs: number;
  /** SIGTERM (the lab stops its servers), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts the device lab in its own process, so that its SSH servers do not share the measured
 * collector's event loop, and waits for its device list (written to `dir`). `options` must survive
 * JSON; `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startLabProcess(
  options: StartLabOptions,
  dir: string,
  nodeArgs: readonly string[] = [],
): Promise<LabProcess> {
  const out = path.join(dir, "lab-devices.json");
  const script = `
    const { startLab } = require(${JSON.stringify(path.join(ROOT, "lib/lab"))});
    const fs = require("node:fs");
    (async () => {
      const t0 = Date.now();
      const lab = await startLab(JSON.parse(${JSON.stringify(JSON.stringify(options))}));
      fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(lab.devices.map(({ name, platform, host, port }) => ({ name, platform, host, port }))));
      console.log("READY " + (Date.now() - t0));
      const stop = () => lab.stop().then(() => process.exit(0));
      process.on("SIGTERM", stop);
      process.stdin.on("end", stop);
      process.stdin.resume();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, [...nodeArgs, "--require", "tsx/cjs", "-e", script], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const startMs = await new Promise<number>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("READY ")) resolve(Number(line.slice(6)));
    });
    child.once("exit", (code) => reject(new Error(`the lab process exited with ${code}`)));
  });
  return {
    child,
    devices: JSON.parse(fs.readFileSync(out, "utf8")) as LabProcessDevice[],
    startMs,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
