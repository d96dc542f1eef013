import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/cli";
import { startDemoProcess, type RunningDemo } from "../support/demo";
import { useTmpDir } from "../support/tmp";

const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  "node-red": { nodes: Record<string, string> };
};
const VC_TYPES = Object.keys(PACKAGE["node-red"].nodes);

describe("npm start", function () {
  this.timeout(120_000);
  const tmp = useTmpDir();
  let demo: RunningDemo | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it("serves the editor on 127.0.0.1, GET /nodes lists every vc type of the package, and the example flows start", async () => {
    demo = await startDemoProcess(tmp.path);
    const editor = await fetch(demo.url);
    assert.strictEqual(editor.status, 200);
    assert.match(await editor.text(), /Node-RED/);
    const res = await fetch(new URL("nodes", demo.url), { headers: { Accept: "application/json" } });
    assert.strictEqual(res.status, 200);
    const sets = (await res.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>;
    const ours = sets.filter((s) => s.module === PACKAGE.name);
    const types = ours.flatMap((s) => s.types);
    assert.ok(VC_TYPES.length >= 6, VC_TYPES.join(", "));
    for (const t of VC_TYPES)
      assert.ok(types.includes(t), `${t} missing from /nodes: ${JSON.stringify(ours)}\n${demo.started.output()}`);
    for (const s of ours) assert.ok(s.enabled && !s.err, `node set failed to load: ${JSON.stringify(s)}`);

    const out = demo.started.output();
    assert.match(out, /Started flows/);
    assert.doesNotMatch(out, /Waiting for missing types|\[error\]/, out);
  });
});
