import * as assert from "node:assert";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { CLI, runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { hoursAgo, writeCapture, writeHistoryCapture } from "../support/capture-fixtures";

describe("vcollector search", function () {
  const tmp = useTmpDir("vc-cli-search-");
  const home = () => path.join(tmp.path, "home");
  const collections = () => path.join(home(), "collections");
  const search = (...args: string[]) => runCli(["--home", home(), "search", ...args]);

  beforeEach(() => {
    writeCapture(
      collections(),
      "config",
      "r1",
      "hostname r1\ninterface Gi0/1\n description Uplink to CORE\n",
      hoursAgo(1),
    );
    writeCapture(
      collections(),
      "config",
      "r2",
      "hostname r2\ninterface Gi0/1\n description uplink to core\n",
      hoursAgo(72),
    );
    writeCapture(collections(), "arp", "r1", "Internet 10.0.0.2 aabb.cc00.0200 ARPA Gi0/1\n", hoursAgo(2));
    writeHistoryCapture(
      collections(),
      "config",
      "r1",
      "hostname r1\n description uplink to core (old)\n",
      new Date("2026-01-02T03:04:05.000Z"),
    );
  });

  it("prints one line per match: type/device:line: text, in the home's collections", async () => {
    const r = await search("uplink to core");
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(
      r.stdout,
      "config/r1:3:  description Uplink to CORE\nconfig/r2:3:  description uplink to core\n",
    );
  });

  it("--regex, --case-sensitive, --type, --device, --since and --history scope the search", async () => {
    assert.strictEqual(
      (await search("^interface Gi0/\\d$", "--regex", "--type", "config", "--device", "r2")).stdout,
      "config/r2:2: interface Gi0/1\n",
    );
    assert.strictEqual((await search("CORE", "--case-sensitive")).stdout, "config/r1:3:  description Uplink to CORE\n");
    assert.strictEqual(
      (await search("gi0/1", "--type", "arp", "--type", "config", "--device", "R1")).stdout,
      "arp/r1:1: Internet 10.0.0.2 aabb.cc00.0200 ARPA Gi0/1\nconfig/r1:2: interface Gi0/1\n",
    );
    assert.strictEqual((await search("uplink", "--since", "24h")).stdout, "config/r1:3:  description Uplink to CORE\n");
    assert.strictEqual(
      (await search("(old)", "--history")).stdout,
      "config/r1@2026-01-02T03:04:05.000Z:2:  description uplink to core (old)\n",
    );
  });

  it("--json prints matches with line numbers and spans, and the counts", async () => {
    const r = await search("uplink", "--json", "--device", "r2");
    assert.strictEqual(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepStrictEqual([doc.matchCount, doc.truncated, doc.filesSearched, doc.filesMatched], [1, false, 1, 1]);
    assert.deepStrictEqual(
      [
        doc.matches[0].device,
        doc.matches[0].captureType,
        doc.matches[0].lineNumber,
        doc.matches[0].match,
        doc.matches[0].path,
      ],
      ["r2", "config", 3, [13, 19], path.join(collections(), "config", "r2.txt")],
    );
  });

  it("no match exits 1 (like grep), with nothing printed", async () => {
    const r = await search("no such text");
    assert.deepStrictEqual([r.code, r.stdout, r.stderr], [1, "", ""]);
  });

  it("--max-results stops and says so; --max-file-size skips with a notice", async () => {
    const capped = await search("r", "--max-results", "2");
    assert.strictEqual(capped.code, 0);
    assert.strictEqual(capped.stdout.trim().split("\n").length, 2);
    assert.match(capped.stderr, /stopped after 2 matches \(--max-results\); there are more/);
    const small = await search("hostname", "--max-file-size", "50", "--type", "config");
    assert.strictEqual(small.code, 1);
    assert.match(
      small.stderr,
      /^vcollector search: skipped .*config\/r1\.txt: larger than the 50-byte limit \(56 bytes\)\nvcollector search: skipped .*config\/r2\.txt: .*\n$/,
    );
    assert.strictEqual(
      (await search("10.0.0.2", "--max-file-size", "50")).stdout,
      "arp/r1:1: Internet 10.0.0.2 aabb.cc00.0200 ARPA Gi0/1\n",
    );
  });

  it("--collections overrides the home's directory", async () => {
    const other = path.join(tmp.path, "elsewhere");
    writeCapture(other, "config", "x9", "special line\n");
    assert.strictEqual((await search("special", "--collections", other)).stdout, "config/x9:1: special line\n");
  });

  it("an invalid regex is a usage error naming the pattern", async () => {
    const r = await search("interface (Gi", "--regex");
    assert.strictEqual(r.code, 2);
    assert.strictEqual(
      r.stderr,
      "vcollector: pattern 'interface (Gi': invalid regular expression: Unterminated group\n",
    );
  });

  it("usage errors: no pattern, two patterns, bad numbers, bad ages", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /give the pattern to search for/],
      [["a", "b"], /one pattern only \(got 2; quote a pattern with spaces\)/],
      [["a", "--max-results", "0"], /--max-results must be a positive whole number, got '0'/],
      [["a", "--max-file-size", "big"], /--max-file-size must be a size like 500K, 20M or 1G, got 'big'/],
      [["a", "--since", "yesterday"], /--since: expected a duration like 30m, 24h or 7d, got 'yesterday'/],
    ];
    for (const [args, message] of cases) {
      const r = await search(...args);
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it("a missing collections directory is a failure naming it", async () => {
    const r = await runCli(["--home", path.join(tmp.path, "empty-home"), "search", "x"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /empty-home\/collections: no such collections directory/);
  });

  describe("runaway regexes", () => {
    const evil = `${"a".repeat(40)}!\n`;
    beforeEach(() => {
      for (let i = 0; i < 10; i++) writeCapture(collections(), "evil", `e${i}`, evil, hoursAgo(1));
    });

    it("'^(a+)+$' --regex over 40 a's and '!' ends with an answer (linear-engine fallback)", async () => {
      const r = await runCli(["--home", home(), "search", "^(a+)+$", "--regex", "--type", "evil"], {
        timeoutMs: 20_000,
      });
      assert.deepStrictEqual([r.code, r.stdout, r.stderr], [1, "", ""]);
    });

    it("a runaway non-linear regex stops with regex_timeout naming the pattern and the file", async () => {
      const r = await runCli(
        ["--home", home(), "search", "^(?=a)(a+)+$", "--regex", "--type", "evil", "--device", "e0"],
        {
          timeoutMs: 20_000,
        },
      );
      assert.strictEqual(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /^vcollector search: regex_timeout: .*evil\/e0\.txt: regular expression '\^\(\?=a\)\(a\+\)\+\$' exceeded its 2000 ms time budget at line 1/,
      );
    });

    it("Ctrl-C (SIGINT) stops the search at once, before the regex budget runs out", async () => {
      // Ten files, each worth a 2 s budget: without SIGINT handling this runs ~20 s.
      const child = spawn(
        process.execPath,
        [CLI, "--home", home(), "search", "^(?=a)(a+)+$", "--regex", "--type", "evil"],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      try {
        await new Promise((r) => setTimeout(r, 1500));
        child.kill("SIGINT");
        const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 8000))]);
        assert.deepStrictEqual([code, stderr], [130, "vcollector search: cancelled\n"]);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    });
  });
});
