import * as assert from "node:assert";
import * as path from "node:path";
import { REPO_ROOT } from "../support/cli";
import { freePort, waitForHttp } from "../support/net";
import { startProcess, type Started } from "../support/process";
import { useTmpDir } from "../support/tmp";

const VC_TYPES = ["vc-vault-config", "vc-device-source", "vc-collect", "vc-textfsm", "vc-export"];

describe("npm start", function () {
  this.timeout(90000);
  const tmp = useTmpDir();
  let started: Started | undefined;
  afterEach(async () => {
    await started?.stop();
    started = undefined;
  });

  it("serves the editor on 127.0.0.1 and GET /nodes lists the five vc types", async () => {
    const port = await freePort();
    started = startProcess(process.execPath, [path.join(REPO_ROOT, "scripts", "start.js"), "--port", String(port), "--dir", tmp.path], { cwd: REPO_ROOT });
    await waitForHttp(`http://127.0.0.1:${port}/`, 60000);
    const editor = await fetch(`http://127.0.0.1:${port}/`);
    assert.strictEqual(editor.status, 200);
    assert.match(await editor.text(), /Node-RED/);
    const res = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { Accept: "application/json" } });
    assert.strictEqual(res.status, 200);
    const sets = (await res.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>;
    const ours = sets.filter((s) => s.module === "node-red-contrib-velocitycollector");
    const types = ours.flatMap((s) => s.types);
    for (const t of VC_TYPES) assert.ok(types.includes(t), `${t} missing from /nodes: ${JSON.stringify(ours)}\n${started.output()}`);
    for (const s of ours) assert.ok(s.enabled && !s.err, `node set failed to load: ${JSON.stringify(s)}`);
  });
});
