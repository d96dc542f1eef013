import * as assert from "node:assert";
import { foldCase } from "../../../lib/core/regex-budget/fold-case";
import { rng } from "../../support/rng";

const PIECES = [
  "a",
  "B",
  "z",
  "0",
  ".",
  "\\w",
  "\\S",
  "\\b",
  "[a-f]",
  "[^xY]",
  "[A-z]",
  "[\\dq-t]",
  "(",
  ")",
  "|",
  "+",
  "*",
  "?",
  "{1,3}",
  "^",
  "$",
  "\\x41",
  "\\p",
  "-",
  "[_-c]",
  "(?:",
  "(?<n>",
];

function randomPattern(next: () => number): string {
  let s = "";
  const len = 1 + Math.floor(next() * 8);
  for (let i = 0; i < len; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

const ALPHABET = "aAbBcCfFqQtTxXyYzZ019_-. \\^`[]";

describe("regex-budget foldCase (the i flag folded into the pattern)", () => {
  it("folds letters outside and inside classes, leaving syntax escapes and group names alone", () => {
    assert.strictEqual(foldCase("ab"), "[aA][bB]");
    assert.strictEqual(foldCase("\\d\\w\\S\\bx"), "\\d\\w\\S\\b[xX]");
    assert.strictEqual(foldCase("[a-c]"), "[a-cA-C]");
    assert.strictEqual(foldCase("[^Q]"), "[^Qq]");
    assert.strictEqual(foldCase("(?<name>x)\\1"), "(?<name>[xX])\\1");
    assert.strictEqual(foldCase("(?<=a)"), "(?<=[aA])");
    assert.strictEqual(foldCase("a{2,3}"), "[aA]{2,3}");
  });

  it("declines what it cannot fold exactly (non-ASCII, named backreferences)", () => {
    assert.strictEqual(foldCase("é"), undefined);
    assert.strictEqual(foldCase("(?<n>a)\\k<n>"), undefined);
    assert.strictEqual(foldCase("[\\u00e0-\\u00ff]"), undefined);
  });

  it("matches exactly what the i flag matches (2,000 seeded random patterns × 20 inputs)", () => {
    const next = rng(1515);
    let compared = 0;
    for (let p = 0; p < 2000; p++) {
      const source = randomPattern(next);
      let original: RegExp;
      try {
        original = new RegExp(source, "gi");
      } catch {
        continue;
      }
      const folded = foldCase(source);
      if (folded === undefined) continue;
      const re = new RegExp(folded, "g");
      for (let k = 0; k < 20; k++) {
        let input = "";
        const len = Math.floor(next() * 12);
        for (let i = 0; i < len; i++) input += ALPHABET[Math.floor(next() * ALPHABET.length)];
        assert.deepStrictEqual(
          [...input.matchAll(re)].map((m) => [m.index, m[0]]),
          [...input.matchAll(original)].map((m) => [m.index, m[0]]),
          `/${source}/i vs /${folded}/ on ${JSON.stringify(input)}`,
        );
        compared++;
      }
    }
    assert.ok(compared > 10_000, `only ${compared} comparisons`);
  });
});
