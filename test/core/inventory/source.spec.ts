import * as assert from "node:assert";
import * as path from "node:path";
import type { Device } from "../../../lib/core/types";
import {
  effectiveFilter,
  messagePerDevice,
  netboxServerFilter,
  parseSourceSettings,
} from "../../../lib/core/inventory";
import { resolveHome } from "../../../lib/core/home";

describe("device source settings (vc-device-source's core)", () => {
  it("defaults the SQLite source to the data home's dcim.db", () => {
    const home = resolveHome(undefined, { VCOLLECTOR_HOME: "/srv/vc" });
    const c = parseSourceSettings({ source: "sqlite" }, home);
    assert.strictEqual(c.path, path.resolve("/srv/vc/dcim.db"));
    assert.strictEqual(parseSourceSettings({}, home).source, "sqlite");
  });

  it("names the field of every bad setting", () => {
    const cases: Array<[Parameters<typeof parseSourceSettings>[0], RegExp]> = [
      [{ source: "ldap" }, /source: unknown source 'ldap'/],
      [{ source: "csv" }, /path: the CSV source needs the path of a CSV file/],
      [{ source: "inline", inline: "" }, /inline: the inline source needs a JSON list of devices/],
      [{ source: "inline", inline: "[{" }, /inline: not valid JSON/],
      [
        { source: "inline", inline: '[{"name": "r1", "platform": "cisco_ios"}]' },
        /inline\[0\]\.host: a host is required/,
      ],
      [{ source: "netbox", netboxToken: "t" }, /netboxUrl: the NetBox source needs the NetBox URL/],
      [{ source: "netbox", netboxUrl: "http://127.0.0.1:1" }, /netboxToken: the NetBox source needs an API token/],
      [
        { source: "netbox", netboxUrl: "http://127.0.0.1:1", netboxToken: "t", netboxTimeout: "soon" },
        /netboxTimeout: must be a number of seconds, got 'soon'/,
      ],
      [
        { source: "netbox", netboxUrl: "http://127.0.0.1:1", netboxToken: "t", platformMap: "[1]" },
        /platformMap: must be a JSON object/,
      ],
      [
        { source: "netbox", netboxUrl: "http://127.0.0.1:1", netboxToken: "t", platformMap: '{"ios": 5}' },
        /platformMap\.ios: must be a platform name/,
      ],
      [{ source: "netbox", netboxUrl: "netbox.local", netboxToken: "t" }, /netbox\.url: 'netbox\.local' is not a URL/],
      [{ source: "msg", filter: { name: "*" } }, /filter\.name: '\*' is not a valid regular expression/],
    ];
    for (const [raw, re] of cases)
      assert.throws(() => parseSourceSettings(raw, { dcimDb: "/srv/vc/dcim.db" }), re, JSON.stringify(raw));
  });

  it("merges msg.filter over the configured filter field by field; an empty string clears a field", () => {
    const configured = { site: "dc1", role: "core", manufacturer: "cisco", limit: 5 };
    assert.deepStrictEqual(effectiveFilter(configured, undefined), configured);
    assert.deepStrictEqual(effectiveFilter(configured, { site: "dc2", name: "^r" }), {
      site: "dc2",
      role: "core",
      manufacturer: "cisco",
      limit: 5,
      name: "^r",
    });
    assert.deepStrictEqual(effectiveFilter(configured, { role: "", vendor: "", limit: "" }), { site: "dc1" });
    assert.throws(() => effectiveFilter(configured, { limit: -1 }), /msg\.filter\.limit/);
  });

  it("sends NetBox only the slug-shaped site, role, status and tag (never the mapped platform)", () => {
    assert.deepStrictEqual(
      netboxServerFilter({
        site: "nyc-1",
        role: "Core Router",
        status: "active",
        tag: "pci",
        platform: "cisco_ios",
        name: "^r",
        limit: 3,
      }),
      { site: "nyc-1", status: "active", tag: "pci" },
    );
  });

  it("makes one message per device with split-style parts, keeping an outer parts stack", () => {
    const devices = [{ name: "a" }, { name: "b" }, { name: "c" }] as Device[];
    const msgs = messagePerDevice(
      devices,
      () => ({ topic: "t", parts: { id: "outer", index: 4, count: 9 } as unknown }),
      "p1",
    );
    assert.deepStrictEqual(
      msgs.map((m) => [(m.payload as Device).name, m.parts.index, m.parts.count, m.parts.id, m.parts.type, m.topic]),
      [
        ["a", 0, 3, "p1", "array", "t"],
        ["b", 1, 3, "p1", "array", "t"],
        ["c", 2, 3, "p1", "array", "t"],
      ],
    );
    assert.deepStrictEqual(msgs[0].parts.parts, { id: "outer", index: 4, count: 9 });
    assert.deepStrictEqual(
      messagePerDevice([], () => ({}), "p2"),
      [],
    );
  });
});
