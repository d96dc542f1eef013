import * as assert from "node:assert";
import {
  credentialChain,
  requireCredential,
  snapshotCredentials,
  type CredentialSource,
} from "../../../lib/core/collect";
import type { Device } from "../../../lib/core/types";
import type { Vault } from "../../../lib/core/vault";
import { useTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

const device = (over: Partial<Device> = {}): Device => ({
  name: "r1",
  host: "127.0.0.2",
  port: 22,
  platform: "cisco_ios",
  ...over,
});

describe("collect: credential chain", () => {
  const tmp = useTmpDir("vc-chain-");
  let vault: Vault;

  beforeEach(() => {
    vault = makeVault(
      tmp.path,
      [
        { name: "zeta", username: "z", password: "zeta-secret" },
        { name: "mapped", username: "m", password: "mapped-secret" },
        { name: "explicit", username: "e", password: "explicit-secret" },
        { name: "dflt", username: "d", password: "default-secret" },
        { name: "alpha", username: "a", password: "alpha-secret" },
        { name: "fb1", username: "f", password: "fb1-secret" },
      ],
      { defaultName: "dflt", fallback: ["fb1"] },
    ).open();
  });
  afterEach(() => vault.close());

  const names = (src: CredentialSource, d: Device, opts: Parameters<typeof credentialChain>[2]) =>
    credentialChain(d, src, opts).steps.map((s) => `${s.source}:${s.credential.name}`);

  it("orders mapped → explicit → default, each credential once", () => {
    assert.deepStrictEqual(names(vault, device({ credentialName: "mapped" }), { explicit: "explicit" }), [
      "device:mapped",
      "explicit:explicit",
      "default:dflt",
    ]);
    assert.deepStrictEqual(names(vault, device({ credentialName: "dflt" }), { explicit: "dflt" }), ["device:dflt"]);
    assert.deepStrictEqual(names(vault, device(), {}), ["default:dflt"]);
  });

  it("adds the rest of the vault (fallback list first, then by name) only when discovery is on and the host is pinned", () => {
    const d = device({ credentialName: "mapped" });
    assert.deepStrictEqual(names(vault, d, { discovery: true, hostPinned: true }), [
      "device:mapped",
      "default:dflt",
      "discovery:fb1",
      "discovery:alpha",
      "discovery:explicit",
      "discovery:zeta",
    ]);
    const unpinned = credentialChain(d, vault, { discovery: true, hostPinned: false });
    assert.deepStrictEqual(
      unpinned.steps.map((s) => s.credential.name),
      ["mapped", "dflt"],
    );
    assert.match(unpinned.notes.join(), /host key was not pinned/);
    assert.deepStrictEqual(names(vault, d, { discovery: false, hostPinned: true }), ["device:mapped", "default:dflt"]);
  });

  it("notes a mapped credential missing from the vault and goes on with the rest", () => {
    const chain = credentialChain(device({ credentialName: "gone" }), vault, {});
    assert.deepStrictEqual(
      chain.steps.map((s) => s.credential.name),
      ["dflt"],
    );
    assert.deepStrictEqual(chain.notes, ["the device's credential 'gone' is not in the vault"]);
  });

  it("refuses an unknown explicit credential, listing the known names", () => {
    assert.throws(
      () => requireCredential(vault, "nope", "collect.credential"),
      /collect\.credential: credential 'nope' is not in the vault \(known: alpha, dflt, explicit, fb1, mapped, zeta\)/,
    );
  });

  it("a run's snapshot reads the vault once and keeps failing for unknown names", () => {
    const snap = snapshotCredentials(vault);
    assert.strictEqual(snap.get("alpha").password, "alpha-secret");
    vault.edit("alpha", { password: "changed-secret" });
    assert.strictEqual(snap.get("alpha").password, "alpha-secret");
    assert.throws(() => snap.get("nope"));
    assert.strictEqual(snap.getDefault()!.name, "dflt");
    assert.deepStrictEqual(
      snap.fallbackChain().map((c) => c.name),
      ["dflt", "fb1"],
    );
  });
});
