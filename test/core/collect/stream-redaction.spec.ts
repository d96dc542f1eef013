import * as assert from "node:assert/strict";
import { LineStreamRedactor, MAX_HELD_BLOCK_CHARS } from "../../../lib/core/collect/stream-redaction";
import { redactionRules } from "../../../lib/core/platforms";
import { applyRules, maskSecrets } from "../../../lib/core/redact";

/*
 * An output redacted piece by piece (whole lines, as the session streams them) must read exactly
 * as the whole text redacted at once, wherever the pieces are cut: inside a private-key block,
 * on its BEGIN or END line, inside a secret that spans lines.
 */

const KEY_BODY = Array.from(
  { length: 12 },
  (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${String(i).padStart(4, "0")}Key`,
);
const OUTPUT = [
  "hostname edge-7",
  "enable secret 5 $1$abcd$Plk2Vq8eZ0x1yY2zW3aBc.",
  "crypto pki certificate chain TP",
  " -----BEGIN RSA PRIVATE KEY-----",
  ...KEY_BODY.map((l) => ` ${l}`),
  " -----END RSA PRIVATE KEY-----",
  "username admin secret 9 $9$Qw8rT6yU4iO2pA0s$dF3gH5jK7lZ9xC1vB3nM5qW7eR9tY1uI3oP5aS7dF9g",
  "snmp-server community Sup3rCommunity RO",
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7",
  "-----END PRIVATE KEY-----",
  "end",
];

function streamed(
  lines: string[],
  cuts: number[],
  rules = redactionRules("cisco_ios"),
  secrets: string[] = [],
): string {
  const r = new LineStreamRedactor(rules, secrets);
  let out = "";
  let from = 0;
  for (const cut of [...cuts, lines.length]) {
    out += r.push(lines.slice(from, cut));
    from = cut;
  }
  return out + r.end();
}

describe("collect: streamed redaction (LineStreamRedactor)", () => {
  const rules = redactionRules("cisco_ios");
  const whole = applyRules(OUTPUT.join("\n"), rules);

  it("gives the whole-text result for every place a piece boundary can fall, keys included", () => {
    assert.ok(!whole.includes("MIIE"), "the reference itself masks the keys");
    for (let cut = 0; cut <= OUTPUT.length; cut++) {
      assert.equal(streamed(OUTPUT, [cut], rules), whole, `boundary before line ${cut}`);
    }
    // Line by line, and in pairs.
    assert.equal(
      streamed(
        OUTPUT,
        OUTPUT.map((_, i) => i),
        rules,
      ),
      whole,
    );
    assert.equal(
      streamed(
        OUTPUT,
        OUTPUT.map((_, i) => i).filter((i) => i % 2 === 0),
        rules,
      ),
      whole,
    );
  });

  it("holds no key line back longer than its block: text before the block is given out at once", () => {
    const r = new LineStreamRedactor(rules, []);
    const first = r.push(OUTPUT.slice(0, 6)); // up to two lines into the first key
    assert.ok(first.startsWith("hostname edge-7\nenable secret 5 <redacted>"), first);
    assert.ok(!first.includes("MIIE") && !first.includes("BEGIN"), "the unclosed block waits for its end");
    const rest = r.push(OUTPUT.slice(6)) + r.end();
    assert.equal(first + rest, whole);
  });

  it("fails closed: a block still open at the end of the output is masked to the end", () => {
    const cut = OUTPUT.slice(0, 8);
    assert.equal(streamed(cut, [2, 5, 6], rules), applyRules(cut.join("\n"), rules));
    assert.ok(!streamed(cut, [5], rules).includes("MIIE"));
  });

  it("a block longer than the hold limit is masked at once and its lines dropped up to the END line", () => {
    const long = Array.from({ length: Math.ceil(MAX_HELD_BLOCK_CHARS / 60) + 100 }, () => "A".repeat(64));
    const lines = ["before", "-----BEGIN PRIVATE KEY-----", ...long, "-----END PRIVATE KEY-----", "after"];
    const cuts = Array.from({ length: Math.floor(lines.length / 500) }, (_, i) => (i + 1) * 500);
    const r = new LineStreamRedactor(rules, []);
    let out = "";
    let from = 0;
    let heldMax = 0;
    for (const cut of [...cuts, lines.length]) {
      out += r.push(lines.slice(from, cut));
      heldMax = Math.max(heldMax, (r as unknown as { heldChars: number }).heldChars);
      from = cut;
    }
    out += r.end();
    assert.equal(out, applyRules(lines.join("\n"), rules));
    assert.ok(!out.includes("AAAA"));
    assert.ok(heldMax <= MAX_HELD_BLOCK_CHARS + 500 * 65, `held at most ${heldMax} chars`);
  });

  it("masks a vault secret of several lines across a boundary, and single-line secrets in any piece", () => {
    const keySecret = "line-one-of-secret\nline-two-of-secret";
    const lines = ["a", "line-one-of-secret", "line-two-of-secret", "b Sup3rPassw0rd c"];
    const secrets = [keySecret, "Sup3rPassw0rd"];
    const expected = maskSecrets(lines.join("\n"), secrets);
    for (let cut = 0; cut <= lines.length; cut++) assert.equal(streamed(lines, [cut], [], secrets), expected);
    assert.ok(!expected.includes("line-two"));
  });
});
