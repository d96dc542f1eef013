import { randomUUID } from "node:crypto";
import type { NodeAPI } from "node-red";
import {
  CaptureStore,
  CollectorDb,
  discoverCredentials,
  runCollection,
  type DiscoveryDeviceResult,
  type RunSummary,
} from "../../lib/core/collect";
import { errorMessage, VcError } from "../../lib/core/errors";
import type { Inventory } from "../../lib/core/inventory";
import { homeTemplates, runBatch, runJob, selectJobDevices, type Batch, type Job } from "../../lib/core/jobs";
import { KnownHostsStore } from "../../lib/core/ssh/known-hosts";
import type { Device, DeviceResult } from "../../lib/core/types";
import type { SidebarContext } from "./context";

/**
 * Collection and discovery runs started from the sidebar. They run in the background; the editor
 * gets live progress over RED.comms on `vc-sidebar/run/<id>` (ids, counts and states only, at
 * most every PROGRESS_INTERVAL_MS, the latest state retained while the run lasts and cleared when
 * it ends) and fetches per-device details over HTTP. The last KEEP_RUNS runs stay in memory.
 */
export const PROGRESS_TOPIC = "vc-sidebar/run";
export const PROGRESS_INTERVAL_MS = 250;
const KEEP_RUNS = 20;
const MAX_ACTIVE_RUNS = 4;

export type RunKind = "collect" | "discovery" | "job" | "batch";
export type RunState = "running" | "done" | "cancelled" | "failed";

/** What the editor sees of one device in a run: never an output, never a secret. */
export interface RunDeviceRow {
  device: string;
  status: string;
  errorClass?: string;
  error?: string;
  credentialName?: string;
  durationMs: number;
  attempts?: number;
  /** Job and batch runs: the job the device ran in. */
  job?: string;
}

export interface RunProgressMessage {
  id: string;
  kind: RunKind;
  state: RunState;
  total: number;
  done: number;
  ok: number;
  failed: number;
  /** Collection: the collector.db run id once known. Discovery: coverage after the run. */
  runId?: string;
  /** Job and batch runs: the collector.db history id (the row History opens) once known. */
  historyId?: number;
  /** Batch runs: the job running now. */
  job?: string;
  coveragePercent?: number;
  errorClass?: string;
}

