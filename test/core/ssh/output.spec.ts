import * as assert from "node:assert/strict";
import { cleanOutputLines, findFailure, isEchoLine } from "../../../lib/core/ssh/output";
import { loadProfile } from "../../../lib/core/ssh/profile";

describe("ssh/output: echo, failures and clean output", () => {
  it("recognises the echo with the prompt before it, extra spaces, or a $-truncated long command", () => {
    assert.ok(isEchoLine("R1#show ip interface brief", "show ip interface brief"));
    assert.ok(isEchoLine("admin@r1> show  interfaces terse ", "show interfaces terse"));
    assert.ok(
      isEchoLine("R1#$ng-command-name with many words in it", "show a-really-long-command-name with many words in it"),
    );
    assert.ok(!isEchoLine("R1#", "show version"));
    assert.ok(!isEchoLine("Cisco IOS Software, Version 15.2", "show version"));
  });

  it("finds a platform's rejection text near the top of the output only", () => {
    const ios = loadProfile("cisco_ios");
    assert.equal(
      findFailure("        ^\n% Invalid input detected at '^' marker.", ios),
      "% Invalid input detected at '^' marker.",
    );
    assert.equal(findFailure("Interface  IP-Address\nGi0/0  10.0.0.1", ios), undefined);
    const deep = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n") + "\n% Invalid input detected";
    assert.equal(findFailure(deep, ios), undefined);
    const junos = loadProfile("juniper_junos");
    assert.equal(
      findFailure("                 ^\nsyntax error, expecting <command>.", junos),
      "syntax error, expecting <command>.",
    );
    const forti = loadProfile("fortinet");
    assert.equal(
      findFailure("command parse error before 'foo'\nCommand fail. Return code -61", forti),
      "command parse error before 'foo'",
    );
  });

  it("drops Junos context lines, pager lines and trailing blank lines, keeping everything else", () => {
    const junos = loadProfile("juniper_junos");
    assert.equal(
      cleanOutputLines(["Interface  Admin", "ge-0/0/0   up", "", "{master:0}", ""], junos),
      "Interface  Admin\nge-0/0/0   up",
    );
    assert.equal(cleanOutputLines(["a", "[edit]"], junos), "a");
    const ios = loadProfile("cisco_ios");
    assert.equal(cleanOutputLines(["  indented", " --More-- ", "x  "], ios), "  indented\nx  ");
  });
});
