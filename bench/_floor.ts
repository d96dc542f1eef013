// Floor: MB/s of ssh2 alone (lab process -> raw ssh2 shell channel, bytes counted, nothing parsed).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { Client } from "ssh2";
const ROOT = path.resolve(__dirname, "..");
const MB = Number(process.argv[2] ?? 50);
const N = Number(process.argv[3] ?? 1);
async function main() {
  const out = "/tmp/memprof/floor-devices.json";
  const script = `
    const { startLab } = require(${JSON.stringify(path.join(ROOT, "lib/lab"))});
    const fs = require("node:fs");
    (async () => {
      const specs = Array.from({ length: ${N} }, (_, i) => ({ name: "f" + i, platform: "cisco_ios", fault: "huge_output", hugeOutputBytes: ${MB * 1048576}, chunkBytes: 32768, username: "u", password: "p" }));
      const lab = await startLab({ devices: specs, username: "u", password: "p" });
      fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(lab.devices));
      console.log("READY");
      process.stdin.on("end", () => lab.stop().then(() => process.exit(0)));
      process.stdin.resume();
    })();`;
  const child = spawn(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((r) => readline.createInterface({ input: child.stdout! }).on("line", (l) => l === "READY" && r()));
  const devices = JSON.parse(fs.readFileSync(out, "utf8"));
  const t0 = performance.now();
  let total = 0;
  await Promise.all(devices.map((d: { host: string; port: number }) => new Promise<void>((resolve, reject) => {
    const c = new Client();
    c.on("ready", () => c.shell({ term: "vt100", cols: 511, rows: 24 }, (err, ch) => {
      if (err) return reject(err);
      let bytes = 0;
      let sent = false;
      ch.on("data", (b: Buffer) => {
        bytes += b.length;
        if (!sent && b.toString().includes("#")) { sent = true; ch.write("terminal length 0\r"); setTimeout(() => ch.write("show interfaces\r"), 200); }
        if (bytes > MB * 1048576) { total += bytes; c.end(); resolve(); }
      });
    })).on("error", reject).connect({ host: d.host, port: d.port, username: "u", password: "p" });
  })));
  const s = (performance.now() - t0) / 1000;
  console.log(`ssh2 floor: ${N} × ${MB} MB in ${s.toFixed(1)} s = ${(total / 1048576 / s).toFixed(1)} MB/s`);
  child.stdin!.end();
}
main();
