import * as assert from "node:assert";
import { validateRequest, type CollectRequest } from "../../../lib/core/collect";
import { VcError } from "../../../lib/core/errors";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { Vault } from "../../../lib/core/vault";
import { useTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

describe("collect: request checks (host keys have no default home)", () => {
  const tmp = useTmpDir("vc-request-");
  let vault: Vault;
  beforeEach(() => {
    vault = makeVault(tmp.path, [{ name: "lab", username: "u", password: "Request-Pass-1" }]).open();
  });
  afterEach(() => vault.close());

  const request = (hostKeys: CollectRequest["hostKeys"]): CollectRequest => ({
    devices: [],
    commands: ["show version"],
    captureType: "version",
    credentials: vault,
    hostKeys,
  });

  it("refuses tofu or strict without a known_hosts store, and a bad policy, naming the field", () => {
    for (const hostKeys of [undefined, { policy: "tofu" as const }, { policy: "strict" as const }]) {
      assert.throws(
        () => validateRequest(request(hostKeys)),
        (e: VcError) =>
          e.errorClass === "invalid_input" &&
          /^collect\.hostKeys\.store: a known_hosts store is required/.test(e.message),
      );
    }
    assert.throws(
      () => validateRequest(request({ policy: "yolo" as "tofu", store: KnownHostsStore.inMemory() })),
      /collect\.hostKeys\.policy: must be tofu, strict or accept-any, got "yolo"/,
    );
  });

  it("accepts a store, or accept-any without one", () => {
    validateRequest(request({ policy: "tofu", store: KnownHostsStore.inMemory() }));
    validateRequest(request({ policy: "accept-any" }));
  });
});
