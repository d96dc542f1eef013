import * as assert from "node:assert/strict";
import { CommandTree, tokenize } from "../../lib/lab/command-tree";

describe("lab command tree", () => {
  const tree = new CommandTree<string>();
  for (const c of [
    "show version",
    "show ip interface brief",
    "show ip arp",
    "show ipv6 interface brief",
    "show interfaces",
    "show inventory",
    "terminal length <number>",
    "set cli pager <word>",
  ])
    tree.add(c, c);
  const resolve = (line: string, abbreviations = true) => tree.resolve(tokenize(line), abbreviations);

  it("resolves full commands and unique abbreviations word by word", () => {
    assert.deepEqual(resolve("show version"), { kind: "ok", entry: "show version", args: [] });
    assert.deepEqual(resolve("sh ip int br"), { kind: "ok", entry: "show ip interface brief", args: [] });
    assert.deepEqual(resolve("SH VER"), { kind: "ok", entry: "show version", args: [] });
    assert.deepEqual(resolve("sh ipv6 i b"), { kind: "ok", entry: "show ipv6 interface brief", args: [] });
  });

  it("prefers an exact keyword over longer keywords it prefixes (ip vs ipv6)", () => {
    assert.deepEqual(resolve("sh ip arp"), { kind: "ok", entry: "show ip arp", args: [] });
  });

  it("reports ambiguous, invalid and incomplete input with the offending word", () => {
    assert.deepEqual(resolve("sh in"), { kind: "ambiguous", tokenIndex: 1 });
    assert.deepEqual(resolve("show foo"), { kind: "invalid", tokenIndex: 1 });
    assert.deepEqual(resolve("foo"), { kind: "invalid", tokenIndex: 0 });
    assert.deepEqual(resolve("show version extra"), { kind: "invalid", tokenIndex: 2 });
    assert.deepEqual(resolve("show ip"), { kind: "incomplete" });
  });

  it("takes parameters: numbers only for <number>, anything for <word>", () => {
    assert.deepEqual(resolve("term len 0"), { kind: "ok", entry: "terminal length <number>", args: ["0"] });
    assert.deepEqual(resolve("terminal length zero"), { kind: "invalid", tokenIndex: 2 });
    assert.deepEqual(resolve("set cli pager off"), { kind: "ok", entry: "set cli pager <word>", args: ["off"] });
  });

  it("requires whole words when the platform takes no abbreviations", () => {
    assert.deepEqual(resolve("sh version", false), { kind: "invalid", tokenIndex: 0 });
    assert.equal(resolve("show version", false).kind, "ok");
  });

  it("keeps token columns for the caret marker", () => {
    assert.deepEqual(tokenize("  sh  ip"), [
      { text: "sh", column: 2 },
      { text: "ip", column: 6 },
    ]);
    assert.ok(tree.commands().includes("terminal length <number>"));
  });
});
