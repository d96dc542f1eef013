import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_MAX_OUTPUT_BYTES as RUN_MAX_OUTPUT,
  DEFAULT_TIMEOUTS as RUN_DEFAULTS,
  runCollection,
  runTimeouts,
  type CollectRequest,
} from "../../../lib/core/collect";
import * as ssh from "../../../lib/core/ssh";
import { BUILTIN_PROFILE_DIR, KnownHostsStore, openSession } from "../../../lib/core/ssh";
import type { DeviceResult } from "../../../lib/core/types";
import { labDevices, PROBE_COMMANDS, writeProbeResponses } from "../../support/collect";
import { useLabWithVault } from "../../support/lab";

const PASSWORD = "Timeout-Lab-Pass-51aa";
/** The slow device answers each show command after this long. */
const SLOW_MS = 6_000;
/** What the user's cisco_nxos record sets as its command timeout. */
const PROFILE_COMMAND_MS = 800;

/**
 * Issue 14: a platform's `timeouts.commandMs` was ignored by collection runs (collect/device.ts
 * always passed the run-level value). Precedence: explicit setting → platform record → default.
 */
describe("collect: command timeout precedence (explicit → platform record → default)", function () {
  this.timeout(60_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-timeouts-",
    lab: (dir) => ({
      devices: [{ name: "slow-nx", platform: "cisco_nxos", password: PASSWORD, fault: "slow", slowMs: SLOW_MS }],
      responsesDirs: [writeProbeResponses(dir, ["cisco_nxos"])],
    }),
    credentials: [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }],
  });
  let platformsDir: string;

  before(() => {
    // A user's platform record: the built-in cisco_nxos with its own command timeout.
    platformsDir = path.join(fx.dir, "platforms");
    fs.mkdirSync(platformsDir);
    const base = fs.readFileSync(path.join(BUILTIN_PROFILE_DIR, "cisco_nxos.yaml"), "utf8");
    assert.ok(base.includes("\nsession:\n"));
    fs.writeFileSync(
      path.join(platformsDir, "cisco_nxos.yaml"),
      base.replace("\nsession:\n", `\nsession:\n  timeouts: { commandMs: ${PROFILE_COMMAND_MS} }\n`),
    );
  });

  async function collectOne(req: Partial<CollectRequest>): Promise<DeviceResult> {
    const results: DeviceResult[] = [];
    await runCollection({
      devices: labDevices(fx.lab),
      commands: [PROBE_COMMANDS[0]],
      captureType: "probe",
      credentials: fx.vault,
      jitterMs: 0,
      retry: { retries: 0 },
      hostKeys: { policy: "accept-any", store: new KnownHostsStore(path.join(fx.dir, "known_hosts")) },
      // The session driver reads the user's record: the same directory a data home's platforms/ gives.
      open: (opts) => openSession({ ...opts, profileDirs: [platformsDir] }),
      onDeviceResult: (r) => results.push(r),
      ...req,
    });
    assert.strictEqual(results.length, 1);
    return results[0];
  }

  it("uses the platform record's commandMs when the run sets none", async () => {
    const t0 = Date.now();
    const r = await collectOne({});
    assert.strictEqual(r.status, "failed", JSON.stringify(r));
    assert.strictEqual(r.errorClass, "command_timeout", r.error);
    assert.match(r.commands[0].error ?? "", new RegExp(`within ${PROFILE_COMMAND_MS} ms`));
    assert.ok(Date.now() - t0 < SLOW_MS, "failed at the record's limit, before the device answered");
  });

  it("reads the user's records from the run's platform options (a data home's platforms/ folder)", async () => {
    const r = await collectOne({ open: undefined, platforms: { extraDirs: [platformsDir] } });
    assert.strictEqual(r.errorClass, "command_timeout", r.error);
    assert.match(r.commands[0].error ?? "", new RegExp(`within ${PROFILE_COMMAND_MS} ms`));
  });

  it("an explicit run setting wins over the record", async () => {
    const r = await collectOne({ timeouts: { commandMs: 1_500 } });
    assert.strictEqual(r.errorClass, "command_timeout", r.error);
    assert.match(r.commands[0].error ?? "", /within 1500 ms/);
  });
});

describe("defaults: one DEFAULT_TIMEOUTS and one max output size (issue 16)", () => {
  it("the collection runner and the session driver use the same values", () => {
    for (const key of ["connectMs", "bannerMs", "authMs", "commandMs", "deviceMs"] as const)
      assert.strictEqual(RUN_DEFAULTS[key], ssh.DEFAULT_TIMEOUTS[key], key);
    assert.strictEqual(RUN_MAX_OUTPUT, ssh.DEFAULT_MAX_OUTPUT_BYTES);
  });

  it("a run leaves commandMs (and quietMs) to the platform unless set explicitly", () => {
    const t = runTimeouts({ deviceMs: 5_000 });
    assert.strictEqual(t.commandMs, undefined);
    assert.ok(!("quietMs" in t));
    assert.strictEqual(t.deviceMs, 5_000);
    assert.strictEqual(t.bannerMs, ssh.DEFAULT_TIMEOUTS.bannerMs);
    assert.strictEqual(runTimeouts({ commandMs: 900 }).commandMs, 900);
  });
});
