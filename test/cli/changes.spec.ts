import * as assert from "node:assert";
import * as path from "node:path";
import type { Lab } from "../../lib/lab";
import { runCli } from "../support/cli";
import { login } from "../support/lab-shell";
import { findSecretsInText } from "../support/secrets";
import { collectArgs, useCliLab } from "../support/cli-lab";
import type { TestVault } from "../support/vault";

const PASSWORD = "Cli-Changes-Pass-5e7a";

describe("vcollector diff / changes after vcollector collect (lab)", function () {
  this.timeout(120_000);
  const started = useCliLab("vc-cli-changes-", PASSWORD, () => ({
    devices: [
      { name: "r1", platform: "cisco_ios", password: PASSWORD },
      { name: "r2", platform: "cisco_ios", password: PASSWORD },
      { name: "nx1", platform: "cisco_nxos", password: PASSWORD },
    ],
  }));
  let dir: string;
  let lab: Lab;
  let csv: string;
  let vault: TestVault;
  before(() => ({ dir, lab, csv, vault } = started));

  const home = () => path.join(dir, "home");
  const cli = (...args: string[]) => runCli(["--home", home(), ...args], { env: vault.env });
  const collect = () =>
    runCli(
      collectArgs({
        home: home(),
        inventory: csv,
        vault: vault.file,
        commands: ["show running-config"],
        captureType: "configs",
      }),
      { env: vault.env },
    );

  it("reports new devices, then nothing for an unchanged run, then exactly the changed device with exit code 3", async () => {
    let r = await collect();
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const since = new Date().toISOString();
    r = await cli("changes", "--since", "1h");
    assert.strictEqual(r.code, 3, r.stderr);
    assert.strictEqual(r.stdout.trim().split("\n").length, 3);
    assert.match(r.stdout, /configs\/r1 {2}new v1/);

    await new Promise((res) => setTimeout(res, 1100)); // the IOS stamp and clock lines change
    r = await collect();
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    r = await cli("changes", "--since", since);
    assert.deepStrictEqual([r.code, r.stdout], [0, ""], "an unchanged run prints nothing and exits 0");
    r = await cli("diff", "r1");
    assert.match(r.stdout, /only one version/);
    assert.strictEqual(r.code, 0);

    const s = await login(lab.devices.find((d) => d.name === "r2")!);
    try {
      await s.run("configure terminal", /\(config\)#$/);
      await s.run("interface GigabitEthernet0/0/2", /\(config-if\)#$/);
      await s.run("description CHG-777 spare port", /\(config-if\)#$/);
      await s.run("end");
    } finally {
      s.shell.close();
    }
    r = await collect();
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);

    r = await cli("changes", "--since", since, "--diff");
    assert.strictEqual(r.code, 3, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => /^\d{4}-/.test(l));
    assert.strictEqual(lines.length, 1, r.stdout);
    assert.match(lines[0], /configs\/r2 {2}v1 -> v2 {2}\+1 -0$/);
    assert.match(r.stdout, /^\+ description CHG-777 spare port$/m);

    r = await cli("changes", "--since", since, "--json");
    const json = JSON.parse(r.stdout) as Array<{ device: string; version: number; previousVersion: number }>;
    assert.deepStrictEqual(
      json.map((c) => [c.device, c.previousVersion, c.version]),
      [["r2", 1, 2]],
    );

    r = await cli("diff", "r2", "--type", "configs");
    assert.strictEqual(r.code, 3, r.stderr);
    assert.match(r.stdout, /^--- configs\/r2\tv1 /m);
    assert.match(r.stdout, /^\+\+\+ configs\/r2\tv2 /m);
    assert.match(r.stdout, /^\+ description CHG-777 spare port$/m);
    assert.ok(!/clock-period|Last configuration change/.test(r.stdout), r.stdout);
    assert.match(r.stdout, /enable secret 9 <redacted>|^(?!.*enable secret)/m);
    assert.deepStrictEqual(findSecretsInText(r.stdout, [PASSWORD]), []);

    r = await cli("diff", "r2", "--list");
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /^v1 .*\nv2 .* \+1 -0 /);

    r = await cli("diff", "r2", "--from", "2", "--to", "1");
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /--from \(2\) must be older than --to \(1\)/);
    r = await cli("diff", "r2", "--to", "9");
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /r2: no version 9 \(--to\)/);
  });

  it("explains that there are no versions yet", async () => {
    const r = await runCli(["--home", path.join(dir, "empty-home"), "changes"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /no capture versions yet/);
  });
});
