import * as assert from "node:assert";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { runCollection } from "../../lib/core/collect";
import { demoFlows, readExampleFlows } from "../../lib/demo/flows";
import { DEMO_CREDENTIAL, DEMO_PLATFORMS, startDemo } from "../../lib/demo/setup";
import { CREDENTIAL_SECRET_FILE, demoSettings, PACKAGE_NAME, prepareUserDir } from "../../lib/demo/userdir";
import { resolveHome } from "../../lib/core/home";
import { Inventory } from "../../lib/core/inventory";
import { KnownHostsStore } from "../../lib/core/ssh/known-hosts";
import { parseText, resolveTemplateSource } from "../../lib/core/parse";
import type { ParsedResult } from "../../lib/core/types";
import { Vault } from "../../lib/core/vault";
import { REPO_ROOT } from "../support/cli";
import {
  EXAMPLES_DIR,
  NodeRedComms,
  nodeNamed,
  pressInject,
  readExample,
  START_SCRIPT,
  startDemoProcess,
  waitForExit,
  waitForOutput,
  type FlowNodeJson,
  type RunningDemo,
} from "../support/demo";
import { freePort } from "../support/net";
import { startProcess, type Started } from "../support/process";
import { findSecretsInText } from "../support/secrets";
import { makeTmpDir, useTmpDir } from "../support/tmp";

const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  "node-red": { nodes: Record<string, string> };
};
const NODE_TYPES = Object.keys(PACKAGE["node-red"].nodes);
const DEMO_PASSWORD = "velocity-demo-vault";

