import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from "n8n-workflow";
import type { DeviceResult } from "../../../lib/core/types";
import { devicesOfItem } from "../shared/devices";
import { errorJson, nodeError } from "../shared/errors";
import {
  credentialNameProperty,
  dataHomeProperty,
  hostKeyPolicyProperty,
  keepHistoryProperty,
  saveCapturesProperty,
  secondsProperty,
  VERSION_1_MAIN_IN_OUT,
} from "../shared/properties";
import { openNodeVault, velocityCollectorVaultTest } from "../shared/vault";
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
    subtitle: '={{$parameter["captureType"] + ": " + $parameter["commands"].split("\\n")[0]}}',
    description: "Run show commands on network devices over SSH, many at once",
    defaults: { name: "Collect" },
    usableAsTool: true,
    ...VERSION_1_MAIN_IN_OUT,
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
      credentialNameProperty(
        "Vault credential to use for every device. Empty: the device's mapped credential, then the vault's default and fallback chain.",
      ),
      {
        displayName: "Options",
        name: "options",
        type: "collection",
        placeholder: "Add Option",
        default: {},
        options: [
          secondsProperty("Command Timeout", "commandTimeout", 60),
          {
            displayName: "Concurrency",
            name: "concurrency",
            type: "number",
            default: 20,
            typeOptions: { minValue: 1, maxValue: 5000 },
            description: "Devices collected at once",
          },
          secondsProperty("Connect Timeout", "connectTimeout", 10),
          {
            displayName: "Credential Discovery",
            name: "discovery",
            type: "boolean",
            default: false,
            description: "Whether to try the other vault credentials on hosts whose key was pinned before",
          },
          dataHomeProperty(),
          secondsProperty("Delay Between Commands", "delay", 0, 0),
          secondsProperty("Device Timeout", "deviceTimeout", 300),
          hostKeyPolicyProperty(),
          keepHistoryProperty(),
          {
            displayName: "Retries",
            name: "retries",
            type: "number",
            default: 2,
            typeOptions: { minValue: 0, maxValue: 10 },
            description: "Further attempts after a connection failure (never after an authentication failure)",
          },
          saveCapturesProperty("Whether to write each device's output to the collections folder of its capture type"),
          secondsProperty("Start Jitter", "jitter", 0.25, 0),
        ],
      },
    ],
  };

  methods = { credentialTest: { velocityCollectorVaultTest } };

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
      vault = await openNodeVault(this);
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
