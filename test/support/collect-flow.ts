import type { Lab } from "../../lib/lab";
import type { DeviceResult } from "../../lib/core/types";
import { labDevices } from "./collect";
import { collectMessages, helper, nextMessage } from "./nodered";
import { vaultConfigNode, type TestVault } from "./vault";

/**
 * What the vc-collect node specs share (test/nodes/vc-collect*.spec.ts, vc-diff.spec.ts, with
 * useLabWithVault from ./lab): a flow of a vc-vault-config node, a vc-collect node `c1` (its
 * outputs wired to helpers `out1` and `out2`) and any further nodes, and one run of it.
 */
export const collectNode = require("../../nodes/vc-collect/vc-collect");
export const vaultNode = require("../../nodes/vc-vault-config/vc-vault-config");

type TestFlows = Parameters<typeof helper.load>[1];

export interface CollectFlow {
  nodes: TestFlows;
  credentials: Record<string, unknown>;
}

/**
 * A flow on tab `tab1`: the vault node `vault1`, vc-collect `c1` (jitter and retries 0, outputs to
 * `out1` and `out2`; `collect` sets or overrides its properties), helpers `out1`/`out2`, then `more`.
 */
export function collectFlow(
  vault: TestVault,
  collect: Record<string, unknown>,
  more: Array<Record<string, unknown>> = [],
): CollectFlow {
  const vc = vaultConfigNode(vault.file, vault.password, "vault1");
  return {
    nodes: [
      { id: "tab1", type: "tab", label: "t" },
      { ...vc.node, z: "tab1" },
      {
        id: "c1",
        type: "vc-collect",
        z: "tab1",
        vault: "vault1",
        jitter: 0,
        retries: 0,
        wires: [["out1"], ["out2"]],
        ...collect,
      },
      { id: "out1", type: "helper", z: "tab1" },
      { id: "out2", type: "helper", z: "tab1" },
      ...more.map((n) => ({ z: "tab1", ...n })),
    ] as TestFlows,
    credentials: vc.credentials,
  };
}

/** Loads the flow, sends the lab's devices to `c1`, and waits for every per-device message and the summary. */
export async function collectOnce(flow: CollectFlow, lab: Lab): Promise<Array<{ payload: DeviceResult }>> {
  await helper.load([vaultNode, collectNode], flow.nodes, flow.credentials);
  const devices = labDevices(lab);
  const perDevice = collectMessages<{ payload: DeviceResult }>("out1", devices.length);
  const summary = nextMessage("out2");
  helper.getNode("c1").receive({ payload: devices } as never);
  const messages = await perDevice;
  await summary;
  await helper.unload();
  return messages;
}
