import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../../../lib/core/errors";
import {
  Inventory,
  filterDevices,
  loadDevices,
  normaliseDevices,
  normaliseDevicesReport,
} from "../../../lib/core/inventory";
import { useTmpDir } from "../../support/tmp";
import { makeInventoryCsv } from "../../support/inventory";

describe("normaliseDevices (inline lists, msg.payload)", () => {
  const tmp = useTmpDir("vc-norm-");
  it("accepts name + host | primary_ip4 | ip, with defaults, and keeps unknown fields in extra", () => {
    const devices = normaliseDevices([
      { name: "r1", host: "10.0.0.1", platform: "cisco_ios" },
      { name: "r2", primary_ip4: "10.0.0.2/24", platform: "Arista EOS", port: "2222", tags: "a;b", rack: "R1" },
      {
        name: "r3",
        ip: "r3.lab.example",
        platform: "juniper_junos",
        credential: "noc",
        vendor: "juniper",
        status: "Planned",
      },
    ]);
    assert.deepStrictEqual(
      devices.map((d) => [d.name, d.host, d.port, d.platform, d.status, d.manufacturer]),
      [
        ["r1", "10.0.0.1", 22, "cisco_ios", "active", "cisco"],
        ["r2", "10.0.0.2", 2222, "arista_eos", "active", "arista"],
        ["r3", "r3.lab.example", 22, "juniper_junos", "planned", "juniper"],
      ],
    );
    assert.deepStrictEqual(devices[1].tags, ["a", "b"]);
    assert.strictEqual(devices[1].extra?.rack, "R1");
    assert.strictEqual(devices[2].credentialName, "noc");
    assert.strictEqual(
      normaliseDevices({ name: "one", host: "10.0.0.9", platform: "linux" }).length,
      1,
      "a single object is one device",
    );
  });

  it("passes Devices from another source through unchanged", () => {
    const inv = Inventory.open(path.join(tmp.path, "dcim.db"), { create: true });
    try {
      inv.init();
      inv.addDevice(
        { name: "r1", host: "10.0.0.1", platform: "cisco_xe", site: "Main DC", role: "core", tags: ["x"] },
        { createMissing: true },
      );
      inv.setCredentialResult("r1", { credentialName: "noc", status: "ok" });
      const listed = inv.listDevices();
      const again = normaliseDevices(JSON.parse(JSON.stringify(listed)));
      assert.deepStrictEqual(again, JSON.parse(JSON.stringify(listed)));
      assert.deepStrictEqual(
        filterDevices(again, { site: "Main DC" }).map((d) => d.name),
        ["r1"],
      );
    } finally {
      inv.close();
    }
  });

  it("locates every bad item and field; the good items survive in the report", () => {
    const input = [
      { name: "ok", host: "10.0.0.1", platform: "cisco_ios" },
      { name: "nohost", platform: "cisco_ios" },
      { name: "badport", host: "10.0.0.3", platform: "cisco_ios", port: 99999 },
      "r4",
      { name: "ok", host: "10.0.0.5", platform: "cisco_ios" },
      { name: "plat", host: "10.0.0.6", platform: "cisco_iso" },
      { name: "cs", host: "10.0.0.7", platform: "linux", credentialStatus: "success" },
    ];
    const r = normaliseDevicesReport(input, "msg.payload");
    assert.deepStrictEqual(
      r.devices.map((d) => d.name),
      ["ok"],
    );
    assert.deepStrictEqual(
      r.errors.map((e) => e.message.replace(/ \(known: .*\)$/, "")),
      [
        "msg.payload[1].host: a host is required (host, primary_ip4 or ip)",
        "msg.payload[2].port: '99999' is not a TCP port (1-65535)",
        "msg.payload[3]: a device must be an object with name, host and platform, got string",
        "msg.payload[4].name: duplicate device name 'ok' (first at index 0)",
        "msg.payload[5].platform: unknown platform 'cisco_iso'",
        'msg.payload[6].credentialStatus: must be ok, failed or untested, got "success"',
      ],
    );
    assert.throws(
      () => normaliseDevices(input, "msg.payload"),
      (err: unknown) =>
        err instanceof VcError && /^6 problems: msg\.payload\[1\]\.host: a host is required/.test(err.message),
    );
    assert.throws(() => normaliseDevices(undefined, "msg.payload"), /msg\.payload: no devices given/);
  });
});

describe("loadDevices", () => {
  const tmp = useTmpDir("vc-load-");

  it("loads a CSV file", () => {
    const file = path.join(tmp.path, "fleet.csv");
    fs.writeFileSync(file, makeInventoryCsv(50));
    const devices = loadDevices(file);
    assert.strictEqual(devices.length, 50);
    assert.strictEqual(filterDevices(devices, { site: "dc1" }).length, 10);
  });

  it("refuses a CSV with bad rows naming each one, unless skipBad", () => {
    const file = path.join(tmp.path, "bad.csv");
    fs.writeFileSync(file, "name,primary_ip4,platform\nr1,10.0.0.1,cisco_ios\nr2,10.0.0,cisco_ios\nr3,10.0.0.3,nope\n");
    assert.throws(
      () => loadDevices(file),
      (err: unknown) => {
        assert.ok(err instanceof VcError);
        assert.ok(
          err.message.startsWith(
            `2 problems: ${file}:row 3, column primary_ip4: '10.0.0' is not an IPv4 or IPv6 address; ${file}:row 4, column platform: unknown platform 'nope'`,
          ),
          err.message,
        );
        return true;
      },
    );
    assert.deepStrictEqual(
      loadDevices(file, { skipBad: true }).map((d) => d.name),
      ["r1"],
    );
  });

  it("loads a dcim.db and a JSON list; names a missing file", () => {
    const db = path.join(tmp.path, "dcim.db");
    const inv = Inventory.open(db, { create: true });
    inv.importCsv(makeInventoryCsv(20), { createMissing: true });
    inv.close();
    assert.strictEqual(loadDevices(db).length, 20);
    const json = path.join(tmp.path, "devices.json");
    fs.writeFileSync(json, JSON.stringify({ devices: [{ name: "j1", host: "10.9.9.9", platform: "cisco_nxos" }] }));
    assert.deepStrictEqual(
      loadDevices(json).map((d) => d.platform),
      ["cisco_nxos"],
    );
    fs.writeFileSync(json, "{not json");
    assert.throws(() => loadDevices(json), /devices\.json: not valid JSON/);
    assert.throws(() => loadDevices(path.join(tmp.path, "missing.csv")), /missing\.csv: no such file/);
    assert.throws(() => loadDevices(path.join(tmp.path, "missing.db")), /missing\.db: no inventory database here/);
  });
});
