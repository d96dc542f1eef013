import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Device } from "../../lib/core/types";
import { runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";

describe("vcollector device filters: comma lists and every seeded vendor (issue 14)", function () {
  this.timeout(60000);
  const tmp = useTmpDir("vc-cli-filter-");
  const env = () => ({ VCOLLECTOR_HOME: path.join(tmp.path, "home") });
  const vc = (args: string[]) => runCli(["inventory", ...args], { env: env() });
  const listNames = async (args: string[]) => {
    const r = await vc(["list", "--json", ...args]);
    assert.strictEqual(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as Device[]).map((d) => d.name);
  };

  it("--platform a,b, --site a,b and --vendor paloalto select the right devices", async () => {
    assert.strictEqual((await vc(["init"])).code, 0);
    const add = [
      ["fw-1", "10.0.0.1", "paloalto_panos", "dc1"],
      ["sw-1", "10.0.0.2", "arista_eos", "dc2"],
      ["rtr-1", "10.0.0.3", "cisco_ios", "dc3"],
      ["fgt-1", "10.0.0.4", "fortinet", "dc1"],
    ];
    for (const [name, host, platform, site] of add) {
      const r = await vc(["add", name, "--host", host, "--platform", platform, "--site", site, "--create-missing"]);
      assert.strictEqual(r.code, 0, r.stderr);
    }
    assert.deepStrictEqual(await listNames(["--platform", "paloalto_panos,arista_eos"]), ["fw-1", "sw-1"]);
    assert.deepStrictEqual(await listNames(["--site", "dc2,dc3"]), ["rtr-1", "sw-1"]);
    assert.deepStrictEqual(await listNames(["--vendor", "paloalto"]), ["fw-1"]);
    assert.deepStrictEqual(await listNames(["--vendor", "paloalto,fortinet", "--site", "dc1"]), ["fgt-1", "fw-1"]);
  });

  it("collect --dry-run marks a device of an inventory-only platform (it would fail unsupported_platform)", async () => {
    const csv = path.join(tmp.path, "mixed.csv");
    fs.writeFileSync(
      csv,
      "name,primary_ip4,platform,site,role,status\nasa-1,10.0.0.9,cisco_asa,dc1,firewall,active\nrtr-1,10.0.0.8,cisco_ios,dc1,router,active\n",
    );
    const args = ["collect", "--inventory", csv, "--commands", "show version", "--capture-type", "v", "--dry-run"];
    const r = await runCli([...args, "--vendor", "cisco"], { env: env() });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /asa-1 {2}10\.0\.0\.9:22 {2}cisco_asa \(inventory-only: unsupported_platform\)/);
    assert.match(r.stdout, /rtr-1 {2}10\.0\.0\.8:22 {2}cisco_ios {2}credential/);
    const json = await runCli([...args, "--json"], { env: env() });
    const rows = (JSON.parse(json.stdout) as { devices: Array<{ name: string; supported: boolean }> }).devices;
    assert.deepStrictEqual(
      rows.map((d) => [d.name, d.supported]),
      [
        ["asa-1", false],
        ["rtr-1", true],
      ],
    );
  });
});
