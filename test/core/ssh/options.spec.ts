import * as assert from "node:assert/strict";
import { VcError } from "../../../lib/core/errors";
import { KnownHostsStore, ProfileError, SessionError, openSession, type SessionOptions } from "../../../lib/core/ssh";

const base: SessionOptions = {
  host: "127.0.0.1",
  port: 1,
  username: "u",
  password: "Opt-Pass-1234",
  platform: "cisco_ios",
  hostKeys: { policy: "accept-any", store: KnownHostsStore.inMemory() },
};

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail("expected a rejection");
}

describe("ssh/openSession: bad options are refused before connecting, naming the field", () => {
  it("refuses a bad port, a missing host or username, and a bad timeout", async () => {
    const port = await rejection(openSession({ ...base, port: 70000 }));
    assert.ok(port instanceof VcError && port.errorClass === "usage");
    assert.match(port.message, /port must be an integer from 1 to 65535, got 70000/);
    assert.match((await rejection(openSession({ ...base, host: " " }))).message, /host is required/);
    assert.match((await rejection(openSession({ ...base, username: "" }))).message, /username is required/);
    assert.match(
      (await rejection(openSession({ ...base, timeouts: { commandMs: -5 } }))).message,
      /timeouts\.commandMs must be a non-negative number/,
    );
    assert.match(
      (await rejection(openSession({ ...base, maxOutputBytes: 0 }))).message,
      /maxOutputBytes must be a positive integer/,
    );
    assert.match(
      (await rejection(openSession({ ...base, hostKeys: { policy: "yolo" as "tofu" } }))).message,
      /hostKeys\.policy must be tofu, strict or accept-any/,
    );
  });

  it("has no default home: tofu or strict without a known_hosts store is refused, naming the field", async () => {
    for (const policy of ["tofu", "strict"] as const) {
      const err = await rejection(openSession({ ...base, hostKeys: { policy } }));
      assert.ok(err instanceof VcError && err.errorClass === "invalid_config", String(err));
      assert.match(err.message, new RegExp(`hostKeys\\.store is required with the ${policy} policy`));
    }
    const noOptions = await rejection(openSession({ ...base, hostKeys: undefined }));
    assert.match(noOptions.message, /hostKeys\.store is required with the tofu policy/);
  });

  it("refuses an unknown platform with the list of known ones", async () => {
    const err = await rejection(openSession({ ...base, platform: "acme_os" }));
    assert.ok(err instanceof ProfileError);
    assert.match(err.message, /unknown platform "acme_os"/);
  });

  it("refuses an unsupported algorithm as algorithm_mismatch naming the list", async () => {
    const err = await rejection(openSession({ ...base, algorithms: { cipher: ["rot13"] } }));
    assert.ok(err instanceof SessionError);
    assert.equal(err.errorClass, "algorithm_mismatch");
    assert.match(err.message, /^127\.0\.0\.1:1: algorithms\.cipher: unsupported algorithm "rot13"/);
  });

  it("refuses credentials that cannot authenticate at all, or a key that is not a private key", async () => {
    const none = await rejection(openSession({ ...base, password: undefined }));
    assert.ok(none instanceof SessionError && none.errorClass === "auth_failed");
    assert.match(none.message, /no password or private key given for user "u"/);
    const garbage = await rejection(
      openSession({ ...base, password: undefined, privateKey: "-----BEGIN NOTHING-----\nxx\n-----END NOTHING-----\n" }),
    );
    assert.ok(garbage instanceof SessionError && garbage.errorClass === "auth_failed");
    assert.match(garbage.message, /could not be read/);
    assert.ok(!garbage.message.includes("BEGIN NOTHING"));
  });
});