interface Run extends RunProgressMessage {
  startedAt: string;
  finishedAt?: string;
  label: string;
  devices: RunDeviceRow[];
  error?: string;
  abort: AbortController;
  summary?: RunSummary;
}

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly timers = new Map<string, { last: number; pending?: NodeJS.Timeout }>();

  constructor(
    private readonly RED: NodeAPI,
    private readonly ctx: SidebarContext,
  ) {}

  list(): Array<Omit<Run, "abort" | "devices" | "summary">> {
    return [...this.runs.values()].reverse().map(({ abort: _a, devices: _d, summary: _s, ...rest }) => rest);
  }

  get(id: string): Omit<Run, "abort"> {
    const run = this.runs.get(id);
    if (!run) throw new VcError("not_found", "no such run (runs are kept in memory until Node-RED restarts)", id);
    const { abort: _a, ...rest } = run;
    return rest;
  }

  /** The per-device rows of a collection run with this collector.db run id, when it ran here. */
  devicesOfCollectorRun(runId: string): RunDeviceRow[] | undefined {
    for (const r of this.runs.values()) if (r.runId === runId) return r.devices;
    return undefined;
  }

  cancel(id: string): void {
    const run = this.runs.get(id);
    if (!run) throw new VcError("not_found", "no such run", id);
    if (run.state === "running") run.abort.abort();
  }

  startCollect(req: { devices: Device[]; commands: string[]; captureType: string; credential?: string }): string {
    const vault = this.ctx.unlockedVault();
    const run = this.create("collect", req.devices.length, `${req.captureType}: ${req.commands.join("; ")}`);
    const home = this.ctx.home;
    let history: CollectorDb | undefined;
    let recorder: Inventory | undefined;
    const finish = () => {
      history?.close();
      recorder?.close();
    };
    void (async () => {
      try {
        history = CollectorDb.open(home.collectorDb);
        recorder = this.ctx.inventoryExists() ? this.ctx.openInventory(true) : undefined;
        run.summary = await runCollection({
          devices: req.devices,
          commands: req.commands,
          captureType: req.captureType,
          jobName: `sidebar: ${req.captureType}`,
          credentials: vault,
          credential: req.credential,
          hostKeys: { policy: "tofu", store: new KnownHostsStore(home.knownHosts) },
          store: new CaptureStore({ collections: home.collections }),
          history,
          recorder,
          signal: run.abort.signal,
          onDeviceResult: (r) => {
            run.runId ??= r.runId;
            run.devices.push(collectRow(r));
            run.done++;
            if (r.status === "ok") run.ok++;
            else run.failed++;
            this.progress(run);
          },
          log: (line) => this.RED.log.trace(`vc-sidebar: ${line}`),
        });
        run.runId = run.summary.runId;
        this.end(run, run.abort.signal.aborted ? "cancelled" : "done");
      } catch (err) {
        this.fail(run, err);
      } finally {
        finish();
      }
    })();
    return run.id;
  }

  startDiscovery(req: {
    devices: Device[];
    names?: string[];
    skipConfigured: boolean;
    force: boolean;
    pinNewHosts: boolean;
    dryRun: boolean;
  }): string {
    const vault = this.ctx.unlockedVault();
    const run = this.create("discovery", req.devices.length, req.dryRun ? "discovery (dry run)" : "discovery");
    let recorder: Inventory | undefined;
    void (async () => {
      try {
        recorder = req.dryRun ? undefined : this.ctx.openInventory(true);
        const report = await discoverCredentials({
          devices: req.devices,
          credentials: vault,
          names: req.names,
          skipConfigured: req.skipConfigured,
          force: req.force,
          pinNewHosts: req.pinNewHosts,
          dryRun: req.dryRun,
          knownHosts: new KnownHostsStore(this.ctx.home.knownHosts),
          recorder,
          signal: run.abort.signal,
          onDevice: (r) => {
            run.devices.push(discoveryRow(r));
            run.done++;
            if (r.status === "matched") run.ok++;
            else if (r.status === "no_match" || r.status === "unreachable") run.failed++;
            this.progress(run);
          },
          log: (line) => this.RED.log.trace(`vc-sidebar: ${line}`),
        });
        run.coveragePercent = report.coveragePercent;
        this.end(run, report.cancelled ? "cancelled" : "done");
      } catch (err) {
        this.fail(run, err);
      } finally {
        recorder?.close();
      }
    })();
    return run.id;
  }

  /**
   * Runs a job or a batch of the data home on lib/core/jobs (runJob / runBatch: the same runner,
   * validation gate, storage and history as `vcollector run`); the abort signal is the core
   * runner's, so a cancelled run is recorded as cancelled in collector.db.
   */
  startJobRun(req: {
    job?: Job;
    batch?: Batch;
    jobs?: Map<string, Job>;
    jobErrors?: Map<string, VcError>;
    devices: Device[];
  }): string {
    const vault = this.ctx.unlockedVault();
    const home = this.ctx.home;
    const jobsOf = req.batch ? req.batch.jobs.map((slug) => req.jobs?.get(slug)).filter((j) => j !== undefined) : [];
    const total = req.job
      ? selectJobDevices(req.job, req.devices).length
      : jobsOf.reduce((n, j) => n + (j.enabled ? selectJobDevices(j, req.devices).length : 0), 0);
    const run = req.job ? this.create("job", total, req.job.slug) : this.create("batch", total, req.batch!.slug);
    let history: CollectorDb | undefined;
    let recorder: Inventory | undefined;
    const onDevice = (r: DeviceResult, slug: string) => {
      if (run.kind === "job" && run.historyId === undefined && r.runId) run.historyId = history?.getRun(r.runId)?.id;
      run.runId ??= r.runId;
      run.devices.push({ ...collectRow(r), job: slug });
      run.done++;
      if (r.status === "ok") run.ok++;
      else run.failed++;
      this.progress(run);
    };
    void (async () => {
      try {
        history = CollectorDb.open(home.collectorDb);
        recorder = this.ctx.inventoryExists() ? this.ctx.openInventory(true) : undefined;
        const common = {
          devices: req.devices,
          credentials: vault,
          collections: home.collections,
          templates: homeTemplates(home),
          history,
          recorder,
          hostKeys: { policy: "tofu" as const, store: new KnownHostsStore(home.knownHosts) },
          signal: run.abort.signal,
          log: (line: string) => this.RED.log.trace(`vc-sidebar: ${line}`),
        };
        if (req.job) {
          const job = req.job;
          const result = await runJob(job, { ...common, onDeviceResult: (r) => onDevice(r, job.slug) });
          run.summary = result.summary;
          if (result.summary) {
            run.runId = result.summary.runId;
            run.historyId = history.getRun(result.summary.runId)?.id;
          }
          if (result.errorClass && !result.summary) {
            run.errorClass = result.errorClass;
            run.error = result.error;
            this.end(run, "failed");
            return;
          }
        } else {
          const batch = req.batch!;
          const result = await runBatch(batch, {
            ...common,
            job: (slug) => {
              const job = req.jobs?.get(slug);
              if (!job) throw req.jobErrors?.get(slug) ?? new VcError("job_not_found", `no job '${slug}'`, slug);
              return job;
            },
            onJobStart: (slug) => {
              run.job = slug;
              this.progress(run);
            },
            onDeviceResult: onDevice,
          });
          run.runId = result.runId;
          run.historyId = result.historyId;
          const failedJob = result.jobs.find((j) => j.errorClass && !j.summary && !j.skipped);
          if (failedJob) run.errorClass = failedJob.errorClass;
        }
        this.end(run, run.abort.signal.aborted ? "cancelled" : "done");
      } catch (err) {
        this.fail(run, err);
      } finally {
        history?.close();
        recorder?.close();
      }
    })();
    return run.id;
  }

  /** Stops every running run (the plugin is going away or Node-RED stops). */
  stopAll(): void {
    for (const run of this.runs.values()) if (run.state === "running") run.abort.abort();
  }

  private create(kind: RunKind, total: number, label: string): Run {
    const active = [...this.runs.values()].filter((r) => r.state === "running").length;
    if (active >= MAX_ACTIVE_RUNS)
      throw new VcError("conflict", `${active} runs are already going: wait for one to finish`, kind);
    const run: Run = {
      id: randomUUID(),
      kind,
      state: "running",
      total,
      done: 0,
      ok: 0,
      failed: 0,
      startedAt: new Date().toISOString(),
      label,
      devices: [],
      abort: new AbortController(),
    };
    this.runs.set(run.id, run);
    while (this.runs.size > KEEP_RUNS) {
      const oldest = [...this.runs.values()].find((r) => r.state !== "running");
      if (!oldest) break;
      this.runs.delete(oldest.id);
    }
    this.publish(run, true);
    return run;
  }

  private end(run: Run, state: RunState): void {
    run.state = state;
    run.finishedAt = new Date().toISOString();
    this.flushTimer(run.id);
    this.publish(run, false);
  }

  private fail(run: Run, err: unknown): void {
    run.error = errorMessage(err);
    run.errorClass = err instanceof VcError ? err.errorClass : "internal_error";
    if (!(err instanceof VcError)) this.RED.log.error(`vc-sidebar: ${run.kind} run failed: ${run.error}`);
    this.end(run, "failed");
  }

  /** Publishes now, or once the interval since the last publication has passed. */
  private progress(run: Run): void {
    const t = this.timers.get(run.id) ?? { last: 0 };
    this.timers.set(run.id, t);
    const wait = PROGRESS_INTERVAL_MS - (Date.now() - t.last);
    if (wait <= 0) {
      t.last = Date.now();
      this.publish(run, true);
    } else
      t.pending ??= setTimeout(() => {
        t.pending = undefined;
        t.last = Date.now();
        if (run.state === "running") this.publish(run, true);
      }, wait);
  }

  private flushTimer(id: string): void {
    const t = this.timers.get(id);
    if (t?.pending) clearTimeout(t.pending);
    this.timers.delete(id);
  }

  private publish(run: Run, retain: boolean): void {
    const msg: RunProgressMessage = {
      id: run.id,
      kind: run.kind,
      state: run.state,
      total: run.total,
      done: run.done,
      ok: run.ok,
      failed: run.failed,
    };
    if (run.runId) msg.runId = run.runId;
    if (run.historyId !== undefined) msg.historyId = run.historyId;
    if (run.job) msg.job = run.job;
    if (run.coveragePercent !== undefined) msg.coveragePercent = run.coveragePercent;
    if (run.errorClass) msg.errorClass = run.errorClass;
    this.RED.comms.publish(`${PROGRESS_TOPIC}/${run.id}`, msg, retain);
  }
}

function collectRow(r: DeviceResult): RunDeviceRow {
  const row: RunDeviceRow = { device: r.device.name, status: r.status, durationMs: r.durationMs };
  if (r.errorClass) row.errorClass = r.errorClass;
  if (r.error) row.error = r.error;
  if (r.credentialName) row.credentialName = r.credentialName;
  return row;
}

function discoveryRow(r: DiscoveryDeviceResult): RunDeviceRow {
  const row: RunDeviceRow = {
    device: r.device.name,
    status: r.status,
    durationMs: r.durationMs,
    attempts: r.attempts.length,
  };
  if (r.errorClass) row.errorClass = r.errorClass;
  if (r.reason) row.error = r.reason;
  if (r.credentialName) row.credentialName = r.credentialName;
  return row;
}
