import * as assert from "node:assert/strict";
import {
  OfferedAlgorithms,
  buildAlgorithms,
  resolveAlgorithmList,
  supportedAlgorithms,
} from "../../../lib/core/ssh/algorithms";

describe("ssh/algorithms: per-device and per-profile algorithm lists", () => {
  it("offers ecdh-sha2-nistp256 first by default (the cheapest exchange in ssh2), curve25519 next, and no weaker default", () => {
    const ssh2Defaults = (require("ssh2/lib/protocol/constants.js") as { DEFAULT_KEX: string[] }).DEFAULT_KEX;
    const kex = buildAlgorithms(undefined, undefined).kex as string[];
    assert.equal(kex[0], "ecdh-sha2-nistp256");
    assert.ok(kex.indexOf("curve25519-sha256") < kex.indexOf("ecdh-sha2-nistp384"));
    assert.deepEqual(
      [...kex].sort(),
      [...ssh2Defaults].sort(),
      "the same algorithms as ssh2's defaults, only reordered",
    );
    assert.equal(
      resolveAlgorithmList("kex", ["^curve25519-sha256"])[0],
      "curve25519-sha256",
      "a profile or device can still put curve25519 first",
    );
  });

  it("uses an exact list as given, and OpenSSH-style modifiers on the defaults", () => {
    assert.deepEqual(resolveAlgorithmList("kex", ["diffie-hellman-group1-sha1"]), ["diffie-hellman-group1-sha1"]);
    const appended = resolveAlgorithmList("kex", ["+diffie-hellman-group14-sha1"]);
    assert.equal(appended[appended.length - 1], "diffie-hellman-group14-sha1");
    assert.ok(appended.includes("curve25519-sha256"));
    assert.equal(resolveAlgorithmList("cipher", ["^aes128-cbc"])[0], "aes128-cbc");
    assert.ok(!resolveAlgorithmList("hmac", ["-hmac-sha1"]).includes("hmac-sha1"));
  });

  it("names the field and lists what is supported for an unknown algorithm", () => {
    assert.throws(
      () => resolveAlgorithmList("cipher", ["rot13"]),
      /algorithms\.cipher: unsupported algorithm "rot13" \(supported: .*aes128-ctr/,
    );
    assert.throws(
      () => resolveAlgorithmList("kex", ["+diffie-hellman-group1-sha1", "curve25519-sha256"]),
      /mix of plain names and/,
    );
    assert.ok(supportedAlgorithms("serverHostKey").includes("ssh-dss"));
  });

  it("applies device lists on top of the profile's and prefers pinned host-key types", () => {
    const algos = buildAlgorithms({ kex: ["diffie-hellman-group14-sha1"] }, { kex: ["+diffie-hellman-group1-sha1"] }, [
      "ssh-rsa",
    ]);
    assert.deepEqual(algos.kex, ["diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"]);
    const hostKeys = algos.serverHostKey as string[];
    assert.deepEqual(hostKeys.slice(0, 3), ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
  });

  it("describes a failed negotiation with what both sides offered", () => {
    const offered = new OfferedAlgorithms();
    offered.observe("Handshake: (local) KEX method: curve25519-sha256,ecdh-sha2-nistp256");
    offered.observe("Handshake: (remote) KEX method: diffie-hellman-group1-sha1");
    offered.observe("Handshake: no matching key exchange algorithm");
    assert.ok(offered.failed);
    assert.equal(
      offered.describeFailure(),
      "no matching key exchange algorithm; server offered kex: diffie-hellman-group1-sha1; we offered: curve25519-sha256, ecdh-sha2-nistp256",
    );
  });
});
