import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { helper, useNodeRed, nextMessage } from "../support/nodered";
import { useTmpDir } from "../support/tmp";
import { makeMiniNtcDir, ntcCase } from "../support/templates-fixtures";

const exportNode = require("../../nodes/vc-export/vc-export");

// Smart Export through vc-export: a raw output (string payload) is auto-detected and exported.
describe("vc-export Smart Export", function () {
  useNodeRed();
  const tmp = useTmpDir();
  const version = ntcCase("cisco_ios", "show_version", "cisco_ios_show_version");
  const saved = process.env.NET_TEXTFSM;
  afterEach(() => {
    if (saved === undefined) delete process.env.NET_TEXTFSM;
    else process.env.NET_TEXTFSM = saved;
  });

  function flow(extra: Record<string, unknown>) {
    return [
      {
        id: "e1",
        type: "vc-export",
        smart: true,
        format: "json",
        mode: "combined",
        destination: "payload",
        home: path.join(tmp.path, "home"),
        ...extra,
        wires: [["h1"]],
      },
      { id: "h1", type: "helper" },
    ];
  }

  it("detects the template of a raw output and sends {source, template, score, data}", async () => {
    process.env.NET_TEXTFSM = makeMiniNtcDir(path.join(tmp.path, "ntc"), [
      "cisco_ios_show_version",
      "cisco_ios_show_clock",
      "arista_eos_show_vlan",
    ]);
    await helper.load(exportNode, flow({}));
    const got = nextMessage<{
      payload: {
        template: string;
        score: number;
        record_count: number;
        data: Array<Record<string, unknown>>;
        source: string;
      };
      template: string;
    }>("h1", 20000);
    helper.getNode("e1").receive({ payload: version.raw, device: "r1", platform: "cisco_ios" } as never);
    const msg = await got;
    assert.match(msg.payload.template, /^cisco_ios_show_version(\.textfsm)?$/);
    assert.strictEqual(msg.template, msg.payload.template);
    assert.strictEqual(msg.payload.source, "r1");
    assert.strictEqual(msg.payload.record_count, version.expected.length);
    assert.ok(msg.payload.score > 0 && msg.payload.score <= 1, String(msg.payload.score));
    assert.strictEqual(String(msg.payload.data[0].hostname), String(version.expected[0].hostname));
  });

  it("writes <source>_parsed.csv atomically to the output directory", async () => {
    process.env.NET_TEXTFSM = makeMiniNtcDir(path.join(tmp.path, "ntc"), ["cisco_ios_show_version"]);
    const out = path.join(tmp.path, "out");
    await helper.load(exportNode, flow({ format: "csv", destination: "file", outputDir: out }));
    const got = nextMessage<{ files: Array<{ path: string }> }>("h1", 20000);
    helper.getNode("e1").receive({ payload: version.raw, device: "r1" } as never);
    const msg = await got;
    assert.strictEqual(msg.files.length, 1);
    const csv = fs.readFileSync(msg.files[0].path, "utf8");
    assert.match(path.basename(msg.files[0].path), /_parsed\.csv$/);
    assert.match(csv.split("\n")[0], /hostname/i);
    assert.ok(csv.includes(String(version.expected[0].hostname)));
  });
});
