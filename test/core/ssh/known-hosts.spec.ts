import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { KnownHostsStore, SAVE_COALESCE_MS, fingerprintOf, keyTypeOf } from "../../../lib/core/ssh/known-hosts";
import { useTmpDir } from "../../support/tmp";
import { generateSshKeyPair } from "../../support/ssh-keys";

function publicBlob(): Buffer {
  const pair = generateSshKeyPair("ed25519");
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
    fs.writeFileSync(
      file,
      `# comment\n@revoked * ssh-ed25519 AAAA\n|1|${salt.toString("base64")}|${hash} ssh-ed25519 ${key.toString("base64")}\ngarbage line\n`,
    );
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
    const pair = generateSshKeyPair("ed25519");
    const pubFile = path.join(tmp.path, "k.pub");
    fs.writeFileSync(pubFile, pair.public);
    const printed = execFileSync("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", pubFile], {
      encoding: "utf8",
    }).split(/\s+/)[1];
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
    assert.equal(store.hasUnsavedPins, false, "nothing waits for a save that will never come");
    store.beginBatch()();
  });

  describe("batched saves (a collection run)", () => {
    const keyLines = (file: string) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => /^\[/.test(l));

    it("writes the first pin at once, coalesces the next ones, and has every pin on disk when the batch ends", () => {
      const file = path.join(tmp.path, "known_hosts");
      const store = new KnownHostsStore(file);
      const end = store.beginBatch();
      const keys = Array.from({ length: 300 }, () => publicBlob());
      keys.forEach((k, i) => store.pin("127.0.1.1", 20000 + i, k));
      assert.equal(keyLines(file).length, 1, "the first pin is saved at once, the others wait for the coalesced save");
      assert.equal(store.hasUnsavedPins, true);
      keys.forEach((k, i) =>
        assert.equal(
          store.check("127.0.1.1", 20000 + i, fingerprintOf(k)),
          "match",
          "pending pins are trusted in memory",
        ),
      );
      end();
      assert.equal(store.hasUnsavedPins, false);
      const lines = keyLines(file);
      assert.equal(lines.length, 300);
      assert.deepEqual(
        lines,
        keys.map((k, i) => `[127.0.1.1]:${20000 + i} ssh-ed25519 ${k.toString("base64")}`),
        "OpenSSH lines, in pin order",
      );
      assert.deepEqual(fs.readdirSync(tmp.path), ["known_hosts"], "no temporary file is left behind");
      const found = execFileSync("/usr/bin/ssh-keygen", ["-F", "[127.0.1.1]:20299", "-f", file], { encoding: "utf8" });
      assert.ok(found.includes(keys[299].toString("base64")));
    });

    it("writes pending pins at the end of the coalescing window while the batch is still open", async () => {
      const file = path.join(tmp.path, "known_hosts");
      const store = new KnownHostsStore(file);
      const end = store.beginBatch();
      try {
        store.pin("10.0.0.1", 22, publicBlob());
        store.pin("10.0.0.2", 22, publicBlob());
        assert.equal(fs.readFileSync(file, "utf8").trim().split("\n").length, 1);
        await new Promise((r) => setTimeout(r, SAVE_COALESCE_MS + 250));
        assert.equal(
          fs.readFileSync(file, "utf8").trim().split("\n").length,
          2,
          "saved without waiting for the batch's end",
        );
        assert.equal(store.hasUnsavedPins, false);
      } finally {
        end();
      }
    });

    it("shares pins between stores on one file and merges another process's change with its pending pins", () => {
      const file = path.join(tmp.path, "known_hosts");
      const a = new KnownHostsStore(file);
      const b = new KnownHostsStore(file);
      const end = a.beginBatch();
      const first = publicBlob();
      const pending = publicBlob();
      a.pin("10.1.0.1", 22, first);
      a.pin("10.1.0.2", 22, pending);
      assert.equal(
        b.check("10.1.0.2", 22, fingerprintOf(pending)),
        "match",
        "another store on the file sees the pending pin",
      );
      // Another process adds a host (ssh-keygen, an OpenSSH client): kept, and our pending pin too.
      const external = publicBlob();
      fs.appendFileSync(file, `10.9.0.9 ssh-ed25519 ${external.toString("base64")}\n`);
      end();
      const text = fs.readFileSync(file, "utf8");
      assert.match(text, /^10\.1\.0\.1 /m);
      assert.match(text, /^10\.1\.0\.2 /m);
      assert.match(text, /^10\.9\.0\.9 /m);
      assert.equal(new KnownHostsStore(file).check("10.9.0.9", 22, fingerprintOf(external)), "match");
    });

    it("keeps comments, markers, hashed entries and unreadable lines when it rewrites the file", () => {
      const file = path.join(tmp.path, "known_hosts");
      const kept = [
        "# managed by hand",
        `@cert-authority *.example.com ssh-ed25519 ${publicBlob().toString("base64")}`,
        `10.2.0.1 ssh-ed25519 ${publicBlob().toString("base64")} a comment`,
        "not a key line",
      ];
      fs.writeFileSync(file, kept.join("\n") + "\n");
      new KnownHostsStore(file).pin("10.2.0.2", 22, publicBlob());
      const lines = fs.readFileSync(file, "utf8").trim().split("\n");
      assert.deepEqual(lines.slice(0, 4), kept);
      assert.match(lines[4], /^10\.2\.0\.2 ssh-ed25519 AAAA\S+$/);
    });

    it("does not trust a pin it could not write, in a batch or not", () => {
      const blocker = path.join(tmp.path, "not-a-directory");
      fs.writeFileSync(blocker, "");
      const store = new KnownHostsStore(path.join(blocker, "known_hosts"));
      const key = publicBlob();
      assert.throws(() => store.pin("10.3.0.1", 22, key), /ENOTDIR|EEXIST/);
      assert.equal(store.check("10.3.0.1", 22, fingerprintOf(key)), "unknown");
      const end = store.beginBatch();
      assert.throws(() => store.pin("10.3.0.2", 22, key));
      assert.equal(store.check("10.3.0.2", 22, fingerprintOf(key)), "unknown");
      end();
    });

    it("finds hosts among thousands of entries, plain and hashed, by pattern", () => {
      const file = path.join(tmp.path, "known_hosts");
      const key = publicBlob();
      const salt = randomBytes(20);
      const hashed = `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update("[10.4.0.7]:830").digest("base64")}`;
      const lines = Array.from(
        { length: 5000 },
        (_, i) => `[10.5.${i >> 8}.${i & 255}]:22022 ssh-ed25519 ${key.toString("base64")}`,
      );
      fs.writeFileSync(
        file,
        [
          ...lines,
          `${hashed} ssh-ed25519 ${key.toString("base64")}`,
          `Alias.Example,10.4.0.8 ssh-ed25519 ${key.toString("base64")}`,
        ].join("\n") + "\n",
      );
      const store = new KnownHostsStore(file);
      assert.equal(store.get("10.5.19.135", 22022).length, 1);
      assert.equal(store.get("10.5.19.135", 22).length, 0);
      assert.equal(store.check("10.4.0.7", 830, fingerprintOf(key)), "match");
      assert.equal(
        store.check("alias.example", 22, fingerprintOf(key)),
        "match",
        "host names compare case-insensitively",
      );
      assert.equal(store.check("10.4.0.8", 22, fingerprintOf(key)), "match");
      assert.equal(store.list().length, 5002);
    });
  });
});
