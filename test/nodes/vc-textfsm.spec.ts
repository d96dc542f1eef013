import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { helper, useNodeRed, nextMessage, statuses, lastStatus, nextCall, toHelperFlow } from "../support/nodered";
import { NTC_TEMPLATES, NTC_TESTS, tpl } from "../support/textfsm-fixtures";
import { useTmpDir } from "../support/tmp";
import type { DeviceResult, ParsedResult } from "../../lib/core/types";

const textfsmNode = require("../../nodes/vc-textfsm/vc-textfsm");

type Msg = Record<string, unknown> & { payload: Record<string, unknown> };

const CLOCK = "*10:00:00.000 UTC Mon Jan 1 2026";
const VERSION_OUTPUT = fs.readFileSync(
  path.join(NTC_TESTS, "cisco_ios", "show_version", "cisco_ios_show_version.raw"),
  "utf8",
);

function deviceResult(name: string, commands: DeviceResult["commands"]): DeviceResult {
  return {
    device: { name, host: "127.0.0.1", port: 22, platform: "cisco_ios" },
    status: "ok",
    commands,
    capturePaths: [],
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:02.000Z",
    durationMs: 2000,
  };
}

const flow = (props: Record<string, unknown>) => toHelperFlow({ id: "fsm", type: "vc-textfsm", name: "" }, props);

