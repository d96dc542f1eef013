import * as assert from "node:assert";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { Inventory, importVelocityCollectorDcim, loadDevices } from "../../../lib/core/inventory";
import { useTmpDir } from "../../support/tmp";
import { makeVcCollectorDb, makeVcDcimDb } from "../../support/inventory";

const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

const EXPECTED = [
  {
    name: "acc-sw-17",
    host: "10.7.1.17",
    port: 22,
    platform: "hp_procurve",
    site: "branch-7",
    role: "access",
    manufacturer: "hp",
    status: "offline",
    credentialStatus: "untested",
  },
  {
    name: "core-rtr-01",
    host: "10.1.0.1",
    port: 22,
    platform: "cisco_xe",
    site: "dc1",
    role: "core",
    manufacturer: "cisco",
    status: "active",
    credentialStatus: "ok",
  },
  {
    name: "core-rtr-02",
    host: "10.1.0.2",
    port: 2222,
    platform: "cisco_xe",
    site: "dc1",
    role: "core",
    manufacturer: "cisco",
    status: "active",
    credentialStatus: "failed",
  },
  {
    name: "dist-sw-01",
    host: "10.1.1.1",
    port: 22,
    platform: "arista_eos",
    site: "dc1",
    role: "distribution",
    manufacturer: "arista",
    status: "active",
    credentialStatus: "untested",
  },
  {
    name: "edge-fw-01",
    host: "10.7.0.1",
    port: 22,
    platform: "paloalto_panos",
    site: "branch-7",
    role: "firewall",
    manufacturer: "palo-alto",
    status: "active",
    credentialStatus: "ok",
  },
  {
    name: "lab-jnpr",
    host: "192.0.2.10",
    port: 22,
    platform: "juniper_junos",
    site: "lab",
    role: "edge",
    manufacturer: "juniper",
    status: "active",
    credentialStatus: "untested",
  },
  {
    name: "spare-01",
    host: "2001:db8::7",
    port: 22,
    platform: "",
    site: "branch-7",
    role: undefined,
    manufacturer: undefined,
    status: "inventory",
    credentialStatus: "untested",
  },
];
const summary = (i: Inventory) =>
  i.listDevices().map((d) => ({
    name: d.name,
    host: d.host,
    port: d.port,
    platform: d.platform,
    site: d.site,
    role: d.role,
    manufacturer: d.manufacturer,
    status: d.status,
    credentialStatus: d.credentialStatus,
  }));

