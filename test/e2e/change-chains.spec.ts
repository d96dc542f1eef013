import * as assert from "node:assert";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { SMTPServer } from "smtp-server";
import { Inventory } from "../../lib/core/inventory";
import { demoFlows, readExampleFlows } from "../../lib/demo/flows";
import { startLab, type Lab } from "../../lib/lab";
import { REPO_ROOT } from "../support/cli";
import { login } from "../support/lab-shell";
import { startNodeRed, type NodeRedProcess } from "../support/nodered-process";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { NTC_TEMPLATES } from "../support/textfsm-fixtures";
import { makeTmpDir } from "../support/tmp";
import { makeVault } from "../support/vault";

/**
 * The four chaining examples of examples/flows, deployed unchanged into a real Node-RED process
 * (dist/: run `npm run build` first) against the lab: the webhook endpoint, changes to a webhook,
 * changes by e-mail through a real SMTP server, and the NetBox PATCH.
 */
const EXAMPLES = ["Webhook collect", "Changes to a webhook", "Changes by e-mail", "NetBox update"];
const PASSWORD = "Chains-Lab-Pass-2f6d";
const NETBOX_TOKEN = "0123456789abcdef0123456789abcdef0c4a1b2e";

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

describe("example chains (examples/flows) in a real Node-RED against the lab", function () {
  this.timeout(180_000);
  let dir: string;
  let lab: Lab;
  let red: NodeRedProcess;
  let webhook: RecordingServer;
  let netbox: RecordingServer;
  let smtp: SMTPServer;
  const mails: Mail[] = [];
  const netboxIds = new Map<string, number>();
  const flows = readExampleFlows(path.join(REPO_ROOT, "examples", "flows")).filter((e) => EXAMPLES.includes(e.title));
  const nodeId = (title: string, type: string, name?: string) => {
    const n = flows
      .find((e) => e.title === title)!
      .nodes.find((x) => x.type === type && (name === undefined || x.name === name));
    assert.ok(n, `${title}: no ${type} ${name ?? ""}`);
    return n.id;
  };

  before(async () => {
    assert.deepStrictEqual(flows.map((e) => e.title).sort(), [...EXAMPLES].sort());
    dir = makeTmpDir("vc-chains-");
    const home = path.join(dir, "home");
    fs.mkdirSync(home, { recursive: true });
    lab = await startLab({
      devices: [
        { name: "ios-a", platform: "cisco_ios", password: PASSWORD },
        { name: "ios-b", platform: "cisco_ios", password: PASSWORD },
        { name: "eos-a", platform: "arista_eos", password: PASSWORD },
        { name: "nxos-a", platform: "cisco_nxos", password: PASSWORD },
      ],
    });
    const vault = makeVault(home, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
    const inv = Inventory.open(path.join(home, "dcim.db"), { create: true });
    try {
      lab.devices.forEach((d, i) => {
        netboxIds.set(d.name, 501 + i);
        inv.addDevice({ name: d.name, host: d.host, port: d.port, platform: d.platform, netboxId: 501 + i });
      });
    } finally {
      inv.close();
    }
    webhook = await startRecordingServer();
    netbox = await startRecordingServer({ netboxToken: NETBOX_TOKEN });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    const userDir = path.join(dir, "userdir");
    fs.mkdirSync(path.join(userDir, "node_modules"), { recursive: true });
    // node-red-node-email, installed as a devDependency, as a user would install it into the userDir
    fs.symlinkSync(
      path.join(REPO_ROOT, "node_modules", "node-red-node-email"),
      path.join(userDir, "node_modules", "node-red-node-email"),
      "dir",
    );
    red = await startNodeRed({
      userDir,
      env: {
        VCOLLECTOR_HOME: home,
        ...vault.env,
        NET_TEXTFSM: NTC_TEMPLATES,
        VC_WEBHOOK_URL: `${webhook.url}/hooks/config-change`,
        VC_SMTP_HOST: "127.0.0.1",
        VC_SMTP_PORT: String(smtpPort),
        VC_MAIL_TO: "netops@example.test",
        VC_MAIL_FROM: "vcollector@example.test",
        NETBOX_URL: `${netbox.url}/`,
        NETBOX_TOKEN,
      },
    });
    await red.deploy(demoFlows(flows) as Array<Record<string, unknown>>);
    await waitForEndpoint(`${red.url}collect`);
  });

  after(async () => {
    await red?.stop();
    await lab?.stop();
    await webhook?.stop();
    await netbox?.stop();
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function waitForEndpoint(url: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      const type = res.headers.get("content-type") ?? "";
      await res.arrayBuffer();
      if (type.includes("json")) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${url} never answered with JSON\n${red.output()}`);
  }

  const inject = async (id: string) => {
    const res = await fetch(`${red.url}inject/${id}`, { method: "POST" });
    assert.strictEqual(res.status, 200, await res.text());
  };

  async function changeDescription(device: string, ifname: string, text: string): Promise<void> {
    const s = await login(lab.devices.find((d) => d.name === device)!);
    try {
      await s.run("configure terminal", /\(config\)# ?$/);
      await s.run(`interface ${ifname}`, /\(config-if\)# ?$/);
      await s.run(`description ${text}`, /\(config-if\)# ?$/);
      await s.run("end");
    } finally {
      s.shell.close();
    }
  }

  it("(1) webhook: POST /collect with a device filter answers with the parsed show version as JSON; no match: 404", async () => {
    const res = await fetch(`${red.url}collect`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ platform: "cisco_ios" }),
    });
    const body = (await res.json()) as Array<{
      device: string;
      status: string;
      parsed: Array<{ status: string; records: Array<Record<string, unknown>> }>;
    }>;
    assert.strictEqual(res.status, 200, JSON.stringify(body));
    assert.deepStrictEqual(body.map((d) => d.device).sort(), ["ios-a", "ios-b"]);
    for (const d of body) {
      assert.strictEqual(d.status, "ok");
      assert.strictEqual(d.parsed[0].status, "ok");
      assert.ok(d.parsed[0].records[0].version, JSON.stringify(d.parsed[0].records[0]));
    }
    const none = await fetch(`${red.url}collect`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "^no-such-device$" }),
    });
    assert.strictEqual(none.status, 404);
    assert.deepStrictEqual(await none.json(), { error: "no device matched the filter" });
  });

  it("(2) on change: the webhook gets every new device once, nothing for an unchanged run, then exactly the changed device's diff", async () => {
    const hookInject = nodeId("Changes to a webhook", "inject");
    await inject(hookInject);
    const first = await webhook.waitFor(4, 60_000);
    const bodies = first.map((r) => JSON.parse(r.body) as { device: string; status: string });
    assert.deepStrictEqual(bodies.map((b) => b.device).sort(), ["eos-a", "ios-a", "ios-b", "nxos-a"]);
    assert.ok(bodies.every((b) => b.status === "new"));
    assert.ok(first.every((r) => r.method === "POST" && r.path === "/hooks/config-change"));

    await inject(hookInject);
    await waitForRunSummaries(2);
    assert.strictEqual(webhook.requests.length, 4, "an unchanged run posts nothing");

    await changeDescription("eos-a", "Ethernet12", "CHG-5150 printer floor 2");
    await inject(hookInject);
    const [, , , , fifth] = await webhook.waitFor(5, 60_000);
    const change = JSON.parse(fifth.body) as {
      device: string;
      status: string;
      diff: string;
      added: number;
      removed: number;
      text: string;
      from: { version: number };
      to: { version: number };
    };
    assert.strictEqual(fifth.headers["content-type"], "application/json");
    assert.deepStrictEqual(
      [change.device, change.status, change.added, change.removed, change.from.version, change.to.version],
      ["eos-a", "changed", 1, 1, 1, 2],
    );
    assert.match(change.diff, /^\+ {3}description CHG-5150 printer floor 2$/m);
    assert.match(change.text, /configs\/eos-a: changed \(\+1 -1\)/);
    await waitForRunSummaries(3);
    await new Promise((r) => setTimeout(r, 500));
    assert.strictEqual(webhook.requests.length, 5, "exactly one device changed");
  });

  it("(3) e-mail on change: the changed device's diff arrives through a real SMTP server", async () => {
    await changeDescription("ios-a", "GigabitEthernet0/0/2", "CHG-6006 new access point");
    await inject(nodeId("Changes by e-mail", "inject"));
    for (let i = 0; i < 120 && mails.length === 0; i++) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 1000)); // any further mail would arrive now
    assert.strictEqual(mails.length, 1, red.output());
    const mail = mails[0];
    assert.strictEqual(mail.from, "vcollector@example.test");
    assert.deepStrictEqual(mail.to, ["netops@example.test"]);
    assert.match(mail.raw, /^Subject: Config change: ios-a \(\+1 -0\)/m);
    const body = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    assert.match(body, /^\+ description CHG-6006 new access point\r?$/m);
    assert.match(body, /configs\/ios-a changed: version 1 \(/);
    assert.ok(!/clock-period|Last configuration change/.test(body), body);
    assert.deepStrictEqual(findSecretsInText(mail.raw, [PASSWORD]), []);
  });

  it("(4) NetBox: parsed show version is PATCHed to /api/dcim/devices/<id>/ with the token, serial and software_version", async () => {
    await inject(nodeId("NetBox update", "inject"));
    const patches = await netbox.waitFor(4, 60_000);
    const byId = new Map(patches.map((p) => [p.path, p]));
    for (const [name, id] of netboxIds) {
      const p = byId.get(`/api/dcim/devices/${id}/`);
      assert.ok(p, `${name}: no PATCH to /api/dcim/devices/${id}/ (got ${patches.map((x) => x.path).join(", ")})`);
      assert.strictEqual(p.method, "PATCH");
      assert.strictEqual(p.headers.authorization, `Token ${NETBOX_TOKEN}`);
      assert.strictEqual(p.headers["content-type"], "application/json");
      const body = JSON.parse(p.body) as { serial?: string; custom_fields?: { software_version?: string } };
      assert.deepStrictEqual(Object.keys(body).sort(), ["custom_fields", "serial"], `${name}: ${p.body}`);
      assert.match(String(body.serial), /^[A-Z0-9]{6,}$/, `${name}: serial ${p.body}`);
      assert.match(String(body.custom_fields?.software_version), /\d+\.\d+/, `${name}: version ${p.body}`);
    }
  });

  it("leaves no lab password in the data home's captures, versions or Node-RED's files", () => {
    assert.deepStrictEqual(findSecretsInDir(dir, [PASSWORD]), []);
  });

  /** Waits until the webhook flow's vc-collect node has finished `n` runs (its debug "run summary" logs nothing: poll the status). */
  async function waitForRunSummaries(n: number): Promise<void> {
    const home = path.join(dir, "home", "collector.db");
    const Database = require("better-sqlite3") as typeof import("better-sqlite3");
    for (let i = 0; i < 240; i++) {
      const db = new Database(home, { readonly: true, fileMustExist: true });
      try {
        const row = db
          .prepare("SELECT COUNT(*) AS n FROM job_history WHERE job_id = 'configs' AND completed_at IS NOT NULL")
          .get() as { n: number };
        if (row.n >= n) return;
      } finally {
        db.close();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`fewer than ${n} finished runs`);
  }
});
