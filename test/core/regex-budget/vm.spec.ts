import * as assert from "node:assert";
import { lineHits } from "../../../lib/core/regex-budget/lines";
import { parseJsRegex } from "../../../lib/core/regex-budget/js-syntax";
import { compileVmRegex } from "../../../lib/core/regex-budget/vm";
import { randomRegexes } from "../../support/rng";

// The in-thread path of library mode: JavaScript patterns on the Pike VM must give exactly the
// native engine's answers (test, and every match of every line as search and matchLines use them).

const TEXTS = [
  "",
  "a",
  "ab",
  "aA b!",
  "aaaaaaaaaa!",
  "xab ab\tAB x",
  "é É a1 b2 ÿŸ",
  "{a}] -.",
  "ba\nab\r\nAb",
  "\n\na",
  "foo_bar baz9 Foo",
  "\u00a0a\u2028b\ufeffc",
  "😀a😀",
  "ab\nxab ab\n\nAB!a\r\nb a\r\n",
];

function nativeHits(pattern: string, flags: string, text: string): unknown {
  return lineHits(new RegExp(pattern, "g" + flags), text, 1000);
}

function check(pattern: string, caseInsensitive: boolean, multiline: boolean): boolean {
  const vm = compileVmRegex(pattern, { caseInsensitive, multiline });
  if (!vm) return false;
  const flags = (caseInsensitive ? "i" : "") + (multiline ? "m" : "");
  const native = new RegExp(pattern, flags);
  for (const text of TEXTS) {
    const where = `/${pattern}/${flags} on ${JSON.stringify(text)}`;
    assert.strictEqual(vm.test(text), native.test(text), `test ${where}`);
    assert.deepStrictEqual(vm.lineHits(text, 1000), nativeHits(pattern, flags, text), `hits ${where}`);
  }
  return true;
}

describe("regex-budget on the Pike VM: same answers as the native engine", () => {
  it("hand-picked constructs: classes, escapes, anchors, lazy and counted repeats, Annex B literals", () => {
    const patterns = [
      "a+?",
      "a*",
      "x*",
      "^$",
      "$",
      "^",
      "\\bfoo\\b",
      "\\Bo",
      "FOO|fo",
      "(a|ab)(c|bcd)(d*)",
      "(?<n>a)b{2,3}?",
      "[^a-c]+",
      "[]",
      "[^]",
      "[\\]a-]+",
      "[\\b]",
      "\\w+\\s\\d",
      "\\W\\S",
      ".+",
      "é|ÿ",
      "[é-ÿ]+",
      "\\x41\\u0062",
      "\\u{2}",
      "\\xZ",
      "a{",
      "a{1",
      "x{a}",
      "}",
      "]",
      "\\cJ",
      "\\0",
      "\\n|\\r|\\t",
      "\\/\\-\\.",
      "(?:)",
      "a{0}b",
      "(?:a*){2}",
      "(a|)b",
      "(?:a+?)+",
      "(?:a|b\\b)*",
      "a{2,}",
      "😀",
      "[😀]",
      "\\ud83d",
      "^\\s*$",
      "ab|^b|a$",
    ];
    for (const p of patterns)
      for (const ci of [false, true])
        for (const ml of [false, true]) assert.ok(check(p, ci, ml), `the VM refused ${p}`);
  });

  it("refuses, with the reason, what it cannot run the way JavaScript does", () => {
    const cases: Array<[string, string]> = [
      ["(?=a)", "lookaround"],
      ["(?!a)b", "lookaround"],
      ["(?<=a)b", "lookaround"],
      ["(?<!a)b", "lookaround"],
      ["(a)\\1", "backreference"],
      ["(?<x>a)\\k<x>", "backreference"],
      ["\\8", "backreference"],
      ["\\01", "legacy octal escape"],
      ["\\c1", "\\c without a letter"],
      ["(?i:a)", "modifier group"],
      // JavaScript backtracks into an optional iteration that matched empty; the VM cannot.
      ["(?:a*?)*", "optional repeat of an empty match"],
      ["(a|)+", "optional repeat of an empty match"],
      ["(?:\\b)?a", "optional repeat of an empty match"],
      ["(?:a?){0,3}", "optional repeat of an empty match"],
    ];
    for (const [p, reason] of cases) assert.deepStrictEqual(parseJsRegex(p), { refused: reason }, p);
    // The reason the empty repeats are refused: the VM would answer differently.
    assert.deepStrictEqual(lineHits(/(?:a*?)*/g, "aa", 10), [
      [0, 0, 2],
      [0, 2, 2],
    ]);
    assert.strictEqual(compileVmRegex("a{100000}"), undefined, "a program past the VM's size");
    // Not even unrolled: an empty body would cost 10^12 steps to compile to nothing.
    assert.strictEqual(compileVmRegex("(?:){999999999999}"), undefined);
    assert.strictEqual(compileVmRegex("(?:\\b){999999999999}"), undefined);
  });

  it("fuzz: 1,000 seeded random patterns × texts × i/m flags agree with the native engine", () => {
    const atoms = [
      "a",
      "b",
      "A",
      ".",
      "[ab]",
      "[^a]",
      "\\w",
      "\\W",
      "\\d",
      "\\s",
      "\\S",
      "!",
      " ",
      "x",
      "é",
      "^",
      "$",
      "\\b",
      "\\B",
      "\\1",
      "(?=a)",
      "(?!b)",
      "{",
      "]",
      "\\.",
      "[a-c]",
      "\\n",
    ];
    const quantifiers = ["", "", "", "+", "*", "?", "{2}", "{1,3}", "{0,}", "+?", "*?", "??", "{1,2}?", "{1,"];
    const { next, pattern: randomRegex } = randomRegexes({ seed: 20261207, atoms, quantifiers, alternation: 0.15 });
    let valid = 0;
    let onVm = 0;
    const refused: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) {
      const pattern = randomRegex();
      try {
        new RegExp(pattern);
      } catch {
        continue; // invalid: compileBounded throws before choosing an engine
      }
      valid++;
      const parsed = parseJsRegex(pattern);
      if ("refused" in parsed) {
        const expected = ["lookaround", "backreference", "optional repeat of an empty match"];
        assert.ok(expected.includes(parsed.refused), `${pattern}: ${parsed.refused}`);
        refused[parsed.refused] = (refused[parsed.refused] ?? 0) + 1;
        continue;
      }
      assert.ok(check(pattern, next() < 0.5, next() < 0.3), `the VM refused ${pattern}`);
      onVm++;
    }
    assert.ok(valid > 600 && onVm > 350, `valid ${valid}, on the VM ${onVm}, refused ${JSON.stringify(refused)}`);
  });
});
