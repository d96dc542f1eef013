import Database from "better-sqlite3";
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  checkChangeSettings,
  loadChangeSettings,
  openVersionStore,
  rulesFromSettings,
  runVersionRecorder,
  VERSION_GROUP_CHARS,
  significantText,
  VersionStore,
  DEFAULT_CHANGE_SETTINGS,
  type ChangeSettings,
} from "../../../lib/core/changes";
import { volatileFor } from "../../../lib/core/changes/platform-rules";
import { historyCapturePath, latestCapturePath } from "../../../lib/core/captures/layout";
import { useTmpDir } from "../../support/tmp";

const SECRET = "Enable-Secret-Planted-77f1";

function iosConfig(opts: { clock: string; drift: number; description: string }): string {
  return [
    "Building configuration...",
    "",
    "Current configuration : 4218 bytes",
    "!",
    `! Last configuration change at ${opts.clock} by admin`,
    "!",
    "hostname r1",
    `enable secret 9 ${SECRET}`,
    "!",
    "interface GigabitEthernet0/0/1",
    ` description ${opts.description}`,
    "!",
    `ntp clock-period ${opts.drift}`,
    "end",
    "",
  ].join("\n");
}

function store(collections: string, settings: Partial<ChangeSettings> = {}, now?: () => Date): VersionStore {
  const s = { ...DEFAULT_CHANGE_SETTINGS, ...settings };
  return VersionStore.open(collections, { settings: s, rulesFor: rulesFromSettings(s), now });
}

/** The texts the store holds (sha256 of each), read from its database by a second connection. */
function storedObjects(collections: string): string[] {
  const db = new Database(path.join(collections, ".versions", "versions.db"), { readonly: true });
  try {
    return (db.prepare("SELECT sha256 FROM version_objects ORDER BY sha256").all() as Array<{ sha256: string }>).map(
      (r) => r.sha256,
    );
  } finally {
    db.close();
  }
}

