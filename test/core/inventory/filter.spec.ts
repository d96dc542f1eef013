import * as assert from "node:assert";
import type { Device } from "../../../lib/core/types";
import { VcError } from "../../../lib/core/errors";
import { describeFilter, filterDevices, normaliseFilter } from "../../../lib/core/inventory";

function dev(name: string, over: Partial<Device> = {}): Device {
  return {
    name,
    host: "10.0.0.1",
    port: 22,
    platform: "cisco_ios",
    status: "active",
    tags: [],
    credentialStatus: "untested",
    ...over,
  };
}

const FLEET: Device[] = [
  dev("core-rtr-02", {
    site: "dc1",
    role: "core",
    platform: "cisco_xe",
    manufacturer: "cisco",
    tags: ["pci", "Backbone"],
    credentialStatus: "ok",
    extra: {
      dcim: {
        siteName: "Data Center 1",
        roleName: "Core",
        platformName: "Cisco IOS-XE",
        platformSlug: "cisco_ios_xe",
        manufacturerName: "Cisco",
      },
    },
  }),
  dev("core-rtr-01", {
    site: "dc1",
    role: "core",
    platform: "cisco_xe",
    manufacturer: "cisco",
    tags: ["pci"],
    credentialStatus: "failed",
  }),
  dev("edge-fw-01", {
    site: "branch-7",
    role: "firewall",
    platform: "paloalto_panos",
    manufacturer: "palo-alto",
    extra: { dcim: { manufacturerName: "Palo Alto" } },
  }),
  dev("acc-sw-17", {
    site: "branch-7",
    role: "access",
    platform: "hp_procurve",
    manufacturer: "hp",
    status: "offline",
  }),
  dev("lab-core-9", {
    site: "lab",
    role: "core",
    platform: "juniper_junos",
    manufacturer: "juniper",
    credentialStatus: undefined,
  }),
  dev("Core-Rtr-03", { site: "dc1", role: "core", platform: "cisco_ios", manufacturer: "cisco", status: undefined }),
];
const names = (ds: Device[]) => ds.map((d) => d.name);

describe("filterDevices", () => {
  it("with no filter returns every device sorted by name, without touching the input", () => {
    const before = names(FLEET);
    assert.deepStrictEqual(names(filterDevices(FLEET)), [
      "Core-Rtr-03",
      "acc-sw-17",
      "core-rtr-01",
      "core-rtr-02",
      "edge-fw-01",
      "lab-core-9",
    ]);
    assert.deepStrictEqual(names(FLEET), before);
  });

  it("matches site, role, platform and manufacturer by slug or display name, case-insensitively", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "DC1" })), ["Core-Rtr-03", "core-rtr-01", "core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "data center 1" })), ["core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { role: "core", site: "lab" })), ["lab-core-9"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "cisco_xe" })), ["core-rtr-01", "core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "Cisco IOS-XE" })), ["core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "cisco_ios_xe" })), ["core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { manufacturer: "palo alto" })), ["edge-fw-01"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { manufacturer: "PALO-ALTO" })), ["edge-fw-01"]);
  });

  it("is an exact match, never a substring (cisco is not cisco_xe, dc is not dc1)", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "cisco" })), []);
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "dc" })), []);
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "cisco_ios" })), ["Core-Rtr-03"]);
  });

  it("treats a missing status as active", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { status: "offline" })), ["acc-sw-17"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { status: "ACTIVE" })), [
      "Core-Rtr-03",
      "core-rtr-01",
      "core-rtr-02",
      "edge-fw-01",
      "lab-core-9",
    ]);
  });

  it("applies name as a real regular expression, case-insensitive and unanchored", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { name: "^core-.*" })), [
      "Core-Rtr-03",
      "core-rtr-01",
      "core-rtr-02",
    ]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { name: "rtr-0[12]$" })), ["core-rtr-01", "core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { name: "core" })), [
      "Core-Rtr-03",
      "core-rtr-01",
      "core-rtr-02",
      "lab-core-9",
    ]);
    // VelocityCollector stripped ^ $ * and ran a LIKE: "^core-.*" became the literal "core-."
    assert.deepStrictEqual(names(filterDevices(FLEET, { name: "^lab-core-\\d$" })), ["lab-core-9"]);
  });

  it("refuses an invalid regex with a VcError naming the field", () => {
    assert.throws(
      () => filterDevices(FLEET, { name: "core-(" }),
      (err: unknown) => {
        assert.ok(err instanceof VcError);
        assert.strictEqual(err.errorClass, "invalid_filter");
        assert.strictEqual(err.where, "filter.name");
        assert.match(err.message, /^filter\.name: 'core-\(' is not a valid regular expression/);
        return true;
      },
    );
  });

  it("selects devices carrying a tag, case-insensitively", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { tag: "PCI" })), ["core-rtr-01", "core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { tag: "backbone" })), ["core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { tag: "pc" })), []);
  });

  it("filters by credential status, counting never-tested devices as untested", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { credentialStatus: "ok" })), ["core-rtr-02"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { credentialStatus: "failed" })), ["core-rtr-01"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { credentialStatus: "untested" })), [
      "Core-Rtr-03",
      "acc-sw-17",
      "edge-fw-01",
      "lab-core-9",
    ]);
  });

  it("applies limit last, after the sort by name", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "dc1", limit: 2 })), ["Core-Rtr-03", "core-rtr-01"]);
    const reversed = [...FLEET].reverse();
    assert.deepStrictEqual(names(filterDevices(reversed, { limit: 3 })), names(filterDevices(FLEET, { limit: 3 })));
  });

  it("keeps the input order of devices with the same name (stable sort)", () => {
    const twins = [dev("x", { site: "b" }), dev("a"), dev("x", { site: "a" })];
    assert.deepStrictEqual(
      filterDevices(twins).map((d) => `${d.name}/${d.site ?? ""}`),
      ["a/", "x/b", "x/a"],
    );
  });

  it("combines filters with AND", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "dc1", tag: "pci", credentialStatus: "failed" })), [
      "core-rtr-01",
    ]);
  });
});