/** The `defaults` keys of a node's editor definition (nodes/<type>/<type>.html) and whether it is a config node. */
function editorDefinition(type: string): { defaults: string[]; config: boolean; configRefs: Record<string, string> } {
  const html = fs.readFileSync(path.join(REPO_ROOT, "nodes", type, `${type}.html`), "utf8");
  const start = html.indexOf("defaults:");
  assert.ok(start >= 0, `${type}.html has no defaults`);
  const open = html.indexOf("{", start);
  let depth = 0;
  let end = open;
  for (let i = open; i < html.length; i++) {
    if (html[i] === "{") depth++;
    else if (html[i] === "}" && --depth === 0) {
      end = i;
      break;
    }
  }
  const body = html.slice(open + 1, end);
  const defaults: string[] = [];
  const configRefs: Record<string, string> = {};
  depth = 0;
  const keyAt = /^\s*([A-Za-z_$][\w$]*)\s*:/;
  let i = 0;
  while (i < body.length) {
    if (depth === 0) {
      const m = keyAt.exec(body.slice(i));
      if (m) {
        defaults.push(m[1]);
        const entryEnd = body.indexOf("}", i);
        const ref = /type:\s*["']([\w-]+)["']/.exec(body.slice(i, entryEnd));
        if (ref) configRefs[m[1]] = ref[1];
        i += m[0].length;
        continue;
      }
    }
    const ch = body[i];
    if (ch === "{" || ch === "(" || ch === "[") depth++;
    else if (ch === "}" || ch === ")" || ch === "]") depth--;
    else if (ch === "," && depth === 0) {
      i++;
      continue;
    }
    i++;
  }
  return { defaults, config: /category:\s*['"]config['"]/.test(html), configRefs };
}

const LAYOUT_KEYS = new Set(["id", "type", "z", "x", "y", "wires", "g"]);

describe("example flows (examples/flows)", () => {
  const examples = readExampleFlows(EXAMPLES_DIR);

  it("has the four examples of the issue, each one tab with a comment node saying what it shows", () => {
    const titles = examples.map((e) => e.title);
    for (const t of ["Collect and parse", "Daily batch", "Credential discovery", "Search captures"])
      assert.ok(titles.includes(t), `missing example '${t}' (have ${titles.join(", ")})`);
    for (const e of examples) {
      const comments = e.nodes.filter((n) => n.type === "comment");
      assert.ok(
        comments.some(
          (c) =>
            typeof c.name === "string" &&
            c.name.length > 10 &&
            typeof c.info === "string" &&
            (c.info as string).length > 80,
        ),
        `${e.title}: the comment must say what the example shows`,
      );
      assert.strictEqual(e.tab.label, e.title, `${e.title}: the tab is named like the file`);
    }
  });

  it("shows every non-config node type of the package in at least one example", () => {
    const used = new Set(examples.flatMap((e) => e.nodes.map((n) => n.type)));
    const flowNodeTypes = NODE_TYPES.filter((t) => !editorDefinition(t).config);
    assert.ok(flowNodeTypes.length >= 5, `node types: ${flowNodeTypes.join(", ")}`);
    for (const t of flowNodeTypes) assert.ok(used.has(t), `${t} appears in no example`);
  });

  it("gives every vc node exactly the properties its editor defines, and config references resolve in the same file", () => {
    for (const e of examples) {
      const ids = new Map(e.nodes.map((n) => [n.id, n]));
      for (const n of e.nodes.filter((x) => x.type.startsWith("vc-"))) {
        const def = editorDefinition(n.type);
        const props = Object.keys(n)
          .filter((k) => !LAYOUT_KEYS.has(k))
          .sort();
        assert.deepStrictEqual(
          props,
          [...def.defaults].sort(),
          `${e.title}: ${n.type} '${n.name}' properties differ from ${n.type}.html's defaults`,
        );
        for (const [prop, type] of Object.entries(def.configRefs)) {
          const target = ids.get(String(n[prop]));
          assert.ok(
            target && target.type === type,
            `${e.title}: ${n.type} '${n.name}'.${prop} must name a ${type} node of the same file`,
          );
        }
        assert.strictEqual(n.credentials, undefined, `${e.title}: ${n.type} carries credentials`);
      }
    }
  });

  it("needs no setup: file locations and passwords come from the data home and VCOLLECTOR_VAULT_PASS", () => {
    for (const e of examples) {
      for (const n of e.nodes.filter((x) => x.type.startsWith("vc-"))) {
        for (const key of ["home", "vaultFile", "outputDir", "collections", "path", "templatesDir"]) {
          if (key in n)
            assert.strictEqual(
              n[key],
              "",
              `${e.title}: ${n.type} '${n.name}'.${key} must be empty (the data home decides)`,
            );
        }
      }
      const text = fs.readFileSync(e.file, "utf8");
      assert.deepStrictEqual(findSecretsInText(text, [DEMO_PASSWORD, "lab-enable"]), [], `${e.title} holds a secret`);
    }
  });

  it("deploys together without id clashes", () => {
    const all = demoFlows(examples);
    assert.strictEqual(new Set(all.map((n) => n.id)).size, all.length);
    assert.strictEqual(all.filter((n) => n.type === "tab").length, examples.length);
  });
});

describe("readExampleFlows rejects broken example files, naming the file", () => {
  const tmp = useTmpDir("vc-demo-examples-");
  const tab = { id: "t1", type: "tab", label: "A" };
  const comment = { id: "c1", type: "comment", z: "t1", name: "what it shows", info: "" };
  const write = (name: string, nodes: unknown) =>
    fs.writeFileSync(path.join(tmp.path, name), typeof nodes === "string" ? nodes : JSON.stringify(nodes));

  const cases: Array<[string, () => void, RegExp]> = [
    ["not JSON", () => write("A.json", "[{"), /A\.json: not valid JSON/],
    ["not an array", () => write("A.json", { id: "x" }), /A\.json: must be a JSON array/],
    [
      "a node without id",
      () => write("A.json", [tab, { type: "inject", z: "t1" }]),
      /A\.json \[1\]: every node needs a string id and type/,
    ],
    [
      "two tabs",
      () => write("A.json", [tab, { id: "t2", type: "tab" }, comment]),
      /A\.json: must hold exactly one tab, found 2/,
    ],
    [
      "no comment",
      () => write("A.json", [tab, { id: "i1", type: "inject", z: "t1", wires: [[]] }]),
      /A\.json: needs a comment node/,
    ],
    [
      "a node on another tab",
      () => write("A.json", [tab, comment, { id: "i1", type: "inject", z: "t9" }]),
      /A\.json: node i1 \(inject\) is not on the tab 't1'/,
    ],
    [
      "a wire to nowhere",
      () => write("A.json", [tab, comment, { id: "i1", type: "inject", z: "t1", wires: [["gone"]] }]),
      /A\.json: node i1 \(inject\) is wired to 'gone'/,
    ],
    ["an id used twice", () => write("A.json", [tab, comment, { ...comment }]), /A\.json: node id 'c1' appears twice/],
    [
      "an id shared by two files",
      () => {
        write("A.json", [tab, comment]);
        write("B.json", [
          { ...tab, id: "t2" },
          { ...comment, z: "t2" },
        ]);
      },
      /B\.json: node id 'c1' is also used in A\.json/,
    ],
  ];
  for (const [what, setup, message] of cases) {
    it(what, () => {
      setup();
      assert.throws(() => readExampleFlows(tmp.path), message);
    });
  }

  it("accepts a valid file and a missing folder", () => {
    write("A.json", [tab, comment, { id: "v1", type: "vc-vault-config" }]);
    assert.deepStrictEqual(
      readExampleFlows(tmp.path).map((e) => [e.title, e.tab.id, e.nodes.length]),
      [["A", "t1", 3]],
    );
    assert.deepStrictEqual(readExampleFlows(path.join(tmp.path, "none")), []);
  });
});

describe("the demo's Node-RED user folder (prepareUserDir)", () => {
  const tmp = useTmpDir("vc-demo-userdir-");
  const flows = [{ id: "t1", type: "tab", label: "A" }];

  it("links this package, listens on 127.0.0.1 only, never calls the palette catalogue, and writes the flows", () => {
    const userDir = path.join(tmp.path, "userdir");
    const r = prepareUserDir({ userDir, packageRoot: REPO_ROOT, port: 18999, flows });
    assert.strictEqual(r.flows, "written");
    assert.strictEqual(fs.realpathSync(path.join(userDir, "node_modules", PACKAGE_NAME)), fs.realpathSync(REPO_ROOT));
    const settings = require(r.settingsFile) as Record<string, unknown>;
    const secret = fs.readFileSync(r.credentialSecretFile, "utf8").trim();
    assert.deepStrictEqual(settings, demoSettings(18999, secret));
    assert.deepStrictEqual([settings.uiHost, settings.uiPort], ["127.0.0.1", 18999]);
    assert.deepStrictEqual((settings.editorTheme as { palette: unknown }).palette, { catalogues: [] });
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(r.flowsFile, "utf8")), flows);
    assert.strictEqual(
      prepareUserDir({ userDir, packageRoot: REPO_ROOT, port: 18999, flows: [] }).flows,
      "written",
      "unchanged demo flows are replaced",
    );
  });

  it("refuses to replace a real folder where the package link goes", () => {
    const userDir = path.join(tmp.path, "userdir");
    fs.mkdirSync(path.join(userDir, "node_modules", PACKAGE_NAME, "lib"), { recursive: true });
    assert.throws(
      () => prepareUserDir({ userDir, packageRoot: REPO_ROOT, port: 18999, flows }),
      /node-red-contrib-velocitycollector: exists and is not the demo's link/,
    );
    assert.ok(fs.existsSync(path.join(userDir, "node_modules", PACKAGE_NAME, "lib")), "the folder is left alone");
  });
});

describe("the demo's Node-RED credentials (flows_cred.json)", function () {
  this.timeout(90_000);
  const tmp = useTmpDir("vc-demo-credentials-");

  it("are encrypted with a secret generated once in the demo's user folder (owner-only), never in settings.js", () => {
    const userDir = path.join(tmp.path, "userdir");
    const first = prepareUserDir({ userDir, packageRoot: REPO_ROOT, port: 18999, flows: [] });
    const secret = fs.readFileSync(first.credentialSecretFile, "utf8").trim();
    assert.strictEqual(first.credentialSecretFile, path.join(userDir, CREDENTIAL_SECRET_FILE));
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.strictEqual(fs.statSync(first.credentialSecretFile).mode & 0o777, 0o600);
    const settings = require(first.settingsFile) as Record<string, unknown>;
    assert.strictEqual(settings.credentialSecret, secret);
    assert.ok(
      !fs.readFileSync(first.settingsFile, "utf8").includes(secret),
      "the secret is not written into settings.js",
    );
    prepareUserDir({ userDir, packageRoot: REPO_ROOT, port: 18999, flows: [] });
    assert.strictEqual(fs.readFileSync(first.credentialSecretFile, "utf8").trim(), secret, "kept across restarts");
  });

  it("a vault master password deployed in the demo's Node-RED is stored encrypted", async () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, "dist", "nodes")), "npm run build first");
    const userDir = path.join(tmp.path, "running");
    const port = await freePort();
    prepareUserDir({ userDir, packageRoot: REPO_ROOT, port, flows: [] });
    const planted = "planted-master-9f3c1e";
    const red = startProcess(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules", "node-red", "red.js"), "--userDir", userDir, "--port", String(port)],
      { cwd: userDir, env: { VCOLLECTOR_HOME: path.join(tmp.path, "home") } },
    );
    try {
      const url = `http://127.0.0.1:${port}/`;
      await waitForOutput(red, /Started flows|Server now running/, 60_000);
      const res = await fetch(`${url}flows`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
        body: JSON.stringify([
          { id: "t1", type: "tab", label: "vault" },
          { id: "v1", type: "vc-vault-config", name: "vault", credentials: { masterPassword: planted } },
        ]),
      });
      assert.ok(res.ok, `deploy: HTTP ${res.status} ${await res.text()}\n${red.output()}`);
      const credFile = path.join(userDir, "flows_cred.json");
      for (let i = 0; i < 40 && !fs.existsSync(credFile); i++) await new Promise((r) => setTimeout(r, 250));
      const stored = JSON.parse(fs.readFileSync(credFile, "utf8")) as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(stored), ["$"], "Node-RED's encrypted form: one '$' field");
      assert.deepStrictEqual(findSecretsInText(fs.readFileSync(credFile, "utf8"), [planted]), []);
      for (const f of fs.readdirSync(userDir).filter((f) => fs.statSync(path.join(userDir, f)).isFile()))
        assert.deepStrictEqual(findSecretsInText(fs.readFileSync(path.join(userDir, f), "utf8"), [planted]), [], f);
    } finally {
      await red.stop();
    }
  });
});