describe("capture versions", () => {
  const tmp = useTmpDir("vc-versions-");

  it("significant text drops the platform's volatile lines and trailing blanks", () => {
    const text = iosConfig({ clock: "10:00:00 UTC Mon Dec 7 2026", drift: 17179001, description: "LAN" });
    const sig = significantText(text, volatileFor("cisco_ios"));
    assert.ok(!sig.includes("Last configuration change"));
    assert.ok(!sig.includes("ntp clock-period"));
    assert.ok(!sig.includes("Current configuration"));
    assert.ok(sig.includes(" description LAN\n"));
  });

  it("an unchanged capture adds no version and no object; a real change is a new version with a diff", () => {
    const vs = store(tmp.path);
    const recordR1 = (config: Parameters<typeof iosConfig>[0], runId: string) =>
      vs.record({ captureType: "configs", deviceName: "r1", platform: "cisco_ios", content: iosConfig(config), runId });
    try {
      const a = recordR1({ clock: "10:00:00 UTC Mon Dec 7 2026", drift: 17179001, description: "LAN core" }, "run-1");
      assert.strictEqual(a.status, "new");
      assert.strictEqual(a.version.version, 1);
      const b = recordR1({ clock: "11:11:11 UTC Mon Dec 7 2026", drift: 17179999, description: "LAN core" }, "run-2");
      assert.strictEqual(b.status, "unchanged");
      assert.strictEqual(b.version.seen, 2);
      assert.strictEqual(b.version.lastRunId, "run-2");
      assert.strictEqual(storedObjects(tmp.path).length, 1);
      const c = recordR1(
        { clock: "12:00:00 UTC Mon Dec 7 2026", drift: 17179500, description: "LAN core CHG-42" },
        "run-3",
      );
      assert.strictEqual(c.status, "changed");
      assert.strictEqual(c.version.version, 2);
      assert.strictEqual(c.previous?.version, 1);
      assert.deepStrictEqual([c.version.added, c.version.removed], [1, 1]);
      assert.strictEqual(storedObjects(tmp.path).length, 2);
      assert.strictEqual(vs.createdByRun("configs", "r1", "run-3")?.version, 2);
      assert.strictEqual(vs.createdByRun("configs", "r1", "run-2"), undefined);

      const d = vs.diff("configs", "r1");
      assert.strictEqual(d.status, "changed");
      assert.match(d.diff, /^\+ description LAN core CHG-42$/m);
      assert.match(d.diff, /^- description LAN core$/m);
      assert.ok(!/clock-period|Last configuration change/.test(d.diff), d.diff);
      assert.deepStrictEqual([d.from?.version, d.to.version], [1, 2]);
      // the full stored text keeps the volatile lines
      assert.ok(vs.read(c.version).includes("ntp clock-period 17179500"));
    } finally {
      vs.close();
    }
  });

  it("diffs are redacted by default, raw on request; storage redaction masks before the object is written", () => {
    const vs = store(tmp.path);
    try {
      vs.record({ captureType: "configs", deviceName: "r1", platform: "cisco_ios", content: "hostname r1\n" });
      vs.record({
        captureType: "configs",
        deviceName: "r1",
        platform: "cisco_ios",
        content: iosConfig({ clock: "x", drift: 1, description: "d" }),
      });
      const d = vs.diff("configs", "r1");
      assert.ok(!d.diff.includes(SECRET), d.diff);
      assert.match(d.diff, /^\+enable secret 9 <redacted>$/m);
      assert.ok(vs.diff("configs", "r1", { redact: false }).diff.includes(SECRET));
    } finally {
      vs.close();
    }
    const other = path.join(tmp.path, "other");
    const redacting = store(other, { redactStorage: true });
    try {
      const r = redacting.record({
        captureType: "configs",
        deviceName: "r1",
        platform: "cisco_ios",
        content: iosConfig({ clock: "x", drift: 1, description: "d" }),
      });
      assert.ok(!redacting.read(r.version).includes(SECRET));
    } finally {
      redacting.close();
    }
  });

  it("existing captures (history copies, then the latest) become the first versions", () => {
    const at1 = new Date("2026-12-01T10:00:00Z");
    const h1 = historyCapturePath(tmp.path, "configs", "r1", at1);
    fs.mkdirSync(path.dirname(h1), { recursive: true });
    fs.writeFileSync(h1, "hostname r1\ninterface Gi1\n description old\n");
    const latest = latestCapturePath(tmp.path, "configs", "r1");
    fs.writeFileSync(latest, "hostname r1\ninterface Gi1\n description new\n");
    fs.mkdirSync(path.join(tmp.path, "arp"));
    fs.writeFileSync(latestCapturePath(tmp.path, "arp", "sw2"), "Protocol Address\n");
    const vs = store(tmp.path);
    try {
      const t = vs.timeline("configs", "r1");
      assert.deepStrictEqual(
        t.map((r) => [r.version, r.source]),
        [
          [1, "import"],
          [2, "import"],
        ],
      );
      assert.strictEqual(t[0].capturedAt, at1.toISOString());
      assert.strictEqual(vs.timeline("arp", "sw2").length, 1);
    } finally {
      vs.close();
    }
    // a second open does not import again
    const again = store(tmp.path);
    try {
      assert.strictEqual(again.timeline("configs", "r1").length, 2);
    } finally {
      again.close();
    }
  });

  it("retention keeps the newest N versions and removes objects no version uses", () => {
    const vs = store(tmp.path, { keepVersions: 2 });
    try {
      for (let i = 1; i <= 4; i++)
        vs.record({ captureType: "configs", deviceName: "r1", platform: "cisco_ios", content: `hostname r${i}\n` });
      assert.deepStrictEqual(
        vs.timeline("configs", "r1").map((r) => r.version),
        [3, 4],
      );
      assert.strictEqual(storedObjects(tmp.path).length, 2);
    } finally {
      vs.close();
    }
  });

  it("retention by days never removes the latest version", () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const vs = store(tmp.path, { keepDays: 30 }, () => now);
    try {
      vs.record({ captureType: "configs", deviceName: "r1", content: "a\n" });
      now = new Date("2026-03-01T00:00:00Z");
      vs.record({ captureType: "configs", deviceName: "r1", content: "b\n" });
      assert.deepStrictEqual(
        vs.timeline("configs", "r1").map((r) => r.version),
        [2],
      );
      now = new Date("2027-03-01T00:00:00Z");
      vs.prune("configs", "r1");
      assert.strictEqual(vs.timeline("configs", "r1").length, 1);
    } finally {
      vs.close();
    }
  });

  it("user volatile patterns from changes.yaml are ignored when comparing; bad settings name the field", () => {
    const file = path.join(tmp.path, "changes.yaml");
    fs.writeFileSync(file, "keepVersions: 5\nvolatile:\n  all: ['^! Generated ']\n");
    const settings = loadChangeSettings(file);
    assert.strictEqual(settings.keepVersions, 5);
    const vs = openVersionStore(path.join(tmp.path, "c"), { settings });
    try {
      vs.record({ captureType: "configs", deviceName: "r1", content: "! Generated 1\nhostname r1\n" });
      const r = vs.record({ captureType: "configs", deviceName: "r1", content: "! Generated 2\nhostname r1\n" });
      assert.strictEqual(r.status, "unchanged");
    } finally {
      vs.close();
    }
    assert.throws(() => checkChangeSettings({ keepDays: -1 }, "changes.yaml"), /changes\.yaml: keepDays: must be/);
    assert.throws(
      () => checkChangeSettings({ volatile: { cisco_ios: ["("] } }, "changes.yaml"),
      /changes\.yaml: volatile\.cisco_ios\[0\]: not a valid regular expression/,
    );
    assert.throws(() => checkChangeSettings({ keep: 1 }, "changes.yaml"), /unknown setting 'keep'/);
  });

  it("diff names the missing version", () => {
    const vs = store(tmp.path);
    try {
      vs.record({ captureType: "configs", deviceName: "r1", content: "a\n" });
      assert.throws(() => vs.diff("configs", "r1", { from: 7 }), /r1: no version 7 \(--from\); versions are 1\.\.1/);
      assert.throws(() => vs.diff("configs", "nope"), /nope: no versions of capture type 'configs'/);
      assert.strictEqual(vs.diff("configs", "r1").status, "new");
    } finally {
      vs.close();
    }
  });
});

