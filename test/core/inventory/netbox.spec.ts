import * as assert from "node:assert";
import * as path from "node:path";
import { VcError } from "../../../lib/core/errors";
import { Inventory, NetBoxClient, labelsOf, syncFromNetBox } from "../../../lib/core/inventory";
import { freePort } from "../../support/net";
import { startFakeNetBox, type FakeNetBox, type FakeNetBoxDevice } from "../../support/netbox-server";
import { useTmpDir } from "../../support/tmp";

const DEVICES: FakeNetBoxDevice[] = [
  {
    id: 11,
    name: "nyc-core-1",
    site: "nyc",
    role: "core",
    platform: "cisco-ios-xe",
    manufacturer: "cisco",
    ip4: "10.10.0.1/24",
    tags: ["pci"],
  },
  {
    id: 12,
    name: "nyc-core-2",
    site: "nyc",
    role: "core",
    platform: "ios",
    manufacturer: "cisco",
    ip4: "10.10.0.2/24",
    customFields: { ssh_port: 2222 },
  },
  {
    id: 13,
    name: "nyc-leaf-1",
    site: "nyc",
    role: "leaf",
    platform: "eos",
    manufacturer: "arista",
    ip4: "10.10.1.1/32",
    tags: ["pci", "fabric"],
  },
  {
    id: 14,
    name: "lon-fw-1",
    site: "lon",
    role: "firewall",
    platform: "panos",
    manufacturer: "palo-alto",
    ip4: "10.20.0.1/24",
    status: "planned",
  },
  {
    id: 15,
    name: "lon-v6",
    site: "lon",
    role: "edge",
    platform: "junos",
    manufacturer: "juniper",
    ip4: null,
    ip6: "2001:db8::15/64",
  },
  { id: 16, name: null, site: "lon", role: "edge", platform: "junos" },
  { id: 17, name: "lon-odd", site: "lon", role: "edge", platform: "vyos", manufacturer: "vyos", ip4: "10.20.0.17/24" },
];

