import * as assert from "node:assert";
import {
  FIT_EXPLAINED,
  WEIGHTS,
  measureOutput,
  scoreBound,
  scoreParse,
  type ParseEvidence,
} from "../../../lib/core/templates/score";

const OUTPUT = ["Port   Status  Vlan", "Gi1    up      10", "Gi2    down    20", ""];
const measure = measureOutput(OUTPUT);

function evidence(overrides: Partial<ParseEvidence>): ParseEvidence {
  return {
    header: ["PORT", "STATUS", "VLAN"],
    records: [
      { port: "Gi1", status: "up", vlan: "10" },
      { port: "Gi2", status: "down", vlan: "20" },
    ],
    matchedLines: 3,
    literalChars: 0,
    wordLiteralChars: 0,
    valueSpecificity: new Map([
      ["port", 0],
      ["status", 1],
      ["vlan", 1],
    ]),
    ...overrides,
  };
}

describe("auto-detect score", () => {
  it("measures non-blank lines and non-whitespace characters", () => {
    assert.deepStrictEqual(measure, { nonBlankLines: 3, contentChars: "PortStatusVlanGi1up10Gi2down20".length });
  });

  it("is 0 and unfit without records", () => {
    const s = scoreParse(evidence({ records: [] }), measure);
    assert.deepStrictEqual([s.score, s.fits, s.reason], [0, false, "the template produced no record"]);
  });

  it("is the literal share plus small terms for specific and for any captured text", () => {
    const literalChars = "PortStatusVlan".length;
    const s = scoreParse(evidence({ literalChars, wordLiteralChars: literalChars }), measure);
    const content = measure.contentChars;
    const typed = "up10down20".length / content;
    const captured = "Gi1up10Gi2down20".length / content;
    assert.strictEqual(s.components.literal, Math.round((literalChars / content) * 1e4) / 1e4);
    assert.strictEqual(s.components.typed, Math.round(typed * 1e4) / 1e4);
    assert.strictEqual(s.components.captured, Math.round(captured * 1e4) / 1e4);
    assert.strictEqual(s.components.granularity, 1);
    assert.strictEqual(s.components.lines, 1);
    const expected =
      WEIGHTS.literal * (literalChars / content) + WEIGHTS.typed * typed + WEIGHTS.capturedGranularity * captured;
    assert.strictEqual(s.score, Math.round(expected * 1e4) / 1e4);
    assert.ok(s.fits);
    assert.ok(s.score <= scoreBound(literalChars / content, 1));
  });

  it("a template that swallows whole lines in free-text values scores low and does not fit", () => {
    const s = scoreParse(
      {
        header: ["LINE"],
        records: OUTPUT.filter((l) => l !== "").map((line) => ({ line })),
        matchedLines: 3,
        literalChars: 0,
        wordLiteralChars: 0,
        valueSpecificity: new Map([["line", 0]]),
      },
      measure,
    );
    assert.ok(s.components.granularity < 0.4);
    assert.ok(s.score < 0.01, String(s.score));
    assert.strictEqual(s.fits, false);
    assert.match(s.reason!, /only 0\.00 % of the output is explained/);
  });

  it("fits from 1 % of words or specific values; lone punctuation literals do not count", () => {
    const free = new Map([
      ["port", 0],
      ["status", 0],
      ["vlan", 0],
    ]);
    const big = measureOutput([OUTPUT.join(" ").repeat(10)]);
    const atThreshold = Math.ceil(FIT_EXPLAINED * big.contentChars);
    assert.strictEqual(
      scoreParse(evidence({ literalChars: 3, wordLiteralChars: 0, valueSpecificity: free }), big).fits,
      false,
      "punctuation only",
    );
    assert.strictEqual(
      scoreParse(
        evidence({ literalChars: atThreshold, wordLiteralChars: atThreshold - 1, valueSpecificity: free }),
        big,
      ).fits,
      false,
    );
    assert.strictEqual(
      scoreParse(evidence({ literalChars: atThreshold, wordLiteralChars: atThreshold, valueSpecificity: free }), big)
        .fits,
      true,
    );
  });

  it("counts list values and nested list items, and fields filled in only some records", () => {
    const s = scoreParse(
      {
        header: ["NAME", "MEMBERS", "NOTE"],
        records: [
          { name: "po1", members: ["Gi1", "Gi2"], note: "" },
          { name: "po2", members: [{ port: "Gi3" }], note: "x" },
        ],
        matchedLines: 2,
        literalChars: 0,
        wordLiteralChars: 0,
        valueSpecificity: new Map(),
      },
      measureOutput(["po1 Gi1 Gi2", "po2 Gi3 x"]),
    );
    assert.strictEqual(s.components.captured, 1);
    assert.strictEqual(s.components.population, Math.round((5 / 6) * 1e4) / 1e4);
    assert.strictEqual(s.components.fields, 1);
    assert.strictEqual(s.components.consistency, Math.round((2 / 3) * 1e4) / 1e4);
    assert.deepStrictEqual([s.recordCount, s.fieldCount], [2, 3]);
  });

  it("bounds what a parse can score from its literal share and its most specific Value", () => {
    assert.strictEqual(scoreBound(0.5, 0), 0.5 + WEIGHTS.capturedGranularity);
    assert.strictEqual(scoreBound(0.5, 1), 0.5 + WEIGHTS.typed + WEIGHTS.capturedGranularity);
    assert.strictEqual(scoreBound(1, 1), 1);
  });
});
