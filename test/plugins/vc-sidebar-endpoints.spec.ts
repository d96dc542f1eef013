import * as assert from "node:assert";
import * as path from "node:path";
import { Inventory } from "../../lib/core/inventory";
import { startFakeNetBox, type FakeNetBox } from "../support/netbox-server";
import { useAdminNodeRed, type CallOptions } from "../support/nodered-admin";
import type { NodeRedProcess } from "../support/nodered-process";
import { makeVault, type TestVault } from "../support/vault";

const DEVICE_SECRET = "device-Secret-88q";

/**
 * The sidebar's admin endpoints in a real Node-RED (4.1 here) with adminAuth: who may read and
 * write, the shared guard (same origin, JSON-only writes), input validation, and no secret in
 * any response. Needs `npm run build` (Node-RED loads the pack from dist/).
 */
describe("vc-sidebar admin endpoints (real Node-RED with adminAuth)", function () {
  this.timeout(90_000);
  let vault: TestVault;
  let netbox: FakeNetBox | undefined;

  before(async () => {
    netbox = await startFakeNetBox([
      { id: 1, name: "nb-sw1", site: "dc1", role: "switch", platform: "cisco_ios", ip4: "127.0.1.1/24" },
      { id: 2, name: "nb-sw2", site: "dc1", role: "switch", platform: "arista_eos", ip4: "127.0.1.2/24" },
      { id: 3, name: "nb-other", site: "dc2", role: "switch", platform: "cisco_ios", ip4: "127.0.1.3/24" },
    ]);
  });

  after(async () => {
    await netbox?.stop();
  });

  const nodeRed = useAdminNodeRed({
    tmpPrefix: "vc-sidebar-api-",
    vaultNodeName: "sidebar vault",
    env: () => ({ NETBOX_URL: netbox!.url, NETBOX_TOKEN: netbox!.token }),
    prepareHome(home) {
      vault = makeVault(
        home,
        [{ name: "lab-admin", username: "admin", password: DEVICE_SECRET, enableSecret: DEVICE_SECRET }],
        { defaultName: "lab-admin" },
      );
      const inv = Inventory.open(path.join(home, "dcim.db"), { create: true });
      inv.init();
      inv.addDevice({ name: "r1", host: "127.0.0.1", port: 2201, platform: "cisco_ios" });
      inv.close();
      return vault.password;
    },
  });
  const call = (method: string, url: string, opts?: CallOptions) => nodeRed.current.call(method, url, opts);
  let red: NodeRedProcess | undefined;
  let adminToken = "";
  let readerToken = "";

  before(() => {
    ({ red, adminToken, readerToken } = nodeRed.current);
  });

  it("refuses a request without a token (401), for reads and writes", async () => {
    assert.strictEqual((await call("GET", "vc/devices")).status, 401);
    assert.strictEqual((await call("GET", "vc/credentials")).status, 401);
    assert.strictEqual(
      (await call("POST", "vc/devices", { json: { name: "x1", host: "127.0.0.2", platform: "cisco_ios" } })).status,
      401,
    );
  });

  it("lets a read-only user read but refuses its writes", async () => {
    const list = await call("GET", "vc/devices", { token: readerToken });
    assert.strictEqual(list.status, 200);
    const body = (await list.json()) as { total: number; devices: Array<{ name: string }> };
    assert.deepStrictEqual(
      body.devices.map((d) => d.name),
      ["r1"],
    );
    for (const [method, url, json] of [
      ["POST", "vc/devices", { name: "x1", host: "127.0.0.2", platform: "cisco_ios" }],
      ["PUT", "vc/devices/r1", { host: "127.0.0.9" }],
      ["DELETE", "vc/devices/r1", undefined],
      ["POST", "vc/taxonomy/site", { name: "dc9" }],
      ["PUT", "vc/credentials/default", { name: null }],
      ["POST", "vc/discovery", { dryRun: true }],
      ["POST", "vc/collect", { devices: ["r1"], commands: ["show version"], captureType: "version" }],
      ["POST", "vc/netbox/sync", { site: "dc1" }],
    ] as const) {
      const res = await call(method, url, { token: readerToken, json });
      assert.strictEqual(res.status, 401, `${method} ${url} as a read-only user`);
    }
    const after = (await (await call("GET", "vc/devices/r1", { token: adminToken })).json()) as {
      device: { host: string };
    };
    assert.strictEqual(after.device.host, "127.0.0.1", "nothing changed");
  });

  it("accepts a same-origin JSON write from an admin, and refuses cross-origin and form-encoded ones", async () => {
    const ok = await call("POST", "vc/devices", {
      token: adminToken,
      json: { name: "x1", host: "127.0.0.2", platform: "cisco_ios" },
      headers: { Origin: red!.url.replace(/\/$/, "") },
    });
    assert.strictEqual(ok.status, 201, await ok.clone().text());

    const cross = await call("POST", "vc/devices", {
      token: adminToken,
      json: { name: "x2", host: "127.0.0.3", platform: "cisco_ios" },
      headers: { Origin: "http://evil.example" },
    });
    assert.strictEqual(cross.status, 403);
    assert.strictEqual(((await cross.json()) as { errorClass: string }).errorClass, "cross_origin");

    const form = await call("POST", "vc/devices", {
      token: adminToken,
      body: "name=x3&host=127.0.0.4&platform=cisco_ios",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.strictEqual(form.status, 415);
    assert.strictEqual(((await form.json()) as { errorClass: string }).errorClass, "unsupported_media_type");

    const names = (
      (await (await call("GET", "vc/devices", { token: adminToken })).json()) as {
        devices: Array<{ name: string }>;
      }
    ).devices.map((d) => d.name);
    assert.deepStrictEqual(names, ["r1", "x1"], "only the same-origin JSON write landed");
  });

  it("answers bad input with {error, errorClass} naming the field, and core errors with the CLI's class", async () => {
    const bad = await call("POST", "vc/devices", {
      token: adminToken,
      json: { name: "x4", host: "127.0.0.5", platform: "cisco_ios", port: 70000 },
    });
    assert.strictEqual(bad.status, 400);
    const badBody = (await bad.json()) as { error: string; errorClass: string };
    assert.strictEqual(badBody.errorClass, "invalid_input");
    assert.match(badBody.error, /^port: /);

    const unknownField = await call("POST", "vc/devices", {
      token: adminToken,
      json: { name: "x4", host: "127.0.0.5", platform: "cisco_ios", home: "/tmp/elsewhere" },
    });
    assert.strictEqual(unknownField.status, 400, "a path-like field is not accepted");
    assert.match(((await unknownField.json()) as { error: string }).error, /^home: is not a known field/);

    const platform = await call("POST", "vc/devices", {
      token: adminToken,
      json: { name: "x5", host: "127.0.0.6", platform: "no_such_os" },
    });
    assert.strictEqual(platform.status, 400);
    const pBody = (await platform.json()) as { error: string; errorClass: string };
    assert.strictEqual(pBody.errorClass, "invalid_device");
    assert.match(pBody.error, /field platform: unknown platform 'no_such_os'/);

    const missing = await call("DELETE", "vc/devices/nope", { token: adminToken });
    assert.strictEqual(missing.status, 404);
  });

  it("shows the vault unlocked through the deployed node and never a secret", async () => {
    const res = await call("GET", "vc/credentials", { token: readerToken });
    assert.strictEqual(res.status, 200);
    const text = await res.text();
    const body = JSON.parse(text) as {
      vault: { unlocked: boolean; node: string };
      credentials: Array<Record<string, unknown>>;
      default: string;
    };
    assert.strictEqual(body.vault.unlocked, true);
    assert.strictEqual(body.vault.node, "sidebar vault");
    assert.strictEqual(body.default, "lab-admin");
    assert.deepStrictEqual(Object.keys(body.credentials[0]).sort(), [
      "fallbackPosition",
      "hasEnableSecret",
      "isDefault",
      "kind",
      "name",
      "updatedAt",
      "username",
    ]);
    for (const secret of [DEVICE_SECRET, vault.password])
      assert.ok(!text.includes(secret), "no secret in the response");
    const status = await (await call("GET", "vc/status", { token: readerToken })).text();
    assert.ok(!status.includes(vault.password));
  });

  it("syncs from NetBox with the URL and token of the runtime (never from the request), dry run first", async () => {
    const dry = await call("POST", "vc/netbox/sync", { token: adminToken, json: { site: "dc1", dryRun: true } });
    assert.strictEqual(dry.status, 200);
    assert.deepStrictEqual(await dry.json(), { dryRun: true, devices: 2, names: ["nb-sw1", "nb-sw2"] });
    const fromRequest = await call("POST", "vc/netbox/sync", {
      token: adminToken,
      json: { site: "dc1", url: "http://127.0.0.1:9/" },
    });
    assert.strictEqual(fromRequest.status, 400, "a URL in the request is refused");

    const res = await call("POST", "vc/netbox/sync", { token: adminToken, json: { site: "dc1" } });
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    const body = JSON.parse(text) as { devices: number; added: number; failed: unknown[] };
    assert.strictEqual(body.devices, 2);
    assert.strictEqual(body.added, 2);
    assert.deepStrictEqual(body.failed, []);
    assert.ok(!text.includes(netbox!.token), "the token is never in a response");
    const list = (await (await call("GET", "vc/devices?name=%5Enb-", { token: readerToken })).json()) as {
      devices: Array<{ name: string; host: string; site: string }>;
    };
    assert.deepStrictEqual(
      list.devices.map((d) => [d.name, d.host, d.site]),
      [
        ["nb-sw1", "127.0.1.1", "dc1"],
        ["nb-sw2", "127.0.1.2", "dc1"],
      ],
    );
    assert.ok(netbox!.requests.every((r) => r.authorization === `Token ${netbox!.token}`));
  });
});
