import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { errorMessage } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";
import {
  messagePerDevice,
  parseSourceSettings,
  selectFromSource,
  type DeviceSourceConfig,
} from "../../lib/core/inventory";
import { asyncInput, errorTextStatus } from "../common/async-input";

interface DeviceSourceDef extends NodeDef {
  source?: string;
  path?: string;
  inline?: string;
  netboxUrl?: string;
  netboxTimeout?: string;
  platformMap?: string;
  /** "all": one message with msg.payload = Device[]; "each": one message per device. */
  output?: string;
  site?: string;
  role?: string;
  platform?: string;
  manufacturer?: string;
  /** Device status filter ("status" would clash with the editor's node.status). */
  deviceStatus?: string;
  nameRegex?: string;
  tag?: string;
  credentialStatus?: string;
  limit?: string;
}

interface DeviceSourceCredentials {
  /** NetBox API token (encrypted in flows_cred.json, never in a message, status or error). */
  netboxToken?: string;
}

type InputMsg = NodeMessageInFlow & { filter?: unknown };

/**
 * vc-device-source: devices from the SQLite inventory, a CSV file, NetBox, an inline list or
 * msg.payload, filtered by the node's filter (msg.filter overrides it field by field). All the
 * work is lib/core/inventory's (parseSourceSettings, selectFromSource, messagePerDevice).
 */
export = function register(RED: NodeAPI): void {
  function VcDeviceSourceNode(this: Node<DeviceSourceCredentials>, def: DeviceSourceDef): void {
    RED.nodes.createNode(this, def);
    const perDevice = def.output === "each";
    let config: DeviceSourceConfig | undefined;
    let configError: Error | undefined;
    try {
      config = parseSourceSettings(
        {
          source: def.source,
          path: def.path,
          inline: def.inline,
          netboxUrl: def.netboxUrl,
          netboxToken: this.credentials?.netboxToken,
          netboxTimeout: def.netboxTimeout,
          platformMap: def.platformMap,
          filter: {
            site: def.site,
            role: def.role,
            platform: def.platform,
            manufacturer: def.manufacturer,
            status: def.deviceStatus,
            name: def.nameRegex,
            tag: def.tag,
            credentialStatus: def.credentialStatus,
            limit: def.limit,
          },
        },
        resolveHome(),
      );
      this.status({});
    } catch (err) {
      configError = new Error(`bad configuration: ${errorMessage(err)}`);
      this.status({ fill: "red", shape: "ring", text: "bad configuration" });
      this.error(configError.message);
    }

    const handle = async (
      msg: InputMsg,
      send: (m: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void,
    ): Promise<void> => {
      if (configError || !config) throw configError;
      this.status({ fill: "blue", shape: "dot", text: "reading…" });
      const { devices } = await selectFromSource(config, msg);
      this.status({ fill: "green", shape: "dot", text: `${devices.length} device${devices.length === 1 ? "" : "s"}` });
      if (!perDevice) {
        msg.payload = devices;
        send(msg);
        return;
      }
      const partsId = RED.util.generateId();
      send([messagePerDevice(devices, () => RED.util.cloneMessage(msg), partsId)]);
    };

    asyncInput(this, handle, (err) => (configError ? undefined : errorTextStatus(err)));

    this.on("close", () => {
      this.status({});
    });
  }

  RED.nodes.registerType<Node<DeviceSourceCredentials>, DeviceSourceDef, object, DeviceSourceCredentials>(
    "vc-device-source",
    VcDeviceSourceNode,
    {
      credentials: { netboxToken: { type: "password" } },
    },
  );
};
