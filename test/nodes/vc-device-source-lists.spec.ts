import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Device } from "../../lib/core/types";
import { helper, useNodeRed, nextMessage } from "../support/nodered";
import { useTmpDir } from "../support/tmp";

const deviceSource = require("../../nodes/vc-device-source/vc-device-source");

const CSV = [
  "name,primary_ip4,platform,site,role,status",
  "fw-1,10.0.0.1,paloalto_panos,dc1,firewall,active",
  "sw-1,10.0.0.2,arista_eos,dc2,access,active",
  "rtr-1,10.0.0.3,cisco_ios,dc3,core,active",
].join("\n");

/** Issue 14: comma lists and every seeded vendor, in the node as in the CLI. */
describe("vc-device-source node: comma lists and vendor names", function () {
  this.timeout(20000);
  useNodeRed();
  const tmp = useTmpDir("vc-node-ds-lists-");

  async function names(props: Record<string, unknown>, filter?: Record<string, unknown>): Promise<string[]> {
    const file = path.join(tmp.path, "inv.csv");
    fs.writeFileSync(file, CSV);
    const flow: Array<Record<string, unknown>> = [
      { id: "src", type: "vc-device-source", wires: [["out"]], source: "csv", path: file, output: "all", ...props },
      { id: "out", type: "helper" },
    ];
    await helper.load(deviceSource, flow as never);
    const got = nextMessage<{ payload: Device[] }>("out");
    helper.getNode("src").receive({ payload: 1, ...(filter ? { filter } : {}) } as never);
    const msg = await got;
    await helper.unload();
    return msg.payload.map((d) => d.name);
  }

  it("a configured platform list, a msg.filter site list and a vendor spelt paloalto", async () => {
    assert.deepStrictEqual(await names({ platform: "paloalto_panos, arista_eos" }), ["fw-1", "sw-1"]);
    assert.deepStrictEqual(await names({}, { site: ["dc2", "dc3"] }), ["rtr-1", "sw-1"]);
    assert.deepStrictEqual(await names({}, { vendor: "paloalto" }), ["fw-1"]);
  });
});
