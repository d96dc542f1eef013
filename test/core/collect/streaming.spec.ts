import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CaptureStore, runCollection, type SessionOpener } from "../../../lib/core/collect";
import { redact } from "../../../lib/core/redact";
import { openSession, type RunOptions } from "../../../lib/core/ssh";
import type { DeviceResult } from "../../../lib/core/types";
import { startLab, type Lab } from "../../../lib/lab";
import { labDevices } from "../../support/collect";
import { makeTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

/*
 * With a capture store, each output streams from the session into the capture file (the session
 * gets RunOptions.onLines) and is redacted piece by piece: the file must equal the whole output
 * redacted at once, with a private key cut across many pieces.
 */

const PASSWORD = "Stream-Lab-Pass-8c1d";
const KEY = Array.from(
  { length: 40 },
  (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${String(i).padStart(4, "0")}StreamKeyLine`,
);

function bigConfig(): string {
  const lines: string[] = ["hostname stream-1"];
  for (let i = 0; i < 30_000; i++)
    lines.push(`interface Ethernet1/${i}`, ` description link ${i} ${"x".repeat(i % 50)}`);
  lines.splice(
    20_000,
    0,
    "crypto pki key",
    " -----BEGIN RSA PRIVATE KEY-----",
    ...KEY.map((l) => ` ${l}`),
    " -----END RSA PRIVATE KEY-----",
  );
  lines.push("snmp-server community Str3amCommunity RO", "end");
  return lines.join("\n");
}

/** Opens real sessions whose commands run with the options `watch` returns (it sees what the collector asks for). */
function watchedOpener(watch: (o: RunOptions | undefined) => RunOptions | undefined): SessionOpener {
  return async (opts) => {
    const s = await openSession(opts);
    return {
      prompt: s.prompt,
      hostKeyFingerprint: s.hostKeyFingerprint,
      close: () => s.close(),
      run: (command: string, o?: RunOptions) => s.run(command, watch(o)),
    };
  };
}

describe("collect: outputs stream into the capture file, redacted piece by piece", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;
  const text = bigConfig();

  before(async () => {
    dir = makeTmpDir("vc-stream-");
    const responses = path.join(dir, "responses", "cisco_ios", "show_stream-config");
    fs.mkdirSync(responses, { recursive: true });
    fs.writeFileSync(path.join(responses, "big.raw"), text + "\n");
    lab = await startLab({
      devices: [{ name: "stream1", platform: "cisco_ios", password: PASSWORD, chunkBytes: 4096 }],
      responsesDirs: [path.join(dir, "responses")],
    });
  });
  after(async () => {
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the capture is the whole output redacted at once; the session streamed it; the result keeps an excerpt", async () => {
    const vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]).open();
    const collections = path.join(dir, "collections");
    const results: DeviceResult[] = [];
    let pieces = 0;
    try {
      const summary = await runCollection({
        devices: labDevices(lab),
        commands: ["show stream-config"],
        captureType: "stream",
        credentials: vault,
        jitterMs: 0,
        redact: true,
        hostKeys: { policy: "accept-any" },
        store: new CaptureStore({ collections }),
        open: watchedOpener((o) => {
          const onLines = o?.onLines;
          assert.ok(onLines, "the collector passes a sink");
          return {
            ...o,
            onLines: (lines) => {
              pieces++;
              return onLines(lines);
            },
          };
        }),
        onDeviceResult: (r) => results.push(r),
      });
      assert.equal(summary.status, "success", JSON.stringify(results.map((r) => r.error)));
      assert.ok(pieces > 50, `${pieces} pieces`);
      const file = fs.readFileSync(results[0].capturePaths[0], "utf8");
      const expected = redact(text, { platform: "cisco_ios", vaultSecrets: [PASSWORD], minSecretLength: 8 }) + "\n";
      assert.equal(file, expected);
      for (const where of [file, JSON.stringify(results)]) {
        assert.ok(!where.includes("StreamKeyLine"), "no key line");
        assert.ok(!where.includes("Str3amCommunity"), "no community");
      }
      const c = results[0].commands[0];
      assert.equal(c.outputTruncated, true);
      assert.ok(c.output.length <= 1024 * 1024);
      assert.equal(c.outputBytes, Buffer.byteLength(expected) - 1);
      assert.ok(expected.startsWith(c.output));
    } finally {
      vault.close();
    }
  });

  it("a small capture stays in memory while its commands run (no temp file) and is saved whole at the end", async () => {
    const vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }], {
      file: "vault-small.db",
    }).open();
    const collections = path.join(dir, "collections-small");
    const folder = path.join(collections, "small");
    const results: DeviceResult[] = [];
    const seen: string[][] = [];
    try {
      const summary = await runCollection({
        devices: labDevices(lab),
        commands: ["show version", "show clock", "show version"],
        captureType: "small",
        credentials: vault,
        jitterMs: 0,
        hostKeys: { policy: "accept-any" },
        store: new CaptureStore({ collections }),
        open: watchedOpener((o) => {
          seen.push(fs.existsSync(folder) ? fs.readdirSync(folder) : []);
          return o;
        }),
        onDeviceResult: (r) => results.push(r),
      });
      assert.equal(summary.status, "success", JSON.stringify(results.map((r) => r.error)));
      assert.deepEqual(seen, [[], [], []], "nothing on disk before the commit");
      const file = fs.readFileSync(results[0].capturePaths[0], "utf8");
      assert.equal((file.match(/show version\n/g) ?? []).length, 2);
      assert.ok(file.includes("show clock\n"));
      assert.deepEqual(fs.readdirSync(folder), ["stream1.txt"]);
    } finally {
      vault.close();
    }
  });
});
