import * as assert from "node:assert";
import * as path from "node:path";
import { collectFlow, collectOnce } from "../support/collect-flow";
import { useLabWithVault } from "../support/lab";
import { useNodeRed } from "../support/nodered";
import { PLANTED, SECRETS_COMMAND, writeSecretsResponses } from "../support/redaction";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";

const PASSWORD = "Node-Redact-Pass-41d7";

describe("vc-collect node: redact option", function () {
  this.timeout(60_000);
  const fixture = useLabWithVault({
    tmpPrefix: "vc-node-redact-",
    lab: (dir) => ({
      count: 2,
      platforms: ["cisco_ios"],
      password: PASSWORD,
      responsesDirs: [writeSecretsResponses(dir, ["cisco_ios"], [PASSWORD])],
    }),
    credentials: [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }],
  });

  useNodeRed();

  async function run(name: string, extra: Record<string, unknown>) {
    const home = path.join(fixture.dir, `home-${name}`);
    const flow = collectFlow(fixture.testVault, {
      commands: SECRETS_COMMAND,
      captureType: "cfg",
      hostKeyPolicy: "accept-any",
      home,
      ...extra,
    });
    return { messages: await collectOnce(flow, fixture.lab), home };
  }

  it("redact on: no planted secret in messages or captures, lines readable; off: only the vault's secret masked", async () => {
    const all = [...Object.values(PLANTED), PASSWORD];
    const on = await run("on", { redact: true });
    for (const m of on.messages) assert.strictEqual(m.payload.status, "ok", m.payload.error);
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(on.messages), all), []);
    assert.deepStrictEqual(findSecretsInDir(path.join(on.home, "collections"), all), []);
    assert.ok(on.messages[0].payload.commands[0].output.includes("snmp-server community <redacted> RO 10"));

    const off = await run("off", {});
    assert.ok(JSON.stringify(off.messages).includes(PLANTED.community), "raw output when redact is off");
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(off.messages), [PASSWORD]), []);
    assert.deepStrictEqual(findSecretsInDir(path.join(off.home, "collections"), [PASSWORD]), []);
  });
});
