import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { helper, useNodeRed, nextMessage, collectMessages, statuses, nextCall, toHelperFlow } from "../support/nodered";
import { useTmpDir } from "../support/tmp";
import { ARP_RECORDS, VERSION_RECORDS, parsedDeviceResult, parsedResult } from "../support/capture-fixtures";

const exportNode = require("../../nodes/vc-export/vc-export");

type Msg = Record<string, unknown> & { payload: unknown };

/** What vc-textfsm sends for two devices (an array of device results). */
function parsedFleet() {
  return [
    parsedDeviceResult("r1", "cisco_ios", [
      parsedResult("r1", "show ip arp", ARP_RECORDS),
      parsedResult("r1", "show version", VERSION_RECORDS),
    ]),
    parsedDeviceResult("r2", "cisco_ios", [parsedResult("r2", "show ip arp", ARP_RECORDS.slice(0, 1))]),
  ];
}

const flow = (props: Record<string, unknown>) => toHelperFlow({ id: "exp", type: "vc-export", name: "export" }, props);

describe("vc-export node", function () {
  this.timeout(20000);
  useNodeRed();
  const tmp = useTmpDir("vc-node-export-");

  it("writes one CSV file per device, reports them in msg.files and keeps the payload", async () => {
    const dir = path.join(tmp.path, "exports");
    await helper.load(exportNode, flow({ format: "csv", mode: "device", destination: "file", outputDir: dir }));
    const got = nextMessage<Msg>("out");
    const payload = parsedFleet();
    helper.getNode("exp").receive({ payload, topic: "nightly" } as never);
    const msg = await got;
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["r1.csv", "r2.csv"]);
    const files = msg.files as Array<{ path: string; device: string; recordCount: number }>;
    assert.deepStrictEqual(
      files.map((f) => [f.path, f.device, f.recordCount]),
      [
        [path.join(dir, "r1.csv"), "r1", 3],
        [path.join(dir, "r2.csv"), "r2", 1],
      ],
    );
    assert.strictEqual(msg.recordCount, 4);
    assert.deepStrictEqual(msg.payload, payload);
    assert.strictEqual(msg.topic, "nightly");
    const rows = parseCsv(fs.readFileSync(path.join(dir, "r2.csv"))) as string[][];
    assert.deepStrictEqual(rows[1].slice(0, 4), ["r2", "show ip arp", "Internet", "10.0.0.1"]);
    assert.strictEqual(rows[1][rows[0].indexOf("age")], "-", "a lone '-' ARP age is no formula: left as it is");
    assert.deepStrictEqual(statuses("exp").at(-1), { fill: "green", shape: "dot", text: "4 records → 2 files" });
  });

  it("writes under <data home>/exports by default, with the path pattern of the node", async () => {
    const home = path.join(tmp.path, "home");
    await helper.load(
      exportNode,
      flow({
        format: "json",
        mode: "device-command",
        destination: "file",
        home,
        pathPattern: "{capture_type}/{device}_{command}.{ext}",
      }),
    );
    const got = nextMessage<Msg>("out");
    helper.getNode("exp").receive({ payload: parsedFleet() } as never);
    await got;
    assert.deepStrictEqual(fs.readdirSync(path.join(home, "exports", "arp")).sort(), [
      "r1_show_ip_arp.json",
      "r1_show_version.json",
      "r2_show_ip_arp.json",
    ]);
    const doc = JSON.parse(fs.readFileSync(path.join(home, "exports", "arp", "r1_show_version.json"), "utf8"));
    assert.deepStrictEqual(doc.results[0].records, VERSION_RECORDS);
  });

  it("sends JSON to msg.payload as a document object with a file name and content type", async () => {
    await helper.load(
      exportNode,
      flow({ format: "json", mode: "combined", destination: "payload", pathPattern: "fleet.{ext}" }),
    );
    const got = nextMessage<Msg>("out");
    helper.getNode("exp").receive({ payload: parsedFleet()[0] } as never);
    const msg = await got;
    const doc = msg.payload as {
      record_count: number;
      results: Array<{ device: string; command: string; fields: string[] }>;
    };
    assert.strictEqual(doc.record_count, 3);
    assert.deepStrictEqual(
      doc.results.map((r) => r.command),
      ["show ip arp", "show version"],
    );
    assert.deepStrictEqual([msg.filename, msg.contentType, msg.recordCount], ["fleet.json", "application/json", 3]);
    assert.strictEqual(msg.parts, undefined);
    assert.deepStrictEqual(statuses("exp").at(-1), { fill: "green", shape: "dot", text: "3 records" });
  });

  it("per command to msg.payload: one CSV message per command, as a sequence", async () => {
    await helper.load(
      exportNode,
      flow({
        format: "csv",
        mode: "command",
        destination: "payload",
        listSeparator: "|",
        formulaGuard: false,
        contextColumns: false,
      }),
    );
    const got = collectMessages<Msg>("out", 2);
    helper.getNode("exp").receive({ payload: parsedFleet() } as never);
    const msgs = await got;
    assert.deepStrictEqual(
      msgs.map((m) => [
        m.command,
        m.filename,
        m.recordCount,
        (m.parts as { index: number; count: number }).index,
        (m.parts as { count: number }).count,
      ]),
      [
        ["show ip arp", "show_ip_arp.csv", 3, 0, 2],
        ["show version", "show_version.csv", 1, 1, 2],
      ],
    );
    assert.strictEqual((msgs[0].parts as { id: string }).id, (msgs[1].parts as { id: string }).id);
    const version = parseCsv(msgs[1].payload as string) as string[][];
    assert.deepStrictEqual(version[0], ["version", "hostname", "uptime", "hardware", "serial"]);
    assert.strictEqual(version[1][4], "FTX1234A0BC|FTX1234A0BD");
    assert.strictEqual((parseCsv(msgs[0].payload as string) as string[][])[1][2], "-", "formula guard off");
  });

  it("NDJSON to msg.payload from a plain list of {device, command, records}", async () => {
    await helper.load(exportNode, flow({ format: "ndjson", destination: "payload" }));
    const got = nextMessage<Msg>("out");
    helper.getNode("exp").receive({
      payload: [{ device: "sw1", command: "show vlan", records: [{ vlan: "10" }, { vlan: "20" }] }],
    } as never);
    const msg = await got;
    assert.strictEqual(msg.contentType, "application/x-ndjson");
    assert.deepStrictEqual(
      (msg.payload as string)
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).vlan),
      ["10", "20"],
    );
  });

  it("skips bad items with a warning naming their place, exports the rest (yellow status)", async () => {
    await helper.load(exportNode, flow({ format: "json", destination: "payload" }));
    const warned = nextCall("exp", "warn");
    const got = nextMessage<Msg>("out");
    helper
      .getNode("exp")
      .receive({ payload: [...parsedFleet(), { device: "r3", command: "show x", records: "nope" }] } as never);
    const msg = await got;
    assert.strictEqual(await warned, 'input[2].records: expected an array, got string "nope" (skipped)');
    assert.deepStrictEqual(msg.exportProblems, [
      { where: "input[2].records", message: 'expected an array, got string "nope"' },
    ]);
    assert.strictEqual(msg.recordCount, 4);
    assert.deepStrictEqual(statuses("exp").at(-1), { fill: "yellow", shape: "dot", text: "4 records, 1 skipped" });
  });

  it("reports an error (catchable) when nothing can be exported, with a red status", async () => {
    await helper.load(exportNode, flow({ format: "csv", destination: "payload" }));
    const failed = nextCall("exp", "error");
    helper.getNode("exp").receive({ payload: { device: { name: "r1" }, commands: [], status: "ok" } } as never);
    assert.strictEqual(
      await failed,
      "input: nothing to export: no parsed results (parse the outputs with vc-textfsm first)",
    );
    assert.strictEqual(statuses("exp").at(-1)?.fill, "red");
  });

  it("reports a path pattern that cannot work, and writes nothing", async () => {
    const dir = path.join(tmp.path, "x");
    await helper.load(
      exportNode,
      flow({ format: "csv", mode: "device", destination: "file", outputDir: dir, pathPattern: "all.csv" }),
    );
    const failed = nextCall("exp", "error");
    helper.getNode("exp").receive({ payload: parsedFleet() } as never);
    assert.match(await failed, /path pattern 'all\.csv': must contain \{device\} in per-device mode/);
    assert.strictEqual(fs.existsSync(dir), false);
  });

  it("reports an error when no file could be written", async () => {
    const blocker = path.join(tmp.path, "blocker");
    fs.writeFileSync(blocker, "a file where the directory should be");
    await helper.load(
      exportNode,
      flow({ format: "csv", destination: "file", outputDir: blocker, pathPattern: "out.csv" }),
    );
    const failed = nextCall("exp", "error");
    helper.getNode("exp").receive({ payload: parsedFleet() } as never);
    assert.match(await failed, /^no file written: .*blocker\/out\.csv: /);
  });
});
