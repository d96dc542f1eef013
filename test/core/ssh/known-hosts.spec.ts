import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { utils } from "ssh2";
import { KnownHostsStore, fingerprintOf, keyTypeOf } from "../../../lib/core/ssh/known-hosts";
import { useTmpDir } from "../../support/tmp";

function publicBlob(): Buffer {
  const pair = utils.generateKeyPairSync("ed25519");
  return Buffer.from(pair.public.trim().split(/\s+/)[1], "base64");
}

describe("ssh/known-hosts: trust-on-first-use store", () => {
  const tmp = useTmpDir("vc-known-hosts-");

  it("reports unknown, then match after pinning, and mismatch for another key", () => {
    const store = new KnownHostsStore(path.join(tmp.path, "known_hosts"));
    const key = publicBlob();
    const fp = fingerprintOf(key);
    assert.equal(store.check("127.0.0.2", 2222, fp), "unknown");
    const pinned = store.pin("127.0.0.2", 2222, key);
    assert.equal(pinned.keyType, "ssh-ed25519");
    assert.equal(pinned.fingerprint, fp);
    assert.equal(store.check("127.0.0.2", 2222, fp), "match");
    assert.equal(store.check("127.0.0.2", 2222, fingerprintOf(publicBlob())), "mismatch");
    assert.equal(store.check("127.0.0.2", 22, fp), "unknown", "another port is another host");
  });

  it("writes OpenSSH known_hosts lines that ssh-keygen finds, atomically and owner-only", () => {
    const file = path.join(tmp.path, "sub", "known_hosts");
    const store = new KnownHostsStore(file);
    const key = publicBlob();
    store.pin("127.0.0.5", 2222, key);
    store.pin("10.1.1.1", 22, publicBlob());
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, /^\[127\.0\.0\.5\]:2222 ssh-ed25519 AAAA\S+$/m);
    assert.match(text, /^10\.1\.1\.1 ssh-ed25519 AAAA\S+$/m);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["known_hosts"], "no temporary file is left behind");
    const found = execFileSync("/usr/bin/ssh-keygen", ["-F", "[127.0.0.5]:2222", "-f", file], { encoding: "utf8" });
    assert.ok(found.includes(key.toString("base64")));
  });

  it("reads hashed entries and comments written by OpenSSH, and sees changes made by another store", () => {
    const file = path.join(tmp.path, "known_hosts");
    const key = publicBlob();
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update("[10.9.9.9]:830").digest("base64");
    fs.writeFileSync(file, `# comment\n@revoked * ssh-ed25519 AAAA\n|1|${salt.toString("base64")}|${hash} ssh-ed25519 ${key.toString("base64")}\ngarbage line\n`);
    const a = new KnownHostsStore(file);
    assert.equal(a.check("10.9.9.9", 830, fingerprintOf(key)), "match");
    const b = new KnownHostsStore(file);
    const other = publicBlob();
    b.pin("10.0.0.7", 22, other);
    assert.equal(a.check("10.0.0.7", 22, fingerprintOf(other)), "match");
  });

  it("replaces the key of the same type on re-pin and forgets a host on unpin", () => {
    const store = new KnownHostsStore(path.join(tmp.path, "known_hosts"));
    store.pin("h", 22, publicBlob());
    const second = publicBlob();
    store.pin("h", 22, second);
    assert.equal(store.get("h", 22).length, 1);
    assert.equal(store.check("h", 22, fingerprintOf(second)), "match");
    assert.equal(store.unpin("h", 22), 1);
    assert.equal(store.check("h", 22, fingerprintOf(second)), "unknown");
  });

  it("formats fingerprints as OpenSSH prints them and reads the key type from the blob", () => {
    const pair = utils.generateKeyPairSync("ed25519");
    const pubFile = path.join(tmp.path, "k.pub");
    fs.writeFileSync(pubFile, pair.public);
    const printed = execFileSync("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", pubFile], { encoding: "utf8" }).split(/\s+/)[1];
    const blob = Buffer.from(pair.public.trim().split(/\s+/)[1], "base64");
    assert.equal(fingerprintOf(blob), printed);
    assert.equal(keyTypeOf(blob), "ssh-ed25519");
  });

  it("keeps an in-memory store without touching the disk", () => {
    const store = KnownHostsStore.inMemory();
    const key = publicBlob();
    store.pin("x", 22, key);
    assert.equal(store.check("x", 22, fingerprintOf(key)), "match");
    assert.equal(store.file, null);
  });
});