describe("the demo's TextFSM templates (the bundled ntc-templates)", function () {
  this.timeout(120_000);
  const tmp = useTmpDir("vc-demo-templates-");

  it("parse every command the examples parse, on every lab device it runs on (no NET_TEXTFSM, nothing to install)", async () => {
    const source = resolveTemplateSource({ env: {} });
    assert.strictEqual(source.kind, "bundled");
    const jobs: Array<{ example: string; role: string; commands: string[] }> = [];
    for (const e of readExampleFlows(EXAMPLES_DIR)) {
      const byId = new Map(e.nodes.map((n) => [n.id, n]));
      for (const collect of e.nodes.filter((n) => n.type === "vc-collect")) {
        const parsed = (collect.wires?.[0] ?? []).some((id) => byId.get(id)?.type === "vc-textfsm");
        const source = e.nodes.find(
          (n) => n.type === "vc-device-source" && (n.wires ?? []).flat().includes(collect.id),
        );
        if (parsed && source)
          jobs.push({
            example: e.title,
            role: String(source.role ?? ""),
            commands: String(collect.commands).split("\n"),
          });
      }
    }
    assert.ok(jobs.length >= 3, JSON.stringify(jobs));

    const home = resolveHome(tmp.path);
    const demo = await startDemo({ home, masterPassword: "demo-templates-test", latencyMs: 0, jitterMs: 0 });
    const vault = Vault.open(home.vaultDb);
    const inv = Inventory.open(home.dcimDb);
    try {
      vault.unlock("demo-templates-test");
      assert.strictEqual(demo.inventoryDevices, 20);
      const problems: string[] = [];
      for (const job of jobs) {
        const devices = inv.listDevices(job.role ? { role: job.role } : {});
        assert.ok(devices.length >= 10, `${job.example}: ${devices.length} devices`);
        await runCollection({
          devices,
          commands: job.commands,
          captureType: "demo-templates",
          credentials: vault,
          concurrency: 20,
          jitterMs: 0,
          hostKeys: { policy: "tofu", store: new KnownHostsStore(home.knownHosts) },
          onDeviceResult: (r) => {
            if (r.status !== "ok") problems.push(`${job.example}: ${r.device.name} ${r.status} ${r.error ?? ""}`);
            for (const c of r.commands) {
              const out = parseText(
                { text: c.output, mode: "index", platform: r.device.platform, command: c.command },
                { source },
              );
              if (out.status !== "ok")
                problems.push(
                  `${job.example}: ${r.device.name} '${c.command}' gave ${out.status} ${out.records.length} records (${out.templates.join(",")}) ${out.error ?? ""}`,
                );
            }
          },
        });
      }
      assert.deepStrictEqual(problems, []);
    } finally {
      inv.close();
      vault.close();
      await demo.stop();
    }
  });
});

