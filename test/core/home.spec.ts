import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { homePaths, resolveHome } from "../../lib/core/home";

const ROOT = path.resolve(__dirname, "..", "..");

describe("data home: resolved by the entry points, never by the core", () => {
  it("no module under lib/ falls back to VCOLLECTOR_HOME or ~/.vcollector (resolveHome is only for cli/ and nodes/)", () => {
    const callers = fs
      .readdirSync(path.join(ROOT, "lib"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => path.join(e.parentPath, e.name))
      .filter((f) => f !== path.join(ROOT, "lib", "core", "home.ts"))
      .filter((f) => /\bresolveHome\(/.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f));
    assert.deepStrictEqual(callers, []);
  });

  it("homePaths names the files of the given home; resolveHome picks explicit, then the environment", () => {
    assert.strictEqual(homePaths("/srv/vc").knownHosts, path.resolve("/srv/vc/known_hosts"));
    assert.strictEqual(resolveHome("/a", { VCOLLECTOR_HOME: "/b" }).root, path.resolve("/a"));
    assert.strictEqual(resolveHome(undefined, { VCOLLECTOR_HOME: "/b" }).root, path.resolve("/b"));
  });
});
