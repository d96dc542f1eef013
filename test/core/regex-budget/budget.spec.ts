import * as assert from "node:assert";
import * as path from "node:path";
import { VcError } from "../../../lib/core/errors";
import { compileBounded, matchLines, RegexTimeoutError, testAll } from "../../../lib/core/regex-budget";
import { searchCaptures } from "../../../lib/core/search";
import { hoursAgo, writeCapture } from "../../support/capture-fixtures";
import { useTmpDir } from "../../support/tmp";
import { randomRegexes } from "../../support/rng";

/** 40 a's and a "!": exponential for (a+)+$ on a backtracking engine. */
const EVIL_LINE = "a".repeat(40) + "!";
/** Catastrophic AND not runnable on the linear engine (the lookahead): only a deadline stops it. */
const EVIL_NONLINEAR = "^(?=a)(a+)+$";

describe("regex-budget: every user regex bounded", function () {
  this.timeout(60_000);

  it("runs nested repeats on this thread (linear fallback), case-insensitive too", () => {
    for (const caseInsensitive of [false, true]) {
      const b = compileBounded("^(a+)+$", { caseInsensitive });
      assert.strictEqual(b.linear, true);
      assert.deepStrictEqual(testAll(b, [EVIL_LINE, "aaa", "AAA"], { where: "t" }), [false, true, caseInsensitive]);
    }
  });

  it("sends lookarounds and backreferences to the worker; big counted repeats and unfoldable i to the VM", () => {
    for (const p of [EVIL_NONLINEAR, "(a)\\1", "(?<=x)y"]) {
      assert.strictEqual(compileBounded(p).linear, false, p);
      assert.strictEqual(compileBounded(p).engine, "worker", p);
    }
    // V8's linear engine refuses these (a count over 16; the i flag with a non-ASCII letter).
    for (const [p, caseInsensitive] of [
      ["(a|aa){1,100}$", false],
      ["(é+)+$", true],
    ] as const) {
      const b = compileBounded(p, { caseInsensitive });
      assert.deepStrictEqual([b.linear, b.engine], [false, "vm"], p);
      assert.deepStrictEqual(testAll(b, ["a".repeat(40) + "!", "ÉÉé", "é".repeat(40) + "!"], { where: "t" }), [
        false,
        caseInsensitive,
        false,
      ]);
    }
  });

  it("the VM stops at the budget too: a big count over a long line ends in regex_timeout naming the place", async () => {
    const pattern = "[a-z]{1,4000}!";
    const b = compileBounded(pattern, { global: true });
    assert.strictEqual(b.engine, "vm");
    const long = "a".repeat(200_000);
    assert.throws(
      () => testAll(b, ["ok", long], { where: "filter.name", budgetMs: 100 }),
      (err: unknown) =>
        err instanceof RegexTimeoutError &&
        err.message.startsWith(`filter.name: regular expression '${pattern}' exceeded its 100 ms`) &&
        err.message.includes(`"${"a".repeat(80)}…"`),
    );
    await assert.rejects(
      matchLines(b, `ok!\n${long}\n`, { where: "/x/file.txt", budgetMs: 100, limit: 10, firstLine: 5 }),
      (err: unknown) => err instanceof RegexTimeoutError && /^\/x\/file\.txt: .* at line 6 /.test(err.message),
    );
    // Short texts finish well inside the budget.
    assert.deepStrictEqual(await matchLines(b, "ab!\n1!", { where: "f", limit: 10 }), [[0, 0, 3]]);
  });

  it("synchronous: a runaway regex fails with regex_timeout naming the pattern, the place and the text", () => {
    const b = compileBounded(EVIL_NONLINEAR, { caseInsensitive: true });
    assert.throws(
      () => testAll(b, ["ok", EVIL_LINE], { where: "inventory filter 'name'", budgetMs: 200 }),
      (err: unknown) =>
        err instanceof RegexTimeoutError &&
        err.errorClass === "regex_timeout" &&
        err.message.includes(EVIL_NONLINEAR) &&
        err.message.startsWith("inventory filter 'name': ") &&
        err.message.includes(EVIL_LINE),
    );
    // The worker is replaced: the next job works.
    assert.deepStrictEqual(testAll(b, ["AAA", "b"], { where: "x", budgetMs: 2000 }), [true, false]);
  });

  it("asynchronous: a runaway regex rejects with regex_timeout naming the line; an abort cancels at once", async () => {
    const b = compileBounded(EVIL_NONLINEAR, { global: true });
    await assert.rejects(
      matchLines(b, `aaa\n${EVIL_LINE}\n`, { where: "/x/file.txt", budgetMs: 200, limit: 10, firstLine: 5 }),
      (err: unknown) =>
        err instanceof RegexTimeoutError && /file\.txt: .*'\^\(\?=a\)\(a\+\)\+\$'.* at line 6/.test(err.message),
    );
    const ctl = new AbortController();
    const running = matchLines(b, EVIL_LINE, { where: "f", budgetMs: 60_000, limit: 10, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 100);
    await assert.rejects(running, (err: unknown) => err instanceof VcError && err.errorClass === "cancelled");
    assert.deepStrictEqual(await matchLines(b, "aa\nb\r\naaa", { where: "f", limit: 10 }), [
      [0, 0, 2],
      [2, 0, 3],
    ]);
  });

  describe("search", () => {
    const tmp = useTmpDir("vc-regex-budget-");
    const collections = () => path.join(tmp.path, "collections");
    beforeEach(() => {
      writeCapture(collections(), "show_run", "r1", `hostname r1\n${EVIL_LINE}\naaaa\n`, hoursAgo(1));
      writeCapture(collections(), "show_run", "r2", `${"ab".repeat(30)}!\nAbAb\n`, hoursAgo(1));
    });

    it("'^(a+)+$' over a 40-char line of a's and '!' finishes with the right result", async () => {
      const r = await searchCaptures({ collections: collections(), pattern: "^(a+)+$", regex: true });
      assert.deepStrictEqual(
        r.matches.map((m) => [m.device, m.lineNumber, m.line]),
        [["r1", 3, "aaaa"]],
      );
    });

    it("a runaway non-linear regex ends in regex_timeout naming the pattern and the file", async () => {
      await assert.rejects(
        searchCaptures({ collections: collections(), pattern: EVIL_NONLINEAR, regex: true, regexBudgetMs: 200 }),
        (err: unknown) =>
          err instanceof RegexTimeoutError &&
          err.message.includes(EVIL_NONLINEAR) &&
          err.message.includes(path.join(collections(), "show_run", "r1.txt")),
      );
    });

    it("a non-linear regex that does finish gives the same matches as on this thread", async () => {
      const pattern = "(ab)\\1(?=ab)";
      const line = `${"ab".repeat(30)}!`;
      const r = await searchCaptures({ collections: collections(), pattern, regex: true });
      const expected = [...line.matchAll(new RegExp(pattern, "gi"))].map((m) => ["r2", 1, [m.index, m.index + 4]]);
      assert.strictEqual(expected.length, 14);
      assert.deepStrictEqual(
        r.matches.map((m) => [m.device, m.lineNumber, m.match]),
        expected,
      );
    });

    it("fuzz: 1,000 seeded random patterns each finish within their budget (result, bad_pattern or regex_timeout)", async () => {
      const atoms = ["a", "b", "A", ".", "[ab]", "\\w", "!", "x", "^", "$", "\\1", "(?=a)", "(?!b)", "\\b"];
      const quantifiers = ["", "", "+", "*", "?", "{2,20}", "+?", "{1,"];
      const { next, pattern: randomRegex } = randomRegexes({ seed: 20261206, atoms, quantifiers, alternation: 0.1 });
      writeCapture(
        collections(),
        "show_run",
        "r3",
        `${"a".repeat(28)}\n${"ab".repeat(20)}x\n${"a".repeat(25)}!\n`,
        hoursAgo(1),
      );
      const outcomes: Record<string, number> = {};
      for (let i = 0; i < 1000; i++) {
        const pattern = randomRegex();
        let outcome: string;
        try {
          await searchCaptures({
            collections: collections(),
            pattern,
            regex: true,
            caseSensitive: next() < 0.5,
            regexBudgetMs: 100,
          });
          outcome = "done";
        } catch (err) {
          assert.ok(err instanceof VcError, `${pattern}: ${String(err)}`);
          assert.ok(["bad_pattern", "regex_timeout"].includes(err.errorClass), `${pattern}: ${err.message}`);
          outcome = err.errorClass;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      assert.ok((outcomes.done ?? 0) > 500, JSON.stringify(outcomes));
    });
  });
});
