/* eslint-disable no-control-regex -- terminal output is full of ANSI escape sequences */
import * as assert from "node:assert/strict";
import { labPlatforms, type LabDeviceInfo } from "../../lib/lab";
import { useLab } from "../support/lab";
import { login, stripAnsi } from "../support/lab-shell";

/** What each simulated platform must look like, per docs/reference/peers-and-platform-behaviour.md §2.3. */
interface PlatformCase {
  pagingOff: string[];
  long: string;
  pager: RegExp;
  invalid: { line: string; error: RegExp };
  abbreviation: { line: string; contains: string };
  exit: string[];
}

const CASES: Record<string, PlatformCase> = {
  cisco_ios: {
    pagingOff: ["terminal length 0"],
    long: "show running-config",
    pager: / --More-- $/,
    invalid: { line: "show foo", error: /\r\n +\^\r\n% Invalid input detected at '\^' marker\.\r\n/ },
    abbreviation: { line: "sh ip int br", contains: "GigabitEthernet0/0/1" },
    exit: ["exit"],
  },
  cisco_xr: {
    pagingOff: ["terminal length 0"],
    long: "show running-config",
    pager: / --More-- $/,
    invalid: { line: "show foo", error: /\^\r\n% Invalid input detected at '\^' marker\./ },
    abbreviation: { line: "sh ip int br", contains: "TenGigE0/0/0/0" },
    exit: ["exit"],
  },
  cisco_nxos: {
    pagingOff: ["terminal length 0"],
    long: "show running-config",
    pager: /\x1b\[7m--More--\x1b\[27m$/,
    invalid: { line: "show foo", error: /\^\r\r\n% Invalid command at '\^' marker\./ },
    abbreviation: { line: "sh ip int br", contains: "Vlan10" },
    exit: ["exit"],
  },
  arista_eos: {
    pagingOff: ["terminal length 0"],
    long: "show running-config",
    pager: / --More-- $/,
    invalid: { line: "show foo", error: /\r\n% Invalid input\r\n/ },
    abbreviation: { line: "sh ip int br", contains: "Ethernet49/1" },
    exit: ["exit"],
  },
  juniper_junos: {
    pagingOff: ["set cli screen-length 0"],
    long: "show configuration",
    pager: /---\(more \d+%\)---$/,
    invalid: { line: "show foo", error: /\^\r\nsyntax error, expecting <command>\.\r\n/ },
    abbreviation: { line: "sh ver", contains: "Model: ex4300-48t" },
    exit: ["exit"],
  },
  hp_procurve: {
    pagingOff: ["no page"],
    long: "show running-config",
    pager: /-- MORE --, next page: Space, next line: Enter, quit: Control-C$/,
    invalid: { line: "show foo", error: /\r\nInvalid input: foo\r\n/ },
    abbreviation: { line: "sh sys", contains: "Status and Counters - General System Information" },
    exit: ["logout", "y"],
  },
  hp_comware: {
    pagingOff: ["screen-length disable"],
    long: "display current-configuration",
    pager: / {2}---- More ----$/,
    invalid: { line: "display foo", error: /\^\r\n% Unrecognized command found at '\^' position\.\r\n/ },
    abbreviation: { line: "dis int br", contains: "XGE1/0/1" },
    exit: ["quit"],
  },
  aruba_aoscx: {
    pagingOff: ["no page"],
    long: "show running-config",
    pager: /-- MORE --, next page: Space, next line: Enter, quit: Control-C$/,
    invalid: { line: "show foo", error: /\r\nInvalid input: foo\r\n/ },
    abbreviation: { line: "sh sys", contains: "Chassis Serial Nbr" },
    exit: ["exit"],
  },
  paloalto_panos: {
    pagingOff: ["set cli pager off"],
    long: "show system info",
    pager: /lines \d+-\d+ $/,
    invalid: { line: "show foo", error: /\r\nInvalid syntax\.\r\n/ },
    // PAN-OS takes no abbreviations: `sh` is an unknown command.
    abbreviation: { line: "show system info", contains: "operational-mode: normal" },
    exit: ["exit"],
  },
  fortinet: {
    pagingOff: ["config system console", "set output standard", "end"],
    long: "show full-configuration",
    pager: /--More-- $/,
    invalid: { line: "get foo", error: /\r\ncommand parse error before 'foo'\r\nCommand fail\. Return code -61\r\n/ },
    abbreviation: { line: "get sys stat", contains: "Version: FortiGate-60F" },
    exit: ["exit"],
  },
};

describe("lab platforms (raw ssh2 shell against each simulated platform)", function () {
  this.timeout(30_000);
  const ctx = useLab({ devices: labPlatforms().map((platform) => ({ platform, pageLines: 6 })) });
  const device = (platform: string): LabDeviceInfo => ctx.lab.devices.find((d) => d.platform === platform)!;

  it("covers every platform of the contract", () => {
    assert.deepEqual(labPlatforms(), Object.keys(CASES).sort());
  });

  for (const [platform, c] of Object.entries(CASES)) {
    describe(platform, () => {
      it("shows the platform's prompt and echoes typed commands", async () => {
        const s = await login(device(platform));
        try {
          for (const cmd of c.pagingOff) await s.run(cmd, /[#>\]] ?(?:\x1b\[[0-9;?]*[A-Za-z])*$/);
          const out = await s.run(c.abbreviation.line);
          assert.ok(out.startsWith(c.abbreviation.line + "\r"), `echo missing: ${JSON.stringify(out.slice(0, 80))}`);
          assert.ok(
            out.includes(c.abbreviation.contains),
            `expected '${c.abbreviation.contains}' in ${JSON.stringify(out.slice(0, 300))}`,
          );
        } finally {
          s.shell.close();
        }
      });

      it("pages long output with its pager until paging is turned off", async () => {
        const s = await login(device(platform));
        try {
          const paged = await s.run(c.long, c.pager);
          assert.ok(paged.split("\n").length <= 8, "the first page holds pageLines-1 lines");
          const from = s.shell.output.length;
          s.shell.write(" ");
          await s.shell.expect(c.pager, { from });
          s.shell.write("q");
          await s.shell.expect(s.prompt, { from: s.shell.output.length });
          for (const cmd of c.pagingOff) await s.run(cmd, /[#>\]] ?(?:\x1b\[[0-9;?]*[A-Za-z])*$/);
          const full = await s.run(c.long);
          assert.doesNotMatch(full, c.pager);
          assert.ok(full.split("\n").length > 10, "the whole output arrives without a pager");
        } finally {
          s.shell.close();
        }
      });

      it("rejects an unknown command with the platform's error text", async () => {
        const s = await login(device(platform));
        try {
          assert.match(await s.run(c.invalid.line), c.invalid.error);
        } finally {
          s.shell.close();
        }
      });

      it("closes the session on exit", async () => {
        const s = await login(device(platform));
        for (const [i, step] of c.exit.entries()) {
          if (i === c.exit.length - 1 && c.exit.length > 1) s.shell.write(step);
          else s.shell.write(step + "\n");
          if (i < c.exit.length - 1) await s.shell.expect(/\[y\/n\]\? $/, { from: 0 });
        }
        await s.shell.closed;
        s.shell.close();
      });
    });
  }

  it("prints a blank line before Junos and PAN-OS prompts and the VT100 decorations around ProCurve's", async () => {
    const j = await login(device("juniper_junos"));
    assert.match(await j.run("set cli screen-length 0"), /Screen length set to 0\r\n\r\nadmin@junos-rtr-\d+> $/);
    j.shell.close();
    const p = await login(device("hp_procurve"));
    const out = await p.run("no page");
    assert.match(out, /\x1b\[24;1H\x1b\[2Kprocurve-sw-\d+# \x1b\[\?25h$/);
    assert.equal(stripAnsi(out).trim().split("\n").pop(), `${device("hp_procurve").hostname}#`);
    p.shell.close();
  });

  it("prints IOS-XR's timestamp line until `terminal exec prompt no-timestamp`", async () => {
    const s = await login(device("cisco_xr"));
    try {
      await s.run("terminal length 0");
      assert.match(
        await s.run("show version"),
        /^show version\r\n\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3} UTC\r\nCisco IOS XR Software/,
      );
      await s.run("terminal exec prompt no-timestamp");
      assert.match(await s.run("show version"), /^show version\r\nCisco IOS XR Software/);
    } finally {
      s.shell.close();
    }
  });

  it("puts the caret under the offending word, offset by the prompt", async () => {
    const d = device("cisco_ios");
    const s = await login(d);
    try {
      const out = await s.run("show ip foo");
      const caretLine = out.split("\r\n")[1];
      assert.equal(caretLine, " ".repeat(`${d.hostname}#show ip `.length) + "^");
    } finally {
      s.shell.close();
    }
  });

  it("ends NX-OS lines with \\r\\r\\n", async () => {
    const s = await login(device("cisco_nxos"));
    try {
      const out = await s.run("terminal length 0");
      assert.ok(out.startsWith("terminal length 0\r\r\n"));
      assert.match(
        await s.run("show clock"),
        /\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d\d \d{4}\r\r\nTime source is NTP\r\r\n/,
      );
    } finally {
      s.shell.close();
    }
  });
});