describe("VelocityCollector dcim.db compatibility", () => {
  const tmp = useTmpDir("vc-dcim-");
  let inv: Inventory | undefined;
  afterEach(() => inv?.close());
  const vcFile = () => path.join(tmp.path, "dcim.db");

  it("reads a VelocityCollector dcim.db read-only, as it is, without changing a byte", () => {
    makeVcDcimDb(vcFile());
    const before = sha(vcFile());
    inv = Inventory.open(vcFile(), { readonly: true });
    assert.deepStrictEqual(summary(inv), EXPECTED);
    const core1 = inv.getDevice("core-rtr-01")!;
    assert.strictEqual(core1.credentialTestedAt, "2025-06-01T10:00:00Z");
    assert.strictEqual(core1.extra?.vcCredentialId, 1);
    assert.strictEqual(
      core1.credentialName,
      undefined,
      "no name: dcim.db holds only VelocityCollector's credential id",
    );
    assert.deepStrictEqual(
      inv.listDevices({ site: "Data Center 1", name: "^core-.*" }).map((d) => d.name),
      ["core-rtr-01", "core-rtr-02"],
    );
    assert.deepStrictEqual(
      inv.listDevices({ manufacturer: "Palo Alto" }).map((d) => d.name),
      ["edge-fw-01"],
    );
    assert.throws(() => inv!.addDevice({ name: "x", host: "10.0.0.1", platform: "cisco_ios" }), /read-only/);
    inv.close();
    assert.strictEqual(sha(vcFile()), before);
    assert.deepStrictEqual(
      loadDevices(vcFile()).map((d) => d.name),
      EXPECTED.map((d) => d.name),
    );
  });

  it("opens it read-write by adding only its own columns: VelocityCollector's tables, columns, data and views stay", () => {
    makeVcDcimDb(vcFile());
    const columnsBefore = tableColumns(vcFile());
    inv = Inventory.open(vcFile());
    assert.deepStrictEqual(summary(inv), EXPECTED);
    inv.setCredentialResult("dist-sw-01", {
      credentialName: "noc",
      status: "ok",
      at: new Date("2026-02-03T04:05:06Z"),
    });
    const spare = inv.updateDevice("spare-01", { status: "offline" });
    assert.deepStrictEqual(
      [spare.status, spare.platform, spare.host],
      ["offline", "", "2001:db8::7"],
      "a device without platform can still be edited",
    );
    inv.close();
    const after = tableColumns(vcFile());
    for (const [table, cols] of Object.entries(columnsBefore)) {
      assert.deepStrictEqual(
        after[table].slice(0, cols.length),
        cols,
        `${table}: VelocityCollector's columns unchanged and first`,
      );
    }
    assert.deepStrictEqual(after.dcim_device.slice(columnsBefore.dcim_device.length), [
      "credential_name",
      "tags",
      "custom_fields",
    ]);
    const db = new Database(vcFile(), { readonly: true });
    try {
      // What VelocityCollector itself reads: its view and its columns, with its value spellings.
      const row = db.prepare("SELECT name, site_name FROM v_device_detail WHERE name = 'dist-sw-01'").get();
      assert.deepStrictEqual(row, { name: "dist-sw-01", site_name: "Data Center 1" });
      assert.deepStrictEqual(
        db
          .prepare(
            "SELECT credential_test_result AS r, credential_tested_at AS t FROM dcim_device WHERE name = 'dist-sw-01'",
          )
          .get(),
        { r: "success", t: "2026-02-03 04:05:06" },
      );
      assert.deepStrictEqual(
        (db.prepare("SELECT version FROM schema_version ORDER BY version").all() as Array<{ version: number }>).map(
          (r) => r.version,
        ),
        [2, 3],
      );
      assert.strictEqual((db.prepare("SELECT MAX(version) AS v FROM schema_version").get() as { v: number }).v, 3);
    } finally {
      db.close();
    }
  });

  it("migrates a version 1 dcim.db (no credential test columns) the way VelocityCollector does, then ours", () => {
    makeVcDcimDb(vcFile(), { version: 1 });
    const readOnly = Inventory.open(vcFile(), { readonly: true });
    try {
      assert.strictEqual(readOnly.listDevices().length, 7, "read-only works without the v2 columns");
    } finally {
      readOnly.close();
    }
    inv = Inventory.open(vcFile());
    const cols = tableColumns(vcFile()).dcim_device;
    for (const c of ["credential_tested_at", "credential_test_result", "credential_name", "tags", "custom_fields"])
      assert.ok(cols.includes(c), c);
    assert.strictEqual(inv.listDevices().length, 7);
    assert.ok(inv.listDevices().every((d) => d.credentialStatus === "untested"));
    const db = new Database(vcFile(), { readonly: true });
    try {
      assert.deepStrictEqual(
        (db.prepare("SELECT version FROM schema_version ORDER BY version").all() as Array<{ version: number }>).map(
          (r) => r.version,
        ),
        [1, 2, 3],
      );
      const view = db
        .prepare(
          "SELECT credential_test_result, site_slug, netmiko_device_type FROM v_device_detail WHERE name = 'core-rtr-01'",
        )
        .get();
      assert.deepStrictEqual(
        view,
        { credential_test_result: "untested", site_slug: "dc1", netmiko_device_type: "cisco_xe" },
        "v2 view recreated",
      );
    } finally {
      db.close();
    }
  });

  it("refuses a SQLite file that is not a dcim.db", () => {
    const other = path.join(tmp.path, "other.db");
    new Database(other).exec("CREATE TABLE t (x)").close();
    assert.throws(() => Inventory.open(other, { readonly: true }), /other\.db: not an inventory database/);
  });

  describe("importVelocityCollectorDcim", () => {
    const ours = () => path.join(tmp.path, "ours", "dcim.db");
    const openOurs = () => {
      inv = Inventory.open(ours(), { create: true });
      inv.init();
      return inv;
    };

    it("copies sites, platforms, roles and devices, turning credential ids into names from collector.db", () => {
      makeVcDcimDb(vcFile());
      makeVcCollectorDb(path.join(tmp.path, "collector.db"), [
        { id: 1, name: "noc-admin" },
        { id: 2, name: "legacy-tacacs" },
      ]);
      const i = openOurs();
      const r = importVelocityCollectorDcim(vcFile(), i, { knownCredentialNames: ["noc-admin", "other"] });
      assert.deepStrictEqual(
        { ...r, source: undefined },
        {
          source: undefined,
          sites: 3,
          manufacturers: 0,
          platforms: 0,
          roles: 0,
          devicesAdded: 7,
          devicesUpdated: 0,
          credentialsMapped: 2,
          unmatchedCredentials: ["#9 (no such id in VelocityCollector's collector.db)", "legacy-tacacs"],
          skipped: [],
        },
      );
      assert.deepStrictEqual(summary(i), EXPECTED);
      const core1 = i.getDevice("core-rtr-01")!;
      assert.deepStrictEqual(
        [core1.credentialName, core1.credentialStatus, core1.credentialTestedAt],
        ["noc-admin", "ok", "2025-06-01T10:00:00Z"],
      );
      assert.strictEqual(i.getDevice("edge-fw-01")!.credentialName, "noc-admin");
      assert.strictEqual(
        i.getDevice("core-rtr-02")!.credentialName,
        undefined,
        "not in our vault: left empty, reported",
      );
      assert.strictEqual(i.listSites().find((s) => s.slug === "dc1")?.name, "Data Center 1");
    });

    it("maps every credential name when no vault list is given, and a second import updates instead of duplicating", () => {
      makeVcDcimDb(vcFile());
      makeVcCollectorDb(path.join(tmp.path, "collector.db"), [
        { id: 1, name: "noc-admin" },
        { id: 2, name: "legacy-tacacs" },
        { id: 9, name: "lab" },
      ]);
      const i = openOurs();
      const first = importVelocityCollectorDcim(vcFile(), i);
      assert.deepStrictEqual([first.devicesAdded, first.credentialsMapped, first.unmatchedCredentials], [7, 4, []]);
      assert.strictEqual(i.getDevice("core-rtr-02")!.credentialName, "legacy-tacacs");
      const second = importVelocityCollectorDcim(vcFile(), i);
      assert.deepStrictEqual([second.devicesAdded, second.devicesUpdated, second.sites], [0, 7, 0]);
      assert.strictEqual(i.listDevices().length, 7);
    });

    it("imports without a collector.db, reporting the ids it could not name", () => {
      makeVcDcimDb(vcFile());
      const i = openOurs();
      const r = importVelocityCollectorDcim(vcFile(), i);
      assert.deepStrictEqual(r.unmatchedCredentials, [
        "#1 (no such id in VelocityCollector's collector.db)",
        "#2 (no such id in VelocityCollector's collector.db)",
        "#9 (no such id in VelocityCollector's collector.db)",
      ]);
      assert.strictEqual(r.devicesAdded, 7);
    });

    it("skips a second device of the same name (VelocityCollector allows one per site), saying why", () => {
      makeVcDcimDb(vcFile(), {
        devices: [
          { name: "sw1", site: "dc1", ip4: "10.0.0.1" },
          { name: "sw1", site: "lab", ip4: "10.0.0.2" },
        ],
      });
      const i = openOurs();
      const r = importVelocityCollectorDcim(vcFile(), i);
      assert.strictEqual(r.devicesAdded, 1);
      assert.strictEqual(r.skipped.length, 1);
      assert.match(r.skipped[0].reason, /same name/);
      assert.strictEqual(i.getDevice("sw1")!.host, "10.0.0.1");
    });

    it("names a missing source file", () => {
      const i = openOurs();
      assert.throws(
        () => importVelocityCollectorDcim(path.join(tmp.path, "nope.db"), i),
        /nope\.db: no such VelocityCollector dcim\.db/,
      );
    });
  });
});

function tableColumns(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, string[]> = {};
    for (const t of ["dcim_site", "dcim_manufacturer", "dcim_platform", "dcim_device_role", "dcim_device"]) {
      out[t] = (db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name);
    }
    return out;
  } finally {
    db.close();
  }
}
