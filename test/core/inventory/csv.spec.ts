import * as assert from "node:assert";
import { parseDevicesCsv, labelsOf } from "../../../lib/core/inventory";
import { CSV_HEADER, makeInventoryCsv } from "../../support/inventory";

const messages = (r: { errors: Array<{ message: string }> }) => r.errors.map((e) => e.message);

describe("parseDevicesCsv", () => {
  it("reads the inventory columns into Devices (platform as the ntc name, defaults for port and status)", () => {
    const r = parseDevicesCsv(
      `${CSV_HEADER}\ncore-1,10.0.0.1,cisco_ios_xe,dc1,core,,,pci;backbone,lab\nsw-2,10.0.0.2/24,Arista EOS,dc1,access,planned,2222,,\n`,
      { source: "fleet.csv" },
    );
    assert.deepStrictEqual(r.errors, []);
    assert.strictEqual(r.devices.length, 2);
    const [core, sw] = r.devices;
    assert.deepStrictEqual(
      { ...core, extra: undefined },
      {
        name: "core-1",
        host: "10.0.0.1",
        port: 22,
        platform: "cisco_xe",
        site: "dc1",
        role: "core",
        manufacturer: "cisco",
        status: "active",
        tags: ["pci", "backbone"],
        credentialName: "lab",
        credentialStatus: "untested",
        extra: undefined,
      },
    );
    assert.deepStrictEqual(labelsOf(core), {
      platformName: "Cisco IOS-XE",
      platformSlug: "cisco_ios_xe",
      manufacturerName: "Cisco",
    });
    assert.strictEqual(sw.host, "10.0.0.2", "the prefix length is stripped");
    assert.strictEqual(sw.port, 2222);
    assert.strictEqual(sw.platform, "arista_eos");
    assert.strictEqual(sw.status, "planned");
    assert.strictEqual(sw.credentialName, undefined);
  });

  it("needs only name, primary_ip4 and platform; accepts host as primary_ip4, IPv6 and extra columns", () => {
    const r = parseDevicesCsv("Name,Host,Platform,Rack\nr1,2001:db8::1/64,juniper_junos,R12\nr2,192.0.2.1,linux,\n");
    assert.deepStrictEqual(messages(r), []);
    assert.strictEqual(r.devices[0].host, "2001:db8::1");
    assert.strictEqual(r.devices[0].extra?.Rack, "R12");
    assert.strictEqual(r.devices[1].extra?.Rack, undefined);
    assert.strictEqual(r.devices[1].site, undefined);
  });

  it("locates every bad field as <file>:row <n>, column <col>: <problem>", () => {
    const text = [
      CSV_HEADER,
      "ok-1,10.0.0.1,cisco_ios,dc1,core,active,22,,",
      "bad ip,10.0.0.256,cisco_ios,dc1,core,active,22,,",
      "r3,10.0.0.3/33,cisco_ios,dc1,core,active,22,,",
      "r4,10.0.0.4,cisco_iox,dc1,core,active,22,,",
      "r5,10.0.0.5,cisco_ios,dc1,core,running,70000,,",
      "r6,router6.example.com,cisco_ios,dc1,core,active,22,,",
      ",10.0.0.7,,dc1,core,active,22,,",
    ].join("\n");
    const r = parseDevicesCsv(text, { source: "inv.csv" });
    assert.deepStrictEqual(
      r.devices.map((d) => d.name),
      ["ok-1"],
    );
    const got = messages(r);
    const expected = [
      "inv.csv:row 3, column name: 'bad ip' is not a valid device name (no spaces, slashes or control characters)",
      "inv.csv:row 3, column primary_ip4: '10.0.0.256' is not an IPv4 or IPv6 address",
      "inv.csv:row 4, column primary_ip4: '10.0.0.3/33' has an invalid prefix length (0-32)",
      "inv.csv:row 5, column platform: unknown platform 'cisco_iox'",
      "inv.csv:row 6, column status: 'running' is not a device status",
      "inv.csv:row 6, column port: '70000' is not a TCP port (1-65535)",
      "inv.csv:row 7, column primary_ip4: 'router6.example.com' is not an IPv4 or IPv6 address",
      "inv.csv:row 8, column name: a device name is required",
      "inv.csv:row 8, column platform: a platform is required",
    ];
    assert.strictEqual(got.length, expected.length, got.join("\n"));
    expected.forEach((e, i) => assert.ok(got[i].startsWith(e), `${got[i]}\n  should start with\n${e}`));
    assert.strictEqual(r.errors[0].row, 3);
    assert.strictEqual(r.errors[0].column, "name");
  });

  it("reports a duplicate name on the later row, naming the first", () => {
    const r = parseDevicesCsv(
      `${CSV_HEADER}\na,10.0.0.1,cisco_ios,,,,,,\nb,10.0.0.2,cisco_ios,,,,,,\na,10.0.0.3,cisco_ios,,,,,,\n`,
      { source: "d.csv" },
    );
    assert.deepStrictEqual(
      r.devices.map((d) => d.host),
      ["10.0.0.1", "10.0.0.2"],
    );
    assert.deepStrictEqual(messages(r), ["d.csv:row 4, column name: duplicate device name 'a' (first on row 2)"]);
  });

  it("counts rows as file lines: blank and # comment lines keep the numbering right", () => {
    const r = parseDevicesCsv(
      `${CSV_HEADER}\n# lab devices\n\nr1,10.0.0.1,cisco_ios,,,,,,\nr2,nope,cisco_ios,,,,,,\n`,
      { source: "c.csv" },
    );
    assert.deepStrictEqual(messages(r), ["c.csv:row 5, column primary_ip4: 'nope' is not an IPv4 or IPv6 address"]);
  });

  it("reports a row with the wrong number of fields, and keeps the others", () => {
    const r = parseDevicesCsv("name,primary_ip4,platform\nr1,10.0.0.1,cisco_ios,extra\nr2,10.0.0.2,cisco_ios\n", {
      source: "w.csv",
    });
    assert.deepStrictEqual(
      r.devices.map((d) => d.name),
      ["r2"],
    );
    assert.deepStrictEqual(messages(r), ["w.csv:row 2: has 4 fields, the header has 3"]);
  });

  it("reports header problems on row 1 and reads no rows", () => {
    assert.deepStrictEqual(messages(parseDevicesCsv("name,platform,site\nr1,cisco_ios,dc1\n", { source: "h.csv" })), [
      "h.csv:row 1, column primary_ip4: required column missing from the header",
    ]);
    assert.deepStrictEqual(messages(parseDevicesCsv("name,primary_ip4,platform,site,site\n", { source: "h.csv" })), [
      "h.csv:row 1, column site: column appears twice in the header",
    ]);
    assert.deepStrictEqual(messages(parseDevicesCsv("", { source: "e.csv" })), [
      "e.csv:row 1: the file is empty (a header row is required)",
    ]);
  });

  it("reports broken CSV syntax with its line", () => {
    const r = parseDevicesCsv('name,primary_ip4,platform\nr1,10.0.0.1,cisco_ios\nr2,"10.0.0.2,cisco_ios\n', {
      source: "q.csv",
    });
    assert.strictEqual(r.devices.length, 0);
    assert.match(messages(r)[0], /^q\.csv:row 3: not valid CSV: Quote Not Closed/);
  });

  it("accepts a byte-order mark and quoted fields", () => {
    const r = parseDevicesCsv('\ufeffname,primary_ip4,platform,tags\n"r1",10.0.0.1,cisco_ios,"a, b"\n');
    assert.deepStrictEqual(messages(r), []);
    assert.deepStrictEqual(r.devices[0].tags, ["a", "b"]);
  });

  it("parses a generated fleet without errors", () => {
    const r = parseDevicesCsv(makeInventoryCsv(500));
    assert.deepStrictEqual(r.errors, []);
    assert.strictEqual(r.devices.length, 500);
    assert.strictEqual(new Set(r.devices.map((d) => d.name)).size, 500);
  });
});
