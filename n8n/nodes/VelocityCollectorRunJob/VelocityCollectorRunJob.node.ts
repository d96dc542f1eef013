import type {
  IExecuteFunctions,
  ILoadOptionsFunctions,
  INodeExecutionData,
  INodePropertyOptions,
  INodeType,
  INodeTypeDescription,
} from "n8n-workflow";
import { NodeConnectionTypes } from "n8n-workflow";
import { resolveHome } from "../../../lib/core/home";
import { JobStore } from "../../../lib/core/jobs";
import type { Device } from "../../../lib/core/types";
import { devicesOfItem } from "../shared/devices";
import { errorJson, nodeError } from "../shared/errors";
import {
  credentialNameProperty,
  dataHomeProperty,
  hostKeyPolicyProperty,
  keepHistoryProperty,
  saveCapturesProperty,
  templatesFolderProperty,
} from "../shared/properties";
import { openNodeVault, velocityCollectorVaultTest } from "../shared/vault";
import { jobSettingsFrom, runJobs, type JobsOutcome } from "./run";

/**
 * Runs a job (or a batch of jobs) of the data home's jobs/ folder on lib/core/jobs, as
 * `vcollector run` and the vc-job node do: the job's commands, device filter, execution settings,
 * storage pattern and validation gate. Output 1: one item per device (paired with the input item
 * that ran it, or that was the device); output 2: one item per job with its summary.
 */
export class VelocityCollectorRunJob implements INodeType {
  description: INodeTypeDescription = {
    displayName: "Velocity Collector Run Job",
    name: "velocityCollectorRunJob",
    icon: { light: "file:velocitycollector-run-job.svg", dark: "file:velocitycollector-run-job.dark.svg" },
    group: ["transform"],
    version: 1,
    subtitle:
      '={{($parameter["dryRun"] ? "dry run " : "") + $parameter["run"] + ": " + $parameter[$parameter["run"]]}}',
    description: "Run a collection job or a batch of jobs defined in the data home (jobs/, batches/)",
    defaults: { name: "Run Job" },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ["Devices", "Jobs"],
    credentials: [{ name: "velocityCollectorVaultApi", required: true, testedBy: "velocityCollectorVaultTest" }],
    properties: [
      dataHomeProperty(
        "Folder with jobs/, batches/, dcim.db, known_hosts, collections and history. Empty: $VCOLLECTOR_HOME or ~/.vcollector.",
      ),
      {
        displayName: "Run",
        name: "run",
        type: "options",
        noDataExpression: true,
        options: [
          { name: "Job", value: "job", description: "One job of jobs/" },
          { name: "Batch", value: "batch", description: "The jobs of a batch of batches/, in order" },
        ],
        default: "job",
      },
      {
        displayName: "Job Name or ID",
        name: "job",
        type: "options",
        typeOptions: { loadOptionsMethod: "getJobs", loadOptionsDependsOn: ["home"] },
        default: "",
        required: true,
        description:
          'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
        displayOptions: { show: { run: ["job"] } },
      },
      {
        displayName: "Batch Name or ID",
        name: "batch",
        type: "options",
        typeOptions: { loadOptionsMethod: "getBatches", loadOptionsDependsOn: ["home"] },
        default: "",
        required: true,
        description:
          'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
        displayOptions: { show: { run: ["batch"] } },
      },
      {
        displayName: "Devices",
        name: "devices",
        type: "options",
        noDataExpression: true,
        options: [
          {
            name: "Data Home Inventory",
            value: "inventory",
            description: "The data home's dcim.db; the job's filter selects. The job runs once per input item.",
          },
          {
            name: "Input Items",
            value: "input",
            description: "Each input item is a device (or holds a devices list); the job's filter still selects",
          },
        ],
        default: "inventory",
      },
      {
        displayName: "Dry Run",
        name: "dryRun",
        type: "boolean",
        default: false,
        description:
          "Whether to only list the devices, commands and capture files each job would use, connecting to nothing",
      },
      {
        displayName: "Options",
        name: "options",
        type: "collection",
        placeholder: "Add Option",
        default: {},
        options: [
          credentialNameProperty("Vault credential to use (after each device's own) instead of the job's"),
          {
            displayName: "Force Save",
            name: "forceSave",
            type: "boolean",
            default: false,
            description:
              "Whether to save outputs that fail the job's validation and count them as succeeded (the job's force_save)",
          },
          hostKeyPolicyProperty(),
          keepHistoryProperty(),
          {
            displayName: "Limit",
            name: "limit",
            type: "number",
            default: 50,
            typeOptions: { minValue: 1 },
            description: "Max number of results to return",
          },
          saveCapturesProperty(
            "Whether to write the captures where the job's storage settings say (outputs are validated either way)",
          ),
          templatesFolderProperty(),
        ],
      },
    ],
  };