describe("NetBoxClient", () => {
  let nb: FakeNetBox;
  beforeEach(async () => {
    nb = await startFakeNetBox(DEVICES.map((d) => ({ ...d })));
  });
  afterEach(() => nb.stop());

  const client = (over: Partial<ConstructorParameters<typeof NetBoxClient>[0]> = {}) =>
    new NetBoxClient({ url: nb.url, token: nb.token, pageSize: 2, ...over });

  it("reads every page through `next`, sending the token header, and maps NetBox devices to Devices", async () => {
    const c = client();
    const devices = await c.listDevices();
    assert.deepStrictEqual(
      devices.map((d) => d.name),
      ["nyc-core-1", "nyc-core-2", "nyc-leaf-1", "lon-fw-1", "lon-v6", "lon-odd"],
    );
    assert.strictEqual(nb.requests.length, 4, "7 devices, 2 per page");
    assert.ok(nb.requests.every((r) => r.authorization === `Token ${nb.token}`));
    assert.ok(
      nb.requests.every((r) => !r.url.includes(nb.token)),
      "the token is never in a URL",
    );
    assert.deepStrictEqual(c.skipped, [{ id: 16, reason: "the device has no name in NetBox" }]);
    const [core1, core2, leaf, fw, v6, odd] = devices;
    assert.deepStrictEqual(
      { ...core1, extra: undefined },
      {
        name: "nyc-core-1",
        host: "10.10.0.1",
        port: 22,
        platform: "cisco_xe",
        site: "nyc",
        role: "core",
        manufacturer: "cisco",
        status: "active",
        tags: ["pci"],
        credentialStatus: "untested",
        extra: undefined,
      },
    );
    assert.strictEqual(core1.extra?.netboxId, 11);
    assert.deepStrictEqual(labelsOf(core1), {
      siteName: "Nyc",
      roleName: "Core",
      platformName: "Cisco Ios Xe",
      manufacturerName: "Cisco",
    });
    assert.deepStrictEqual([core2.platform, core2.port], ["cisco_ios", 2222]);
    assert.deepStrictEqual([leaf.host, leaf.platform, leaf.tags], ["10.10.1.1", "arista_eos", ["pci", "fabric"]]);
    assert.deepStrictEqual([fw.platform, fw.status], ["paloalto_panos", "planned"]);
    assert.deepStrictEqual([v6.host, v6.platform], ["2001:db8::15", "juniper_junos"]);
    assert.strictEqual(odd.platform, "vyos", "an unmapped slug is kept");
  });

  it("uses an editable platform map over the default one", async () => {
    const devices = await client({ platformMap: { vyos: "vyos", ios: "cisco_xe" } }).listDevices();
    assert.strictEqual(devices.find((d) => d.name === "nyc-core-2")?.platform, "cisco_xe");
    assert.strictEqual(devices.find((d) => d.name === "lon-odd")?.platform, "vyos");
  });

  it("passes the filters to NetBox (server-side)", async () => {
    const c = client({ pageSize: 50 });
    assert.deepStrictEqual(
      (await c.listDevices({ site: "nyc", tag: "pci" })).map((d) => d.name),
      ["nyc-core-1", "nyc-leaf-1"],
    );
    assert.match(nb.requests[0].url, /^\/api\/dcim\/devices\/\?limit=50&site=nyc&tag=pci$/);
    assert.deepStrictEqual(
      (await c.listDevices({ role: "firewall", status: "planned" })).map((d) => d.name),
      ["lon-fw-1"],
    );
    assert.deepStrictEqual(
      (await c.listDevices({ platform: "junos" })).map((d) => d.name),
      ["lon-v6"],
    );
  });

  it("says 'NetBox refused the token' on 401, without the token in the message", async () => {
    const bad = "ffffffffffffffffffffffffffffffffffffffff";
    await assert.rejects(client({ token: bad }).listDevices(), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "netbox_auth");
      assert.match(err.message, /NetBox refused the token \(HTTP 401\)/);
      assert.ok(err.message.includes(`${nb.url}/api/dcim/devices/`), err.message);
      assert.ok(!err.message.includes(bad) && !err.message.includes(nb.token));
      return true;
    });
  });

  it("reports a server error with its status and NetBox's detail", async () => {
    nb.mode.status500 = true;
    await assert.rejects(client().listDevices(), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "netbox_http");
      assert.match(err.message, /NetBox answered HTTP 500 Internal Server Error: Internal Server Error/);
      assert.ok(!err.message.includes(nb.token));
      return true;
    });
  });

  it("gives up on a slow NetBox with a timeout error naming the URL (never the token)", async () => {
    nb.mode.delayMs = 5000;
    await assert.rejects(client({ timeoutMs: 300 }).listDevices(), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "netbox_timeout");
      assert.match(
        err.message,
        /^http:\/\/127\.0\.0\.1:\d+\/api\/dcim\/devices\/\?limit=2: NetBox did not answer within 300 ms$/,
      );
      return true;
    });
  });

  it("reports NetBox unreachable", async () => {
    const port = await freePort();
    await assert.rejects(
      new NetBoxClient({ url: `http://127.0.0.1:${port}`, token: "t" }).listDevices(),
      (err: unknown) =>
        err instanceof VcError &&
        err.errorClass === "netbox_unreachable" &&
        /cannot reach NetBox: ECONNREFUSED/.test(err.message),
    );
  });

  it("never sends the token to another origin named in `next`: it stays on the configured NetBox", async () => {
    nb.mode.foreignNext = "http://netbox.internal:8000";
    const devices = await client({ pageSize: 3 }).listDevices();
    assert.strictEqual(devices.length, 6);
    assert.strictEqual(nb.requests.length, 3, "all pages were asked of the configured server");
  });

  it("does not follow a redirect with the token, and says where NetBox points", async () => {
    nb.mode.redirectTo = `${nb.url}/moved/api/dcim/devices/`;
    await assert.rejects(client().listDevices(), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "netbox_redirect");
      assert.match(
        err.message,
        /NetBox answered with a redirect \(HTTP 301 to http:\/\/127\.0\.0\.1:\d+\/moved\/api\/dcim\/devices\/\); set the NetBox URL to where it points/,
      );
      return true;
    });
    assert.strictEqual(nb.requests.length, 1, "the redirect was not followed");
  });

  it("refuses bad settings with the field named", () => {
    assert.throws(() => new NetBoxClient({ url: "netbox", token: "t" }), /netbox\.url: 'netbox' is not a URL/);
    assert.throws(
      () => new NetBoxClient({ url: "ftp://x", token: "t" }),
      /netbox\.url: NetBox URL must be http or https/,
    );
    assert.throws(
      () => new NetBoxClient({ url: "http://u:p@x", token: "t" }),
      /netbox\.url: put the NetBox token in the token setting/,
    );
    assert.throws(
      () => new NetBoxClient({ url: "http://x", token: " " }),
      /netbox\.token: a NetBox API token is required/,
    );
    assert.throws(() => new NetBoxClient({ url: "http://x", token: "t", pageSize: 0 }), /netbox\.pageSize/);
  });
});

