import * as fs from "node:fs";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { CollectorDb, progressText, type RunProgress } from "../../lib/core/collect";
import { VcError, errorMessage } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";
import { Inventory, normaliseDevicesReport } from "../../lib/core/inventory";
import { JobStore, homeTemplates, runJob, selectJobDevices, type JobRun } from "../../lib/core/jobs";
import { KnownHostsStore } from "../../lib/core/ssh/known-hosts";
import type { Device, DeviceResult } from "../../lib/core/types";
import { getVaultConfigNode } from "../vc-vault-config/api";
import { serialInput, type Send } from "../common/serial-input";

interface VcJobDef extends NodeDef {
  /** Job slug in the data home's jobs/ folder. */
  job: string;
  vault: string;
  home?: string;
  save?: boolean;
  history?: boolean;
}

/** One job's outcome as a batch flow reads it (msg.jobResults, msg.payload of output 2). */
interface JobResultSummary {
  job: string;
  ok: boolean;
  status: string;
  summary?: JobRun["summary"];
  error?: string;
  errorClass?: string;
}

const STATUS_INTERVAL_MS = 250;

/**
 * vc-job: runs a job of the data home's jobs/ folder (its commands, device filter, execution,
 * storage and validation) on lib/core/jobs' runJob. Devices come from msg.payload when it is a
 * device list (the job's filter still applies), else from the data home's inventory. Output 1:
 * one message per device as it finishes; output 2: the job's summary, with msg.jobResults
 * extended so that the jobs of a batch flow add up.
 */
export = function register(RED: NodeAPI): void {
  function VcJobNode(this: Node, def: VcJobDef): void {
    RED.nodes.createNode(this, def);
    attach(RED, this, def);
  }
  RED.nodes.registerType("vc-job", VcJobNode);
};

function attach(RED: NodeAPI, node: Node, def: VcJobDef): void {
  const home = resolveHome(def.home && def.home.trim() !== "" ? def.home.trim() : undefined);
  const closing = serialInput(node, handle);
  node.status(
    def.job ? { fill: "grey", shape: "ring", text: def.job } : { fill: "red", shape: "ring", text: "no job" },
  );

  async function handle(msg: NodeMessageInFlow, send: Send): Promise<void> {
    if (closing.signal.aborted) return;
    const input = msg as NodeMessageInFlow & { job?: unknown; jobResults?: unknown };
    const slug = typeof input.job === "string" && input.job.trim() !== "" ? input.job.trim() : (def.job ?? "").trim();
    const previous = Array.isArray(input.jobResults) ? (input.jobResults as JobResultSummary[]) : [];
    const emitSummary = (result: JobResultSummary) => {
      const out = RED.util.cloneMessage(msg) as NodeMessage & { jobResults?: JobResultSummary[]; job?: string };
      out.payload = result;
      out.topic = result.job;
      // msg.job picks the job of the next vc-job node: a summary must not carry it on.
      delete out.job;
      out.jobResults = [...previous, result];
      send([null, out]);
    };
    const fail = (err: unknown) => {
      const errorClass = err instanceof VcError ? err.errorClass : "internal_error";
      emitSummary({ job: slug, ok: false, status: "failed", error: errorMessage(err), errorClass });
      node.status({ fill: "red", shape: "ring", text: `${slug || "job"}: ${errorClass}` });
      // Also to catch nodes, with the incoming message.
      node.error(err instanceof Error ? err : new Error(String(err)), msg);
    };
    if (!slug) return fail(new VcError("invalid_config", "no job: set the node's job or msg.job", "vc-job"));

    let job;
    try {
      job = new JobStore(home).getJob(slug);
    } catch (err) {
      return fail(err);
    }
    const vaultNode = getVaultConfigNode(RED, def.vault);
    if (!vaultNode)
      return fail(
        new VcError("invalid_config", "no vault configured: choose a vc-vault-config node (and deploy it)", "vc-job"),
      );
    let vault;
    try {
      vault = vaultNode.openUnlocked();
    } catch (err) {
      return fail(err);
    }

    const inventory = fs.existsSync(home.dcimDb) ? Inventory.open(home.dcimDb) : undefined;
    const history = def.history === false ? undefined : CollectorDb.open(home.collectorDb);
    let devices: Device[];
    try {
      if (Array.isArray(msg.payload)) {
        const { devices: given, errors } = normaliseDevicesReport(msg.payload, "msg.payload");
        if (errors.length)
          node.warn(
            `${errors.length} device item(s) left out: ${errors
              .slice(0, 3)
              .map((e) => e.message)
              .join("; ")}`,
          );
        devices = given;
      } else {
        if (!inventory)
          throw new VcError(
            "inventory_not_found",
            "no inventory in the data home and no device list in msg.payload",
            home.dcimDb,
          );
        devices = inventory.listDevices();
      }
    } catch (err) {
      history?.close();
      inventory?.close();
      return fail(err);
    }

    const status = new Progress(node, slug);
    const count = selectJobDevices(job, devices).length;
    let finished = 0;
    let run: JobRun;
    try {
      run = await runJob(job, {
        devices,
        credentials: vault,
        collections: def.save === false ? undefined : home.collections,
        noSave: def.save === false,
        templates: homeTemplates(home),
        history,
        recorder: inventory,
        hostKeys: { policy: "tofu", store: new KnownHostsStore(home.knownHosts) },
        signal: closing.signal,
        onDeviceResult: (r: DeviceResult) => {
          if (closing.signal.aborted) return;
          const out = RED.util.cloneMessage(msg) as NodeMessage & { runId?: string; job?: string };
          out.payload = r;
          out.topic = r.device.name;
          out.runId = r.runId;
          out.job = slug;
          out.parts = { id: r.runId!, index: finished++, count, type: "array", len: 1 } as NodeMessage["parts"];
          send([out, null]);
        },
        onProgress: (p) => status.progress(p),
        log: (line) => node.trace(line),
      });
    } finally {
      status.stop();
      history?.close();
      inventory?.close();
    }
    if (closing.signal.aborted) return;
    if (!run.summary)
      return fail(new VcError(run.errorClass ?? "job_failed", run.error ?? "the job did not run", slug));
    const s = run.summary;
    node.status({
      fill: run.ok ? "green" : s.ok + s.partial > 0 ? "yellow" : "red",
      shape: "dot",
      text: `${slug}: ${progressText({ done: s.total, total: s.total, ok: s.ok, partial: s.partial, failed: s.failed })}`,
    });
    emitSummary({ job: slug, ok: run.ok, status: s.status, summary: s });
  }
}

/** Live status `<job>: 34/200 ✓31 ✗3`, at most every 250 ms. */
class Progress {
  private last = 0;
  private timer?: NodeJS.Timeout;
  private latest?: RunProgress;

  constructor(
    private readonly node: Node,
    private readonly slug: string,
  ) {
    node.status({ fill: "blue", shape: "dot", text: `${slug}: starting` });
  }

  progress(p: RunProgress): void {
    this.latest = p;
    const wait = STATUS_INTERVAL_MS - (Date.now() - this.last);
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.stop();
    this.last = Date.now();
    if (this.latest)
      this.node.status({ fill: "blue", shape: "dot", text: `${this.slug}: ${progressText(this.latest)}` });
  }
}
