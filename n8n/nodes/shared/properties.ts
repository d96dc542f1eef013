import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from "n8n-workflow";
import { NodeConnectionTypes } from "n8n-workflow";

/**
 * Property blocks that several node descriptions share (Collect, TextFSM, Run Job…), so that a
 * field reads, validates and is documented the same wherever it appears. The description's own
 * header (name, icon, subtitle, credentials) stays a literal in each node: n8n's lint reads it there.
 */

type Shown = Pick<INodeProperties, "displayOptions">;

/** The data home folder (known_hosts, collections, history, jobs, template library). */
export function dataHomeProperty(
  description = "Folder with known_hosts, collections and history. Empty: $VCOLLECTOR_HOME or ~/.vcollector.",
  extra: Shown = {},
): INodeProperties {
  return { displayName: "Data Home", name: "home", type: "string", default: "", description, ...extra };
}

export const HOST_KEY_POLICIES: INodePropertyOptions[] = [
  { name: "Pin on First Use", value: "tofu", description: "Unknown hosts are pinned; a changed key fails" },
  { name: "Strict", value: "strict", description: "Only hosts already in known_hosts" },
  { name: "Accept Any (Lab Only)", value: "accept-any" },
];

export function hostKeyPolicyProperty(): INodeProperties {
  return {
    displayName: "Host Key Policy",
    name: "hostKeyPolicy",
    type: "options",
    options: HOST_KEY_POLICIES,
    default: "tofu",
  };
}

/** A vault credential name that overrides the device's mapped one (empty: the vault's chain). */
export function credentialNameProperty(description: string): INodeProperties {
  return { displayName: "Credential Name", name: "credential", type: "string", default: "", description };
}

export function keepHistoryProperty(): INodeProperties {
  return {
    displayName: "Keep History",
    name: "history",
    type: "boolean",
    default: true,
    description: "Whether to record the run in collector.db (job history)",
  };
}

export function saveCapturesProperty(description: string): INodeProperties {
  return { displayName: "Save Captures", name: "save", type: "boolean", default: true, description };
}

/** The TextFSM templates folder (index, named and auto modes; a job's validation gate). */
export function templatesFolderProperty(extra: Shown = {}): INodeProperties {
  return {
    displayName: "Templates Folder",
    name: "templatesDir",
    type: "string",
    default: "",
    placeholder: "/data/ntc-templates/ntc_templates/templates",
    description: "Folder with the templates and their index. Empty: $NET_TEXTFSM, else the bundled ntc-templates.",
    ...extra,
  };
}

/** A number of seconds (the core takes milliseconds; the run settings convert). */
export function secondsProperty(displayName: string, name: string, dflt: number, minValue = 0.1): INodeProperties {
  return { displayName: `${displayName} (Seconds)`, name, type: "number", default: dflt, typeOptions: { minValue } };
}

/** What every node of the package with one input and one output has (Run Job has two outputs). */
export const VERSION_1_MAIN_IN_OUT: Pick<INodeTypeDescription, "version" | "inputs" | "outputs"> = {
  version: 1,
  inputs: [NodeConnectionTypes.Main],
  outputs: [NodeConnectionTypes.Main],
};
