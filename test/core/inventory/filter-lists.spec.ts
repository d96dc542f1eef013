import * as assert from "node:assert";
import * as path from "node:path";
import type { Device } from "../../../lib/core/types";
import {
  DEFAULT_MANUFACTURERS,
  DEFAULT_PLATFORMS,
  Inventory,
  filterDevices,
  normaliseFilter,
} from "../../../lib/core/inventory";
import { useTmpDir } from "../../support/tmp";

function dev(name: string, over: Partial<Device> = {}): Device {
  return { name, host: "10.0.0.1", port: 22, platform: "cisco_ios", status: "active", tags: [], ...over };
}

const FLEET: Device[] = [
  dev("r1", { site: "dc1", role: "core", platform: "cisco_xe", manufacturer: "cisco" }),
  dev("r2", { site: "dc2", role: "edge", platform: "cisco_ios", manufacturer: "cisco" }),
  dev("fw1", { site: "branch-7", role: "firewall", platform: "paloalto_panos", manufacturer: "palo-alto" }),
  dev("sw1", { site: "lab", role: "access", platform: "hp_procurve", manufacturer: "hp", tags: ["poe"] }),
  dev("sw2", { site: "lab", role: "access", platform: "arista_eos", manufacturer: "arista", status: "offline" }),
];
const names = (ds: Device[]) => ds.map((d) => d.name);

describe("device filters: comma lists and vendor names (issue 14)", () => {
  it("accepts comma lists for site, role, platform and vendor (any of the values)", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "cisco_xe,hp_procurve" })), ["r1", "sw1"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: " arista_eos , paloalto_panos " })), ["fw1", "sw2"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "dc1,dc2" })), ["r1", "r2"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { role: "core,firewall" })), ["fw1", "r1"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, normaliseFilter({ vendor: "arista,hp" }))), ["sw1", "sw2"]);
    assert.deepStrictEqual(names(filterDevices(FLEET, { status: "active,offline", site: "lab" })), ["sw1", "sw2"]);
    // Lists in one field still AND with the other fields.
    assert.deepStrictEqual(names(filterDevices(FLEET, { site: "dc1,lab", role: "access" })), ["sw1", "sw2"]);
  });

  it("accepts arrays from loosely typed sources (msg.filter) as lists", () => {
    assert.deepStrictEqual(normaliseFilter({ platform: ["cisco_ios", "arista_eos"] }), {
      platform: "cisco_ios,arista_eos",
    });
    assert.deepStrictEqual(names(filterDevices(FLEET, normaliseFilter({ site: ["dc2", "branch-7"] }))), ["fw1", "r2"]);
    assert.throws(() => normaliseFilter({ site: ["dc1", 3] }), /filter\.site: must be a string/);
  });

  it("an empty item in a list is ignored, a list of only commas means no filter", () => {
    assert.deepStrictEqual(names(filterDevices(FLEET, { platform: "cisco_xe,," })), ["r1"]);
    assert.deepStrictEqual(normaliseFilter({ platform: " , " }), {});
  });

  it("matches a vendor written without its punctuation or by a common alias (paloalto, Palo Alto Networks)", () => {
    for (const vendor of ["paloalto", "Palo Alto", "palo-alto", "palo_alto", "Palo Alto Networks", "PALOALTO"])
      assert.deepStrictEqual(names(filterDevices(FLEET, normaliseFilter({ vendor }))), ["fw1"], vendor);
    assert.deepStrictEqual(names(filterDevices(FLEET, normaliseFilter({ vendor: "hpe" }))), ["sw1"]);
    // Still an exact match of a name, never a substring.
    assert.deepStrictEqual(names(filterDevices(FLEET, normaliseFilter({ vendor: "palo" }))), []);
  });

  describe("every vendor the inventory seeds matches its devices", () => {
    const tmp = useTmpDir("vc-filter-vendors-");

    it("by slug, display name and compact spelling, from a real dcim.db", () => {
      const inv = Inventory.open(path.join(tmp.path, "dcim.db"), { create: true });
      try {
        inv.init();
        DEFAULT_PLATFORMS.forEach((p, i) =>
          inv.addDevice({
            name: `dev-${p.slug}`,
            host: `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}`,
            platform: p.slug,
          }),
        );
        const all = inv.listDevices();
        assert.strictEqual(all.length, DEFAULT_PLATFORMS.length);
        for (const m of DEFAULT_MANUFACTURERS) {
          const expected = DEFAULT_PLATFORMS.filter((p) => p.manufacturer === m.slug)
            .map((p) => `dev-${p.slug}`)
            .sort();
          const compact = m.name.toLowerCase().replace(/[^a-z0-9]/g, "");
          for (const vendor of [m.slug, m.name, compact]) {
            assert.deepStrictEqual(
              names(inv.listDevices(normaliseFilter({ vendor }))).sort(),
              expected,
              `--vendor ${vendor}`,
            );
          }
        }
      } finally {
        inv.close();
      }
    });
  });
});
