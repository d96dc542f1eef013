import * as assert from "node:assert";
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
});