describe("syncFromNetBox", () => {
  const tmp = useTmpDir("vc-nbsync-");
  let nb: FakeNetBox;
  let inv: Inventory;
  beforeEach(async () => {
    nb = await startFakeNetBox(DEVICES.map((d) => ({ ...d })));
    inv = Inventory.open(path.join(tmp.path, "dcim.db"), { create: true });
    inv.init();
  });
  afterEach(async () => {
    inv.close();
    await nb.stop();
  });

  it("adds, then finds everything unchanged, then updates what changed; keeps the credential mapping", async () => {
    const c = new NetBoxClient({ url: nb.url, token: nb.token });
    assert.deepStrictEqual(syncFromNetBox(inv, await c.listDevices()), {
      added: 6,
      updated: 0,
      unchanged: 0,
      failed: [],
    });
    const core1 = inv.getDevice("nyc-core-1")!;
    assert.deepStrictEqual(
      [core1.host, core1.platform, core1.site, core1.role, core1.tags, core1.extra?.netboxId],
      ["10.10.0.1", "cisco_xe", "nyc", "core", ["pci"], 11],
    );
    assert.strictEqual(
      inv.listSites().find((s) => s.slug === "nyc")?.name,
      "Nyc",
      "site created with NetBox's name and slug",
    );
    assert.strictEqual(inv.getDevice("lon-odd")!.platform, "vyos", "NetBox's unknown platform created");
    assert.strictEqual(inv.getDevice("nyc-core-2")!.port, 2222);
    inv.setCredentialResult("nyc-core-1", { credentialName: "noc", status: "ok" });

    assert.deepStrictEqual(syncFromNetBox(inv, await c.listDevices()), {
      added: 0,
      updated: 0,
      unchanged: 6,
      failed: [],
    });

    nb.devices[0].ip4 = "10.10.0.100/24";
    nb.devices[2].name = "nyc-leaf-01"; // renamed in NetBox: same NetBox id, so an update, not a new device
    nb.devices.push({ id: 18, name: "nyc-new", site: "nyc", role: "core", platform: "ios", ip4: "10.10.0.18/24" });
    assert.deepStrictEqual(syncFromNetBox(inv, await c.listDevices()), {
      added: 1,
      updated: 2,
      unchanged: 4,
      failed: [],
    });
    const after = inv.getDevice("nyc-core-1")!;
    assert.deepStrictEqual([after.host, after.credentialName, after.credentialStatus], ["10.10.0.100", "noc", "ok"]);
    assert.strictEqual(inv.getDevice("nyc-leaf-1"), undefined);
    assert.strictEqual(inv.getDevice("nyc-leaf-01")!.extra?.netboxId, 13);
    assert.strictEqual(inv.listDevices().length, 7);
  });

  it("reports a device it cannot write and writes the others", async () => {
    inv.addDevice({ name: "taken", host: "10.0.0.1", platform: "cisco_ios" });
    nb.devices[0].name = "bad name";
    nb.devices[1].name = "taken";
    nb.devices[1].id = 99;
    nb.devices[1].status = "exploded";
    const r = syncFromNetBox(inv, await new NetBoxClient({ url: nb.url, token: nb.token }).listDevices());
    assert.deepStrictEqual([r.added, r.updated], [4, 0]);
    assert.deepStrictEqual(
      r.failed.map((f) => f.device),
      ["bad name", "taken"],
    );
    assert.match(r.failed[0].error, /not a valid device name/);
    assert.match(r.failed[1].error, /field status: 'exploded' is not a device status/);
  });
});
