import * as assert from "node:assert/strict";
import { redact } from "../../../lib/core/ssh/errors";
import { redact as collectRedact } from "../../../lib/core/collect/credentials";

describe("ssh/errors: redaction of secrets in logs and messages", () => {
  it("replaces a secret wherever it stands as a word of its own", () => {
    const line = 'trying password authentication as S3cret-Pass-91; device said: "S3cret-Pass-91" (S3cret-Pass-91)';
    assert.equal(redact(line, ["S3cret-Pass-91"]), 'trying password authentication as ***; device said: "***" (***)');
  });

  it("does not print a username equal to the password, but leaves longer words that contain it alone", () => {
    const line = "127.0.0.2:22 authenticated as admin (password); prompt admin-sw1# by administrator";
    assert.equal(
      redact(line, ["admin"]),
      "127.0.0.2:22 authenticated as *** (password); prompt admin-sw1# by administrator",
    );
  });

  it("matches a secret that starts or ends with punctuation anywhere, and handles repeats and overlaps", () => {
    assert.equal(redact("key=!x9!;a!x9!b", ["!x9!"]), "key=***;a***b");
    assert.equal(redact("pw pw pwpw", ["pw"]), "*** *** pwpw");
    assert.equal(redact("aaa aa", ["aa"]), "aaa ***");
    assert.equal(redact("nothing here", ["", "zz"]), "nothing here");
  });

  it("is the rule the collection runner uses", () => {
    assert.equal(collectRedact, redact);
  });
});

describe("redact: strong secrets", () => {
  it("masks a secret of 8 or more characters even inside a longer word", () => {
    const out = redact("tokenXs3cr3t-P4ssX and s3cr3t-P4ss", ["s3cr3t-P4ss"]);
    if (out.includes("s3cr3t-P4ss")) throw new Error(`leaked: ${out}`);
  });
});
