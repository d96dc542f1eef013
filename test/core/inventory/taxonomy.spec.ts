import * as assert from "node:assert";
import * as path from "node:path";
import { Inventory } from "../../../lib/core/inventory";
import { credentialCoverage, pageDevices } from "../../../lib/core/inventory/device-page";
import { addTaxonomy, listTaxonomy, removeTaxonomy, updateTaxonomy } from "../../../lib/core/inventory/taxonomy";
import { VcError } from "../../../lib/core/errors";
import { useTmpDir } from "../../support/tmp";

function classOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof VcError, String(err));
    return `${err.errorClass}: ${err.message}`;
  }
  throw new Error("expected an error");
}

describe("inventory taxonomy editing (sites, roles, platforms) and device pages", () => {
  const tmp = useTmpDir("vc-taxonomy-");
  let inv: Inventory;
  beforeEach(() => {
    inv = Inventory.open(path.join(tmp.path, "dcim.db"), { create: true });
    inv.init();
  });
  afterEach(() => inv.close());

  it("adds, renames and removes a site; devices follow a rename", () => {
    const site = addTaxonomy(inv, "site", { name: "Data Centre 1" });
    assert.deepStrictEqual(site, { kind: "site", name: "Data Centre 1", slug: "data-centre-1", devices: 0 });
    inv.addDevice({ name: "r1", host: "10.0.0.1", platform: "cisco_ios", site: "data-centre-1" });
    const renamed = updateTaxonomy(inv, "site", "data-centre-1", { name: "DC One" });
    assert.strictEqual(renamed.slug, "data-centre-1", "the slug stays when only the name changes");
    assert.strictEqual(renamed.devices, 1);
    assert.strictEqual(inv.getDevice("r1")?.site, "data-centre-1");
    assert.match(
      classOf(() => removeTaxonomy(inv, "site", "DC One")),
      /^conflict: site DC One: still used by 1 device/,
    );
    assert.ok(inv.getDevice("r1"), "the refused removal deleted nothing");
    inv.removeDevice("r1");
    removeTaxonomy(inv, "site", "dc one");
    assert.ok(!listTaxonomy(inv, "site").some((s) => s.slug === "data-centre-1"));
  });

  it("keeps names and slugs unique and checks colours and netmiko names, naming the field", () => {
    addTaxonomy(inv, "role", { name: "Perimeter", color: "#FF0000" });
    assert.strictEqual(listTaxonomy(inv, "role").find((r) => r.slug === "perimeter")?.color, "ff0000");
    assert.match(
      classOf(() => addTaxonomy(inv, "role", { name: "perimeter" })),
      /^conflict: role: a role .Perimeter./,
    );
    assert.match(
      classOf(() => addTaxonomy(inv, "role", { name: "Core2", color: "red" })),
      /field color/,
    );
    assert.match(
      classOf(() => addTaxonomy(inv, "platform", { name: "X", netmikoDeviceType: "Cisco IOS" })),
      /field netmikoDeviceType/,
    );
    assert.match(
      classOf(() => addTaxonomy(inv, "site", { name: "  " })),
      /^invalid_input: site {3}, field name/,
    );
    assert.match(
      classOf(() => updateTaxonomy(inv, "site", "nowhere", { name: "x" })),
      /^not_found/,
    );
    const p = addTaxonomy(inv, "platform", { name: "Acme OS", manufacturer: "Acme", netmikoDeviceType: "acme_os" });
    assert.deepStrictEqual(p, {
      kind: "platform",
      name: "Acme OS",
      slug: "acme-os",
      devices: 0,
      manufacturer: "acme",
      netmikoDeviceType: "acme_os",
    });
  });

  it("pages, sorts and counts credential coverage", () => {
    for (let i = 1; i <= 7; i++)
      inv.addDevice({ name: `sw${i}`, host: `10.0.0.${i}`, platform: i % 2 ? "cisco_ios" : "arista_eos" });
    inv.setCredentialResult("sw1", { status: "ok", credentialName: "a" });
    inv.setCredentialResult("sw2", { status: "failed" });
    const all = inv.listDevices();
    const page = pageDevices(all, { sort: "platform", offset: 2, limit: 3 });
    assert.strictEqual(page.total, 7);
    assert.deepStrictEqual(
      page.devices.map((d) => d.name),
      ["sw6", "sw1", "sw3"],
      "arista (sw2, sw4, sw6) then cisco, by name within",
    );
    assert.deepStrictEqual(
      pageDevices(all, { sort: "name", descending: true, limit: 2 }).devices.map((d) => d.name),
      ["sw7", "sw6"],
    );
    assert.deepStrictEqual(credentialCoverage(all), { total: 7, ok: 1, failed: 1, untested: 5, percent: 14.3 });
    assert.match(
      classOf(() => pageDevices(all, { limit: 501 })),
      /^invalid_input: limit/,
    );
  });
});