/** Lab devices as the demo prints them: `  <name> <platform> ssh -p <port> admin@<host>`. */
function printedDevices(output: string): Array<{ name: string; platform: string; host: string; port: number }> {
  return [...output.matchAll(/^\s+(\S+)\s+(\S+)\s+ssh -p (\d+) admin@(127\.\d+\.\d+\.\d+)$/gm)].map((m) => ({
    name: m[1],
    platform: m[2],
    port: Number(m[3]),
    host: m[4],
  }));
}

/** The SSH server's identification line, or the connection error code. */
function sshBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(5000, () => {
      sock.destroy();
      resolve("timeout");
    });
    sock.once("data", (d: Buffer) => {
      sock.destroy();
      resolve(d.toString("latin1").split("\r\n")[0]);
    });
    sock.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the demo (npm start) running the examples unchanged against the lab", function () {
  this.timeout(180_000);
  let dir: string;
  let demo: RunningDemo | undefined;
  let comms: NodeRedComms | undefined;

  before(async function () {
    this.timeout(150_000);
    dir = makeTmpDir("vc-demo-e2e-");
    demo = await startDemoProcess(dir);
    comms = await NodeRedComms.connect(demo.url);
  });
  after(async () => {
    comms?.close();
    await demo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed" && demo)
      console.log(demo.started.output().split("\n").slice(-40).join("\n"));
  });

  const node = (title: string, type: string, name: string): FlowNodeJson => nodeNamed(readExample(title), type, name);
  const messagesOf = (title: string, debugName: string) => comms!.values(node(title, "debug", debugName).id);
  const statusOf = (title: string, type: string, name: string) => comms!.status.get(node(title, type, name).id);
  const press = (title: string, injectName: string) => pressInject(demo!.url, node(title, "inject", injectName).id);

  it("starts the lab (20 devices, 4 platforms, SSH on 127.0.0.x), the demo vault and the inventory of the lab", async () => {
    const out = demo!.started.output();
    const devices = printedDevices(out);
    assert.strictEqual(devices.length, 20, out);
    assert.deepStrictEqual([...new Set(devices.map((d) => d.platform))].sort(), [...DEMO_PLATFORMS].sort());
    for (const d of [devices[0], devices[7], devices[19]])
      assert.match(await sshBanner(d.host, d.port), /^SSH-2\.0-/, `${d.name} ${d.host}:${d.port}`);
    assert.match(out, new RegExp(`master password: ${DEMO_PASSWORD}`));
    assert.match(out, /start: TextFSM templates: /);

    const vault = Vault.open(path.join(demo!.home, "vault.db"));
    try {
      vault.unlock(DEMO_PASSWORD);
      const lab = vault.get(DEMO_CREDENTIAL);
      assert.deepStrictEqual([lab.username, lab.password, lab.enableSecret], ["admin", "admin", "lab-enable"]);
      assert.strictEqual(vault.getDefault()?.name, DEMO_CREDENTIAL);
    } finally {
      vault.close();
    }
    const inv = Inventory.open(path.join(demo!.home, "dcim.db"));
    try {
      const rows = inv
        .listDevices()
        .map((d) => `${d.name} ${d.platform} ${d.host}:${d.port} ${d.credentialName}`)
        .sort();
      assert.deepStrictEqual(
        rows,
        devices.map((d) => `${d.name} ${d.platform} ${d.host}:${d.port} ${DEMO_CREDENTIAL}`).sort(),
      );
    } finally {
      inv.close();
    }
    const settings = fs.readFileSync(path.join(demo!.userDir, "settings.js"), "utf8");
    assert.match(settings, /"uiHost": "127\.0\.0\.1"/);
    assert.match(settings, /"catalogues": \[\]/);
  });

  // Runs first: any collection remembers the working credentials, which is what coverage counts.
  it("Credential discovery: each device reports the credential that worked, and the inventory's coverage goes from 0 to 100 %", async () => {
    const title = "Credential discovery";
    await press(title, "coverage");
    const before = (await comms!.waitFor("coverage", () => messagesOf(title, "coverage")[0])) as Record<string, number>;
    assert.deepStrictEqual(before, { devices: 20, working: 0, failed: 0, untested: 20, coveragePercent: 0 });

    await press(title, "test credentials");
    const perDevice = (await comms!.waitFor("20 per-device results", () => {
      const m = messagesOf(title, "per device");
      return m.length >= 20 ? m : undefined;
    })) as Array<Record<string, unknown>>;
    assert.strictEqual(new Set(perDevice.map((d) => d.device)).size, 20);
    for (const d of perDevice)
      assert.deepStrictEqual([d.status, d.credential], ["ok", DEMO_CREDENTIAL], JSON.stringify(d));
    const after = (await comms!.waitFor("coverage after discovery", () => messagesOf(title, "coverage")[1])) as Record<
      string,
      number
    >;
    assert.deepStrictEqual(after, { devices: 20, working: 20, failed: 0, untested: 0, coveragePercent: 100 });
    assert.ok(!fs.existsSync(path.join(demo!.home, "collections", "discovery")), "discovery saves no captures");
    assert.deepStrictEqual(comms!.errors, []);
  });

  it("Collect and parse: all 20 devices collected, every output parsed, one JSON file per device", async () => {
    const title = "Collect and parse";
    await press(title, "collect now");
    const summary = (await comms!.waitFor("run summary", () => messagesOf(title, "run summary")[0])) as Record<
      string,
      unknown
    >;
    assert.deepStrictEqual(
      [summary.status, summary.total, summary.ok, summary.failed],
      ["success", 20, 20, 0],
      JSON.stringify(summary),
    );
    assert.deepStrictEqual(statusOf(title, "vc-collect", "collect"), {
      fill: "green",
      shape: "dot",
      text: "20/20 ✓20 ✗0",
    });

    const parsed = (await comms!.waitFor("20 parsed records messages", () => {
      const m = messagesOf(title, "parsed records");
      return m.length >= 20 ? m : undefined;
    })) as ParsedResult[][];
    assert.strictEqual(parsed.length, 20);
    const devices = new Set<string>();
    for (const results of parsed) {
      assert.deepStrictEqual(
        results.map((r) => r.command),
        ["show version", "show lldp neighbors"],
      );
      for (const r of results) {
        assert.strictEqual(r.status, "ok", `${r.device} ${r.command}: ${r.status} ${r.error ?? ""}`);
        assert.ok(
          r.recordCount > 0 && r.records.length === r.recordCount,
          `${r.device} ${r.command}: ${r.recordCount} records`,
        );
        assert.match(
          r.templates.join(","),
          new RegExp(`^(demo_)?${r.platform}_show_(version|lldp_neighbors)\\.textfsm$`),
        );
      }
      devices.add(results[0].device);
    }
    assert.strictEqual(devices.size, 20);

    await comms!.waitFor(
      "export status",
      () => statusOf(title, "vc-export", "export JSON")?.text?.includes("1 file") || undefined,
    );
    const exportDir = path.join(demo!.home, "exports", "collect-and-parse");
    await comms!.waitFor(
      "20 export files",
      () => (fs.existsSync(exportDir) && fs.readdirSync(exportDir).length === 20) || undefined,
    );
    for (const name of devices) {
      const doc = JSON.parse(fs.readFileSync(path.join(exportDir, `${name}.json`), "utf8")) as {
        results: Array<{ device: string; command: string; records: unknown[] }>;
      };
      assert.deepStrictEqual(
        doc.results.map((r) => [r.device, r.command, r.records.length > 0]),
        [
          [name, "show version", true],
          [name, "show lldp neighbors", true],
        ],
      );
      assert.ok(fs.statSync(path.join(demo!.home, "collections", "facts", `${name}.txt`)).size > 100);
    }
    assert.deepStrictEqual(comms!.errors, []);
  });

  it("Search captures: NTP lines of every switch, the ESX ports by regex, and the all-clear for a public SNMP community", async () => {
    const title = "Search captures";
    await press(title, "collect configs");
    const ntp = (await comms!.waitFor("ntp lines", () => messagesOf(title, "ntp lines")[0])) as Array<{
      device: string;
      captureType: string;
      line: string;
      lineNumber: number;
    }>;
    assert.strictEqual(new Set(ntp.map((m) => m.device)).size, 10, JSON.stringify(ntp));
    for (const m of ntp) {
      assert.match(m.device, /^(eos|nxos)-sw-\d+$/);
      assert.strictEqual(m.captureType, "configs");
      assert.match(m.line, /^ntp server /);
      assert.ok(m.lineNumber > 1);
    }
    assert.deepStrictEqual(messagesOf(title, "ALERT: no NTP server"), []);

    await press(title, "ESX ports");
    const esx = (await comms!.waitFor("ESX-facing lines", () => messagesOf(title, "ESX-facing lines")[0])) as Array<{
      device: string;
      line: string;
    }>;
    assert.ok(esx.length >= 10);
    for (const m of esx) assert.match(m.line, /description esx-\d+/);

    await press(title, "public SNMP?");
    assert.deepStrictEqual(
      await comms!.waitFor("no public community", () => messagesOf(title, "no public community")[0]),
      [],
    );
    assert.deepStrictEqual(messagesOf(title, "ALERT: public community"), []);
    assert.deepStrictEqual(comms!.errors, []);
  });

  it("Daily batch: job 1 (MAC tables of the switches, one CSV), a delay, job 2 (versions of all devices, one JSON)", async () => {
    const title = "Daily batch";
    await press(title, "every day at 02:00");
    const job1 = (await comms!.waitFor("job 1 files", () => messagesOf(title, "job 1 files")[0])) as Array<{
      path: string;
      recordCount: number;
    }>;
    assert.strictEqual(job1.length, 1);
    assert.match(job1[0].path, /exports[\\/]daily[\\/]mac-table_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(job1[0].path, "utf8").trim().split(/\r?\n/);
    assert.match(csv[0], /^device,command,/);
    assert.strictEqual(
      new Set(csv.slice(1).map((l) => l.split(",")[0])).size,
      10,
      "one CSV holds the MAC tables of all 10 switches",
    );

    const job2 = (await comms!.waitFor("job 2 files", () => messagesOf(title, "job 2 files")[0], 90_000)) as Array<{
      path: string;
    }>;
    assert.match(job2[0].path, /exports[\\/]daily[\\/]versions_\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(fs.readFileSync(job2[0].path, "utf8")) as {
      results: Array<{ device: string; command: string }>;
    };
    assert.strictEqual(new Set(doc.results.map((r) => r.device)).size, 20);
    const finished = (await comms!.waitFor("batch finished", () => messagesOf(title, "batch finished")[0])) as Record<
      string,
      unknown
    >;
    assert.deepStrictEqual([finished.status, finished.total], ["success", 20]);
    assert.deepStrictEqual(messagesOf(title, "batch stopped"), []);
    assert.deepStrictEqual(comms!.errors, []);
  });

  it("Daily batch stops after job 1 when a switch fails, and job 2 does not run", async () => {
    const title = "Daily batch";
    const closedPort = await freePort();
    const inv = Inventory.open(path.join(demo!.home, "dcim.db"));
    const victim = inv.listDevices().find((d) => d.role === "switch")!;
    inv.updateDevice(victim.name, { port: closedPort });
    inv.close();
    try {
      const finishedBefore = messagesOf(title, "batch finished").length;
      await press(title, "every day at 02:00");
      const stopped = (await comms!.waitFor(
        "batch stopped",
        () => messagesOf(title, "batch stopped")[0],
        90_000,
      )) as Record<string, unknown>;
      assert.notStrictEqual(stopped.status, "success");
      assert.deepStrictEqual([stopped.total, stopped.failed], [10, 1], JSON.stringify(stopped));
      await new Promise((r) => setTimeout(r, 8000)); // longer than the batch's delay: job 2 would have started
      assert.strictEqual(messagesOf(title, "batch finished").length, finishedBefore, "job 2 ran after a failed job 1");
      assert.match(statusOf(title, "vc-collect", "job 1: MAC tables")?.text ?? "", /^10\/10 ✓9 ✗1$/);
    } finally {
      const restore = Inventory.open(path.join(demo!.home, "dcim.db"));
      restore.updateDevice(victim.name, { port: victim.port });
      restore.close();
    }
  });
});

