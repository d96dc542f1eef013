import * as assert from "node:assert";
import * as path from "node:path";
import { helper, useNodeRed, nextMessage, statuses, nextCall } from "../support/nodered";
import { useTmpDir } from "../support/tmp";
import { hoursAgo, writeCapture } from "../support/capture-fixtures";
import type { SearchMatch } from "../../lib/core/search";

const searchNode = require("../../nodes/vc-search/vc-search");

type Msg = Record<string, unknown> & { payload: unknown };

/** Resolves with the port ("match" or "none") of the first message out of the node. */
function firstOutput(ms = 10000): Promise<{ port: "match" | "none"; msg: Msg }> {
  return Promise.race([
    nextMessage<Msg>("match", ms).then((msg) => ({ port: "match" as const, msg })),
    nextMessage<Msg>("none", ms).then((msg) => ({ port: "none" as const, msg })),
  ]);
}

describe("vc-search node", function () {
  this.timeout(20000);
  useNodeRed();
  const tmp = useTmpDir("vc-node-search-");
  const collections = () => path.join(tmp.path, "home", "collections");
  const flow = (props: Record<string, unknown>) => [
    { id: "s", type: "vc-search", name: "search", collections: collections(), wires: [["match"], ["none"]], ...props },
    { id: "match", type: "helper" },
    { id: "none", type: "helper" },
  ];

  beforeEach(() => {
    writeCapture(
      collections(),
      "config",
      "r1",
      "hostname r1\nsnmp-server community public RO\nntp server 10.0.0.9\n",
      hoursAgo(1),
    );
    writeCapture(collections(), "config", "r2", "hostname r2\nntp server 10.0.0.9\n", hoursAgo(100));
    writeCapture(collections(), "arp", "r1", "Internet 10.0.0.9 aabb.cc00.0900 ARPA Gi0/0\n", hoursAgo(1));
  });

  it("a runaway msg.pattern does not freeze the runtime: it ends in regex_timeout, the event loop stays free", async () => {
    writeCapture(collections(), "config", "evil", `${"a".repeat(40)}!\n`, hoursAgo(1));
    await helper.load(searchNode, flow({ regex: true }));
    const error = nextCall("s", "error", 15_000);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    helper.getNode("s").receive({ payload: "x", pattern: "^(?=a)(a+)+$" } as never);
    const message = await error;
    clearInterval(ticker);
    assert.match(message, /regular expression '\^\(\?=a\)\(a\+\)\+\$' exceeded its 2000 ms time budget/);
    assert.match(message, /evil\.txt/);
    assert.ok(ticks >= 10, `the event loop ran only ${ticks} timer ticks during the search`);
    // Nested repeats alone run on the linear-engine fallback: an answer, quickly.
    const out = firstOutput();
    helper.getNode("s").receive({ payload: "x", pattern: "^(a+)+$" } as never);
    assert.strictEqual((await out).port, "none");
  });

  it("sends every match in one message on output 1, with the count in msg and status", async () => {
    await helper.load(searchNode, flow({ pattern: "community public", captureTypes: "config" }));
    const out = firstOutput();
    helper.getNode("s").receive({ payload: "tick", topic: "audit" } as never);
    const { port, msg } = await out;
    assert.strictEqual(port, "match");
    const matches = msg.payload as SearchMatch[];
    assert.deepStrictEqual(
      matches.map((m) => [m.device, m.captureType, m.lineNumber, m.line, m.match]),
      [["r1", "config", 2, "snmp-server community public RO", [12, 28]]],
    );
    assert.deepStrictEqual(
      [msg.matchCount, msg.truncated, msg.filesSearched, msg.filesMatched, msg.topic],
      [1, false, 2, 1, "audit"],
    );
    assert.deepStrictEqual(statuses("s").at(-1), { fill: "green", shape: "dot", text: "1 match in 1 of 2 files" });
  });

  it("sends nothing on output 1 and a message on output 2 when there is no match", async () => {
    await helper.load(searchNode, flow({ pattern: "community private" }));
    const out = firstOutput();
    helper.getNode("s").receive({ payload: "tick" } as never);
    const { port, msg } = await out;
    assert.strictEqual(port, "none");
    assert.deepStrictEqual([msg.payload, msg.matchCount, msg.filesSearched], [[], 0, 3]);
    assert.deepStrictEqual(statuses("s").at(-1), { fill: "grey", shape: "ring", text: "no match in 3 files" });
  });

  it("regex, case, device scope and max age from the configuration", async () => {
    await helper.load(
      searchNode,
      flow({
        pattern: "^NTP server 10\\.0\\.0\\.\\d+$",
        regex: true,
        caseSensitive: false,
        devices: "r*",
        maxAge: "24h",
        maxResults: 5,
      }),
    );
    const out = firstOutput();
    helper.getNode("s").receive({ payload: "" } as never);
    const { msg } = await out;
    assert.deepStrictEqual(
      (msg.payload as SearchMatch[]).map((m) => m.device),
      ["r1"],
    );
  });

  it("stops at max results and says there are more", async () => {
    await helper.load(searchNode, flow({ pattern: "10.0.0.9", maxResults: 1 }));
    const capped = firstOutput();
    helper.getNode("s").receive({ payload: "" } as never);
    const { msg: m2 } = await capped;
    assert.deepStrictEqual([m2.matchCount, m2.truncated], [1, true]);
    assert.deepStrictEqual(statuses("s").at(-1), { fill: "green", shape: "dot", text: "1+ matches in 1 of 2 files" });
  });

  it("takes the pattern from msg.pattern or a string msg.payload, and the scope from msg (names or Device objects)", async () => {
    await helper.load(searchNode, flow({}));
    const first = firstOutput();
    helper.getNode("s").receive({ pattern: "ntp server", device: [{ name: "r2", host: "10.0.0.2" }] } as never);
    assert.deepStrictEqual(
      ((await first).msg.payload as SearchMatch[]).map((m) => m.device),
      ["r2"],
    );
    const second = firstOutput();
    helper.getNode("s").receive({ payload: "aabb.cc00.0900", captureType: "arp" } as never);
    const { msg } = await second;
    assert.deepStrictEqual(
      (msg.payload as SearchMatch[]).map((m) => m.captureType),
      ["arp"],
    );
    assert.deepStrictEqual(msg.search, { pattern: "aabb.cc00.0900", regex: false, caseSensitive: false });
  });

  it("uses <data home>/collections by default", async () => {
    const withoutCollections = flow({ pattern: "hostname r2", home: path.join(tmp.path, "home") });
    delete (withoutCollections[0] as Record<string, unknown>).collections;
    await helper.load(searchNode, withoutCollections);
    const out = firstOutput();
    helper.getNode("s").receive({ payload: 1 } as never);
    assert.strictEqual((await out).port, "match");
  });

  it("an invalid regex is an error naming the pattern (red status)", async () => {
    await helper.load(searchNode, flow({ pattern: "(unclosed", regex: true }));
    const failed = nextCall("s", "error");
    helper.getNode("s").receive({ payload: 1 } as never);
    assert.strictEqual(await failed, "pattern '(unclosed': invalid regular expression: Unterminated group");
    assert.strictEqual(statuses("s").at(-1)?.fill, "red");
  });

  it("no pattern anywhere is a clear error", async () => {
    await helper.load(searchNode, flow({}));
    const noPattern = nextCall("s", "error");
    helper.getNode("s").receive({ payload: 42 } as never);
    assert.match(await noPattern, /^no pattern: set one in the node, or send msg\.pattern/);
  });

  it("a bad max age shows at deploy and fails each message with a clear error", async () => {
    await helper.load(searchNode, flow({ pattern: "x", maxAge: "soon" }));
    assert.deepStrictEqual(statuses("s").at(-1)?.fill, "red");
    const badAge = nextCall("s", "error");
    helper.getNode("s").receive({ payload: 1 } as never);
    assert.match(await badAge, /max age: expected a duration like 30m, 24h or 7d, got 'soon'/);
  });

  it("a missing collections directory is an error naming it", async () => {
    await helper.load(searchNode, flow({ pattern: "x", collections: path.join(tmp.path, "nowhere") }));
    const missing = nextCall("s", "error");
    helper.getNode("s").receive({ payload: 1 } as never);
    assert.match(await missing, /nowhere: no such collections directory/);
  });
});
