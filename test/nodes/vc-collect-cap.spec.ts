import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../../lib/core/errors";
import { outputCapBytes, MAX_OUTPUT_CAP_MIB } from "../../nodes/vc-collect/options";
import { collectFlow, collectOnce } from "../support/collect-flow";
import { useLabWithVault } from "../support/lab";
import { useNodeRed } from "../support/nodered";

const PASSWORD = "Node-Cap-Pass-93be";
const HUGE = 3 * 1024 * 1024;

describe("vc-collect node: output cap (MiB)", function () {
  this.timeout(90_000);
  const fixture = useLabWithVault({
    tmpPrefix: "vc-node-cap-",
    lab: () => ({
      devices: [
        {
          name: "huge1",
          platform: "cisco_ios",
          password: PASSWORD,
          fault: "huge_output",
          hugeOutputBytes: HUGE,
          chunkBytes: 16 * 1024,
        },
        { name: "small1", platform: "cisco_ios", password: PASSWORD },
      ],
    }),
    credentials: [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }],
  });

  useNodeRed();

  async function run(name: string, extra: Record<string, unknown>) {
    const home = path.join(fixture.dir, `home-${name}`);
    const flow = collectFlow(fixture.testVault, {
      commands: "show interfaces",
      captureType: "ifaces",
      hostKeyPolicy: "accept-any",
      home,
      ...extra,
    });
    const messages = await collectOnce(flow, fixture.lab);
    const by = (n: string) => messages.find((m) => m.payload.device.name === n)!.payload;
    return { huge: by("huge1"), small: by("small1"), home };
  }

  it("a small cap fails the huge device with output_too_large (no capture) and keeps the others", async () => {
    const capped = await run("capped", { maxOutputMiB: "1" });
    assert.deepStrictEqual([capped.huge.status, capped.huge.errorClass], ["failed", "output_too_large"]);
    assert.match(capped.huge.error ?? "", /exceeded 1048576 bytes/);
    assert.deepStrictEqual(capped.huge.capturePaths, []);
    assert.strictEqual(capped.small.status, "ok", capped.small.error);

    // Empty: the default for a non-config command (8 MiB) lets 3 MiB through, streamed to the file.
    const dflt = await run("default", { maxOutputMiB: "" });
    assert.strictEqual(dflt.huge.status, "ok", dflt.huge.error);
    const c = dflt.huge.commands[0];
    assert.strictEqual(c.outputTruncated, true);
    assert.ok(c.output.length <= 1024 * 1024);
    assert.ok(fs.statSync(dflt.huge.capturePaths[0]).size >= HUGE * 0.98);
  });

  it("validates the field: empty is the default, else a positive number of MiB up to the maximum", () => {
    assert.strictEqual(outputCapBytes(""), undefined);
    assert.strictEqual(outputCapBytes(undefined), undefined);
    assert.strictEqual(outputCapBytes("2"), 2 * 1024 * 1024);
    assert.strictEqual(outputCapBytes(0.5), 512 * 1024);
    for (const bad of ["0", "-1", "abc", String(MAX_OUTPUT_CAP_MIB + 1), "Infinity"]) {
      assert.throws(
        () => outputCapBytes(bad),
        (err: unknown) =>
          err instanceof VcError && err.errorClass === "invalid_config" && /vc-collect output cap/.test(err.message),
        bad,
      );
    }
  });
});