describe("the demo's lifecycle", function () {
  this.timeout(180_000);
  const tmp = useTmpDir("vc-demo-life-");
  let running: RunningDemo | undefined;
  let raw: Started | undefined;
  afterEach(async () => {
    await running?.stop();
    await raw?.stop();
    running = undefined;
    raw = undefined;
  });

  it("Ctrl-C (SIGINT) stops Node-RED and the lab, and exits 0", async () => {
    running = await startDemoProcess(tmp.path);
    const out = running.started.output();
    const redPid = Number(/Node-RED pid (\d+)/.exec(out)?.[1]);
    assert.ok(redPid > 0 && pidAlive(redPid), out);
    const devices = printedDevices(out);
    assert.match(await sshBanner(devices[0].host, devices[0].port), /^SSH-2\.0-/);

    running.started.child.kill("SIGINT");
    assert.strictEqual(await waitForExit(running.started, 20_000), 0);
    assert.match(running.started.output(), /start: SIGINT, stopping Node-RED/);
    assert.ok(!pidAlive(redPid), `Node-RED (pid ${redPid}) is still running`);
    for (const d of devices)
      assert.strictEqual(await sshBanner(d.host, d.port), "ECONNREFUSED", `${d.name} still listens`);
    await assert.rejects(fetch(running.url), "the editor still answers");
  });

  it("keeps flows the user deployed when restarted; --reset-flows deploys the examples again", async () => {
    running = await startDemoProcess(tmp.path);
    const flowsFile = path.join(running.userDir, "flows.json");
    const deployed = JSON.parse(fs.readFileSync(flowsFile, "utf8")) as FlowNodeJson[];
    assert.deepStrictEqual(
      deployed.map((n) => n.id).sort(),
      demoFlows(readExampleFlows(EXAMPLES_DIR))
        .map((n) => n.id)
        .sort(),
    );
    await running.stop();

    const mine = JSON.stringify([{ id: "my-tab", type: "tab", label: "my own flow" }]);
    fs.writeFileSync(flowsFile, mine);
    running = await startDemoProcess(tmp.path);
    assert.match(running.started.output(), /keeping the flows you deployed/);
    assert.strictEqual(fs.readFileSync(flowsFile, "utf8"), mine);
    const res = await fetch(new URL("flows", running.url), { headers: { "Node-RED-API-Version": "v1" } });
    assert.deepStrictEqual(
      ((await res.json()) as FlowNodeJson[]).map((n) => n.id),
      ["my-tab"],
    );
    await running.stop();

    running = await startDemoProcess(tmp.path, { args: ["--reset-flows"] });
    assert.match(running.started.output(), /deployed .*"Collect and parse"/);
    assert.ok(fs.readFileSync(flowsFile, "utf8").includes('"Daily batch"'));
  });

  it("refuses a vault made with another master password, with a message that says what to do", async () => {
    running = await startDemoProcess(tmp.path);
    await running.stop();
    raw = startProcess(
      process.execPath,
      [START_SCRIPT, "--dir", tmp.path, "--port", String(await freePort()), "--no-build"],
      { cwd: REPO_ROOT, env: { VC_DEMO_VAULT_PASS: "another-password-1" } },
    );
    assert.strictEqual(await waitForExit(raw, 60_000), 1);
    assert.match(raw.output(), /vault\.db: this demo vault was created with another master password/);
    assert.doesNotMatch(raw.output(), /another-password-1/);
  });

  it("refuses a port in use and unknown options with clear messages", async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      raw = startProcess(process.execPath, [START_SCRIPT, "--dir", tmp.path, "--port", String(port), "--no-build"], {
        cwd: REPO_ROOT,
      });
      assert.strictEqual(await waitForExit(raw, 30_000), 1);
      assert.match(raw.output(), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      blocker.close();
    }
    raw = startProcess(process.execPath, [START_SCRIPT, "--frobnicate"], { cwd: REPO_ROOT });
    assert.strictEqual(await waitForExit(raw, 30_000), 2);
    assert.match(raw.output(), /unknown option --frobnicate[\s\S]*usage: npm start/);
    assert.ok(!fs.existsSync(path.join(tmp.path, "home")), "nothing was started");
  });

  it("prints its usage with --help", async () => {
    raw = startProcess(process.execPath, [START_SCRIPT, "--help"], { cwd: REPO_ROOT });
    assert.strictEqual(await waitForExit(raw, 30_000), 0);
    await waitForOutput(raw, /--reset-flows/, 1000);
  });
});
