import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_NETBOX_PLATFORM_MAP, DEFAULT_PLATFORMS } from "../../../lib/core/inventory";
import {
  BUILTIN_CATALOGUE_DIR,
  PlatformCatalogueError,
  loadCatalogue,
  ntcPlatformFor,
  platformOptionsForHome,
  redactionRules,
  volatilePatterns,
  volatileRules,
} from "../../../lib/core/platforms";
import { loadProfile } from "../../../lib/core/ssh";
import { labPlatforms, loadPlatformFile } from "../../../lib/lab/platform";
import { useTmpDir } from "../../support/tmp";

const NTC_INDEX = path.resolve(__dirname, "../../../../shared/ntc-templates/templates/index");

describe("platforms: one catalogue record per platform", () => {
  const tmp = useTmpDir("vc-platforms-");

  it("every platform the inventory seeds has a session or is marked inventory-only", () => {
    const catalogue = loadCatalogue();
    for (const p of DEFAULT_PLATFORMS) {
      const record = catalogue.find(p.netmikoDeviceType!);
      assert.ok(record, `${p.slug}: no catalogue record`);
      assert.strictEqual(catalogue.find(p.slug), record, `${p.slug} and its device type name the same record`);
      assert.ok(record.session !== undefined || record.inventoryOnly, record.name);
      assert.strictEqual(record.session === undefined, record.inventoryOnly);
    }
    const inventoryOnly = catalogue
      .list()
      .filter((r) => r.inventoryOnly)
      .map((r) => r.name);
    assert.ok(inventoryOnly.includes("cisco_asa") && !inventoryOnly.includes("cisco_ios"), inventoryOnly.join());
  });

  it("the session profile of a platform is its record (one file holds the cisco_ios prompt)", () => {
    const ios = loadProfile("cisco_ios");
    assert.strictEqual(ios.file, path.join(BUILTIN_CATALOGUE_DIR, "cisco_ios.yaml"));
    assert.ok(fs.readFileSync(ios.file, "utf8").includes("privileged: '^[\\w.\\-@/:]{1,63}#\\s?$'"));
    assert.strictEqual(loadProfile("cisco_xe").file, ios.file);
    // The paging command is sent first and is what the inventory seeds as the paging command.
    assert.strictEqual(ios.onOpen[0], "terminal length 0");
    for (const p of DEFAULT_PLATFORMS) {
      const record = loadCatalogue().find(p.slug)!;
      if (record.session && record.paging) assert.strictEqual(p.pagingDisableCommand, record.paging, p.slug);
    }
  });

  it("an inventory-only platform has no profile: unsupported_platform naming the file", () => {
    assert.throws(
      () => loadProfile("cisco_asa"),
      (err: unknown) =>
        err instanceof Error &&
        (err as { errorClass?: string }).errorClass === "unsupported_platform" &&
        /inventory-only/.test(err.message) &&
        err.message.includes("cisco_asa.yaml"),
    );
  });

  it("maps a device's platform to the ntc-templates name parsing uses (cisco_xe → cisco_ios)", () => {
    assert.strictEqual(ntcPlatformFor("cisco_xe"), "cisco_ios");
    assert.strictEqual(ntcPlatformFor("Cisco_IOS_XE"), "cisco_ios");
    assert.strictEqual(ntcPlatformFor("aruba_osswitch"), "hp_procurve");
    assert.strictEqual(ntcPlatformFor("fortinet_fortios"), "fortinet");
    assert.strictEqual(ntcPlatformFor("vyos"), "vyos", "unknown platforms pass through");
    // Every platform that can be collected has templates under its ntc name in the ntc index.
    const index = fs.readFileSync(NTC_INDEX, "utf8");
    for (const r of loadCatalogue()
      .list()
      .filter((x) => x.session))
      assert.ok(
        new RegExp(`, *(\\(?[a-z_|()]*\\)?)?${r.ntcPlatform.replace(/^(hp|aruba)_/, "")}\\b`).test(index),
        r.name,
      );
  });

  it("the NetBox slug map and the lab both refer to catalogue platforms", () => {
    const catalogue = loadCatalogue();
    for (const [slug, type] of Object.entries(DEFAULT_NETBOX_PLATFORM_MAP))
      assert.ok(catalogue.find(type), `NetBox ${slug} → ${type}`);
    assert.strictEqual(DEFAULT_NETBOX_PLATFORM_MAP["ios-xe"], "cisco_xe");
    for (const name of labPlatforms()) {
      const record = catalogue.find(name);
      assert.strictEqual(record?.name, name, `lab platform ${name}`);
      assert.ok(record.session, `lab platform ${name} has a session`);
    }
  });

  it("refuses a lab platform file that names no catalogue platform with a session", () => {
    const base = fs.readFileSync(path.resolve(__dirname, "../../../lib/lab/platforms/cisco_ios.yaml"), "utf8");
    for (const name of ["acme_os", "cisco_asa"]) {
      const file = path.join(tmp.path, `${name}.yaml`);
      fs.writeFileSync(file, base.replace(/^name: cisco_ios$/m, `name: ${name}`));
      assert.throws(
        () => loadPlatformFile(file),
        new RegExp(`'${name}' is not a platform of the catalogue with a session`),
      );
    }
  });

  it("names the file and the field of a bad record, rule or vendor", () => {
    const dir = tmp.path;
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, `${name}.yaml`), text);
    const fails = (re: RegExp) =>
      assert.throws(
        () => loadCatalogue({ extraDirs: [dir] }),
        (err: unknown) => err instanceof PlatformCatalogueError && re.test(err.message),
      );
    write("acme_os", "name: acme_os\ndescription: Acme\nsession: { prompts: { privileged: 'x' } }\nbogus: 1\n");
    fails(/acme_os\.yaml: bogus: unknown field/);
    write(
      "acme_os",
      "name: acme_os\ndescription: Acme\ninventoryOnly: true\nredact:\n  - { id: pw, match: 'password \\S+' }\n",
    );
    fails(/acme_os\.yaml: redact\[0\]\.match: needs a group named secret/);
    write("acme_os", "name: acme_os\ndescription: Acme\ninventoryOnly: true\nvolatile:\n  - { id: t, match: '(' }\n");
    fails(/acme_os\.yaml: volatile\[0\]\.match: invalid regular expression/);
    write("acme_os", "name: acme_os\ndescription: Acme\nvendor: acme\ninventoryOnly: true\n");
    fails(/acme_os\.yaml: vendor: "acme" is not in vendors\.yaml/);
    write("acme_os", "name: acme_os\ndescription: Acme\n");
    fails(/acme_os\.yaml: \(top level\): needs either a session or inventoryOnly: true/);
    write("acme_os", "name: acme_os\ndescription: Acme\ninventoryOnly: true\n");
    assert.ok(loadCatalogue({ extraDirs: [dir] }).find("acme_os")?.inventoryOnly);
  });

  it("volatilePatterns: the reference's volatile lines per platform", () => {
    const ios = volatilePatterns("cisco_ios");
    const hit = (patterns: RegExp[], line: string) => patterns.some((re) => re.test(line));
    for (const line of [
      "! Last configuration change at 10:01:02 UTC Mon Dec 7 2026 by admin",
      "! NVRAM config last updated at 10:01:02 UTC Mon Dec 7 2026",
      "ntp clock-period 36028797",
      "Current configuration : 4211 bytes",
      "R1 uptime is 3 weeks, 2 days",
    ])
      assert.ok(hit(ios, line), line);
    assert.ok(!hit(ios, "hostname R1") && !hit(ios, "interface GigabitEthernet0/1"));
    assert.ok(hit(volatilePatterns("cisco_xe"), "ntp clock-period 1"), "aliases get the platform's rules");
    assert.ok(hit(volatilePatterns("juniper_junos"), "## Last commit: 2026-12-06 10:00:00 UTC by admin"));
    assert.ok(hit(volatilePatterns("fortinet"), "        set password ENC SH2aGVsbG8="));
    assert.ok(hit(volatilePatterns("fortinet"), "#config-version=FGT60F-7.2.5"));
    assert.ok(hit(volatilePatterns("cisco_nxos"), "!Time: Mon Dec  7 10:00:00 2026"));
    assert.ok(hit(volatilePatterns("arista_eos"), "! Time: Mon Dec  7 10:00:00 2026"));
    assert.ok(hit(volatilePatterns("paloalto_panos"), "uptime: 12 days, 3:04:05"));
    assert.strictEqual(volatileRules("cisco_ios").find((r) => r.id === "ntp-drift")?.action, "drop");
    assert.strictEqual(volatileRules("cisco_ios").find((r) => r.id === "nvram-stamp")?.action, "ignore");
    assert.ok(
      volatilePatterns("cisco_ios").every((re) => !re.global),
      "safe to keep and reuse",
    );
  });

  it("a data home's platforms.yaml (or an option) extends the rules; a bad one names the file", () => {
    const home = tmp.path;
    fs.writeFileSync(
      path.join(home, "platforms.yaml"),
      [
        "cisco_ios:",
        "  volatile:",
        "    - { id: banner-date, match: '^! Generated on ' }",
        "  redact:",
        "    - { id: site-token, match: 'site-token (?<secret>\\S+)' }",
        '"*":',
        "  volatile:",
        "    - { id: collected, match: '^# collected at ' }",
      ].join("\n"),
    );
    const opts = platformOptionsForHome(home);
    assert.deepStrictEqual(opts.rulesFiles, [path.join(home, "platforms.yaml")]);
    assert.ok(volatilePatterns("cisco_ios", opts).some((re) => re.test("! Generated on Monday")));
    assert.ok(volatilePatterns("arista_eos", opts).some((re) => re.test("# collected at 10:00")));
    assert.ok(!volatilePatterns("arista_eos", opts).some((re) => re.test("! Generated on Monday")));
    assert.ok(redactionRules("cisco_xe", opts).some((r) => r.id === "site-token"));
    assert.ok(
      volatilePatterns("linux", { extraVolatile: [{ id: "load", match: "^load average" }] }).some((re) =>
        re.test("load average: 0.1"),
      ),
    );
    fs.writeFileSync(path.join(home, "platforms.yaml"), "cisco_ios:\n  volatile:\n    - { id: x, match: '(' }\n");
    assert.throws(
      () => volatilePatterns("cisco_ios", platformOptionsForHome(home)),
      /platforms\.yaml: cisco_ios#x: volatile\[0\]\.match: invalid regular expression/,
    );
    fs.writeFileSync(path.join(home, "platforms.yaml"), "cisco_ios:\n  secrets: []\n");
    assert.throws(
      () => volatilePatterns("cisco_ios", platformOptionsForHome(home)),
      /platforms\.yaml: cisco_ios\.secrets: unknown field/,
    );
  });
});
