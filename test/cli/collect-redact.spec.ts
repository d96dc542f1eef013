import * as assert from "node:assert";
import * as path from "node:path";
import { runCli } from "../support/cli";
import { PLANTED, SECRETS_COMMAND, writeSecretsResponses } from "../support/redaction";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { collectArgs, useCliLab } from "../support/cli-lab";
import type { TestVault } from "../support/vault";

const PASSWORD = "Cli-Redact-Pass-6b20";

describe("vcollector collect --redact", function () {
  this.timeout(90_000);
  const started = useCliLab("vc-cli-redact-", PASSWORD, (dir) => ({
    count: 2,
    platforms: ["cisco_ios", "arista_eos"],
    password: PASSWORD,
    responsesDirs: [writeSecretsResponses(dir, ["cisco_ios", "arista_eos"], [PASSWORD])],
  }));
  let dir: string;
  let csv: string;
  let vault: TestVault;
  before(() => ({ dir, csv, vault } = started));

  const collect = (name: string, extra: string[]) =>
    runCli(
      [
        ...collectArgs({
          home: path.join(dir, `home-${name}`),
          inventory: csv,
          vault: vault.file,
          out: path.join(dir, `out-${name}`),
          commands: [SECRETS_COMMAND],
          captureType: "cfg",
        }),
        "--platform",
        "cisco_ios,arista_eos",
        "--json",
        ...extra,
      ],
      { env: vault.env },
    );

  it("masks the platform's secrets in --json and the captures; the vault password is masked even without it", async () => {
    const raw = await collect("raw", []);
    assert.strictEqual(raw.code, 0, raw.stdout + raw.stderr);
    assert.ok(raw.stdout.includes(PLANTED.enableHash), "without --redact the device's hashes stay (raw backup)");
    assert.deepStrictEqual(findSecretsInText(raw.stdout + raw.stderr, [PASSWORD]), []);
    assert.deepStrictEqual(findSecretsInDir(path.join(dir, "out-raw"), [PASSWORD]), []);

    const r = await collect("red", ["--redact"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.strictEqual(lines.length, 3, "two device lines and the summary");
    const all = [...Object.values(PLANTED), PASSWORD];
    assert.deepStrictEqual(findSecretsInText(r.stdout + r.stderr, all), []);
    assert.deepStrictEqual(findSecretsInDir(path.join(dir, "out-red"), all), []);
    const first = JSON.parse(lines[0]) as { commands: Array<{ output: string }> };
    assert.ok(first.commands[0].output.includes("enable secret 5 <redacted>"), first.commands[0].output);
  });
});
