/* eslint-disable no-control-regex -- terminal output is full of ANSI escape sequences */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/cli";
import { openShell, useLab } from "../support/lab";
import { login } from "../support/lab-shell";

const NTC_TESTS = path.resolve(REPO_ROOT, "..", "shared", "ntc-templates", "tests");

describe("lab sessions", function () {
  this.timeout(30_000);
  const ctx = useLab({
    devices: [
      { name: "R1", platform: "cisco_ios", enableSecret: "en-s3cret" },
      { name: "SW1", platform: "arista_eos", enableSecret: "en-s3cret" },
      { name: "R2", platform: "cisco_ios" },
      { name: "R3", platform: "cisco_ios", responsesDirs: [NTC_TESTS], motd: "", banner: "" },
      { name: "SW2", platform: "hp_procurve", enableSecret: "mgr" },
    ],
  });
  const dev = (name: string) => ctx.lab.devices.find((d) => d.name === name)!;

  it("starts unprivileged with an enable secret and reaches privileged mode with it (IOS: 3 tries)", async () => {
    const s = await login(dev("R1"));
    try {
      assert.match(
        await s.run("show running-config"),
        /% Invalid input detected/,
        "privileged-only command hidden at the user prompt",
      );
      assert.match(await s.run("show privilege"), /Current privilege level is 1\r\n/);
      await s.run("enable", /Password: $/);
      assert.equal(
        await s.run("wrong", /Password: $/),
        "\r\nPassword: ",
        "the secret is not echoed; a wrong one asks again",
      );
      await s.run("en-s3cret", /\r\nR1#$/);
      assert.match(await s.run("show privilege", /R1#$/), /Current privilege level is 15\r\n/);
      assert.match(await s.run("terminal length 0", /R1#$/), /R1#$/);
      assert.match(await s.run("show running-config", /R1#$/), /hostname R1\r\n/);
      await s.run("disable", /R1>$/);
    } finally {
      s.shell.close();
    }
  });

  it("refuses enable after the platform's number of wrong secrets", async () => {
    const s = await login(dev("R1"));
    try {
      await s.run("enable", /Password: $/);
      await s.run("a", /Password: $/);
      await s.run("b", /Password: $/);
      assert.match(await s.run("c", /R1>$/), /% Bad secrets\r\nR1>$/);
      const eos = await login(dev("SW1"));
      await eos.run("enable", /Password: $/);
      assert.match(await eos.run("nope", /SW1>$/), /% Access denied\r\nSW1>$/);
      eos.shell.close();
    } finally {
      s.shell.close();
    }
  });

  it("needs manager level for ProCurve's `no page`", async () => {
    const s = await login(dev("SW2"));
    try {
      assert.match(await s.run("no page"), /Invalid input: no\r\n/);
      await s.run("enable", /Password: $/);
      await s.run("mgr", /SW2# \x1b\[\?25h$/);
      assert.doesNotMatch(await s.run("no page", /SW2# \x1b\[\?25h$/), /Invalid/);
    } finally {
      s.shell.close();
    }
  });

  it("starts privileged without an enable secret", async () => {
    const s = await login(dev("R2"));
    try {
      assert.match(await s.run("show privilege"), /level is 15/);
    } finally {
      s.shell.close();
    }
  });

  it("filters with pipes and skips the pager with Ctrl-C", async () => {
    const s = await login(dev("R2"));
    try {
      const out = await s.run("show running-config | include ^interface");
      assert.deepEqual(out.split("\r\n").slice(1, -1), [
        "interface Loopback0",
        "interface Tunnel100",
        "interface GigabitEthernet0/0/0",
        "interface GigabitEthernet0/0/1",
        "interface GigabitEthernet0/0/2",
        "interface GigabitEthernet0",
      ]);
      assert.match(await s.run("show version | foo"), /% Invalid input detected/);
      await s.run("show running-config", / --More-- $/);
      const from = s.shell.output.length;
      s.shell.write("\x03");
      await s.shell.expect(/R2#$/, { from });
    } finally {
      s.shell.close();
    }
  });

  it("keeps typed-ahead commands and answers them in order", async () => {
    const s = await login(dev("R2"));
    try {
      const from = s.shell.output.length;
      s.shell.write("terminal length 0\nshow clock\nshow privilege\n");
      const out = await s.shell.expect(/Current privilege level is 15\r\nR2#$/, { from });
      assert.match(
        out,
        /^terminal length 0\r\nR2#show clock\r\n\*\d\d:\d\d:\d\d\.\d{3} UTC .*\r\nR2#show privilege\r\n/,
      );
    } finally {
      s.shell.close();
    }
  });

  it("serves outputs from a responses directory in the ntc tests layout", async () => {
    const s = await login(dev("R3"));
    try {
      await s.run("terminal length 0");
      const out = await s.run("show version");
      const body = out.split("\r\n").slice(1, -1).join("\n");
      const raws = fs
        .readdirSync(path.join(NTC_TESTS, "cisco_ios", "show_version"))
        .filter((f) => f.endsWith(".raw"))
        .map((f) =>
          fs
            .readFileSync(path.join(NTC_TESTS, "cisco_ios", "show_version", f), "utf8")
            .replace(/\r\n?/g, "\n")
            .replace(/\n+$/, ""),
        );
      assert.ok(raws.includes(body), "the output is one of the ntc .raw files, verbatim");
      assert.match(
        await s.run("sh cdp nei det"),
        /Device ID/,
        "commands known only from the ntc directory resolve by abbreviation",
      );
    } finally {
      s.shell.close();
    }
  });

  it("runs one command on an exec channel, without prompt or paging", async () => {
    const shell = await openShell(dev("R2"), { exec: "show running-config" });
    await shell.closed;
    assert.match(shell.output, /^Building configuration\.\.\./);
    assert.match(shell.output, /\r\nend\r\n$/);
    assert.doesNotMatch(shell.output, /--More--|R2#/);
    const bad = await openShell(dev("R2"), { exec: "show foo" });
    await bad.closed;
    assert.match(bad.output, /% Invalid input detected/);
    shell.close();
    bad.close();
  });
});