  methods = {
    credentialTest: { velocityCollectorVaultTest },
    loadOptions: {
      async getJobs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
        return new JobStore(homeOf(this))
          .listJobs()
          .jobs.map((j) => ({ name: j.name === j.slug ? j.slug : `${j.name} (${j.slug})`, value: j.slug }));
      },
      async getBatches(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
        return new JobStore(homeOf(this))
          .listBatches()
          .batches.map((b) => ({ name: b.name === b.slug ? b.slug : `${b.name} (${b.slug})`, value: b.slug }));
      },
    },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const devicesOut: INodeExecutionData[] = [];
    const jobsOut: INodeExecutionData[] = [];
    const signal = this.getExecutionCancelSignal?.();
    const log = (line: string) => this.logger.debug(line);
    const vault = () => openNodeVault(this);
    const fail = (err: unknown, item: number) => {
      const error = nodeError(this.getNode(), err, item);
      if (!this.continueOnFail()) throw error;
      devicesOut.push({ json: errorJson(err), pairedItem: { item } });
    };
    const emit = (outcome: JobsOutcome, itemOf: (d: Device) => number, jobItems: number[]) => {
      for (const d of outcome.devices) devicesOut.push({ json: d.json, pairedItem: { item: itemOf(d.device) } });
      for (const j of outcome.jobs) jobsOut.push({ json: j, pairedItem: jobItems.map((item) => ({ item })) });
    };

    if (this.getNodeParameter("devices", 0, "inventory") === "input") {
      // The input items are the candidate devices of one run, with the settings of the first item.
      const itemOf = new Map<Device, number>();
      for (let i = 0; i < items.length; i++) {
        try {
          for (const device of devicesOfItem(items[i].json, i)) itemOf.set(device, i);
        } catch (err) {
          fail(err, i);
        }
      }
      // Every item was bad (and Continue On Fail kept them as error items): nothing to run.
      if (itemOf.size === 0 && items.length > 0) return [devicesOut, jobsOut];
      const given = [...new Set(itemOf.values())];
      try {
        const outcome = await runJobs(jobSettingsFrom(this, 0), [...itemOf.keys()], vault, signal, log);
        emit(outcome, (d) => itemOf.get(d) ?? 0, given.length ? given : [0]);
      } catch (err) {
        fail(err, 0);
      }
      return [devicesOut, jobsOut];
    }

    for (let i = 0; i < Math.max(items.length, 1); i++) {
      try {
        const outcome = await runJobs(jobSettingsFrom(this, i), undefined, vault, signal, log);
        emit(outcome, () => i, [i]);
      } catch (err) {
        fail(err, i);
      }
    }
    return [devicesOut, jobsOut];
  }
}

function homeOf(ctx: ILoadOptionsFunctions): string {
  const home = ctx.getCurrentNodeParameter("home");
  return resolveHome(typeof home === "string" && home.trim() !== "" ? home.trim() : undefined).root;
}
