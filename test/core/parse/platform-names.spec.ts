import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseText, resolveTemplateSource } from "../../../lib/core/parse";

const SHOW_VERSION = fs.readFileSync(
  path.join(__dirname, "..", "..", "..", "lib", "lab", "responses", "cisco_ios", "show_version", "default.txt"),
  "utf8",
);

describe("parse stage: device platforms through the catalogue's ntc names", () => {
  const source = resolveTemplateSource({ env: {} });

  it("an IOS-XE device (platform cisco_xe) parses with the ntc cisco_ios templates", () => {
    const out = parseText(
      { text: SHOW_VERSION, mode: "index", platform: "cisco_xe", command: "show version" },
      { source },
    );
    assert.strictEqual(out.status, "ok", out.error);
    assert.deepStrictEqual(out.templates, ["cisco_ios_show_version.textfsm"]);
    assert.ok(out.records.length > 0);
  });

  it("an unknown platform is passed on as it is and fails with no_template", () => {
    const out = parseText(
      { text: SHOW_VERSION, mode: "index", platform: "acme_os", command: "show version" },
      { source },
    );
    assert.strictEqual(out.status, "no_template");
    assert.match(out.error ?? "", /acme_os/);
  });
});
