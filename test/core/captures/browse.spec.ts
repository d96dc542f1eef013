import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../../../lib/core/errors";
import {
  deviceMatcher,
  listCaptureTypes,
  listCaptures,
  parseAge,
  summariseCaptures,
} from "../../../lib/core/captures/browse";
import { hoursAgo, writeCapture, writeHistoryCapture } from "../../support/capture-fixtures";
import { useTmpDir } from "../../support/tmp";

const NOW = new Date("2026-05-01T12:00:00.000Z");

describe("captures: browsing from the files alone", () => {
  const tmp = useTmpDir("vc-browse-");
  let collections = "";

  beforeEach(() => {
    collections = path.join(tmp.path, "collections");
    writeCapture(collections, "config", "core-1", "hostname core-1\n", hoursAgo(1, NOW));
    writeCapture(collections, "config", "Edge-2", "hostname Edge-2\ninterface Gi0/1\n", hoursAgo(30, NOW));
    writeCapture(collections, "arp", "core-1", "Internet 10.0.0.1 aabb.cc00.0100\n", hoursAgo(200, NOW));
    writeCapture(collections, "arp", "core sw 3", "x\n", hoursAgo(2, NOW));
    writeHistoryCapture(collections, "config", "core-1", "hostname core-1 (old)\n", hoursAgo(48, NOW));
    writeHistoryCapture(collections, "config", "core-1", "hostname core-1 (older)\n", hoursAgo(96, NOW));
    // Not captures: hidden and "~" folders, temporary files, other extensions, a symbolic link.
    for (const hidden of [".trash", "~backup"]) {
      fs.mkdirSync(path.join(collections, hidden), { recursive: true });
      fs.writeFileSync(path.join(collections, hidden, "r1.txt"), "x\n");
    }
    fs.writeFileSync(path.join(collections, "config", ".core-1.txt.1234.tmp"), "partial");
    fs.writeFileSync(path.join(collections, "config", "notes.md"), "not a capture");
    fs.symlinkSync(path.join(collections, "config", "core-1.txt"), path.join(collections, "config", "link.txt"));
  });

  it("lists capture types, without hidden and ~ folders", async () => {
    assert.deepStrictEqual(await listCaptureTypes(collections), ["arp", "config"]);
  });

  it("lists latest captures with type, device, size and time, sorted; history, temp files and links left out", async () => {
    const files = await listCaptures(collections);
    assert.deepStrictEqual(
      files.map((f) => [
        f.captureType,
        f.device,
        f.size,
        f.capturedAt.toISOString(),
        f.history,
        path.relative(collections, f.path),
      ]),
      [
        ["arp", "core-1", 33, hoursAgo(200, NOW).toISOString(), false, "arp/core-1.txt"],
        ["arp", "core_sw_3", 2, hoursAgo(2, NOW).toISOString(), false, "arp/core_sw_3.txt"],
        ["config", "Edge-2", 32, hoursAgo(30, NOW).toISOString(), false, "config/Edge-2.txt"],
        ["config", "core-1", 16, hoursAgo(1, NOW).toISOString(), false, "config/core-1.txt"],
      ],
    );
  });

  it("includes history copies on request, oldest first after the latest", async () => {
    const files = await listCaptures(collections, {
      captureTypes: ["config"],
      devices: ["core-1"],
      includeHistory: true,
    });
    assert.deepStrictEqual(
      files.map((f) => [f.history, f.capturedAt.toISOString()]),
      [
        [false, hoursAgo(1, NOW).toISOString()],
        [true, hoursAgo(96, NOW).toISOString()],
        [true, hoursAgo(48, NOW).toISOString()],
      ],
    );
  });

  it("filters by capture type and by device (any case, wildcards, names with spaces)", async () => {
    const names = async (filter: Parameters<typeof listCaptures>[1]) =>
      (await listCaptures(collections, filter)).map((f) => `${f.captureType}/${f.device}`);
    assert.deepStrictEqual(await names({ captureTypes: ["arp"] }), ["arp/core-1", "arp/core_sw_3"]);
    assert.deepStrictEqual(await names({ devices: ["EDGE-2"] }), ["config/Edge-2"]);
    assert.deepStrictEqual(await names({ devices: ["core*"] }), ["arp/core-1", "arp/core_sw_3", "config/core-1"]);
    assert.deepStrictEqual(await names({ devices: ["core sw 3"] }), ["arp/core_sw_3"]);
    assert.deepStrictEqual(await names({ devices: ["?dge-?", "nothing"] }), ["config/Edge-2"]);
    assert.deepStrictEqual(await names({ devices: ["core"] }), []);
    assert.deepStrictEqual(await names({ captureTypes: ["routes"] }), []);
  });

  it("filters by age and by a start time", async () => {
    const names = async (filter: Parameters<typeof listCaptures>[1]) =>
      (await listCaptures(collections, filter)).map((f) => `${f.captureType}/${f.device}`);
    assert.deepStrictEqual(await names({ maxAgeMs: parseAge("24h"), now: NOW }), ["arp/core_sw_3", "config/core-1"]);
    assert.deepStrictEqual(await names({ since: hoursAgo(31, NOW) }), [
      "arp/core_sw_3",
      "config/Edge-2",
      "config/core-1",
    ]);
    assert.deepStrictEqual(
      await names({ maxAgeMs: parseAge("7d"), now: NOW, includeHistory: true, devices: ["core-1"] }),
      ["config/core-1", "config/core-1", "config/core-1"],
    );
  });

  it("summarises files, bytes, capture types and devices", async () => {
    assert.deepStrictEqual(summariseCaptures(await listCaptures(collections)), {
      files: 4,
      totalBytes: 83,
      captureTypes: 2,
      devices: 3,
    });
  });

  it("a missing collections directory is an error naming it", async () => {
    const missing = path.join(tmp.path, "nope");
    await assert.rejects(
      listCaptures(missing),
      (err: unknown) =>
        err instanceof VcError &&
        err.errorClass === "not_found" &&
        err.message === `${missing}: no such collections directory`,
    );
    fs.writeFileSync(missing, "a file");
    await assert.rejects(listCaptureTypes(missing), /no such collections directory/);
  });

  it("an empty collections directory has no captures", async () => {
    const empty = path.join(tmp.path, "empty");
    fs.mkdirSync(empty);
    assert.deepStrictEqual(await listCaptures(empty), []);
  });
});

describe("captures: filters", () => {
  it("parseAge reads s, m, h, d, w and refuses anything else by name", () => {
    assert.deepStrictEqual(
      ["90s", "30m", "24h", "7d", "2w", "1.5h", " 10 M "].map((t) => parseAge(t)),
      [90_000, 1_800_000, 86_400_000, 604_800_000, 1_209_600_000, 5_400_000, 600_000],
    );
    assert.throws(
      () => parseAge("yesterday", "--since"),
      /^VcError: --since: expected a duration like 30m, 24h or 7d, got 'yesterday'$/,
    );
    assert.throws(() => parseAge("-1d"), /expected a duration/);
  });

  it("deviceMatcher: exact ignoring case, wildcards anchored, regex characters literal", () => {
    const m = deviceMatcher(["r1", "sw-*", "a.b?", "x+y"]);
    assert.deepStrictEqual(["R1", "r10", "sw-1", "SW-core", "xsw-1", "a.bc", "axbc", "x+y", "xxy"].map(m), [
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    assert.strictEqual(deviceMatcher(undefined)("anything"), true);
    assert.strictEqual(deviceMatcher([])("anything"), true);
  });
});