describe("vc-textfsm node", function () {
  this.timeout(30000);
  useNodeRed();
  const tmp = useTmpDir("vc-node-textfsm-");
  let savedEnv: string | undefined;
  beforeEach(() => {
    savedEnv = process.env.NET_TEXTFSM;
    delete process.env.NET_TEXTFSM;
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.NET_TEXTFSM;
    else process.env.NET_TEXTFSM = savedEnv;
    helper.settings({});
  });

  it("index mode: every command of a device result gets records and an explicit status", async () => {
    await helper.load(textfsmNode, flow({ mode: "index", templatesDir: NTC_TEMPLATES }));
    const got = nextMessage<Msg>("out");
    const dr = deviceResult("r1", [
      { command: "show version", output: `r1#show version\n${VERSION_OUTPUT}\nr1#`, status: "ok", durationMs: 1 },
      { command: "show clock", output: CLOCK, status: "ok", durationMs: 1 },
      {
        command: "show interfaces status",
        output: "Port Name Status Vlan Duplex Speed Type\n",
        status: "ok",
        durationMs: 1,
      },
      { command: "show something else", output: "x", status: "ok", durationMs: 1 },
      { command: "show interfaces status", output: "garbage\n", status: "ok", durationMs: 1 },
    ]);
    helper.getNode("fsm").receive({ payload: dr, topic: "t" } as never);
    const msg = await got;
    const parsed = msg.payload.parsed as ParsedResult[];
    assert.deepStrictEqual(
      parsed.map((p) => [p.command, p.status, p.recordCount]),
      [
        ["show version", "ok", 1],
        ["show clock", "ok", 1],
        ["show interfaces status", "zero_records", 0],
        ["show something else", "no_template", 0],
        ["show interfaces status", "parse_error", 0],
      ],
    );
    assert.strictEqual((parsed[0].records[0] as Record<string, unknown>).hostname, "router1");
    assert.deepStrictEqual(parsed[0].templates, ["cisco_ios_show_version.textfsm"]);
    assert.match(
      parsed[4].error!,
      /cisco_ios_show_interfaces_status\.textfsm: Error action .* input line 1: "garbage"/,
    );
    assert.strictEqual(msg.topic, "t");
    assert.deepStrictEqual((msg.payload.device as { name: string }).name, "r1");
    assert.deepStrictEqual(lastStatus("fsm"), {
      fill: "red",
      shape: "dot",
      text: "2/5 ok, 2 records; 1 empty, 1 no template, 1 errors",
    });
  });

  it("index mode with an array of device results, all fine: green status", async () => {
    await helper.load(textfsmNode, flow({ mode: "index", templatesDir: NTC_TEMPLATES }));
    const got = nextMessage<{ payload: Array<{ parsed: ParsedResult[] }> }>("out");
    helper.getNode("fsm").receive({
      payload: [
        deviceResult("r1", [{ command: "show clock", output: CLOCK, status: "ok", durationMs: 1 }]),
        deviceResult("r2", [{ command: "show clock", output: CLOCK, status: "ok", durationMs: 1 }]),
      ],
    } as never);
    const msg = await got;
    assert.deepStrictEqual(
      msg.payload.map((d) => d.parsed.map((p) => [p.device, p.status])),
      [[["r1", "ok"]], [["r2", "ok"]]],
    );
    assert.deepStrictEqual(lastStatus("fsm"), { fill: "green", shape: "dot", text: "2/2 ok, 2 records" });
  });

  it("template mode: a named template of the directory from NET_TEXTFSM, on a {platform, command, output} payload", async () => {
    process.env.NET_TEXTFSM = NTC_TEMPLATES;
    await helper.load(textfsmNode, flow({ mode: "template", template: "cisco_ios_show_clock" }));
    const got = nextMessage<Msg>("out");
    helper
      .getNode("fsm")
      .receive({ payload: { platform: "cisco_ios", command: "show clock", output: CLOCK } } as never);
    const msg = await got;
    const [p] = msg.payload.parsed as ParsedResult[];
    assert.deepStrictEqual(
      [p.status, p.templates, p.records],
      [
        "ok",
        ["cisco_ios_show_clock.textfsm"],
        [{ time: "10:00:00.000", timezone: "UTC", dayweek: "Mon", month: "Jan", day: "1", year: "2026" }],
      ],
    );
  });

  it("template mode with the vcTextfsmTemplatesDir setting; a missing template is no_template (yellow)", async () => {
    helper.settings({ vcTextfsmTemplatesDir: NTC_TEMPLATES } as Record<string, unknown>);
    await helper.load(textfsmNode, flow({ mode: "template", template: "not_there.textfsm" }));
    const got = nextMessage<Msg>("out");
    helper.getNode("fsm").receive({ payload: "text", command: "show x" } as never);
    const msg = await got;
    const [p] = msg.payload.parsed as ParsedResult[];
    assert.strictEqual(p.status, "no_template");
    assert.match(p.error!, /template 'not_there\.textfsm' not found in .*templates/);
    assert.deepStrictEqual(lastStatus("fsm"), {
      fill: "yellow",
      shape: "dot",
      text: "0/1 ok, 0 records; 1 no template",
    });
  });

  it("inline mode: a string payload with msg.command, and the node's own template", async () => {
    const inlineTemplate = tpl(
      "Value NAME (\\S+)",
      "Value List ADDRS (\\S+)",
      "",
      "Start",
      "  ^interface ${NAME}",
      "  ^ address ${ADDRS}",
      "  ^! -> Record",
    );
    await helper.load(textfsmNode, flow({ mode: "inline", name: "ifaces", inlineTemplate }));
    const got = nextMessage<Msg>("out");
    helper.getNode("fsm").receive({
      payload: "interface e0\n address a1\n address a2\n!\n",
      command: "show run",
      platform: "x",
      device: "sw1",
    } as never);
    const msg = await got;
    assert.deepStrictEqual(msg.payload.command, "show run");
    const [p] = msg.payload.parsed as ParsedResult[];
    assert.deepStrictEqual(
      [p.device, p.status, p.templates, p.records],
      ["sw1", "ok", ["ifaces (inline)"], [{ name: "e0", addrs: ["a1", "a2"] }]],
    );
  });

  it("inline mode with a bad template: red status at start, located parse_error for every message", async () => {
    const inlineTemplate = tpl("Value A (\\d+)", "", "Start", "  ^x -> Nowhere");
    const loaded = helper.load(textfsmNode, flow({ mode: "inline", inlineTemplate }));
    await loaded;
    assert.ok(
      statuses("fsm").some((s) => s.fill === "red" && s.text === "bad inline template"),
      JSON.stringify(statuses("fsm")),
    );
    const got = nextMessage<Msg>("out");
    helper.getNode("fsm").receive({ payload: "x", command: "c" } as never);
    const [p] = (await got).payload.parsed as ParsedResult[];
    assert.deepStrictEqual(
      [p.status, p.error],
      ["parse_error", "inline template:4: State 'Nowhere' not found, referenced in state 'Start'"],
    );
    assert.deepStrictEqual(p.records, []);
  });

  it("a failed command is not parsed, and a parse over budget is a located parse_error", async () => {
    const dir = path.join(tmp.path, "templates");
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "index"),
      "Template, Hostname, Platform, Command\nslow.textfsm, .*, lab, show slow\n",
    );
    fs.writeFileSync(
      path.join(dir, "slow.textfsm"),
      tpl("Value A ((\\w+\\s?)+)", "", "Start", "  ^(?=>)>${A}:x -> Record"),
    );
    await helper.load(textfsmNode, flow({ mode: "index", templatesDir: dir, budgetMs: 300 }));
    const got = nextMessage<Msg>("out");
    const dr = {
      ...deviceResult("r9", [
        { command: "show slow", output: `>${"a".repeat(45)}-:x\n`, status: "ok" as const, durationMs: 1 },
        {
          command: "show slow",
          output: "partial",
          status: "error" as const,
          errorClass: "command_timeout" as const,
          error: "timed out",
          durationMs: 1,
        },
      ]),
      device: { name: "r9", host: "127.0.0.9", port: 22, platform: "lab" },
    };
    helper.getNode("fsm").receive({ payload: dr } as never);
    const parsed = (await got).payload.parsed as ParsedResult[];
    assert.deepStrictEqual(
      parsed.map((p) => p.status),
      ["parse_error", "parse_error"],
    );
    assert.match(parsed[0].error!, /^slow\.textfsm: parse exceeded its 300 ms budget at input line 1/);
    assert.match(parsed[1].error!, /not parsed: the command failed during collection \(timed out\)/);
  });

  it("no template directory anywhere: the ntc-templates bundled with the package parse (index mode)", async () => {
    await helper.load(textfsmNode, flow({ mode: "index" }));
    assert.deepStrictEqual(statuses("fsm")[0], {});
    const got = nextMessage<Msg>("out");
    helper.getNode("fsm").receive({
      payload: deviceResult("r1", [{ command: "show clock", output: CLOCK, status: "ok", durationMs: 1 }]),
    } as never);
    const [p] = (await got).payload.parsed as ParsedResult[];
    assert.deepStrictEqual([p.status, p.templates, p.error], ["ok", ["cisco_ios_show_clock.textfsm"], undefined]);
  });

  it("a payload it cannot parse is an error for Catch nodes, not a message", async () => {
    await helper.load(textfsmNode, flow({ mode: "index", templatesDir: NTC_TEMPLATES }));
    const error = nextCall("fsm", "error");
    let sent = false;
    helper.getNode("out").on("input", () => (sent = true));
    helper.getNode("fsm").receive({ payload: 42 } as never);
    assert.match(await error, /msg\.payload must be a device result/);
    assert.strictEqual(sent, false);
    assert.deepStrictEqual(lastStatus("fsm"), { fill: "red", shape: "dot", text: "bad input" });
  });
});