describe("recordAsync (what a collection run calls)", () => {
  const tmp = useTmpDir("vc-versions-async-");

  it("stores a new version's text in the transaction that adds its row, none for an unchanged capture, with record's results", async () => {
    const collections = path.join(tmp.path, "collections");
    const s = store(collections);
    try {
      const input = { captureType: "configs", deviceName: "r1", platform: "cisco_ios" };
      const first = iosConfig({ clock: "10:00:00 UTC Mon Dec 7 2026", drift: 1, description: "LAN" });
      const a = await s.recordAsync({ ...input, content: first });
      assert.strictEqual(a.status, "new");
      assert.deepStrictEqual(storedObjects(collections), [a.version.sha256]);
      assert.match(s.read(a.version), /description LAN/);
      // only volatile lines differ: unchanged, no second object
      const again = iosConfig({ clock: "11:00:00 UTC Mon Dec 7 2026", drift: 2, description: "LAN" });
      assert.strictEqual((await s.recordAsync({ ...input, content: again })).status, "unchanged");
      assert.strictEqual(storedObjects(collections).length, 1);
      const changed = iosConfig({ clock: "12:00:00 UTC Mon Dec 7 2026", drift: 3, description: "WAN" });
      const c = await s.recordAsync({ ...input, content: changed });
      assert.strictEqual(c.status, "changed");
      assert.strictEqual(c.version.version, 2);
      assert.strictEqual(storedObjects(collections).length, 2);
      assert.match(s.read(c.version), /description WAN/);
    } finally {
      s.close();
    }
  });
});

describe("the run's version recorder", () => {
  const tmp = useTmpDir("vc-versions-run-");
  const device = { name: "r1", host: "127.0.0.1", port: 22, platform: "cisco_ios" };

  it("records each saved capture; an unusable store or a bad changes.yaml turns versions off with a logged reason", async () => {
    const lines: string[] = [];
    const rec = runVersionRecorder(path.join(tmp.path, "ok"), (l) => lines.push(l));
    assert.ok(rec);
    const r = await rec.record({
      device,
      captureType: "configs",
      content: "hostname r1\n",
      runId: "x",
      capturedAt: new Date(),
    }).recorded;
    assert.strictEqual(r?.status, "new");
    await rec.close();
    // a closed store: the failure is logged with the device, the run goes on
    assert.strictEqual(
      await rec.record({
        device,
        captureType: "configs",
        content: "hostname r2\n",
        runId: "y",
        capturedAt: new Date(),
      }).recorded,
      undefined,
    );
    assert.match(lines.join("\n"), /^r1: capture version not recorded: /m);

    const blocked = path.join(tmp.path, "blocked");
    fs.mkdirSync(blocked);
    fs.writeFileSync(path.join(blocked, ".versions"), "not a directory");
    assert.strictEqual(
      runVersionRecorder(blocked, (l) => lines.push(l)),
      undefined,
    );
    assert.match(lines.join("\n"), /capture versions off for this run: .*cannot open the version store/);

    // the settings of the home the collections folder belongs to
    const home = path.join(tmp.path, "home");
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, "changes.yaml"), "keepVersions: lots\n");
    assert.strictEqual(
      runVersionRecorder(path.join(home, "collections"), (l) => lines.push(l)),
      undefined,
    );
    assert.match(
      lines.join("\n"),
      /capture versions off for this run: .*changes\.yaml: keepVersions: must be a whole number/,
    );
  });
});

