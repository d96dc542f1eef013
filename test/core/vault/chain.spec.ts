import * as assert from "node:assert";
import { chainNames, fallbackListNames } from "../../../lib/core/vault";
import { useTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

describe("vault: the credential fallback order (one definition)", () => {
  const tmp = useTmpDir("vc-chain-order-");

  it("is the default first, then the fallback list by position, each once; the same from summaries, locked or not", () => {
    const made = makeVault(
      tmp.path,
      [
        { name: "zeta", username: "z", password: "Zeta-Pass-1" },
        { name: "dflt", username: "d", password: "Dflt-Pass-1" },
        { name: "b", username: "b", password: "Bbbb-Pass-1" },
        { name: "a", username: "a", password: "Aaaa-Pass-1" },
      ],
      { defaultName: "dflt", fallback: ["b", "dflt", "a"] },
    );
    const vault = made.open();
    try {
      assert.deepStrictEqual(vault.fallbackChainNames(), ["dflt", "b", "a"]);
      assert.deepStrictEqual(
        vault.fallbackChain().map((c) => c.name),
        ["dflt", "b", "a"],
      );
      assert.deepStrictEqual(vault.fallbackListNames(), ["b", "dflt", "a"]);
      assert.deepStrictEqual(chainNames(vault.list()), vault.fallbackChainNames());
      vault.lock();
      assert.deepStrictEqual(chainNames(vault.list()), ["dflt", "b", "a"], "names only: works locked");
      assert.deepStrictEqual(fallbackListNames(vault.list()), ["b", "dflt", "a"]);
    } finally {
      vault.close();
    }
  });
});
