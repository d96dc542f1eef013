import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { captureContent } from "../../../lib/core/collect/store";
import { parseCapture, resolveTemplateSource, splitTranscript } from "../../../lib/core/parse";
import { useTmpDir } from "../../support/tmp";

const CLOCK = "*10:00:00.000 UTC Mon Jan 1 2026\n";
const VERSION = "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.2(4)M7\nr1 uptime is 2 weeks\n";

describe("parse stage: stored captures (vcollector parse)", () => {
  const tmp = useTmpDir("vc-parse-captures-");
  const commands = (outputs: Array<[string, string]>) =>
    outputs.map(([command, output]) => ({ command, output, status: "ok" as const, durationMs: 1 }));

  it("splits a transcript of several commands back into each command's output, as the store wrote it", () => {
    const text = captureContent(
      commands([
        ["show version", VERSION],
        ["show clock", CLOCK],
      ]),
      "r1#",
    );
    assert.deepStrictEqual(splitTranscript(text, ["show version", "show clock"]), [
      { command: "show version", text: VERSION },
      { command: "show clock", text: CLOCK },
    ]);
    assert.strictEqual(splitTranscript(text, ["show version", "show ip arp"]), undefined, "a command not there");
    assert.strictEqual(splitTranscript(VERSION, ["show version", "show clock"]), undefined, "not a transcript");
  });

  it("parses each command of a capture; one it cannot split is parsed whole with the first command, and says so", () => {
    const file = path.join(tmp.path, "r1.txt");
    const source = resolveTemplateSource({ env: {} });
    fs.writeFileSync(
      file,
      captureContent(
        commands([
          ["show version", VERSION],
          ["show clock", CLOCK],
        ]),
        "r1#",
      ),
    );
    const capture = { device: "r1", platform: "cisco_ios", captureType: "version", path: file };
    const split = parseCapture({ ...capture, commands: ["show version", "show clock"] }, { mode: "index", source });
    assert.deepStrictEqual(
      split.map((e) => [e.command, e.status, e.template, e.note]),
      [
        ["show version", "ok", "cisco_ios_show_version.textfsm", undefined],
        ["show clock", "ok", "cisco_ios_show_clock.textfsm", undefined],
      ],
    );
    assert.strictEqual(split[1].records[0].time, "10:00:00.000");
    fs.writeFileSync(file, VERSION + CLOCK);
    const whole = parseCapture({ ...capture, commands: ["show version", "show clock"] }, { mode: "index", source });
    assert.strictEqual(whole.length, 1);
    assert.deepStrictEqual([whole[0].command, whole[0].status], ["show version", "ok"]);
    assert.match(
      whole[0].note!,
      /not split into its 2 commands \(show version; show clock\): parsed whole as 'show version'/,
    );
  });
});
