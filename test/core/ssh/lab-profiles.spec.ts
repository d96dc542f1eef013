import * as assert from "node:assert/strict";
import { getPlatform, labPlatforms, type LabDeviceInfo, type LabDeviceSpec } from "../../../lib/lab";
import { SessionError, loadProfile, openSession, type DeviceSession, type SessionOptions } from "../../../lib/core/ssh";
import { useLab } from "../../support/lab";
import { findSecretsInText } from "../../support/secrets";

import { FIXTURE_RESPONSES, FIXTURE_TEXT, labSessionOptions, linesCommand, sessionError, showVerb } from "./fixtures";

/*
 * Every platform profile against the device lab: prompt (past banners and MOTDs that contain
 * '#' and '>'), paging turned off and paging answered, enable with a secret, echo removal with
 * abbreviated commands, rejected commands. The outputs come from a fixture in the ntc tests
 * layout, so the clean output can be compared byte for byte.
 */

const USERNAME = "netops";
const PASSWORD = "Lab-Pass-2931";
const SECRET = "Enable-Secret-7731";

const ABBREVIATED: Record<string, string> = {
  hp_comware: "dis vc-l",
  fortinet: "get vc-l",
  paloalto_panos: "show vc-lines",
};

function hasEnable(platform: string): boolean {
  return getPlatform(platform)?.enable !== undefined;
}

/** The pre-login banner the lab sends, with its placeholders filled, as non-empty trimmed lines. */
function bannerLines(text: string, device: LabDeviceInfo): string[] {
  return text
    .replace(/\{\{hostname\}\}/g, device.hostname)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

describe("ssh against the device lab: every platform profile", function () {
  this.timeout(30000);
  const platforms = labPlatforms();
  const specs: LabDeviceSpec[] = platforms.flatMap((platform) => [
    { name: `${platform.replace(/_/g, "-")}-plain`, platform, username: USERNAME, password: PASSWORD },
    ...(hasEnable(platform)
      ? [
          {
            name: `${platform.replace(/_/g, "-")}-enable`,
            platform,
            username: USERNAME,
            password: PASSWORD,
            enableSecret: SECRET,
          },
        ]
      : []),
  ]);
  const env = useLab({ devices: specs, responsesDirs: [FIXTURE_RESPONSES], seed: "ssh-profile-tests" });
  const sessions: DeviceSession[] = [];
  const logs: string[] = [];
  const errors: string[] = [];

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });

  after(() => {
    assert.deepEqual(
      findSecretsInText([...logs, ...errors].join("\n"), [PASSWORD, SECRET]),
      [],
      "a secret reached a log line or an error message",
    );
    assert.ok(logs.length > 0);
  });

  function device(platform: string, kind: "plain" | "enable"): LabDeviceInfo {
    const d = env.lab.devices.find((x) => x.name === `${platform.replace(/_/g, "-")}-${kind}`);
    assert.ok(d, `no ${kind} device for ${platform}`);
    return d;
  }

  function options(d: LabDeviceInfo, extra: Partial<SessionOptions> = {}): SessionOptions {
    return labSessionOptions(d, { timeouts: { commandMs: 8000 }, log: (line) => logs.push(line), ...extra });
  }

  async function open(d: LabDeviceInfo, extra: Partial<SessionOptions> = {}): Promise<DeviceSession> {
    const s = await openSession(options(d, extra));
    sessions.push(s);
    return s;
  }

  async function rejection(p: Promise<unknown>): Promise<SessionError> {
    const err = await sessionError(p);
    errors.push(err.message);
    return err;
  }

  for (const platform of platforms) {
    describe(platform, () => {
      it("has a profile, finds the device's prompt past its banner and MOTD, and turns paging off", async () => {
        const profile = loadProfile(platform);
        assert.equal(profile.name, platform);
        const d = device(platform, "plain");
        const s = await open(d);
        assert.ok(s.prompt.includes(d.hostname), `prompt ${JSON.stringify(s.prompt)} should show ${d.hostname}`);
        assert.ok(profile.prompts.some((re) => re.test(s.prompt)));
        assert.equal(s.hostKeyFingerprint, d.hostKeyFingerprint);
        const banner = getPlatform(platform)!.banner;
        if (banner.trim() !== "") assert.deepEqual(bannerLines(s.banner ?? "", d), bannerLines(banner, d));
        const r = await s.run(linesCommand(platform));
        assert.equal(r.error, undefined);
        assert.equal(r.output, FIXTURE_TEXT);
        // FortiOS paging is a global configuration change, which the profile deliberately does not make.
        assert.equal(r.pagerAnswers, platform === "fortinet" ? 2 : 0);
      });

      it("answers the pager when paging is left on, leaving no pager residue", async () => {
        const s = await open(device(platform, "plain"), { skipOnOpen: true });
        const r = await s.run(linesCommand(platform));
        // Without the on-open commands IOS-XR keeps printing a timestamp line above every output.
        const output = platform === "cisco_xr" ? r.output.replace(/^\w{3} \w{3} +\d+ [\d:.]+ \w+\n/, "") : r.output;
        assert.equal(output, FIXTURE_TEXT);
        assert.equal(r.pagerAnswers, 2, "60 lines at 24 lines per page");
        if (platform === "fortinet") {
          for (const c of ["config system console", "set output standard", "end"])
            assert.equal((await s.run(c)).error, undefined);
          assert.match(s.prompt, / # ?$/);
          const unpaged = await s.run(linesCommand(platform));
          assert.equal(unpaged.output, FIXTURE_TEXT);
          assert.equal(unpaged.pagerAnswers, 0);
        }
      });

      it("removes the echo of an abbreviated command and keeps the session usable after a rejected command", async () => {
        const s = await open(device(platform, "plain"));
        const abbreviated = ABBREVIATED[platform] ?? "sh vc-l";
        const r = await s.run(abbreviated);
        assert.equal(r.output, FIXTURE_TEXT);
        const bad = await s.run(`${showVerb(platform)} no-such-thing-here`);
        assert.equal(bad.error?.errorClass, "command_error");
        assert.ok(bad.output.length > 0);
        assert.match(bad.error!.message, /rejected by the device/);
        const again = await s.run(linesCommand(platform));
        assert.equal(again.output, FIXTURE_TEXT);
      });

      if (hasEnable(platform)) {
        it("enters privileged mode with the enable secret, refuses a wrong one, and stays unprivileged without one", async () => {
          const d = device(platform, "enable");
          const profile = loadProfile(platform);
          const s = await open(d, { enableSecret: SECRET });
          assert.ok(
            profile.privilegedPrompt.test(s.prompt),
            `privileged prompt expected, got ${JSON.stringify(s.prompt)}`,
          );
          assert.equal((await s.run(linesCommand(platform))).output, FIXTURE_TEXT);

          const wrong = await rejection(openSession(options(d, { enableSecret: "Wrong-Secret-5521" })));
          assert.equal(wrong.errorClass, "auth_failed");
          assert.match(wrong.message, /enable failed/);
          assert.ok(!wrong.message.includes("Wrong-Secret-5521"));

          const user = await open(d);
          assert.ok(profile.userPrompt!.test(user.prompt), `user prompt expected, got ${JSON.stringify(user.prompt)}`);
        });
      }
    });
  }
});
