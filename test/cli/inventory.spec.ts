import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Device } from "../../lib/core/types";
import { runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { CSV_HEADER, makeInventoryCsv, makeVcCollectorDb, makeVcDcimDb } from "../support/inventory";
import { startFakeNetBox, type FakeNetBox } from "../support/netbox-server";
import { makeVault } from "../support/vault";

describe("vcollector inventory", function () {
  this.timeout(60000);
  const tmp = useTmpDir("vc-cli-inv-");
  const home = () => path.join(tmp.path, "home");
  const vc = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(["inventory", ...args], { env: { VCOLLECTOR_HOME: home(), ...env } });
  const listJson = async (args: string[] = []) => {
    const r = await vc(["list", "--json", ...args]);
    assert.strictEqual(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Device[];
  };

  it("init creates and seeds the data home's dcim.db; init again keeps it", async () => {
    const r = await vc(["init"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /inventory created: .*home\/dcim\.db\n\d+ manufacturers, 21 platforms, 12 roles, 0 sites, 0 devices/,
    );
    assert.ok(fs.existsSync(path.join(home(), "dcim.db")));
    const again = await vc(["init"]);
    assert.match(again.stdout, /inventory up to date/);
  });

  it("list without an inventory fails in one line saying how to create one", async () => {
    const r = await vc(["list"]);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /no inventory database here \(create one with `vcollector inventory init`\)/);
  });

  it("add, list (table and JSON, with filters), rm", async () => {
    await vc(["init"]);
    const addCore = "add core-1 --host 10.0.0.1 --platform cisco_ios_xe --site dc1 --role core --tags pci;backbone";
    let r = await vc(addCore.split(" "));
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /device 'core-1', field site: unknown site 'dc1' \(add --create-missing to create it\)/);
    r = await vc([...addCore.split(" "), "--create-missing"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /added core-1 \(10\.0\.0\.1:22, cisco_xe, site dc1\)/);
    r = await vc([
      "add",
      "acc-1",
      "--host",
      "10.0.1.1",
      "--platform",
      "hp_procurve",
      "--site",
      "dc1",
      "--port",
      "2222",
      "--credential",
      "noc",
    ]);
    assert.strictEqual(r.code, 0, r.stderr);
    r = await vc(["list"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(
      r.stdout
        .split("\n")
        .map((l) => l.split(/\s+/)[0])
        .filter(Boolean),
      ["NAME", "acc-1", "core-1", "2"],
    );
    assert.match(r.stdout, /^acc-1\s+10\.0\.1\.1\s+2222\s+hp_procurve\s+dc1\s+-\s+active\s+-\s+noc \(untested\)$/m);
    assert.match(r.stdout, /^core-1\s+10\.0\.0\.1\s+22\s+cisco_xe\s+dc1\s+core\s+active\s+pci;backbone\s+-$/m);
    assert.deepStrictEqual(
      (await listJson(["--tag", "PCI"])).map((d) => d.name),
      ["core-1"],
    );
    assert.deepStrictEqual(
      (await listJson(["--vendor", "hp"])).map((d) => d.name),
      ["acc-1"],
    );
    assert.deepStrictEqual(
      (await listJson(["--name", "^(acc|core)-", "--limit", "1"])).map((d) => d.name),
      ["acc-1"],
    );
    r = await vc(["rm", "acc-1"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(
      (await listJson()).map((d) => d.name),
      ["core-1"],
    );
    r = await vc(["rm", "acc-1"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /device 'acc-1': no such device/);
  });

  it("bad options are usage errors (exit 2) naming the option", async () => {
    await vc(["init"]);
    for (const [args, re] of [
      [["list", "--name", "core-("], /--name: 'core-\(' is not a valid regular expression/],
      [["list", "--credential-status", "good"], /--credential-status: must be one of ok, failed, untested/],
      [["list", "--limit", "0"], /--limit: must be a whole number/],
      [["list", "--colour", "red"], /Unknown option '--colour'/],
      [["add", "r1", "--platform", "cisco_ios"], /inventory add needs --host/],
      [["add", "r1", "--host", "10.0.0.1", "--platform", "cisco_ios", "--port", "http"], /--port must be a TCP port/],
      [["frob"], /unknown inventory subcommand 'frob'/],
      [[], /inventory needs a subcommand/],
    ] as Array<[string[], RegExp]>) {
      const r = await vc(args);
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  it("import-csv refuses a file with a bad row, locating it; --skip-bad imports the rest and lists what was skipped", async () => {
    await vc(["init"]);
    const file = path.join(tmp.path, "fleet.csv");
    fs.writeFileSync(
      file,
      `${CSV_HEADER}\nr1,10.0.0.1,cisco_ios,dc1,core,,,,\nr2,10.0.0.2/24,eos,dc1,core,,,,\nr3,10.0.0.3,arista_eos,dc1,core,,,,\n`,
    );
    let r = await vc(["import-csv", file]);
    assert.strictEqual(r.code, 1);
    assert.deepStrictEqual(r.stderr.trim().split("\n"), [
      `${file}:row 2, column site: unknown site 'dc1' (add --create-missing to create it)`,
      `${file}:row 3, column platform: unknown platform 'eos' (known: ${r.stderr.split("(known: ")[1]?.split(")")[0]})`,
      `${file}:row 4, column site: unknown site 'dc1' (add --create-missing to create it)`,
      "nothing imported: 3 problems (fix them, or use --skip-bad to import the good rows)",
    ]);
    assert.deepStrictEqual(await listJson(), []);
    r = await vc(["import-csv", file, "--skip-bad", "--create-missing"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(
      r.stdout,
      [
        `imported 2 devices from ${file}`,
        "created sites: dc1",
        "skipped 1 bad row(s):",
        `  ${file}:row 3, column platform: unknown platform 'eos' (known: ${r.stdout.split("(known: ")[1]?.split(")")[0]})`,
        "",
      ].join("\n"),
    );
    assert.deepStrictEqual(
      (await listJson()).map((d) => d.name),
      ["r1", "r3"],
    );
    r = await vc(["import-csv", path.join(tmp.path, "nope.csv")]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /nope\.csv: no such file/);
  });

  it("list --source reads a CSV file without any database", async () => {
    const file = path.join(tmp.path, "lab.csv");
    fs.writeFileSync(file, makeInventoryCsv(40));
    const devices = await listJson(["--source", file, "--site", "dc2", "--platform", "arista_eos"]);
    assert.deepStrictEqual(
      devices.map((d) => d.name),
      ["dev-00001", "dev-00031"],
    );
  });

  it("import-vc copies a VelocityCollector inventory, mapping credentials by name against our vault", async () => {
    const vcDir = path.join(tmp.path, "old");
    fs.mkdirSync(vcDir);
    makeVcDcimDb(path.join(vcDir, "dcim.db"));
    makeVcCollectorDb(path.join(vcDir, "collector.db"), [
      { id: 1, name: "noc-admin" },
      { id: 2, name: "legacy" },
      { id: 9, name: "lab" },
    ]);
    fs.mkdirSync(home(), { recursive: true });
    makeVault(home(), [
      { name: "noc-admin", username: "admin", password: "s3cret-noc-pass" },
      { name: "lab", username: "lab", password: "s3cret-lab-pass" },
    ]);
    const r = await vc(["import-vc", path.join(vcDir, "dcim.db")]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /7 devices added, 0 updated; new: 3 sites/);
    assert.match(r.stdout, /credential mappings: 3 device\(s\) mapped by name\n/);
    assert.match(r.stdout, /not in the vault \(mapping left empty; run vault import-vc first\?\): legacy/);
    const devices = await listJson();
    assert.strictEqual(devices.length, 7);
    const byName = new Map(devices.map((d) => [d.name, d]));
    assert.strictEqual(byName.get("core-rtr-01")?.credentialName, "noc-admin");
    assert.strictEqual(byName.get("lab-jnpr")?.credentialName, "lab");
    assert.strictEqual(byName.get("core-rtr-02")?.credentialName, undefined);
    assert.strictEqual(byName.get("core-rtr-02")?.credentialStatus, "failed");
    assert.deepStrictEqual(
      (await listJson(["--credential-status", "ok"])).map((d) => d.name),
      ["core-rtr-01", "edge-fw-01"],
    );
  });

  describe("netbox-sync", () => {
    let nb: FakeNetBox;
    beforeEach(async () => {
      nb = await startFakeNetBox([
        { id: 1, name: "nb-r1", site: "nyc", role: "core", platform: "ios", ip4: "10.9.0.1/24", tags: ["pci"] },
        { id: 2, name: "nb-r2", site: "nyc", role: "core", platform: "eos", ip4: "10.9.0.2/24" },
        { id: 3, name: "nb-r3", site: "lon", role: "edge", platform: "junos", ip4: "10.9.1.3/24" },
      ]);
    });
    afterEach(() => nb.stop());

    it("syncs NetBox devices into the inventory with counts, token from the environment only", async () => {
      const env = { NETBOX_TOKEN: nb.token };
      let r = await vc(["netbox-sync", "--url", nb.url, "--site", "nyc"], env);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stdout, "2 devices from NetBox: 2 added, 0 updated, 0 unchanged, 0 failed\n");
      r = await vc(["netbox-sync", "--url", nb.url], env);
      assert.strictEqual(r.stdout, "3 devices from NetBox: 1 added, 0 updated, 2 unchanged, 0 failed\n");
      const devices = await listJson(["--site", "nyc"]);
      assert.deepStrictEqual(
        devices.map((d) => [d.name, d.host, d.platform]),
        [
          ["nb-r1", "10.9.0.1", "cisco_ios"],
          ["nb-r2", "10.9.0.2", "arista_eos"],
        ],
      );
      r = await vc(["netbox-sync", "--url", nb.url, "--dry-run", "--tag", "pci"], env);
      assert.match(r.stdout, /^nb-r1\s+10\.9\.0\.1/m);
      assert.match(r.stdout, /1 device\n$/);
    });

    it("fails in one line when NetBox refuses the token, never printing it", async () => {
      const wrong = "wrong-token-4242424242";
      const r = await vc(["netbox-sync", "--url", nb.url], { NETBOX_TOKEN: wrong });
      assert.strictEqual(r.code, 1);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
      assert.match(r.stderr, /NetBox refused the token \(HTTP 401\)/);
      assert.ok(!r.stderr.includes(wrong) && !r.stdout.includes(wrong));
    });

    it("needs the token in the environment", async () => {
      const r = await vc(["netbox-sync", "--url", nb.url], { NETBOX_TOKEN: "" });
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /reads the NetBox API token from \$NETBOX_TOKEN, which is not set/);
    });
  });
});
