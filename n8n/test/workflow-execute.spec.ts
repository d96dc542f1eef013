import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeType } from "n8n-workflow";
import { startLab, type Lab } from "../../lib/lab";
import { makeVault, type TestVault } from "../../test/support/vault";
import { findSecretsInDir, findSecretsInText } from "../../test/support/secrets";
import { loadPackageNodeTypes, PACKAGE, runWorkflow, type WorkflowSpec } from "./support/engine";
import { sharedDir } from "./support/shared-dir";

/**
 * The package's nodes, as built into n8n/dist, run in n8n-core's WorkflowExecute against the
 * device lab: real SSH, a real vault file, real captures and known_hosts, real TextFSM templates.
 */

const LAB_PASSWORD = "Lab-Device-Secret-4e1d";
const MASTER_PASSWORD = "N8n-Vault-Master-9b27";
const T = (name: string) => `${PACKAGE}.${name}`;
const chain = (...names: string[]) =>
  Object.fromEntries(
    names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: "main" as const, index: 0 }]] }]),
  );

describe("n8n: the nodes in n8n-core's WorkflowExecute against the lab", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;
  let vault: TestVault;
  let csv: string;
  let templates: string;
  let credentials: Record<string, ICredentialDataDecryptedObject>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-n8n-engine-"));
    lab = await startLab({
      count: 5,
      platforms: ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos"],
      password: LAB_PASSWORD,
      latencyMs: 5,
      faults: ["refuse"],
      seed: "n8n-engine",
    });
    vault = makeVault(dir, [{ name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true }], {
      password: MASTER_PASSWORD,
    });
    csv = path.join(dir, "devices.csv");
    fs.writeFileSync(csv, lab.inventoryCsv());
    templates = path.join(sharedDir(), "ntc-templates", "templates");
    credentials = { velocityCollectorVaultApi: { vaultPath: vault.file, masterPassword: MASTER_PASSWORD } };
  });
  after(async () => {
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function home(name: string): string {
    const h = path.join(dir, name);
    fs.mkdirSync(h, { recursive: true });
    return h;
  }

  const vaultCredential = { velocityCollectorVaultApi: { id: "1", name: "Lab vault" } };

  function collectNode(h: string, extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
    return {
      name: "Collect",
      type: T("velocityCollectorCollect"),
      parameters: {
        commands: "show version",
        captureType: "version",
        options: { home: h, retries: 0, jitter: 0, connectTimeout: 5, ...options },
        ...extra,
      },
      credentials: vaultCredential,
    };
  }

  it("Device Source (CSV) → Collect → TextFSM (index) → Export (CSV binary): one item per device, paired, pinned, parsed", async () => {
    const h = home("pipeline");
    const spec: WorkflowSpec = {
      nodes: [
        { name: "Devices", type: T("velocityCollectorDeviceSource"), parameters: { source: "csv", csvPath: csv } },
        collectNode(h),
        {
          name: "Parse",
          type: T("velocityCollectorTextFsm"),
          parameters: { mode: "index", templatesDir: templates },
        },
        {
          name: "Export",
          type: T("velocityCollectorExport"),
          parameters: { format: "csv", mode: "combined", destination: "binary", binaryPropertyName: "data" },
        },
      ],
      connections: chain("Devices", "Collect", "Parse", "Export"),
    };
    const r = await runWorkflow(spec, { credentials });
    assert.equal(r.run.status, "success", String(r.run.data.resultData.error?.message));

    const devices = r.output("Devices");
    assert.deepEqual(devices.map((d) => d.json.name).sort(), lab.devices.map((d) => d.name).sort());
    const results = r.output("Collect");
    assert.equal(results.length, lab.devices.length, "one item per device");
    results.forEach((item, i) => {
      assert.deepEqual(item.pairedItem, { item: i }, `device ${i} is paired with its input item`);
      assert.equal((item.json.device as IDataObject).name, devices[i].json.name);
    });
    const byName = new Map(results.map((it) => [(it.json.device as IDataObject).name as string, it.json]));
    const refused = lab.devices.find((d) => d.fault === "refuse")!;
    assert.equal(byName.get(refused.name)?.status, "failed");
    assert.equal(byName.get(refused.name)?.errorClass, "connect_refused");
    const healthy = lab.devices.filter((d) => !d.fault);
    for (const d of healthy) {
      assert.equal(byName.get(d.name)?.status, "ok", `${d.name}: ${String(byName.get(d.name)?.error)}`);
      assert.equal(byName.get(d.name)?.credentialName, "lab");
    }

    const knownHosts = fs.readFileSync(path.join(h, "known_hosts"), "utf8");
    for (const d of healthy) assert.ok(knownHosts.includes(d.host), `host key of ${d.name} pinned`);
    assert.ok(fs.existsSync(path.join(h, "collections", "version")), "captures saved");

    const parsed = r.output("Parse");
    assert.equal(parsed.length, results.length);
    for (const item of parsed.filter((it) => it.json.status === "ok")) {
      const p = (item.json.parsed as IDataObject[])[0];
      assert.equal(p.status, "ok", `${String(p.device)}: ${String(p.error)}`);
      assert.ok((p.recordCount as number) > 0);
    }

    const exported = r.output("Export");
    assert.equal(exported.length, 1);
    assert.deepEqual(
      exported[0].pairedItem,
      parsed.map((_, item) => ({ item })),
    );
    const binary = exported[0].binary!.data;
    assert.equal(binary.mimeType?.split(";")[0], "text/csv");
    const text = Buffer.from(binary.data, "base64").toString("utf8");
    for (const d of healthy) assert.ok(text.includes(d.name), `${d.name} in the CSV`);

    const everything = JSON.stringify(r.run);
    assert.deepEqual(findSecretsInText(everything, [LAB_PASSWORD, MASTER_PASSWORD]), []);
    assert.deepEqual(findSecretsInDir(h, [LAB_PASSWORD, MASTER_PASSWORD]), []);
  });

  it("a bad input item stops Collect with a NodeOperationError naming the item and carrying the error class", async () => {
    const h = home("bad-item");
    const good = lab.devices.find((d) => !d.fault)!;
    const input: INodeExecutionData[] = [
      { json: { name: "no-host", platform: "cisco_ios" } },
      { json: { name: good.name, host: good.host, port: good.port, platform: good.platform } },
    ];
    const r = await runWorkflow({ nodes: [collectNode(h)], connections: {} }, { credentials, input });
    const error = r.error("Collect") as Error & { context?: IDataObject; description?: string };
    assert.ok(error, "the node failed");
    assert.match(error.message, /^item 0\.host: /);
    assert.equal(error.context?.errorClass, "invalid_device");
    assert.equal(error.context?.itemIndex, 0);
  });

  it("with Continue On Fail the bad item becomes an error item and the good device is still collected", async () => {
    const h = home("continue");
    const good = lab.devices.find((d) => !d.fault)!;
    const input: INodeExecutionData[] = [
      { json: { name: "no-host", platform: "cisco_ios" } },
      { json: { name: good.name, host: good.host, port: good.port, platform: good.platform } },
    ];
    const node = { ...collectNode(h), onError: "continueRegularOutput" as const };
    const r = await runWorkflow({ nodes: [node], connections: {} }, { credentials, input });
    const out = r.output("Collect");
    assert.equal(out.length, 2);
    const ok = out.find((it) => it.json.status === "ok")!;
    assert.deepEqual(ok.pairedItem, { item: 1 });
    const failed = out.find((it) => it.json.error !== undefined && it.json.status === undefined)!;
    assert.deepEqual(failed.pairedItem, { item: 0 });
    assert.equal(failed.json.errorClass, "invalid_device");
  });

  it("a wrong master password fails the run with the vault's error class, never echoing the password", async () => {
    const h = home("wrong-master");
    const good = lab.devices.find((d) => !d.fault)!;
    const r = await runWorkflow(
      { nodes: [collectNode(h)], connections: {} },
      {
        credentials: { velocityCollectorVaultApi: { vaultPath: vault.file, masterPassword: "Not-The-Master-77" } },
        input: [{ json: { name: good.name, host: good.host, port: good.port, platform: good.platform } }],
      },
    );
    const error = r.error("Collect") as Error & { context?: IDataObject };
    assert.ok(error);
    assert.match(String(error.context?.errorClass), /^vault_/);
    assert.deepEqual(findSecretsInText(JSON.stringify(r.run), ["Not-The-Master-77", LAB_PASSWORD]), []);
  });

  it("strict host-key policy refuses a host not in known_hosts (hostkey_unknown), pin-on-first-use accepts it", async () => {
    const h = home("strict");
    const good = lab.devices.find((d) => !d.fault)!;
    const input = [{ json: { name: good.name, host: good.host, port: good.port, platform: good.platform } }];
    const strict = await runWorkflow(
      { nodes: [collectNode(h, {}, { hostKeyPolicy: "strict" })], connections: {} },
      { credentials, input },
    );
    assert.equal(strict.output("Collect")[0].json.errorClass, "hostkey_unknown");
    const tofu = await runWorkflow({ nodes: [collectNode(h)], connections: {} }, { credentials, input });
    assert.equal(tofu.output("Collect")[0].json.status, "ok");
    const again = await runWorkflow(
      { nodes: [collectNode(h, {}, { hostKeyPolicy: "strict" })], connections: {} },
      { credentials, input },
    );
    assert.equal(again.output("Collect")[0].json.status, "ok", "pinned now");
  });

  it("TextFSM inline and auto modes: records, and a detection score in auto mode", async () => {
    const output = [
      "Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, RELEASE SOFTWARE (fc2)",
      "router1 uptime is 1 week, 2 days, 3 hours, 4 minutes",
    ].join("\n");
    const input = [{ json: { device: "r1", platform: "cisco_ios", command: "show version", output } }];
    const inline = await runWorkflow(
      {
        nodes: [
          {
            name: "Parse",
            type: T("velocityCollectorTextFsm"),
            parameters: {
              mode: "inline",
              inlineTemplate: "Value VERSION (\\S+)\n\nStart\n  ^.*Version ${VERSION}, -> Record\n",
            },
          },
        ],
        connections: {},
      },
      { input },
    );
    const p = (inline.output("Parse")[0].json.parsed as IDataObject[])[0];
    assert.deepEqual(p.records, [{ version: "15.2(4)E10" }]);

    const auto = await runWorkflow(
      {
        nodes: [
          {
            name: "Parse",
            type: T("velocityCollectorTextFsm"),
            parameters: { mode: "auto", templatesDir: templates, home: home("auto") },
          },
        ],
        connections: {},
      },
      { input },
    );
    const a = (auto.output("Parse")[0].json.parsed as IDataObject[])[0];
    assert.equal(a.status, "ok", String(a.error));
    assert.deepEqual(a.templates, ["cisco_ios_show_version.textfsm"]);
    assert.equal(typeof a.score, "number");
  });

  it("Export to files writes the file and reports it; the credential test unlocks the vault or says why not", async () => {
    const h = home("files");
    const input = [
      {
        json: {
          device: "r1",
          command: "show version",
          parsed: [
            {
              device: "r1",
              command: "show version",
              templates: ["t"],
              status: "ok",
              records: [{ A: "=1+1" }],
              recordCount: 1,
            },
          ],
        },
      },
    ];
    const r = await runWorkflow(
      {
        nodes: [
          {
            name: "Export",
            type: T("velocityCollectorExport"),
            parameters: { format: "csv", mode: "combined", destination: "file", outputDir: path.join(h, "out") },
          },
        ],
        connections: {},
      },
      { input },
    );
    const file = r.output("Export")[0].json.path as string;
    assert.ok(file.startsWith(path.join(h, "out")));
    assert.ok(!fs.readFileSync(file, "utf8").includes(",=1+1"), "formula guarded");

    const collect = loadPackageNodeTypes()[T("velocityCollectorCollect")] as INodeType & {
      methods: {
        credentialTest: Record<string, (this: unknown, c: unknown) => Promise<{ status: string; message: string }>>;
      };
    };
    const test = collect.methods.credentialTest.velocityCollectorVaultTest;
    const ok = await test.call(
      {},
      { id: "1", name: "v", type: "velocityCollectorVaultApi", data: credentials.velocityCollectorVaultApi },
    );
    assert.deepEqual(ok, { status: "OK", message: "Vault unlocked: 1 credential" });
    const bad = await test.call(
      {},
      {
        id: "1",
        name: "v",
        type: "velocityCollectorVaultApi",
        data: { vaultPath: vault.file, masterPassword: "Not-The-Master-77" },
      },
    );
    assert.equal(bad.status, "Error");
    assert.ok(!bad.message.includes("Not-The-Master-77"));
  });
});
