import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { labPlatforms, type LabDeviceInfo } from "../../../lib/lab";
import { KnownHostsStore, openSession } from "../../../lib/core/ssh";
import { useLab } from "../../support/lab";
import { NTC_TESTS } from "../../support/templates-fixtures";

/**
 * Real outputs through every profile: the lab serves the ntc-templates test corpus (.raw files
 * captured from real devices) and each output must come back exactly as captured — with paging
 * off, and with paging on for outputs of up to five pages. Only commands with a single .raw file
 * are used, so the expected text is known.
 */
interface Case {
  command: string;
  expected: string;
  lines: number;
}

// Junos prints {master:0}-style lines above its prompt; several captures include them at the end.
const JUNOS_CONTEXT = /^\{(?:master|backup|primary|secondary|linecard|line)(?::\w*\d*)?\}\s*$/;

function casesFor(platform: string): Case[] {
  const dir = path.join(NTC_TESTS, platform);
  const cases: Case[] = [];
  for (const entry of fs.readdirSync(dir).sort()) {
    const raws = fs.readdirSync(path.join(dir, entry)).filter((f) => f.endsWith(".raw"));
    if (raws.length !== 1) continue;
    const lines = fs
      .readFileSync(path.join(dir, entry, raws[0]), "utf8")
      .replace(/\r\n?/g, "\n")
      .split("\n");
    while (
      lines.length > 0 &&
      (lines[lines.length - 1].trim() === "" ||
        (platform === "juniper_junos" && JUNOS_CONTEXT.test(lines[lines.length - 1])))
    )
      lines.pop();
    cases.push({
      command: entry
        .split("_")
        .filter((w) => w !== "")
        .join(" "),
      expected: lines.join("\n"),
      lines: lines.length,
    });
  }
  return cases;
}

describe("ssh against the device lab serving the ntc-templates corpus: exact outputs", function () {
  this.timeout(60000);
  const platforms = labPlatforms();
  const env = useLab({
    devices: platforms.map((platform) => ({ name: `corpus-${platform.replace(/_/g, "-")}`, platform })),
    responsesDirs: [NTC_TESTS],
    seed: "ssh-corpus",
  });

  async function check(d: LabDeviceInfo, paging: boolean, filter: (c: Case) => boolean): Promise<number> {
    const cases = casesFor(d.platform).filter(filter);
    assert.ok(cases.length > 0, `no corpus cases for ${d.platform}`);
    const s = await openSession({
      host: d.host,
      port: d.port,
      username: d.username,
      password: d.password,
      platform: d.platform,
      hostKeys: { policy: "accept-any", store: KnownHostsStore.inMemory() },
      skipOnOpen: paging,
    });
    let pages = 0;
    try {
      for (const c of cases) {
        const r = await s.run(c.command);
        // IOS-XR prints a timestamp line above outputs until the on-open command turns it off.
        const output =
          paging && d.platform === "cisco_xr" ? r.output.replace(/^\w{3} \w{3} +\d+ [\d:.]+ \w+\n/, "") : r.output;
        assert.equal(output, c.expected, `${d.platform} "${c.command}"${paging ? " with paging on" : ""}`);
        pages += r.pagerAnswers;
      }
    } finally {
      await s.close();
    }
    return pages;
  }

  for (const platform of platforms) {
    it(`${platform}: every single-capture command, paging off and on`, async () => {
      const d = env.lab.devices.find((x) => x.platform === platform)!;
      const unpaged = await check(d, false, () => true);
      if (platform !== "fortinet") assert.equal(unpaged, 0);
      const paged = await check(d, true, (c) => c.lines <= 5 * 23);
      const long = casesFor(platform).some((c) => c.lines > 23 && c.lines <= 5 * 23);
      if (long) assert.ok(paged > 0, "some output spanned pages");
    });
  }
});
