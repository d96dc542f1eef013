import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DeviceResult } from "../../../lib/core/types";
import {
  compileInline,
  parsePayload,
  parseOne,
  countStatuses,
  resolveTemplateSource,
  type ParseSettings,
} from "../../../lib/core/parse";
import { NTC_TEMPLATES, NTC_TESTS, tpl } from "../../support/textfsm-fixtures";

const VERSION_OUTPUT = fs.readFileSync(
  path.join(NTC_TESTS, "cisco_ios", "show_version", "cisco_ios_show_version.raw"),
  "utf8",
);

function deviceResult(commands: DeviceResult["commands"], platform = "cisco_ios"): DeviceResult {
  return {
    device: { name: "r1", host: "127.0.0.1", port: 22, platform },
    status: "ok",
    commands,
    capturePaths: [],
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    durationMs: 1000,
  };
}

const source = resolveTemplateSource({ explicit: NTC_TEMPLATES });
const index: ParseSettings = { mode: "index", source };

describe("parse stage: results (what vc-textfsm emits)", () => {
  it("parses every command of a device result with an explicit status each", () => {
    const dr = deviceResult([
      { command: "show version", output: `r1#show version\n${VERSION_OUTPUT}\nr1#`, status: "ok", durationMs: 5 },
      { command: "show clock", output: "*10:00:00.000 UTC Mon Jan 1 2026\n", status: "ok", durationMs: 5 },
      { command: "show nothing", output: "x\n", status: "ok", durationMs: 5 },
      {
        command: "show ip arp",
        output: "",
        status: "error",
        errorClass: "command_timeout",
        error: "no prompt within 30 s",
        durationMs: 30000,
      },
      {
        command: "show interfaces status",
        output: "Port Name Status Vlan Duplex Speed Type\n",
        status: "ok",
        durationMs: 5,
      },
      {
        command: "show interfaces status",
        output: "nothing that looks like a port table\n",
        status: "ok",
        durationMs: 5,
      },
    ]);
    const { payload, parsed } = parsePayload(dr, {}, index);
    assert.deepStrictEqual(
      parsed.map((p) => [p.command, p.status, p.templates, p.recordCount]),
      [
        ["show version", "ok", ["cisco_ios_show_version.textfsm"], 1],
        ["show clock", "ok", ["cisco_ios_show_clock.textfsm"], 1],
        ["show nothing", "no_template", [], 0],
        ["show ip arp", "parse_error", [], 0],
        ["show interfaces status", "zero_records", ["cisco_ios_show_interfaces_status.textfsm"], 0],
        ["show interfaces status", "parse_error", ["cisco_ios_show_interfaces_status.textfsm"], 0],
      ],
    );
    assert.match(
      parsed[5].error!,
      /^cisco_ios_show_interfaces_status\.textfsm: Error action \(rule line \d+\) raised on input line 1: "nothing that looks like a port table"/,
    );
    assert.strictEqual(parsed[0].device, "r1");
    assert.strictEqual(parsed[0].platform, "cisco_ios");
    assert.strictEqual(parsed[0].collectedAt, dr.finishedAt);
    assert.strictEqual((parsed[0].records[0] as Record<string, unknown>).hostname, "router1");
    assert.match(parsed[2].error!, /no template in .* for platform 'cisco_ios' and command 'show nothing'/);
    assert.match(parsed[3].error!, /not parsed: the command failed during collection \(no prompt within 30 s\)/);
    assert.deepStrictEqual((payload as DeviceResult & { parsed: unknown }).parsed, parsed);
    assert.deepStrictEqual(countStatuses(parsed), { ok: 2, zero: 1, noTemplate: 1, errors: 2 });
  });

  it("an array of device results gets one parsed list per device", () => {
    const a = deviceResult([
      { command: "show clock", output: "*10:00:00.000 UTC Mon Jan 1 2026\n", status: "ok", durationMs: 1 },
    ]);
    const b = {
      ...deviceResult([{ command: "show clock", output: "", status: "ok", durationMs: 1 }]),
      device: { name: "r2", host: "127.0.0.2", port: 22, platform: "cisco_ios" },
    };
    const { payload, parsed } = parsePayload([a, b], {}, index);
    assert.deepStrictEqual(
      parsed.map((p) => [p.device, p.status]),
      [
        ["r1", "ok"],
        ["r2", "zero_records"],
      ],
    );
    assert.deepStrictEqual(
      (payload as Array<{ parsed: unknown[] }>).map((p) => p.parsed.length),
      [1, 1],
    );
  });

  it("a plain {platform, command, output} and a string with hints", () => {
    const plain = parsePayload(
      { platform: "cisco_ios", command: "show clock", output: "*10:00:00.000 UTC Mon Jan 1 2026" },
      {},
      index,
    );
    assert.strictEqual(plain.parsed[0].status, "ok");
    const text = parsePayload(
      "*10:00:00.000 UTC Mon Jan 1 2026",
      { platform: "cisco_ios", command: "show clock" },
      index,
    );
    assert.deepStrictEqual((text.payload as { command: string }).command, "show clock");
    assert.strictEqual(text.parsed[0].status, "ok");
    assert.throws(() => parsePayload("text", {}, index), /set msg\.command/);
    assert.throws(() => parsePayload(42, {}, index), /msg\.payload must be/);
    assert.throws(() => parsePayload([{ nope: 1 }], {}, index), /msg\.payload\[0\] is not a device result/);
  });

  it("template mode: a named template; a missing one is no_template", () => {
    const input = { device: "r1", command: "show clock", output: "*10:00:00.000 UTC Mon Jan 1 2026" };
    const ok = parseOne(input, { mode: "template", source, template: "cisco_ios_show_clock" });
    assert.deepStrictEqual([ok.status, ok.templates], ["ok", ["cisco_ios_show_clock.textfsm"]]);
    const missing = parseOne(input, { mode: "template", source, template: "no_such.textfsm" });
    assert.strictEqual(missing.status, "no_template");
    const escaping = parseOne(input, { mode: "template", source, template: "../index" });
    assert.strictEqual(escaping.status, "no_template");
  });

  it("inline mode, and the located errors of an Error rule and of a bad inline template", () => {
    const inline = compileInline(
      tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Record", "  ^bad -> Error"),
      "my inline",
    );
    const ok = parseOne({ device: "d", command: "c", output: "a=1\n" }, { mode: "inline", inline });
    assert.deepStrictEqual([ok.status, ok.records], ["ok", [{ a: "1" }]]);
    const failed = parseOne({ device: "d", command: "c", output: "a=1\nbad\n" }, { mode: "inline", inline });
    assert.strictEqual(failed.status, "parse_error");
    assert.match(failed.error!, /^my inline: Error action \(rule line 5\) raised on input line 2/);
    assert.deepStrictEqual(failed.records, []);
    let error = "";
    try {
      compileInline("Value A (\\d+)\n\nStart\n  ^x -> Nowhere\n", "my inline");
    } catch (err) {
      error = (err as Error).message;
    }
    const bad = parseOne({ device: "d", command: "c", output: "x" }, { mode: "inline", inlineError: error });
    assert.deepStrictEqual(
      [bad.status, bad.error],
      ["parse_error", "my inline:4: State 'Nowhere' not found, referenced in state 'Start'"],
    );
  });

  it("without a template source (and not inline) a parse is no_template, saying so", () => {
    const r = parseOne({ device: "d", platform: "cisco_ios", command: "show clock", output: "x" }, { mode: "index" });
    assert.strictEqual(r.status, "no_template");
    assert.match(r.error!, /no template source/);
  });

  it("an unknown mode is a parse_error naming the modes (there is no registry to fill)", () => {
    const r = parseOne({ device: "d", command: "c", output: "x" }, { mode: "never-registered" as "auto", source });
    assert.deepStrictEqual(
      [r.status, r.error],
      ["parse_error", "parse mode 'never-registered' is not one of index, template, inline, auto"],
    );
  });
});
