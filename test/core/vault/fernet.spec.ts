import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { FernetError, decodeBase64Url, fernetDecrypt, fernetEncrypt, fernetKey } from "../../../lib/core/vault/fernet";
import { PYTHON } from "../../support/vault";

// The test vectors of the Fernet spec (github.com/fernet/spec: generate.json, verify.json,
// invalid.json), version 0x80.
const SECRET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const IV = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const GENERATED =
  "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";

const INVALID: Array<{ desc: string; token: string; now: string; reason: FernetError["reason"] }> = [
  {
    desc: "incorrect mac",
    token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "bad_signature",
  },
  {
    desc: "too short",
    token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "malformed",
  },
  {
    desc: "invalid base64",
    token: "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "malformed",
  },
  {
    desc: "payload size not multiple of block size",
    token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm",
    now: "1985-10-26T01:20:01-07:00",
    reason: "malformed",
  },
  {
    desc: "payload padding error",
    token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "bad_padding",
  },
  {
    desc: "far-future TS (unacceptable clock skew)",
    token: "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "future_timestamp",
  },
  {
    desc: "expired TTL",
    token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
    now: "1985-10-26T01:21:31-07:00",
    reason: "expired",
  },
  {
    desc: "incorrect IV (causes padding error)",
    token: "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "bad_padding",
  },
  {
    desc: "trailing characters after b64 padding",
    token: GENERATED + "trailingdata",
    now: "1985-10-26T01:20:01-07:00",
    reason: "malformed",
  },
  {
    desc: "invalid characters in b64",
    token: "*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "malformed",
  },
  {
    desc: "invalid non-urlsafe characters in b64",
    token: "gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    now: "1985-10-26T01:20:01-07:00",
    reason: "malformed",
  },
];

function python(script: string, input: unknown): string {
  const r = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", timeout: 30000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe("Fernet (spec vectors and Python interop)", () => {
  const key = fernetKey(SECRET);

  it("generates the spec's token for its key, time, IV and message", () => {
    const token = fernetEncrypt(key, Buffer.from("hello"), { now: at("1985-10-26T01:20:00-07:00"), iv: IV });
    assert.strictEqual(token, GENERATED);
  });

  it("verifies the spec's token within its TTL", () => {
    const plain = fernetDecrypt(key, GENERATED, { ttlSeconds: 60, now: at("1985-10-26T01:20:01-07:00") });
    assert.strictEqual(plain.toString(), "hello");
  });

  for (const v of INVALID) {
    it(`refuses the spec's invalid token: ${v.desc}`, () => {
      assert.throws(
        () => fernetDecrypt(key, v.token, { ttlSeconds: 60, now: at(v.now) }),
        (err: unknown) => {
          assert.ok(err instanceof FernetError, String(err));
          assert.strictEqual(err.reason, v.reason);
          return true;
        },
      );
    });
  }

  it("a token decrypted without a TTL ignores its age (what the vault does)", () => {
    assert.strictEqual(fernetDecrypt(key, GENERATED).toString(), "hello");
  });

  it("refuses a key that is not 32 bytes", () => {
    assert.throws(() => fernetKey(Buffer.alloc(31)), FernetError);
    assert.throws(() => fernetKey("not-base64!"), FernetError);
  });

  it("strict base64url: canonical padding only", () => {
    assert.deepStrictEqual(decodeBase64Url("QQ=="), Buffer.from("A"));
    assert.deepStrictEqual(decodeBase64Url("QQ"), Buffer.from("A"));
    assert.strictEqual(decodeBase64Url("QR=="), undefined);
    assert.strictEqual(decodeBase64Url("Q==="), undefined);
    assert.strictEqual(decodeBase64Url("QQ=x"), undefined);
    assert.strictEqual(decodeBase64Url("Q+Q="), undefined);
  });

  it("Python's cryptography builds the same token from the same parts", () => {
    const cases = [
      { msg: "hello", iv: IV.toString("hex"), now: at("1985-10-26T01:20:00-07:00") },
      { msg: "", iv: randomBytes(16).toString("hex"), now: 1_700_000_000 },
      { msg: "exactly sixteen!", iv: randomBytes(16).toString("hex"), now: 1_800_000_123 },
      { msg: "ünïcödé — 🔑 " + "x".repeat(300), iv: randomBytes(16).toString("hex"), now: 2_000_000_000 },
    ];
    const out = python(
      "import json,sys\nfrom cryptography.fernet import Fernet\nspec=json.load(sys.stdin)\nf=Fernet(spec['key'])\n" +
        "print(json.dumps([f._encrypt_from_parts(c['msg'].encode(), c['now'], bytes.fromhex(c['iv'])).decode() for c in spec['cases']]))",
      { key: SECRET, cases },
    );
    const theirs = JSON.parse(out) as string[];
    cases.forEach((c, i) => {
      assert.strictEqual(
        fernetEncrypt(key, Buffer.from(c.msg), { now: c.now, iv: Buffer.from(c.iv, "hex") }),
        theirs[i],
        `case ${i}`,
      );
    });
  });

  it("tokens made here decrypt in Python, and Python's (random IV) decrypt here", () => {
    const raw = randomBytes(32);
    const k = fernetKey(raw);
    const messages = ["s3cret-pw", "", "line1\nline2", "ü".repeat(100)];
    const ours = messages.map((m) => fernetEncrypt(k, Buffer.from(m)));
    const out = python(
      "import json,sys,base64\nfrom cryptography.fernet import Fernet\nspec=json.load(sys.stdin)\nf=Fernet(base64.urlsafe_b64encode(bytes.fromhex(spec['key'])))\n" +
        "print(json.dumps({'decrypted':[f.decrypt(t.encode()).decode() for t in spec['tokens']],'tokens':[f.encrypt(m.encode()).decode() for m in spec['messages']]}))",
      { key: raw.toString("hex"), tokens: ours, messages },
    );
    const result = JSON.parse(out) as { decrypted: string[]; tokens: string[] };
    assert.deepStrictEqual(result.decrypted, messages);
    assert.deepStrictEqual(
      result.tokens.map((t) => fernetDecrypt(k, t).toString()),
      messages,
    );
  });

  it("a flipped bit anywhere in a token fails verification", () => {
    const k = fernetKey(randomBytes(32));
    const token = fernetEncrypt(k, Buffer.from("payload"));
    const bytes = Buffer.from(token, "base64url");
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 0x01;
      const t = copy.toString("base64url") + "=".repeat((4 - (copy.toString("base64url").length % 4)) % 4);
      assert.throws(() => fernetDecrypt(k, t), FernetError, `byte ${i}`);
    }
  });
});