describe("normaliseFilter", () => {
  it("ignores empty values, accepts vendor as manufacturer and a numeric-string limit", () => {
    assert.deepStrictEqual(
      normaliseFilter({ site: "", role: "  ", vendor: "cisco", limit: "5", credential_status: "OK" }),
      { manufacturer: "cisco", limit: 5, credentialStatus: "ok" },
    );
  });

  it("names the field of every bad value", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ sight: "dc1" }, /: filter\.sight: unknown filter/],
      [{ site: 7 }, /: filter\.site: must be a string, got number/],
      [{ limit: 0 }, /: filter\.limit: must be a whole number of at least 1, got 0/],
      [{ limit: "ten" }, /: filter\.limit: must be a whole number/],
      [{ limit: 2.5 }, /: filter\.limit: /],
      [
        { credentialStatus: "success" },
        /: filter\.credentialStatus: must be one of ok, failed, untested, got 'success'/,
      ],
      [["dc1"], /: filter: a filter must be an object, got an array/],
    ];
    for (const [input, re] of cases) assert.throws(() => normaliseFilter(input), re, JSON.stringify(input));
    assert.throws(
      () => normaliseFilter({ name: "[" }, "msg.filter"),
      /: msg\.filter\.name: '\[' is not a valid regular expression/,
    );
  });

  it("describes a filter in one line", () => {
    assert.strictEqual(describeFilter({ site: "dc1", name: "^core" }), "site=dc1, name~^core");
    assert.strictEqual(describeFilter({}), "all devices");
  });

  it("a name regex that backtracks without bound cannot hang the filter (linear fallback or regex_timeout)", function () {
    this.timeout(30_000);
    const evil = dev("a".repeat(40) + "!");
    // Nested repeats: bounded by the linear-engine fallback, so the answer comes, and it is right.
    assert.deepStrictEqual(
      filterDevices([evil, dev("AAAA")], { name: "^(a+)+$" }).map((d) => d.name),
      ["AAAA"],
    );
    // Not linear (lookahead): the worker deadline ends it with regex_timeout naming the field.
    assert.throws(
      () => filterDevices([evil], { name: "^(?=a)(a+)+$" }),
      (err: unknown) =>
        err instanceof VcError &&
        err.errorClass === "regex_timeout" &&
        err.message.startsWith("filter.name: regular expression '^(?=a)(a+)+$'"),
    );
    assert.deepStrictEqual(
      filterDevices([dev("core-1"), dev("edge-1")], { name: "^(?=c)core" }).map((d) => d.name),
      ["core-1"],
    );
  });
});
