import type {
  ICredentialsDecrypted,
  ICredentialTestFunctions,
  IDataObject,
  IExecuteFunctions,
  INodeCredentialTestResult,
  INodeExecutionData,
  INodeType,
  INodeTypeDescription,
} from "n8n-workflow";
import { NodeConnectionTypes } from "n8n-workflow";
import { errorMessage } from "../../../lib/core/errors";
import { normaliseDevices } from "../../../lib/core/inventory";
import type { Device, DeviceResult } from "../../../lib/core/types";
import { errorJson, nodeError } from "../shared/errors";
import { openVault, vaultCredentialFrom } from "../shared/vault";
import { runSettingsFrom, collectGroups, type DeviceFromItem } from "./run";

/**
 * Runs commands on the input devices over SSH (lib/core/collect's runCollection: bounded
 * concurrency, the vault's credential chain, retries of connection failures only, host keys
 * pinned in the data home's known_hosts) and outputs one item per device, paired with the input
 * item it came from. A device that fails is an item with status "failed" and its error class;
 * it never stops the others. A bad input item stops the node unless "Continue On Fail" is set.
 */
export class VelocityCollectorCollect implements INodeType {
  description: INodeTypeDescription = {
    displayName: "Velocity Collector Collect",
    name: "velocityCollectorCollect",
    icon: { light: "file:velocitycollector-collect.svg", dark: "file:velocitycollector-collect.dark.svg" },
    group: ["transform"],
    version: 1,
    subtitle: '={{$parameter["captureType"] + ": " + $parameter["commands"].split("\\n")[0]}}',
    description: "Run show commands on network devices over SSH, many at once",
    defaults: { name: "Collect" },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: "velocityCollectorVaultApi", required: true, testedBy: "velocityCollectorVaultTest" }],
    properties: [
      {
        displayName: "Commands",
        name: "commands",
        type: "string",
        typeOptions: { rows: 4 },
        default: "show version",
        required: true,
        description: "One command per line, sent as typed",
      },
      {
        displayName: "Capture Type",
        name: "captureType",
        type: "string",
        default: "n8n",
        required: true,
        description:
          "Folder name under collections/ for saved captures, and the job name in history (e.g. configs, arp)",
      },
      {
        displayName: "Credential Name",
        name: "credential",
        type: "string",
        default: "",
        description:
          "Vault credential to use for every device. Empty: the device's mapped credential, then the vault's default and fallback chain.",
      },
      {
        displayName: "Options",
        name: "options",
        type: "collection",
        placeholder: "Add Option",
        default: {},
        options: [
          {
            displayName: "Command Timeout (Seconds)",
            name: "commandTimeout",
            type: "number",
            default: 60,
            typeOptions: { minValue: 0.1 },
          },
          {
            displayName: "Concurrency",
            name: "concurrency",
            type: "number",
            default: 20,
            typeOptions: { minValue: 1, maxValue: 5000 },
            description: "Devices collected at once",
          },
          {
            displayName: "Connect Timeout (Seconds)",
            name: "connectTimeout",
            type: "number",
            default: 10,
            typeOptions: { minValue: 0.1 },
          },
          {
            displayName: "Credential Discovery",
            name: "discovery",
            type: "boolean",
            default: false,
            description: "Whether to try the other vault credentials on hosts whose key was pinned before",
          },
          {
            displayName: "Data Home",
            name: "home",
            type: "string",
            default: "",
            description: "Folder with known_hosts, collections and history. Empty: $VCOLLECTOR_HOME or ~/.vcollector.",
          },
          {
            displayName: "Delay Between Commands (Seconds)",
            name: "delay",
            type: "number",
            default: 0,
            typeOptions: { minValue: 0 },
          },
          {
            displayName: "Device Timeout (Seconds)",
            name: "deviceTimeout",
            type: "number",
            default: 300,
            typeOptions: { minValue: 0.1 },
          },
          {
            displayName: "Host Key Policy",
            name: "hostKeyPolicy",
            type: "options",
            options: [
              { name: "Pin on First Use", value: "tofu", description: "Unknown hosts are pinned; a changed key fails" },
              { name: "Strict", value: "strict", description: "Only hosts already in known_hosts" },
              { name: "Accept Any (Lab Only)", value: "accept-any" },
            ],
            default: "tofu",
          },
          {
            displayName: "Keep History",
            name: "history",
            type: "boolean",
            default: true,
            description: "Whether to record the run in collector.db (job history)",
          },
          {
            displayName: "Retries",
            name: "retries",
            type: "number",
            default: 2,
            typeOptions: { minValue: 0, maxValue: 10 },
            description: "Further attempts after a connection failure (never after an authentication failure)",
          },
          {
            displayName: "Save Captures",
            name: "save",
            type: "boolean",
            default: true,
            description: "Whether to write each device's output to the collections folder of its capture type",
          },
          {
            displayName: "Start Jitter (Seconds)",
            name: "jitter",
            type: "number",
            default: 0.25,
            typeOptions: { minValue: 0 },
          },
        ],
      },
    ],
  };

  methods = {
    credentialTest: {
      async velocityCollectorVaultTest(
        this: ICredentialTestFunctions,
        credential: ICredentialsDecrypted,
      ): Promise<INodeCredentialTestResult> {
        try {
          const vault = await openVault(vaultCredentialFrom(credential.data));
          const count = vault.list().length;
          return { status: "OK", message: `Vault unlocked: ${count} credential${count === 1 ? "" : "s"}` };
        } catch (err) {
          return { status: "Error", message: errorMessage(err) };
        }
      },
    },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const devices: DeviceFromItem[] = [];
    const failedItems: INodeExecutionData[] = [];
    for (let i = 0; i < items.length; i++) {
      try {
        const settings = runSettingsFrom(this, i);
        for (const device of devicesOfItem(items[i].json, i)) devices.push({ device, item: i, settings });
      } catch (err) {
        const error = nodeError(this.getNode(), err, i);
        if (!this.continueOnFail()) throw error;
        failedItems.push({ json: errorJson(err), pairedItem: { item: i } });
      }
    }
    if (devices.length === 0) return [failedItems];

    let vault;
    try {
      vault = await openVault(
        vaultCredentialFrom(await this.getCredentials<Record<string, unknown>>("velocityCollectorVaultApi")),
      );
    } catch (err) {
      const error = nodeError(this.getNode(), err);
      if (!this.continueOnFail()) throw error;
      return [items.map((_, item) => ({ json: errorJson(err), pairedItem: { item } }))];
    }

    const results = await collectGroups(devices, vault, this.getExecutionCancelSignal?.(), (line) =>
      this.logger.debug(line),
    );
    const out: INodeExecutionData[] = devices.map(({ device, item }) => {
      const r = results.get(device) as DeviceResult;
      return { json: r as unknown as IDataObject, pairedItem: { item } };
    });
    return [[...out, ...failedItems]];
  }
}

/** The devices of one input item: the item itself, or its `devices` list (Device Source "all"). */
function devicesOfItem(json: IDataObject, index: number): Device[] {
  return Array.isArray(json.devices)
    ? normaliseDevices(json.devices, `item ${index}.devices`)
    : normaliseDevices(json, `item ${index}`);
}
