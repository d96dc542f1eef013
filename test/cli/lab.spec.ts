import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { CLI, runCli } from "../support/cli";
import { startProcess, type Started } from "../support/process";
import { useTmpDir } from "../support/tmp";
import { login } from "../support/lab-shell";
import type { LabDeviceInfo } from "../../lib/lab";

async function waitForOutput(proc: Started, pattern: RegExp, ms = 20_000): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pattern.test(proc.output())) return proc.output();
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${pattern} in: ${proc.output()}`);
}

describe("vcollector lab", function () {
  this.timeout(60_000);
  const tmp = useTmpDir("vc-cli-lab-");
  let proc: Started | undefined;
  afterEach(async () => {
    await proc?.stop();
    proc = undefined;
  });

  it("prints its usage with --help", async () => {
    const r = await runCli(["lab", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: vcollector lab/);
    assert.match(r.stdout, /--inventory-out/);
  });

  it("rejects bad options with exit code 2 and one line on stderr", async () => {
    for (const args of [
      ["--devices", "x"],
      ["--platforms", "cisco_ios,nope"],
      ["--faults", "meltdown"],
      ["--devices", "1", "--faults", "slow,refuse"],
      ["--bogus"],
      ["--port", "70000"],
    ]) {
      const r = await runCli(["lab", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    }
  });

  it("runs the devices until SIGTERM, writes the inventory and prints addresses and credentials", async () => {
    const csv = path.join(tmp.path, "lab.csv");
    proc = startProcess(process.execPath, [
      CLI,
      "lab",
      "--devices",
      "3",
      "--platforms",
      "cisco_ios,juniper_junos",
      "--faults",
      "auth_fail",
      "--username",
      "netops",
      "--password",
      "Lab-Pass-9",
      "--inventory-out",
      csv,
      "--base-address",
      "127.0.5.2",
      "--seed",
      "cli-test",
    ]);
    const out = await waitForOutput(proc, /lab: running/);
    assert.match(out, /3 devices started in \d+ ms/);
    assert.match(out, /credentials: username 'netops', password 'Lab-Pass-9'/);
    assert.match(out, /ios-rtr-01 +cisco_ios +127\.0\.5\.2:\d+ +- +SHA256:/);
    assert.match(out, /ios-rtr-03 +cisco_ios +127\.0\.5\.4:\d+ +auth_fail/);
    const rows = parse(fs.readFileSync(csv, "utf8"), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((r) => [r.name, r.primary_ip4, r.platform, r.site, r.status]),
      [
        ["ios-rtr-01", "127.0.5.2", "cisco_ios", "lab", "active"],
        ["junos-rtr-02", "127.0.5.3", "juniper_junos", "lab", "active"],
        ["ios-rtr-03", "127.0.5.4", "cisco_ios", "lab", "active"],
      ],
    );
    const junos: LabDeviceInfo = {
      name: "junos-rtr-02",
      platform: "juniper_junos",
      host: "127.0.5.3",
      port: Number(rows[1].port),
      username: "netops",
      password: "Lab-Pass-9",
      hostKeyFingerprint: "",
      hostname: "junos-rtr-02",
    };
    const s = await login(junos);
    assert.match(await s.run("show version"), /Hostname: junos-rtr-02/);
    s.shell.close();

    await proc.stop();
    assert.equal(proc.child.exitCode, 0);
    assert.match(proc.output(), /lab: stopping\nlab: stopped\n$/);
  });

  it("prints the devices as JSON with --json", async () => {
    proc = startProcess(process.execPath, [CLI, "lab", "--devices", "2", "--json", "--base-address", "127.0.5.20"]);
    const out = await waitForOutput(proc, /lab: running/);
    const json = JSON.parse(out.slice(0, out.indexOf("lab: running"))) as { devices: LabDeviceInfo[] };
    assert.deepEqual(
      json.devices.map((d) => d.host),
      ["127.0.5.20", "127.0.5.21"],
    );
    await proc.stop();
    assert.equal(proc.child.exitCode, 0);
  });
});
