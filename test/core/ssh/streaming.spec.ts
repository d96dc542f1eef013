import * as assert from "node:assert/strict";
import { labPlatforms, type LabDeviceInfo } from "../../../lib/lab";
import { SessionError, openSession, type DeviceSession } from "../../../lib/core/ssh";
import { STREAM_BATCH_BYTES } from "../../../lib/core/ssh/shell";
import { useLab } from "../../support/lab";
import { FIXTURE_RESPONSES, FIXTURE_TEXT, linesCommand, showVerb } from "./fixtures";

/*
 * RunOptions.onLines: the clean output reaches the sink line by line as it arrives (pager lines
 * and trailing blank/context lines removed as in a whole output), nothing of it is returned, and
 * a huge output is handed over in many pieces while it is still being read.
 */

const USERNAME = "netops";
const PASSWORD = "Lab-Pass-5521";
const HUGE = 2 * 1024 * 1024;

describe("ssh: streamed command output (RunOptions.onLines)", function () {
  this.timeout(60_000);
  const platforms = labPlatforms();
  const env = useLab({
    devices: [
      ...platforms.map((platform) => ({ name: `${platform}-s`, platform, username: USERNAME, password: PASSWORD })),
      {
        name: "huge",
        platform: "cisco_ios",
        username: USERNAME,
        password: PASSWORD,
        fault: "huge_output" as const,
        hugeOutputBytes: HUGE,
        chunkBytes: 16 * 1024,
      },
    ],
    responsesDirs: [FIXTURE_RESPONSES],
    seed: "ssh-streaming-tests",
  });
  const sessions: DeviceSession[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });

  async function open(d: LabDeviceInfo, skipOnOpen = false): Promise<DeviceSession> {
    const s = await openSession({
      host: d.host,
      port: d.port,
      username: USERNAME,
      password: PASSWORD,
      platform: d.platform,
      hostKeys: { policy: "accept-any" },
      timeouts: { commandMs: 20_000 },
      skipOnOpen,
    });
    sessions.push(s);
    return s;
  }

  const device = (name: string): LabDeviceInfo => env.lab.devices.find((d) => d.name === name)!;

  for (const platform of platforms) {
    it(`${platform}: the streamed lines are the clean output, with the pager answered; a rejection is still found`, async () => {
      const s = await open(device(`${platform}-s`), true);
      const got: string[] = [];
      const r = await s.run(linesCommand(platform), { onLines: (lines) => void got.push(...lines) });
      const text =
        platform === "cisco_xr" ? got.join("\n").replace(/^\w{3} \w{3} +\d+ [\d:.]+ \w+\n/, "") : got.join("\n");
      assert.equal(text, FIXTURE_TEXT);
      assert.equal(r.output, "");
      assert.equal(r.streamedChars, got.join("\n").length);
      assert.equal(r.pagerAnswers, 2);
      const bad: string[] = [];
      const rejected = await s.run(`${showVerb(platform)} no-such-thing-here`, {
        onLines: (lines) => void bad.push(...lines),
      });
      assert.equal(rejected.error?.errorClass, "command_error");
      assert.ok(bad.length > 0);
      // The session is still in step: a plain run afterwards returns the whole output.
      assert.equal(
        (await s.run(linesCommand(platform))).output.replace(/^\w{3} \w{3} +\d+ [\d:.]+ \w+\n/, ""),
        FIXTURE_TEXT,
      );
    });
  }

  it("hands a small output sent in many packets over in one piece, with the result (one sink call, not one per packet)", async () => {
    const d = device("cisco_ios-s");
    const s = await open(d);
    const calls: number[] = [];
    const r = await s.run(showVerb(d.platform) + " running-config", {
      onLines: (lines) => void calls.push(lines.join("\n").length),
    });
    const chars = r.streamedChars ?? 0;
    // The lab writes 512-byte packets: this output took several, and is far below a streaming batch.
    assert.ok(chars > 2 * 512 && chars < STREAM_BATCH_BYTES / 2, `${chars} chars`);
    assert.deepEqual(calls, [chars]);
  });

  it("hands a huge output over in many pieces while it is being read, and waits for a busy sink", async () => {
    const s = await open(device("huge"));
    let pieces = 0;
    let lines = 0;
    let chars = 0;
    let biggest = 0;
    let settled = false;
    let slowed = 0;
    const run = s.run("show interfaces", {
      onLines: (got) => {
        assert.equal(settled, false, "every piece arrives before the run resolves");
        pieces++;
        lines += got.length;
        biggest = Math.max(biggest, got.length);
        for (const l of got) chars += l.length;
        // Every tenth piece the sink is slow: reading pauses until it is done, nothing is lost.
        if (pieces % 10 === 0) {
          slowed++;
          return new Promise<void>((resolve) => setTimeout(resolve, 20));
        }
      },
    });
    const r = await run;
    settled = true;
    assert.ok(pieces > 20, `${pieces} pieces`);
    assert.ok(biggest < lines / 4, `no piece holds most of the output (${biggest} of ${lines} lines)`);
    assert.ok(slowed > 0);
    assert.equal(r.output, "");
    assert.equal(r.streamedChars, chars + lines - 1);
    assert.ok(chars + lines >= HUGE * 0.98, `${chars + lines} of ${HUGE} bytes`);
  });

  it("a streamed command cut by the output cap fails with output_too_large; the partial output is only the rest", async () => {
    const s = await openSession({
      host: device("huge").host,
      port: device("huge").port,
      username: USERNAME,
      password: PASSWORD,
      platform: "cisco_ios",
      hostKeys: { policy: "accept-any" },
      maxOutputBytes: 512 * 1024,
    });
    sessions.push(s);
    let streamed = 0;
    const err = await s.run("show interfaces", { onLines: (l) => void (streamed += l.length) }).then(
      () => assert.fail("expected output_too_large"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SessionError);
    assert.equal(err.errorClass, "output_too_large");
    assert.ok(streamed > 1000, `${streamed} lines streamed before the cap`);
    assert.ok((err.partialOutput ?? "").length < 256 * 1024, `partial ${(err.partialOutput ?? "").length} chars`);
  });
});
