import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { VcError } from "../../../lib/core/errors";
import { VELOCITYCOLLECTOR_PLATFORM_ORDER } from "../../../lib/core/inventory/seeds";
import {
  DEFAULT_PLATFORMS,
  Inventory,
  SCHEMA_VERSION,
  filterDevices,
  labelsOf,
  type DeviceFilter,
} from "../../../lib/core/inventory";
import { useTmpDir } from "../../support/tmp";
import { CSV_HEADER, makeInventoryCsv } from "../../support/inventory";

describe("Inventory (SQLite DCIM)", () => {
  const tmp = useTmpDir("vc-inv-");
  let inv: Inventory | undefined;
  afterEach(() => inv?.close());
  const file = () => path.join(tmp.path, "dcim.db");
  const openNew = () => {
    inv = Inventory.open(file(), { create: true });
    inv.init();
    return inv;
  };

  describe("open and init", () => {
    it("refuses a missing file unless asked to create it", () => {
      assert.throws(
        () => Inventory.open(file()),
        (err: unknown) =>
          err instanceof VcError && err.errorClass === "inventory_not_found" && err.message.startsWith(file()),
      );
      assert.ok(!fs.existsSync(file()));
    });

    it("creates an owner-only file in WAL mode at the current schema version", () => {
      openNew();
      assert.strictEqual(fs.statSync(file()).mode & 0o777, 0o600);
      const db = new Database(file(), { readonly: true });
      try {
        assert.strictEqual(db.pragma("journal_mode", { simple: true }), "wal");
        assert.deepStrictEqual(
          (db.prepare("SELECT version FROM schema_version ORDER BY version").all() as Array<{ version: number }>).map(
            (r) => r.version,
          ),
          [2, 3],
        );
        assert.strictEqual(SCHEMA_VERSION, 3);
      } finally {
        db.close();
      }
    });

    it("seeds VelocityCollector's manufacturers, platforms (netmiko names, paging) and role colours, idempotently", () => {
      const i = openNew();
      const first = i.counts();
      assert.deepStrictEqual(i.init(), {
        manufacturers: first.manufacturers,
        platforms: first.platforms,
        roles: first.roles,
        sites: 0,
        devices: 0,
      });
      assert.strictEqual(first.platforms, DEFAULT_PLATFORMS.length);
      const db = new Database(file(), { readonly: true });
      try {
        const xe = db
          .prepare(
            "SELECT p.name, p.netmiko_device_type AS t, p.paging_disable_command AS paging, m.name AS mfr FROM dcim_platform p JOIN dcim_manufacturer m ON m.id = p.manufacturer_id WHERE p.slug = 'cisco_ios_xe'",
          )
          .get();
        assert.deepStrictEqual(xe, { name: "Cisco IOS-XE", t: "cisco_xe", paging: "terminal length 0", mfr: "Cisco" });
        const forti = db
          .prepare("SELECT paging_disable_command AS p FROM dcim_platform WHERE slug = 'fortinet_fortios'")
          .get() as { p: string };
        assert.strictEqual(forti.p, "config system console\nset output standard\nend");
        assert.deepStrictEqual(
          db.prepare("SELECT name, color FROM dcim_device_role WHERE slug = 'load-balancer'").get(),
          { name: "Load Balancer", color: "9b59b6" },
        );
        assert.deepStrictEqual(db.prepare("SELECT name FROM dcim_manufacturer WHERE slug = 'palo-alto'").get(), {
          name: "Palo Alto",
        });
        const have = (db.prepare("SELECT slug FROM dcim_platform").all() as Array<{ slug: string }>).map((r) => r.slug);
        for (const slug of VELOCITYCOLLECTOR_PLATFORM_ORDER) assert.ok(have.includes(slug), slug);
        assert.strictEqual((db.prepare("SELECT COUNT(*) AS n FROM dcim_device_role").get() as { n: number }).n, 12);
      } finally {
        db.close();
      }
    });

    it("refuses a file that is not SQLite, naming it", () => {
      fs.writeFileSync(
        file(),
        "this is not a database, just text that is long enough to be read as a header".repeat(10),
      );
      assert.throws(
        () => Inventory.open(file()),
        (err: unknown) => err instanceof VcError && err.errorClass === "inventory_open" && err.message.includes(file()),
      );
    });

    it("refuses a schema newer than it understands", () => {
      openNew().close();
      const db = new Database(file());
      db.prepare("INSERT INTO schema_version (version) VALUES (99)").run();
      db.close();
      assert.throws(() => Inventory.open(file()), /schema version 99 is newer/);
    });
  });

  describe("devices", () => {
    it("adds a device with its platform found by slug, name or netmiko name, and reads it back", () => {
      const i = openNew();
      const d = i.addDevice(
        {
          name: "core-1",
          host: "10.0.0.1/24",
          platform: "Cisco IOS-XE",
          site: "Main DC",
          role: "core",
          tags: ["pci"],
          port: 2022,
        },
        { createMissing: true },
      );
      assert.strictEqual(d.host, "10.0.0.1");
      assert.strictEqual(d.platform, "cisco_xe");
      assert.strictEqual(d.site, "main-dc");
      assert.strictEqual(d.role, "core");
      assert.strictEqual(d.manufacturer, "cisco");
      assert.strictEqual(d.port, 2022);
      assert.deepStrictEqual(d.tags, ["pci"]);
      assert.strictEqual(d.credentialStatus, "untested");
      assert.deepStrictEqual(labelsOf(d), {
        siteName: "Main DC",
        roleName: "Core",
        roleColor: "e67e22",
        platformName: "Cisco IOS-XE",
        platformSlug: "cisco_ios_xe",
        manufacturerName: "Cisco",
      });
      assert.deepStrictEqual(i.getDevice("core-1"), d);
      assert.strictEqual(i.addDevice({ name: "r2", host: "2001:db8::2", platform: "cisco_xe" }).host, "2001:db8::2");
      assert.strictEqual(
        i.addDevice({ name: "r3", host: "r3.example.net", platform: "cisco_ios_xe" }).platform,
        "cisco_xe",
      );
      assert.strictEqual(i.getDevice("r2")?.site, "default", "a device without a site goes to 'default'");
    });

    it("refuses unknown sites, roles and platforms, duplicates and bad fields, naming device and field", () => {
      const i = openNew();
      i.addDevice({ name: "r1", host: "10.0.0.1", platform: "cisco_ios" });
      const cases: Array<[Parameters<Inventory["addDevice"]>[0], RegExp]> = [
        [
          { name: "r2", host: "10.0.0.2", platform: "cisco_ios", site: "nowhere" },
          /device 'r2', field site: unknown site 'nowhere'/,
        ],
        [
          { name: "r2", host: "10.0.0.2", platform: "cisco_ios", role: "king" },
          /device 'r2', field role: unknown role 'king'/,
        ],
        [
          { name: "r2", host: "10.0.0.2", platform: "ios15" },
          /device 'r2', field platform: unknown platform 'ios15' \(known: .*cisco_ios/,
        ],
        [
          { name: "r2", host: "300.0.0.1", platform: "cisco_ios" },
          /device 'r2', field host: '300.0.0.1' is not an IP address or a host name/,
        ],
        [
          { name: "r2", host: "10.0.0.2", platform: "cisco_ios", port: 0 },
          /device 'r2', field port: '0' is not a TCP port/,
        ],
        [
          { name: "r2", host: "10.0.0.2", platform: "cisco_ios", status: "up" },
          /device 'r2', field status: 'up' is not a device status/,
        ],
        [{ name: "r 2", host: "10.0.0.2", platform: "cisco_ios" }, /field name: 'r 2' is not a valid device name/],
        [
          { name: "r1", host: "10.0.0.9", platform: "cisco_ios" },
          /device 'r1': a device with this name is already in the inventory/,
        ],
      ];
      for (const [input, re] of cases) assert.throws(() => i.addDevice(input), re, JSON.stringify(input));
      assert.deepStrictEqual(
        i.listDevices().map((d) => d.name),
        ["r1"],
      );
      assert.deepStrictEqual(
        i.listSites().map((s) => s.slug),
        ["default"],
        "nothing half-created by a refused device",
      );
    });

    it("updates and renames a device, and removes it", () => {
      const i = openNew();
      i.addDevice({ name: "r1", host: "10.0.0.1", platform: "cisco_ios", tags: ["a"], credentialName: "lab" });
      const u = i.updateDevice("r1", { name: "r1-new", host: "10.0.0.11", status: "offline" });
      assert.deepStrictEqual(
        [u.name, u.host, u.status, u.platform, u.credentialName, u.tags],
        ["r1-new", "10.0.0.11", "offline", "cisco_ios", "lab", ["a"]],
      );
      assert.strictEqual(i.getDevice("r1"), undefined);
      assert.throws(() => i.updateDevice("r1", { status: "active" }), /device 'r1': no such device/);
      i.db.prepare("UPDATE dcim_device SET primary_ip6 = '2001:db8::11' WHERE name = 'r1-new'").run();
      i.updateDevice("r1-new", { role: "edge" });
      assert.deepStrictEqual(
        i.db.prepare("SELECT primary_ip4 AS v4, primary_ip6 AS v6 FROM dcim_device WHERE name = 'r1-new'").get(),
        { v4: "10.0.0.11", v6: "2001:db8::11" },
        "an update that does not touch the address keeps both",
      );
      i.removeDevice("r1-new");
      assert.deepStrictEqual(i.listDevices(), []);
      assert.throws(
        () => i.removeDevice("r1-new"),
        (err: unknown) => err instanceof VcError && err.errorClass === "device_not_found",
      );
    });

    it("saves the credential that worked, by name, with status and time; a failure keeps the mapping", () => {
      const i = openNew();
      i.addDevice({ name: "r1", host: "10.0.0.1", platform: "cisco_ios" });
      i.setCredentialResult("r1", { credentialName: "noc", status: "ok", at: new Date("2026-01-02T03:04:05.678Z") });
      let d = i.getDevice("r1")!;
      assert.deepStrictEqual(
        [d.credentialName, d.credentialStatus, d.credentialTestedAt],
        ["noc", "ok", "2026-01-02T03:04:05Z"],
      );
      i.setCredentialResult("r1", { status: "failed", at: new Date("2026-01-03T00:00:00Z") });
      d = i.getDevice("r1")!;
      assert.deepStrictEqual(
        [d.credentialName, d.credentialStatus, d.credentialTestedAt],
        ["noc", "failed", "2026-01-03T00:00:00Z"],
      );
      const raw = new Database(file(), { readonly: true });
      try {
        assert.deepStrictEqual(
          raw.prepare("SELECT credential_test_result AS r, credential_tested_at AS t FROM dcim_device").get(),
          { r: "failed", t: "2026-01-03 00:00:00" },
          "VelocityCollector's columns and formats",
        );
      } finally {
        raw.close();
      }
      assert.throws(() => i.setCredentialResult("ghost", { status: "ok" }), /device 'ghost': no such device/);
    });

    it("a failed test removes the mapping only when the mapped credential was rejected, and never marks a working mapping failed", () => {
      const i = openNew();
      assert.deepStrictEqual(i.importCsv(makeInventoryCsv(3), { createMissing: true }).errors, []);
      const state = (name: string) => {
        const d = i.getDevice(name)!;
        return [d.credentialName ?? null, d.credentialStatus ?? "untested"];
      };
      i.setCredentialResult("dev-00001", { credentialName: "noc", status: "ok" });
      i.setCredentialResult("dev-00001", { status: "failed", rejected: ["other"] });
      assert.deepStrictEqual(state("dev-00001"), ["noc", "ok"], "another credential failing says nothing of 'noc'");
      i.setCredentialResult("dev-00001", { status: "failed", rejected: ["other", "noc"] });
      assert.deepStrictEqual(state("dev-00001"), [null, "failed"], "'noc' was just rejected: unmapped");
      i.setCredentialResult("dev-00002", { status: "failed", rejected: ["noc"] });
      assert.deepStrictEqual(state("dev-00002"), [null, "failed"]);
      i.setCredentialResult("dev-00002", { credentialName: "lab", status: "ok" });
      assert.deepStrictEqual(state("dev-00002"), ["lab", "ok"]);
    });

    it("CSV import and addDevice store addresses through one path (IPv6 in primary_ip6, prefix stripped)", () => {
      const i = openNew();
      const addresses = ["2001:db8::10", "2001:DB8:0:0::11/64", "::ffff:10.0.0.12", "10.0.0.13/24"];
      const csv = [CSV_HEADER, ...addresses.map((a, n) => `csv-${n},${a},cisco_ios,dc1,,active,22,,`)].join("\n");
      assert.deepStrictEqual(i.importCsv(csv, { createMissing: true }).errors, []);
      addresses.forEach((a, n) => i.addDevice({ name: `api-${n}`, host: a, platform: "cisco_ios", site: "dc1" }));
      const raw = new Database(file(), { readonly: true });
      try {
        const row = (name: string) =>
          raw
            .prepare(
              "SELECT primary_ip4, primary_ip6, ssh_port, status, tags, description FROM dcim_device WHERE name = ?",
            )
            .get(name);
        addresses.forEach((a, n) => assert.deepStrictEqual(row(`csv-${n}`), row(`api-${n}`), a));
        assert.deepStrictEqual(row("csv-0"), {
          primary_ip4: null,
          primary_ip6: "2001:db8::10",
          ssh_port: 22,
          status: "active",
          tags: "[]",
          description: null,
        });
        assert.strictEqual((row("csv-1") as { primary_ip6: string }).primary_ip6, "2001:DB8:0:0::11");
        assert.strictEqual((row("csv-3") as { primary_ip4: string }).primary_ip4, "10.0.0.13");
      } finally {
        raw.close();
      }
    });

    it("listDevices and filterDevices select exactly the same devices for every filter", () => {
      const i = openNew();
      const report = i.importCsv(makeInventoryCsv(300), { createMissing: true });
      assert.deepStrictEqual(report.errors, []);
      i.setCredentialResult("dev-00003", { credentialName: "lab", status: "ok" });
      i.setCredentialResult("dev-00004", { status: "failed" });
      const all = i.listDevices();
      assert.strictEqual(all.length, 300);
      const filters: DeviceFilter[] = [
        {},
        { site: "dc1" },
        { site: "DC2" },
        { role: "edge" },
        { platform: "arista_eos" },
        { platform: "Arista EOS" },
        { manufacturer: "juniper" },
        { manufacturer: "Palo Alto" },
        { status: "offline" },
        { name: "^dev-000[1-3]" },
        { name: "7$" },
        { tag: "tenth" },
        { tag: "ODD", site: "lab" },
        { credentialStatus: "ok" },
        { credentialStatus: "failed" },
        { credentialStatus: "untested", limit: 5 },
        { limit: 10 },
        { site: "branch-1", role: "core", limit: 3 },
      ];
      for (const f of filters) {
        const fromDb = i.listDevices(f).map((d) => d.name);
        assert.deepStrictEqual(
          fromDb,
          filterDevices(all, f).map((d) => d.name),
          JSON.stringify(f),
        );
      }
      assert.strictEqual(i.listDevices({ credentialStatus: "ok" })[0].name, "dev-00003");
      assert.strictEqual(i.listDevices({ site: "dc1" }).length, 60);
      assert.throws(() => i.listDevices({ name: "(" }), /filter\.name/);
    });
  });

  describe("importCsv", () => {
    const GOOD = `${CSV_HEADER}\nr1,10.0.0.1,cisco_ios,dc1,core,active,22,pci,lab\nr2,10.0.0.2,arista_eos,dc1,access,,2222,,\n`;

    it("imports nothing when any row is bad, and says where each problem is", () => {
      const i = openNew();
      const r = i.importCsv(`${GOOD}r3,10.0.0.999,cisco_ios,dc1,core,,,,\n`, {
        source: "fleet.csv",
        createMissing: true,
      });
      assert.strictEqual(r.imported, 0);
      assert.deepStrictEqual(
        r.errors.map((e) => e.message),
        ["fleet.csv:row 4, column primary_ip4: '10.0.0.999' is not an IPv4 or IPv6 address"],
      );
      assert.deepStrictEqual(i.listDevices(), []);
      assert.deepStrictEqual(i.listSites(), [], "no site created either");
    });

    it("with skipBad imports the good rows and lists what was skipped", () => {
      const i = openNew();
      const r = i.importCsv(`${GOOD}r3,10.0.0.999,cisco_ios,dc1,core,,,,\nr1,10.0.0.4,cisco_ios,dc1,core,,,,\n`, {
        source: "fleet.csv",
        createMissing: true,
        skipBad: true,
      });
      assert.strictEqual(r.imported, 2);
      assert.deepStrictEqual(r.importedNames, ["r1", "r2"]);
      assert.deepStrictEqual(
        r.skipped.map((e) => [e.row, e.column]),
        [
          [4, "primary_ip4"],
          [5, "name"],
        ],
      );
      assert.deepStrictEqual(r.createdSites, ["dc1"]);
      assert.deepStrictEqual(r.createdRoles, [], "core and access are seeded roles");
      const r1 = i.getDevice("r1")!;
      assert.deepStrictEqual(
        [r1.host, r1.platform, r1.site, r1.role, r1.tags, r1.credentialName],
        ["10.0.0.1", "cisco_ios", "dc1", "core", ["pci"], "lab"],
      );
      assert.strictEqual(i.getDevice("r2")!.port, 2222);
    });

    it("refuses unknown sites and roles unless createMissing, per row and column", () => {
      const i = openNew();
      const text = `${CSV_HEADER}\nr1,10.0.0.1,cisco_ios,dc9,wizard,,,,\n`;
      const refused = i.importCsv(text, { source: "s.csv" });
      assert.deepStrictEqual(
        refused.errors.map((e) => e.message),
        [
          "s.csv:row 2, column site: unknown site 'dc9' (allow creating missing sites and roles to add it)",
          "s.csv:row 2, column role: unknown role 'wizard' (allow creating missing sites and roles to add it)",
        ],
      );
      const created = i.importCsv(text, { source: "s.csv", createMissing: true });
      assert.deepStrictEqual([created.imported, created.createdSites, created.createdRoles], [1, ["dc9"], ["wizard"]]);
    });

    it("refuses a device already in the inventory", () => {
      const i = openNew();
      assert.strictEqual(i.importCsv(GOOD, { createMissing: true }).imported, 2);
      const again = i.importCsv(GOOD, { source: "again.csv", createMissing: true });
      assert.deepStrictEqual(
        again.errors.map((e) => e.message),
        [
          "again.csv:row 2, column name: device 'r1' is already in the inventory",
          "again.csv:row 3, column name: device 'r2' is already in the inventory",
        ],
      );
      assert.strictEqual(i.listDevices().length, 2);
    });

    it("accepts platforms added to the database besides the seeded ones", () => {
      const i = openNew();
      i.db
        .prepare(
          "INSERT INTO dcim_platform (name, slug, netmiko_device_type) VALUES ('Mikrotik RouterOS', 'mikrotik_routeros', 'mikrotik_routeros')",
        )
        .run();
      const r = i.importCsv("name,primary_ip4,platform\nmt1,10.0.0.1,Mikrotik RouterOS\n");
      assert.deepStrictEqual(r.errors, []);
      assert.strictEqual(i.getDevice("mt1")!.platform, "mikrotik_routeros");
    });
  });

  it("keeps tags and extra CSV columns", () => {
    const i = openNew();
    i.importCsv("name,primary_ip4,platform,tags,rack\nr1,10.0.0.1,cisco_ios,a;b,R7\n");
    const d = i.getDevice("r1")!;
    assert.deepStrictEqual(d.tags, ["a", "b"]);
    assert.strictEqual(d.extra?.rack, "R7");
  });
});
