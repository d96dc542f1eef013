import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../../../lib/core/errors";
import {
  MAX_LINE_CHARS,
  compileSearchPattern,
  searchCaptures,
  streamSearch,
  type SearchMatch,
  type SearchOptions,
} from "../../../lib/core/search";
import { hoursAgo, writeCapture, writeHistoryCapture } from "../../support/capture-fixtures";
import { useTmpDir } from "../../support/tmp";

const CONFIG_R1 = [
  "hostname r1",
  "interface GigabitEthernet0/1",
  " ip address 10.0.0.1 255.255.255.0",
  " description Uplink to CORE",
  "!",
  "interface GigabitEthernet0/2",
  " shutdown",
  "",
].join("\n");
const CONFIG_R2 = [
  "hostname r2",
  "interface GigabitEthernet0/1",
  " ip address 10.0.0.2 255.255.255.0",
  " description uplink to core",
  "",
].join("\r\n");
const ARP_R1 =
  "Internet  10.0.0.2   5   aabb.cc00.0200  ARPA   GigabitEthernet0/1\nInternet  10a0b0c1   -   aabb.cc00.0300  ARPA   GigabitEthernet0/2\n";

function brief(matches: SearchMatch[]): string[] {
  return matches.map(
    (m) =>
      `${m.captureType}/${m.device}:${m.lineNumber}:${m.match[0]}-${m.match[1]}:${m.line.slice(m.match[0], m.match[1])}`,
  );
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("search: captures", () => {
  const tmp = useTmpDir("vc-search-");
  let collections = "";
  const search = (opts: Omit<SearchOptions, "collections">) => searchCaptures({ collections, ...opts });

  beforeEach(() => {
    collections = path.join(tmp.path, "collections");
    writeCapture(collections, "config", "r1", CONFIG_R1, hoursAgo(1));
    writeCapture(collections, "config", "r2", CONFIG_R2, hoursAgo(50));
    writeCapture(collections, "arp", "r1", ARP_R1, hoursAgo(2));
    writeHistoryCapture(
      collections,
      "config",
      "r1",
      "hostname r1-old\n description uplink to core (2025)\n",
      hoursAgo(300),
    );
  });

  it("finds literal text ignoring case by default: device, type, path, line number, line and span", async () => {
    const r = await search({ pattern: "uplink to core" });
    assert.deepStrictEqual(brief(r.matches), ["config/r1:4:13-27:Uplink to CORE", "config/r2:4:13-27:uplink to core"]);
    const m = r.matches[0];
    assert.deepStrictEqual(
      [m.device, m.captureType, m.path, m.line, m.lineNumber, m.match, m.history],
      ["r1", "config", path.join(collections, "config", "r1.txt"), " description Uplink to CORE", 4, [13, 27], false],
    );
    assert.strictEqual(m.capturedAt, fs.statSync(m.path).mtime.toISOString());
    assert.deepStrictEqual([r.truncated, r.filesSearched, r.filesMatched, r.skipped], [false, 3, 2, []]);
    assert.strictEqual(
      r.bytesSearched,
      Buffer.byteLength(CONFIG_R1) + Buffer.byteLength(CONFIG_R2) + Buffer.byteLength(ARP_R1),
    );
  });

  it("matches case exactly when asked", async () => {
    assert.deepStrictEqual(brief((await search({ pattern: "CORE", caseSensitive: true })).matches), [
      "config/r1:4:23-27:CORE",
    ]);
  });

  it("treats regex characters literally unless regex is on", async () => {
    assert.deepStrictEqual(brief((await search({ pattern: "10.0.0.1" })).matches), ["config/r1:3:12-20:10.0.0.1"]);
    assert.deepStrictEqual(brief((await search({ pattern: "10.0.0.1", regex: true })).matches), [
      "arp/r1:2:10-18:10a0b0c1",
      "config/r1:3:12-20:10.0.0.1",
    ]);
  });

  it("searches with a regular expression, anchors applying to each line (CRLF files too)", async () => {
    assert.deepStrictEqual(brief((await search({ pattern: "^interface \\S+1$", regex: true })).matches), [
      "config/r1:2:0-28:interface GigabitEthernet0/1",
      "config/r2:2:0-28:interface GigabitEthernet0/1",
    ]);
    const r2 = (await search({ pattern: "core$", regex: true, devices: ["r2"] })).matches;
    assert.deepStrictEqual([r2[0].line, r2[0].lineNumber], [" description uplink to core", 4]);
  });

  it("gives one row per match when a line matches several times", async () => {
    assert.deepStrictEqual(
      brief((await search({ pattern: "aabb\\.cc00\\.0[23]00|ARPA", regex: true, captureTypes: ["arp"] })).matches),
      ["arp/r1:1:25-39:aabb.cc00.0200", "arp/r1:1:41-45:ARPA", "arp/r1:2:25-39:aabb.cc00.0300", "arp/r1:2:41-45:ARPA"],
    );
  });

  it("never matches across a line break", async () => {
    assert.deepStrictEqual((await search({ pattern: "GigabitEthernet0/1\\s+ip address", regex: true })).matches, []);
    assert.deepStrictEqual((await search({ pattern: "0/1[\\s\\S]*10\\.0", regex: true })).matches, []);
  });

  it("handles lookarounds per line as well (checked line by line)", async () => {
    assert.deepStrictEqual(
      brief((await search({ pattern: "(?<=ip address )10\\.0\\.0\\.\\d", regex: true })).matches),
      ["config/r1:3:12-20:10.0.0.1", "config/r2:3:12-20:10.0.0.2"],
    );
    // "r1" is followed by a line break in the file, but nothing follows it within its line.
    assert.deepStrictEqual(brief((await search({ pattern: "^hostname r1(?![\\s\\S])", regex: true })).matches), [
      "config/r1:1:0-11:hostname r1",
    ]);
    assert.deepStrictEqual(brief((await search({ pattern: "(?<!\\n) shutdown", regex: true })).matches), [
      "config/r1:7:0-9: shutdown",
    ]);
  });

  it("empty matches (^) give each line once and terminate; an empty file has no line", async () => {
    writeCapture(collections, "arp", "r9", "");
    const r = await search({ pattern: "^", regex: true, captureTypes: ["arp"] });
    assert.deepStrictEqual(
      r.matches.map((m) => [m.lineNumber, m.match]),
      [
        [1, [0, 0]],
        [2, [0, 0]],
      ],
    );
  });

  it("scopes by capture type, device and age, and searches history copies on request", async () => {
    const where = (r: { matches: SearchMatch[] }) =>
      r.matches.map((m) => `${m.captureType}/${m.device}${m.history ? "@history" : ""}`);
    assert.deepStrictEqual(where(await search({ pattern: "10.0.0.2" })), ["arp/r1", "config/r2"]);
    assert.deepStrictEqual(where(await search({ pattern: "10.0.0.2", captureTypes: ["config"] })), ["config/r2"]);
    assert.deepStrictEqual(where(await search({ pattern: "10.0.0.2", devices: ["R1"] })), ["arp/r1"]);
    assert.deepStrictEqual(where(await search({ pattern: "uplink", maxAgeMs: 24 * 3_600_000 })), ["config/r1"]);
    assert.deepStrictEqual(where(await search({ pattern: "uplink", includeHistory: true })), [
      "config/r1",
      "config/r1@history",
      "config/r2",
    ]);
  });

  it("stops at maxResults and says the result is truncated", async () => {
    // "interface" occurs 3 times: twice in r1's config, once in r2's.
    const r = await search({ pattern: "interface", maxResults: 2 });
    assert.deepStrictEqual(
      [brief(r.matches), r.truncated],
      [["config/r1:2:0-9:interface", "config/r1:6:0-9:interface"], true],
    );
    const exact = await search({ pattern: "interface", maxResults: 3 });
    assert.deepStrictEqual([exact.matches.length, exact.truncated], [3, false]);
  });

  it("skips files above the size limit with a notice and searches the rest", async () => {
    writeCapture(collections, "config", "big", "uplink to core\n".repeat(1000));
    const r = await search({ pattern: "uplink to core", maxFileBytes: 4096 });
    assert.deepStrictEqual(
      brief(r.matches).map((b) => b.split(":")[0]),
      ["config/r1", "config/r2"],
    );
    assert.deepStrictEqual(
      r.skipped.map((s) => [s.device, s.size, s.reason]),
      [["big", 15000, "larger than the 4096-byte limit (15000 bytes)"]],
    );
  });

  it("a file that disappears during the search is skipped as unreadable; the search goes on", async () => {
    const events: string[] = [];
    for await (const e of streamSearch({ collections, pattern: "10.0.0" })) {
      if (e.type === "match" && e.match.captureType === "arp") fs.rmSync(path.join(collections, "config", "r1.txt"));
      events.push(
        e.type === "match"
          ? `match ${e.match.captureType}/${e.match.device}`
          : `skipped ${e.file.device}: ${e.file.reason}`,
      );
    }
    assert.deepStrictEqual(events, ["match arp/r1", "skipped r1: unreadable: ENOENT", "match config/r2"]);
  });

  it("reads large files in chunks with correct line numbers, also across a multi-byte character at a chunk edge", async () => {
    const lines: string[] = [];
    let size = 0;
    // Push a two-byte character across the 1 MiB chunk edge.
    while (size < (1 << 20) - 3) {
      const l = `line ${lines.length + 1} ${"x".repeat(50)}`;
      lines.push(l);
      size += l.length + 1;
    }
    lines.push("é NEEDLE after the edge");
    for (let i = 0; i < 40000; i++) lines.push(`filler ${i}`);
    lines.push("last line NEEDLE without a newline at the end");
    writeCapture(collections, "config", "huge", lines.join("\n"));
    const r = await search({ pattern: "needle", devices: ["huge"] });
    assert.deepStrictEqual(
      r.matches.map((m) => [m.lineNumber, m.line]),
      [
        [lines.indexOf("é NEEDLE after the edge") + 1, "é NEEDLE after the edge"],
        [lines.length, "last line NEEDLE without a newline at the end"],
      ],
    );
  });

  it("returns a window of very long lines, with the offset of the window", async () => {
    const line = "a".repeat(5000) + "NEEDLE" + "b".repeat(5000);
    writeCapture(collections, "config", "long", `first\n${line}\n`);
    const [m] = (await search({ pattern: "needle", devices: ["long"] })).matches;
    assert.strictEqual(m.line.length, MAX_LINE_CHARS);
    assert.strictEqual(m.line.slice(m.match[0], m.match[1]), "NEEDLE");
    assert.strictEqual(m.lineOffset! + m.match[0], 5000);
    assert.strictEqual(m.lineNumber, 2);
  });

  it("replaces invalid UTF-8 and goes on", async () => {
    fs.writeFileSync(
      path.join(collections, "config", "bin.txt"),
      Buffer.concat([Buffer.from("ok line\n"), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("after NEEDLE\n")]),
    );
    const r = await search({ pattern: "needle", devices: ["bin"] });
    assert.deepStrictEqual(
      r.matches.map((m) => [m.lineNumber, m.line]),
      [[3, "after NEEDLE"]],
    );
  });

  it("an invalid regex is a clear error naming the pattern, before anything is read", async () => {
    await assert.rejects(search({ pattern: "interface (Gi", regex: true }), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "bad_pattern");
      assert.strictEqual(err.message, "pattern 'interface (Gi': invalid regular expression: Unterminated group");
      return true;
    });
    await assert.rejects(
      searchCaptures({ collections: path.join(tmp.path, "missing"), pattern: "[", regex: true }),
      /pattern '\[': invalid regular expression/,
    );
    // The same text as a literal is fine.
    assert.deepStrictEqual((await search({ pattern: "interface (Gi" })).matches, []);
  });

  it("refuses an empty pattern and bad limits", async () => {
    await assert.rejects(search({ pattern: "" }), /pattern: the search pattern is empty/);
    await assert.rejects(
      search({ pattern: "x", maxResults: 0 }),
      /maxResults: expected a positive whole number, got 0/,
    );
    await assert.rejects(search({ pattern: "x", maxFileBytes: 1.5 }), /maxFileBytes: expected a positive whole number/);
  });

  it("a missing collections directory is an error naming it", async () => {
    const missing = path.join(tmp.path, "none");
    await assert.rejects(
      searchCaptures({ collections: missing, pattern: "x" }),
      new RegExp(`${escapeRegex(missing)}: no such collections directory`),
    );
  });

  it("honours an AbortSignal, before and during the search", async () => {
    const before = new AbortController();
    before.abort();
    await assert.rejects(
      search({ pattern: "x", signal: before.signal }),
      (err: unknown) => err instanceof VcError && err.errorClass === "cancelled",
    );

    const during = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of streamSearch({ collections, pattern: "10.0.0", signal: during.signal })) {
          seen.push(e.type);
          during.abort();
        }
      })(),
      /search cancelled/,
    );
    assert.deepStrictEqual(seen, ["match"]);
  });
});

describe("search: pattern compilation", () => {
  it("a literal pattern escapes every regex character", () => {
    const p = compileSearchPattern("a+b (c) [d] {2} ^$ | \\ . * ?");
    assert.ok(p.line.test("x a+b (c) [d] {2} ^$ | \\ . * ? y"));
    // Case-insensitive by default (the i flag is folded into the pattern so it can run linear).
    p.line.lastIndex = 0;
    assert.ok(p.line.test("X A+B (C) [D] {2} ^$ | \\ . * ? Y"));
    assert.ok(p.line.global);
    const exact = compileSearchPattern("x", { caseSensitive: true }).line;
    assert.ok(!exact.test("X"));
  });

  it("patterns with lookarounds are checked line by line (no block pre-scan)", () => {
    assert.strictEqual(compileSearchPattern("(?<=a)b", { regex: true }).block, null);
    assert.strictEqual(compileSearchPattern("a(?!b)", { regex: true }).block, null);
    assert.ok(compileSearchPattern("(?:ab)", { regex: true }).block instanceof RegExp);
    assert.ok(compileSearchPattern("(?=literal)").block instanceof RegExp);
  });
});
