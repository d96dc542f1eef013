import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CaptureStore, runCollection, type CollectRequest } from "../../../lib/core/collect";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { Device, DeviceResult } from "../../../lib/core/types";
import { labDevices } from "../../support/collect";
import { PLANTED, SECRETS_COMMAND, writeSecretsResponses } from "../../support/redaction";
import { findSecretsInDir, findSecretsInText } from "../../support/secrets";
import { useLabWithVault } from "../../support/lab";

const PASSWORD = "Redact-Lab-Pass-93f1";
const OTHER_PASSWORD = "Other-Vault-Pass-c07e";
const RULE_SECRETS = Object.values(PLANTED);
const VAULT_SECRETS = [PASSWORD, OTHER_PASSWORD];

/** Issue 15 defect 5: device output is redacted on demand, and always for vault secrets and error output. */
describe("collect: redaction of what devices print (lab)", function () {
  this.timeout(60_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-redact-",
    lab: (dir) => ({
      devices: [
        { name: "cfg-ios", platform: "cisco_ios", password: PASSWORD },
        // Cut after the first lines of output: the partial output carries secrets.
        { name: "drop-ios", platform: "cisco_ios", password: PASSWORD, fault: "drop_mid_output", faultAfterBytes: 200 },
      ],
      responsesDirs: [writeSecretsResponses(dir, ["cisco_ios"], VAULT_SECRETS)],
    }),
    credentials: [
      { name: "lab", username: "admin", password: PASSWORD, isDefault: true },
      { name: "other", username: "ops", password: OTHER_PASSWORD },
    ],
  });

  async function collect(name: string, req: Partial<CollectRequest>) {
    const results = new Map<string, DeviceResult>();
    const collections = path.join(fx.dir, name);
    // A device of an inventory-only platform in the same run.
    const asa: Device = {
      name: "asa-1",
      host: fx.lab.devices[0].host,
      port: fx.lab.devices[0].port,
      platform: "cisco_asa",
    };
    await runCollection({
      devices: [...labDevices(fx.lab), asa],
      commands: [SECRETS_COMMAND],
      captureType: "secrets",
      credentials: fx.vault,
      jitterMs: 0,
      retry: { retries: 0 },
      hostKeys: { policy: "accept-any", store: new KnownHostsStore(path.join(fx.dir, "known_hosts")) },
      store: new CaptureStore({ collections }),
      onDeviceResult: (r) => results.set(r.device.name, r),
      ...req,
    });
    return { results, collections };
  }

  it("without redact (raw backups): the output is as printed except the vault's secrets, masked everywhere", async () => {
    const { results, collections } = await collect("raw", {});
    const ok = results.get("cfg-ios")!;
    assert.strictEqual(ok.status, "ok", ok.error);
    const output = ok.commands[0].output;
    assert.ok(output.includes(`enable secret 5 ${PLANTED.enableHash}`), "raw config keeps the device's hashes");
    assert.ok(output.includes("username netops0 password 0 <redacted>"), output);
    assert.deepStrictEqual(findSecretsInText(JSON.stringify([...results.values()]), VAULT_SECRETS), []);
    assert.deepStrictEqual(findSecretsInDir(collections, VAULT_SECRETS), []);
    assert.ok(fs.readFileSync(ok.capturePaths[0], "utf8").includes(PLANTED.enableHash));
  });

  it("always redacts the partial output of a failed command with the platform's rules", async () => {
    const { results } = await collect("raw2", {});
    const dropped = results.get("drop-ios")!;
    assert.strictEqual(dropped.errorClass, "disconnected", dropped.error);
    const partial = dropped.commands[0].output;
    assert.match(partial, /enable secret 5 <redacted>/);
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(dropped), [...RULE_SECRETS, ...VAULT_SECRETS]), []);
  });

  it("with redact: no planted secret in results, captures or errors; lines stay readable", async () => {
    const { results, collections } = await collect("redacted", { redact: true });
    const ok = results.get("cfg-ios")!;
    assert.strictEqual(ok.status, "ok", ok.error);
    const output = ok.commands[0].output;
    for (const line of [
      "enable secret 5 <redacted>",
      "snmp-server community <redacted> RO 10",
      " password 7 <redacted>",
      "tacacs-server key <redacted>",
      "interface Loopback7",
    ])
      assert.ok(output.split("\n").includes(line), `${line} in\n${output}`);
    const all = [...RULE_SECRETS, ...VAULT_SECRETS];
    assert.deepStrictEqual(findSecretsInText(JSON.stringify([...results.values()]), all), []);
    assert.deepStrictEqual(findSecretsInDir(collections, all), []);
  });

  it("fails a device of an inventory-only platform with unsupported_platform; the others are unaffected", async () => {
    const { results } = await collect("asa", {});
    const asa = results.get("asa-1")!;
    assert.strictEqual(asa.status, "failed");
    assert.strictEqual(asa.errorClass, "unsupported_platform", asa.error);
    assert.match(
      asa.error ?? "",
      new RegExp(`^${fx.lab.devices[0].host}:${fx.lab.devices[0].port}: .*cisco_asa.*inventory-only`),
    );
    assert.strictEqual(results.get("cfg-ios")!.status, "ok");
  });
});

describe("collect: a short vault password (admin) does not corrupt device output", function () {
  this.timeout(60_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-redact-short-",
    lab: () => ({ devices: [{ name: "nx-admin", platform: "cisco_nxos", password: "admin" }] }),
    credentials: [{ name: "lab", username: "admin", password: "admin", isDefault: true }],
  });

  it("keeps 'admin state is up' in show interface (secrets under 8 characters are words in output)", async () => {
    const results: DeviceResult[] = [];
    await runCollection({
      devices: labDevices(fx.lab),
      commands: ["show interface"],
      captureType: "intf",
      credentials: fx.vault,
      jitterMs: 0,
      hostKeys: { policy: "accept-any", store: new KnownHostsStore(path.join(fx.dir, "known_hosts")) },
      onDeviceResult: (r) => results.push(r),
    });
    assert.strictEqual(results[0].status, "ok", results[0].error);
    assert.match(results[0].commands[0].output, /^admin state is up, Dedicated Interface$/m);
  });
});
