import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Device } from "../../lib/core/types";
import { Inventory } from "../../lib/core/inventory";
import { helper, useNodeRed, nextMessage, collectMessages, statuses, nextCall, toHelperFlow } from "../support/nodered";
import { useTmpDir } from "../support/tmp";
import { CSV_HEADER, makeInventoryCsv } from "../support/inventory";
import { startFakeNetBox, type FakeNetBox } from "../support/netbox-server";

const deviceSource = require("../../nodes/vc-device-source/vc-device-source");

type Msg = {
  payload: unknown;
  parts?: { id: string; index: number; count: number; type: string };
  topic?: string;
  _msgid?: string;
};

const flow = (props: Record<string, unknown>) =>
  toHelperFlow({ id: "src", type: "vc-device-source", name: "devices" }, props);

describe("vc-device-source node", function () {
  this.timeout(20000);
  useNodeRed();
  const tmp = useTmpDir("vc-node-ds-");

  it("reads the SQLite inventory, filters it, and emits all devices in one message with the count in the status", async () => {
    const db = path.join(tmp.path, "dcim.db");
    const inv = Inventory.open(db, { create: true });
    inv.init();
    inv.importCsv(makeInventoryCsv(60), { createMissing: true });
    inv.close();
    await helper.load(
      deviceSource,
      flow({ source: "sqlite", path: db, site: "DC1", nameRegex: "^dev-000[0-3]", output: "all" }),
    );
    const got = nextMessage<Msg>("out");
    helper.getNode("src").receive({ payload: Date.now(), topic: "nightly" } as never);
    const msg = await got;
    const devices = msg.payload as Device[];
    assert.deepStrictEqual(
      devices.map((d) => d.name),
      ["dev-00000", "dev-00005", "dev-00010", "dev-00015", "dev-00020", "dev-00025", "dev-00030", "dev-00035"],
    );
    assert.strictEqual(devices[0].platform, "cisco_ios");
    assert.strictEqual(msg.topic, "nightly", "the rest of the message is kept");
    assert.deepStrictEqual(statuses("src").at(-1), { fill: "green", shape: "dot", text: "8 devices" });
  });

  it("reads a CSV file and emits one message per device with msg.parts for a join", async () => {
    const file = path.join(tmp.path, "lab.csv");
    fs.writeFileSync(file, makeInventoryCsv(12));
    await helper.load(deviceSource, flow({ source: "csv", path: file, platform: "arista_eos", output: "each" }));
    const got = collectMessages<Msg>("out", 2);
    helper.getNode("src").receive({ payload: "go" } as never);
    const msgs = await got;
    assert.deepStrictEqual(
      msgs.map((m) => (m.payload as Device).name),
      ["dev-00001", "dev-00007"],
    );
    assert.deepStrictEqual(
      msgs.map((m) => [m.parts?.index, m.parts?.count, m.parts?.type]),
      [
        [0, 2, "array"],
        [1, 2, "array"],
      ],
    );
    assert.strictEqual(msgs[0].parts?.id, msgs[1].parts?.id);
    assert.ok(msgs[0]._msgid);
    assert.deepStrictEqual(statuses("src").at(-1)?.text, "2 devices");
  });

  it("per-device messages gather again in a join node (automatic mode)", async () => {
    const file = path.join(tmp.path, "lab.csv");
    fs.writeFileSync(file, makeInventoryCsv(9));
    const joinNode = require("@node-red/nodes/core/sequence/17-split.js");
    const joinFlow: Array<Record<string, unknown>> = [
      { id: "src", type: "vc-device-source", source: "csv", path: file, output: "each", wires: [["j1"]] },
      { id: "j1", type: "join", mode: "auto", wires: [["out"]] },
      { id: "out", type: "helper" },
    ];
    await helper.load([deviceSource, joinNode], joinFlow as never);
    const got = nextMessage<Msg>("out");
    helper.getNode("src").receive({ payload: 1 } as never);
    const joined = (await got).payload as Device[];
    assert.strictEqual(joined.length, 9);
    assert.deepStrictEqual(
      joined.map((d) => d.name),
      makeInventoryCsv(9)
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    );
  });

  it("reads NetBox with the token from the node's credentials, never showing it", async () => {
    const nb: FakeNetBox = await startFakeNetBox([
      { id: 1, name: "nb-core-1", site: "nyc", role: "core", platform: "ios", ip4: "10.9.0.1/24" },
      { id: 2, name: "nb-leaf-1", site: "nyc", role: "leaf", platform: "eos", ip4: "10.9.0.2/24" },
      { id: 3, name: "nb-core-2", site: "lon", role: "core", platform: "nxos", ip4: "10.9.1.2/24" },
    ]);
    try {
      await helper.load(deviceSource, flow({ source: "netbox", netboxUrl: nb.url, role: "core", output: "all" }), {
        src: { netboxToken: nb.token },
      });
      const got = nextMessage<Msg>("out");
      helper.getNode("src").receive({ payload: "" } as never);
      const devices = (await got).payload as Device[];
      assert.deepStrictEqual(
        devices.map((d) => [d.name, d.host, d.platform]),
        [
          ["nb-core-1", "10.9.0.1", "cisco_ios"],
          ["nb-core-2", "10.9.1.2", "cisco_nxos"],
        ],
      );
      assert.match(nb.requests[0].url, /role=core/, "the role filter went to NetBox");
      assert.ok(!JSON.stringify(devices).includes(nb.token));
      assert.ok(!JSON.stringify(statuses("src")).includes(nb.token));
    } finally {
      await nb.stop();
    }
  });

  it("reports a NetBox refusal through done(err), without the token", async () => {
    const nb = await startFakeNetBox([{ id: 1, name: "r1", site: "nyc", platform: "ios", ip4: "10.0.0.1/24" }]);
    try {
      const wrong = "not-the-token-0000000000";
      await helper.load(deviceSource, flow({ source: "netbox", netboxUrl: nb.url }), { src: { netboxToken: wrong } });
      const err = nextCall("src", "error");
      helper.getNode("src").receive({ payload: "" } as never);
      const message = await err;
      assert.match(message, /NetBox refused the token \(HTTP 401\)/);
      assert.ok(!message.includes(wrong));
      assert.strictEqual(statuses("src").at(-1)?.fill, "red");
    } finally {
      await nb.stop();
    }
  });

  it("uses an inline list, with msg.filter overriding the configured filters", async () => {
    const inline = JSON.stringify([
      { name: "r1", host: "10.0.0.1", platform: "cisco_ios", site: "dc1", tags: ["pci"] },
      { name: "r2", host: "10.0.0.2", platform: "cisco_ios", site: "dc2" },
      { name: "fw1", host: "10.0.0.3", platform: "paloalto_panos", site: "dc1" },
    ]);
    await helper.load(deviceSource, flow({ source: "inline", inline, site: "dc1", output: "all" }));
    let got = nextMessage<Msg>("out");
    helper.getNode("src").receive({ payload: 1 } as never);
    assert.deepStrictEqual(
      ((await got).payload as Device[]).map((d) => d.name),
      ["fw1", "r1"],
    );
    got = nextMessage<Msg>("out");
    helper.getNode("src").receive({ payload: 1, filter: { site: "dc2" } } as never);
    assert.deepStrictEqual(
      ((await got).payload as Device[]).map((d) => d.name),
      ["r2"],
    );
    got = nextMessage<Msg>("out");
    helper.getNode("src").receive({ payload: 1, filter: { site: "", name: "^r" } } as never);
    assert.deepStrictEqual(
      ((await got).payload as Device[]).map((d) => d.name),
      ["r1", "r2"],
      "an empty string clears the configured site",
    );
  });

  it("filters on the configured device status", async () => {
    const inline = JSON.stringify([
      { name: "r1", host: "10.0.0.1", platform: "cisco_ios", status: "planned" },
      { name: "r2", host: "10.0.0.2", platform: "cisco_ios" },
    ]);
    await helper.load(deviceSource, flow({ source: "inline", inline, deviceStatus: "Planned" }));
    const got = nextMessage<Msg>("out");
    helper.getNode("src").receive({ payload: 1 } as never);
    assert.deepStrictEqual(
      ((await got).payload as Device[]).map((d) => d.name),
      ["r1"],
    );
  });

  it("takes the devices from msg.payload, and names a bad item", async () => {
    await helper.load(deviceSource, flow({ source: "msg", output: "all" }));
    const got = nextMessage<Msg>("out");
    helper.getNode("src").receive({
      payload: [
        { name: "a", ip: "10.0.0.1", platform: "cisco_nxos" },
        { name: "b", host: "10.0.0.2", platform: "linux" },
      ],
      filter: { platform: "linux" },
    } as never);
    assert.deepStrictEqual(
      ((await got).payload as Device[]).map((d) => d.name),
      ["b"],
    );
    const err = nextCall("src", "error");
    helper.getNode("src").receive({
      payload: [
        { name: "a", host: "10.0.0.1", platform: "cisco_nxos" },
        { name: "b", platform: "linux" },
      ],
    } as never);
    assert.match(await err, /msg\.payload\[1\]\.host: a host is required/);
  });

  it("rejects a bad msg.filter with the field named", async () => {
    await helper.load(deviceSource, flow({ source: "msg" }));
    const err = nextCall("src", "error");
    helper
      .getNode("src")
      .receive({ payload: [{ name: "a", host: "10.0.0.1", platform: "cisco_ios" }], filter: { name: "(" } } as never);
    assert.match(await err, /msg\.filter\.name: '\(' is not a valid regular expression/);
  });

  it("reports bad configuration at deploy and on every message", async () => {
    await helper.load(deviceSource, flow({ source: "csv", path: "" }));
    assert.deepStrictEqual(statuses("src").at(-1), { fill: "red", shape: "ring", text: "bad configuration" });
    const err = nextCall("src", "error");
    helper.getNode("src").receive({ payload: 1 } as never);
    assert.match(await err, /bad configuration: path: the CSV source needs the path of a CSV file/);
  });

  it("names the file, row and column of a bad CSV row", async () => {
    const file = path.join(tmp.path, "bad.csv");
    fs.writeFileSync(file, `${CSV_HEADER}\nr1,10.0.0.1,cisco_ios,,,,,,\nr2,10.0.0.2,cisco_ios,,,,99999,,\n`);
    await helper.load(deviceSource, flow({ source: "csv", path: file }));
    const err = nextCall("src", "error");
    helper.getNode("src").receive({ payload: 1 } as never);
    assert.strictEqual(await err, `${file}:row 3, column port: '99999' is not a TCP port (1-65535)`);
  });

  it("names a missing inventory", async () => {
    const db = path.join(tmp.path, "none", "dcim.db");
    await helper.load(deviceSource, flow({ source: "sqlite", path: db }));
    const err = nextCall("src", "error");
    helper.getNode("src").receive({ payload: 1 } as never);
    assert.match(await err, new RegExp(`${db.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: no inventory database here`));
    assert.ok(!fs.existsSync(db), "reading never creates a database");
  });
});