describe("group commit (a run records many captures per transaction)", () => {
  const tmp = useTmpDir("vc-versions-group-");
  const at = new Date("2026-12-07T06:00:00Z");
  const request = (name: string, content: string, runId = "run-1") => ({
    device: { name, host: "127.0.0.1", port: 22, platform: "cisco_ios" },
    captureType: "configs",
    content,
    runId,
    capturedAt: at,
  });

  it("captures saved while a group commits go in the next group: fewer transactions than captures, every version recorded", async () => {
    const collections = path.join(tmp.path, "collections");
    const rec = runVersionRecorder(collections)!;
    const groups: number[] = [];
    // Count the groups the recorder hands to the store (the store itself is real).
    const inner = (rec as unknown as { store: VersionStore }).store;
    const recordMany = inner.recordMany.bind(inner);
    inner.recordMany = (inputs) => {
      groups.push(inputs.length);
      return recordMany(inputs);
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => rec.record(request(`sw${i}`, `hostname sw${i}\n`)).recorded),
    );
    await rec.close();
    assert.ok(results.every((r) => r?.status === "new"));
    assert.strictEqual(
      groups.reduce((a, b) => a + b, 0),
      50,
    );
    assert.ok(groups.length < 50, `50 captures took ${groups.length} transactions`);
    const vs = store(collections);
    try {
      assert.strictEqual(vs.changes().length, 50);
      assert.strictEqual(storedObjects(collections).length, 50);
    } finally {
      vs.close();
    }
  });

  it("a full group holds the next capture back until it is committed (memory stays bounded for huge captures)", async () => {
    const rec = runVersionRecorder(path.join(tmp.path, "huge"))!;
    const huge = (tag: string) => `hostname ${tag}\n` + "x".repeat(VERSION_GROUP_CHARS);
    const order: string[] = [];
    const first = rec.record(request("big1", huge("big1")));
    void first.recorded.then(() => order.push("big1 recorded"));
    const second = rec.record(request("big2", huge("big2")));
    void second.queued.then(() => order.push("big2 queued"));
    const results = await Promise.all([first.recorded, second.recorded]);
    await rec.close();
    assert.deepStrictEqual(order, ["big1 recorded", "big2 queued"]);
    assert.deepStrictEqual(
      results.map((r) => r?.status),
      ["new", "new"],
    );
  });

  it("a capture that cannot be recorded fails alone: the rest of its group is recorded, the failure logged with its device", async () => {
    const collections = path.join(tmp.path, "damaged");
    const vs = store(collections);
    let damaged: string;
    try {
      vs.record({ captureType: "configs", deviceName: "bad", platform: "cisco_ios", content: "hostname bad\n" });
      damaged = vs.latest("configs", "bad")!.sha256;
    } finally {
      vs.close();
    }
    // The text of bad's only version is lost: a changed capture of bad cannot be compared with it.
    const db = new Database(path.join(collections, ".versions", "versions.db"));
    db.prepare("DELETE FROM version_objects WHERE sha256 = ?").run(damaged);
    db.close();

    const lines: string[] = [];
    const rec = runVersionRecorder(collections, (l) => lines.push(l))!;
    const [good1, bad, good2] = await Promise.all([
      rec.record(request("good1", "hostname good1\n")).recorded,
      rec.record(request("bad", "hostname bad-renamed\n")).recorded,
      rec.record(request("good2", "hostname good2\n")).recorded,
    ]);
    await rec.close();
    assert.strictEqual(good1?.status, "new");
    assert.strictEqual(good2?.status, "new");
    assert.strictEqual(bad, undefined);
    assert.match(lines.join("\n"), /^bad: capture version not recorded: .*version 1's text is missing or damaged/m);
  });

  it("a store whose texts are files under .versions/objects (earlier builds) is still read, and pruned", () => {
    const collections = path.join(tmp.path, "legacy");
    const vs = store(collections, { keepVersions: 1 });
    try {
      const first = vs.record({ captureType: "configs", deviceName: "r1", content: "hostname old\n" }).version;
      // Move the text to where earlier builds kept it.
      const file = path.join(collections, ".versions", "objects", first.sha256.slice(0, 2), `${first.sha256}.gz`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(path.join(collections, ".versions", "versions.db"));
      const row = db.prepare("SELECT gz FROM version_objects WHERE sha256 = ?").get(first.sha256) as { gz: Buffer };
      fs.writeFileSync(file, row.gz);
      db.prepare("DELETE FROM version_objects WHERE sha256 = ?").run(first.sha256);
      db.close();

      assert.strictEqual(vs.read(first), "hostname old\n");
      const next = vs.record({ captureType: "configs", deviceName: "r1", content: "hostname new\n" });
      assert.strictEqual(next.status, "changed");
      assert.strictEqual(next.version.removed, 1);
      // keepVersions 1: version 1 goes, and with it the old file no version uses any more
      assert.deepStrictEqual(
        vs.timeline("configs", "r1").map((r) => r.version),
        [2],
      );
      assert.ok(!fs.existsSync(file));
    } finally {
      vs.close();
    }
  });
});
