import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { utils } from "ssh2";
import { derivedEd25519, fastSigningKey } from "../../lib/lab/hostkeys";
import { generateSshKeyPair } from "../support/ssh-keys";

describe("lab/hostkeys: the host key handed to ssh2's Server", () => {
  it("signs like ssh2's own ed25519 key (same signature, verifiable with the device's public key)", () => {
    const hostKey = derivedEd25519("seed", "fast-sign");
    const fast = fastSigningKey(hostKey.privateKey);
    assert.ok(typeof fast === "object", "an ed25519 key is passed pre-parsed");
    const reference = utils.parseKey(hostKey.privateKey) as import("ssh2").ParsedKey;
    const publicKey = utils.parseKey(hostKey.publicKey) as import("ssh2").ParsedKey;
    const data = randomBytes(64);
    const signature = fast.key.sign(data) as Buffer;
    assert.deepEqual(
      signature,
      reference.sign(data),
      "ed25519 signatures are deterministic: both paths give the same bytes",
    );
    assert.equal(publicKey.verify(data, signature), true);
    assert.equal(publicKey.verify(randomBytes(64), signature), false);
    assert.equal(fast.key.getPublicSSH().toString("base64"), hostKey.publicKey.split(" ")[1], "the same public key");
  });

  it("leaves other key types to ssh2 (passed as the text it parses itself)", () => {
    const ecdsa = generateSshKeyPair("ecdsa", { bits: 256 });
    assert.equal(fastSigningKey(ecdsa.private), ecdsa.private);
  });
});
