import * as fs from "node:fs";
import { CollectorDb, type HistoryRow } from "../../lib/core/collect";
import { errorMessage, VcError } from "../../lib/core/errors";
import {
  batchSlug,
  checkJob,
  dumpJob,
  JobStore,
  loadYamlLocated,
  parseBatch,
  parseJob,
  type Batch,
  type Job,
  type JobFile,
} from "../../lib/core/jobs";
import { withExisting, type SidebarContext } from "./context";
import type { Routes } from "./http";
import type { RunManager } from "./runs";

/**
 * The Jobs & run view: the data home's jobs/ and batches/ (lib/core/jobs JobStore), edited as a
 * form or as raw YAML (checked by the job schema; errors name the line and field), enabled or
 * disabled, and run in the background through RunManager (runJob / runBatch with the core
 * runner's abort signal). Job files are named by slug only, checked by the slug pattern.
 */
const SLUG = { type: "string", pattern: "^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$" } as const;
const BATCH_NAME = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" } as const;
const MAX_YAML = 200_000;

/** The parameters of a route on one job or batch: its slug and nothing else. */
const slugOnly = (slug: typeof SLUG | typeof BATCH_NAME) =>
  ({ type: "object", properties: { slug }, required: ["slug"], additionalProperties: false }) as const;

/** A job's definition from the editor: raw YAML, or the job file's fields as an object. */
const DEFINITION = {
  type: "object",
  properties: {
    slug: SLUG,
    yaml: { type: "string", minLength: 1, maxLength: MAX_YAML },
    job: { type: "object" },
  },
  // One of the two (strict ajv wants each branch to declare what it requires).
  oneOf: [
    { type: "object", properties: { yaml: { type: "string" } }, required: ["yaml"] },
    { type: "object", properties: { job: { type: "object" } }, required: ["job"] },
  ],
  additionalProperties: false,
} as const;

interface LastRun {
  id: number;
  status: string;
  startedAt: string;
  total: number | null;
  ok: number | null;
  failed: number | null;
}

function lastRun(row: HistoryRow | undefined): LastRun | undefined {
  if (!row) return undefined;
  return { id: row.id, status: row.status, startedAt: row.startedAt, total: row.total, ok: row.ok, failed: row.failed };
}

/** What the job and batch lists show of either. */
function listed(item: Job | Batch, last: HistoryRow | undefined) {
  return { slug: item.slug, name: item.name, description: item.description ?? "", lastRun: lastRun(last) };
}

function jobSummary(job: Job, last?: HistoryRow) {
  return {
    ...listed(job, last),
    enabled: job.enabled,
    captureType: job.captureType,
    commands: job.commands,
    filter: job.source.devices ?? {},
    credential: job.credential ?? "",
    concurrency: job.execution.concurrency,
    validation: job.validation?.template,
  };
}

function batchSummary(batch: Batch, last?: HistoryRow) {
  return {
    ...listed(batch, last),
    jobs: batch.jobs,
    stopOnFailure: batch.stopOnFailure,
    delayS: batch.delayMs / 1000,
  };
}

/** A batch's definition from the editor: its YAML (the slug, for a new batch, defaults from its name). */
const BATCH_DEFINITION = {
  type: "object",
  properties: { slug: SLUG, yaml: { type: "string", minLength: 1, maxLength: MAX_YAML } },
  required: ["yaml"],
  additionalProperties: false,
} as const;

/** `jobs/<slug>.yaml:7: …` instead of the home's absolute path: where plus the line, for the editor. */
function located(err: VcError, store: JobStore): { error: string; where?: string; line?: number } {
  const strip = (s: string) =>
    s.split(`${store.jobsDir}/`).join("jobs/").split(`${store.batchesDir}/`).join("batches/");
  const where = err.where !== undefined ? strip(err.where) : undefined;
  const m = where ? /:(\d+)$/.exec(where) : null;
  return { error: strip(err.message), ...(where ? { where } : {}), ...(m ? { line: Number(m[1]) } : {}) };
}

export function registerJobRoutes(routes: Routes, ctx: SidebarContext, runs: RunManager): void {
  const store = () => new JobStore(ctx.home);

  /** Newest history row per job name (jobs) and per batch name (batches). */
  const lastRuns = (): { jobs: Map<string, HistoryRow>; batches: Map<string, HistoryRow> } => {
    const jobs = new Map<string, HistoryRow>();
    const batches = new Map<string, HistoryRow>();
    withExisting(
      ctx.home.collectorDb,
      () => CollectorDb.open(ctx.home.collectorDb),
      (db) => {
        for (const row of db.listRuns(1000)) {
          const map = row.kind === "batch" ? batches : jobs;
          if (!map.has(row.jobName)) map.set(row.jobName, row);
        }
      },
    );
    return { jobs, batches };
  };

  /** Checks a definition (YAML located by line, or fields) without writing it. */
  const check = (input: { yaml?: string; job?: Record<string, unknown> }, slugHint?: string): Job => {
    const name = `${store().jobsDir}/${slugHint ?? "new"}.yaml`;
    if (input.yaml !== undefined) return parseJob(input.yaml, name);
    return checkJob(input.job, name, (pointer) => `${name} ${pointer.replace(/^\//, "").replace(/\//g, ".")}`);
  };

  const rethrowLocated = (err: unknown): never => {
    if (err instanceof VcError) {
      const l = located(err, store());
      throw new LocatedJobError(err, l);
    }
    throw err;
  };

  /** A job or batch file's YAML and what `read` makes of it; an invalid file is still shown (and editable) with its located error. */
  const showFile = (file: string, s: JobStore, read: (yaml: string) => Record<string, unknown>) => {
    const yaml = fs.readFileSync(file, "utf8");
    try {
      return { body: { yaml, ...read(yaml) } };
    } catch (err) {
      if (!(err instanceof VcError)) throw err;
      return { body: { yaml, invalid: located(err, s) } };
    }
  };

  routes.add("get", "/jobs", { type: "object", additionalProperties: false }, () => {
    const s = store();
    const { jobs, errors } = s.listJobs();
    const { batches, errors: batchErrors } = s.listBatches();
    const last = lastRuns();
    return {
      body: {
        jobs: jobs.map((j) => jobSummary(j, last.jobs.get(j.slug))),
        batches: batches.map((b) => batchSummary(b, last.batches.get(b.slug))),
        errors: [...errors, ...batchErrors].map((e) => located(e, s)),
      },
    };
  });

  routes.add<{ slug: string }>("get", "/jobs/:slug", slugOnly(SLUG), ({ slug }) => {
    const s = store();
    const file = s.jobFile(slug);
    if (!file) throw new VcError("job_not_found", `no job '${slug}' in jobs/`, slug);
    return showFile(file, s, () => {
      const job = s.getJob(slug);
      return { job: jobSummary(job), source: job.source };
    });
  });

  /** Checks only: the located error, or the job as it would be saved. */
  routes.add<{ yaml?: string; job?: Record<string, unknown> }>("post", "/jobs/check", DEFINITION, (input) => {
    try {
      const job = check(input);
      return { body: { ok: true, job: jobSummary(job), source: job.source, yaml: dumpJob(job.source) } };
    } catch (err) {
      if (!(err instanceof VcError)) throw err;
      return { body: { ok: false, ...located(err, store()) } };
    }
  });

  const save = (input: { slug?: string; yaml?: string; job?: Record<string, unknown> }, create: boolean) => {
    const s = store();
    let job: Job;
    try {
      job = check(input, input.slug);
    } catch (err) {
      return rethrowLocated(err);
    }
    if (!create && job.slug !== input.slug)
      throw new VcError(
        "invalid_job",
        `slug: '${job.slug}' differs from the job being edited ('${input.slug}')`,
        "slug",
      );
    if (create && s.hasJob(job.slug))
      throw new VcError("job_exists", `a job '${job.slug}' exists already: edit it instead`, job.slug);
    if (!create && !s.hasJob(job.slug)) throw new VcError("job_not_found", `no job '${job.slug}' in jobs/`, job.slug);
    let saved: Job;
    try {
      saved = s.saveJob(job.source as JobFile);
    } catch (err) {
      return rethrowLocated(err);
    }
    return { status: create ? 201 : 200, body: { job: jobSummary(saved) } };
  };

  routes.add<{ yaml?: string; job?: Record<string, unknown> }>("post", "/jobs", DEFINITION, (input) =>
    save(input, true),
  );
  routes.add<{ slug: string; yaml?: string; job?: Record<string, unknown> }>(
    "put",
    "/jobs/:slug",
    { ...DEFINITION, required: ["slug"] },
    (input) => save(input, false),
  );

  routes.add<{ slug: string }>("delete", "/jobs/:slug", slugOnly(SLUG), ({ slug }) => {
    store().removeJob(slug);
    return { body: { removed: slug } };
  });

  routes.add<{ slug: string; enabled: boolean }>(
    "put",
    "/jobs/:slug/enabled",
    {
      type: "object",
      properties: { slug: SLUG, enabled: { type: "boolean" } },
      required: ["slug", "enabled"],
      additionalProperties: false,
    },
    ({ slug, enabled }) => {
      try {
        return { body: { job: jobSummary(store().setEnabled(slug, enabled)) } };
      } catch (err) {
        return rethrowLocated(err);
      }
    },
  );

  const inventoryDevices = () => {
    if (!ctx.inventoryExists())
      throw new VcError("not_found", "no inventory in the data home: add devices first", "inventory");
    return ctx.withInventory(false, (inv) => inv.listDevices());
  };

  routes.add<{ slug: string }>("post", "/jobs/:slug/run", slugOnly(SLUG), ({ slug }) => {
    let job: Job;
    try {
      job = store().getJob(slug);
    } catch (err) {
      return rethrowLocated(err);
    }
    if (!job.enabled) throw new VcError("job_disabled", `job '${slug}' is disabled: enable it to run it`, slug);
    return { status: 202, body: { id: runs.startJobRun({ job, devices: inventoryDevices() }) } };
  });

  /**
   * Checks a batch's YAML as `vcollector jobs validate` does: the batch schema (located by line and
   * field), then every job it names must exist in jobs/ (the line of the unknown one).
   */
  const checkBatch = (text: string, slug: string | undefined): Batch => {
    const s = store();
    const file = `${s.batchesDir}/${slug ?? "new"}.yaml`;
    const parsed = parseBatch(text, file, slug ?? "new");
    const batch = slug ? parsed : { ...parsed, slug: batchSlug(parsed.name) };
    if (!/^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/.test(batch.slug))
      throw new VcError("invalid_batch", `name: '${parsed.name}' gives no usable file name: give a slug`, `${file}:1`);
    const missing = batch.jobs.findIndex((j) => !s.hasJob(j));
    if (missing >= 0) {
      const unknown = batch.jobs.filter((j) => !s.hasJob(j));
      const line = loadYamlLocated(text, file).lineOf(`/jobs/${missing}`);
      throw new VcError("invalid_batch", `jobs: unknown job(s): ${unknown.join(", ")}`, `${file}:${line}`);
    }
    return batch;
  };

  routes.add<{ slug: string }>("get", "/batches/:slug", slugOnly(BATCH_NAME), ({ slug }) => {
    const s = store();
    const file = s.batchFile(slug);
    if (!file) throw new VcError("batch_not_found", `no batch '${slug}' in batches/`, slug);
    return showFile(file, s, (yaml) => ({ batch: batchSummary(parseBatch(yaml, file, slug)) }));
  });

  const saveBatch = (input: { slug?: string; yaml: string }, create: boolean) => {
    const s = store();
    let batch: Batch;
    try {
      batch = checkBatch(input.yaml, input.slug);
    } catch (err) {
      return rethrowLocated(err);
    }
    if (create && s.hasBatch(batch.slug))
      throw new VcError("conflict", `a batch '${batch.slug}' exists already: edit it instead`, batch.slug);
    if (!create && !s.hasBatch(batch.slug))
      throw new VcError("batch_not_found", `no batch '${batch.slug}' in batches/`, batch.slug);
    const saved = s.saveBatch(batch.slug, batch.source);
    return { status: create ? 201 : 200, body: { batch: batchSummary(saved) } };
  };

  routes.add<{ slug?: string; yaml: string }>("post", "/batches", BATCH_DEFINITION, (input) => saveBatch(input, true));
  routes.add<{ slug: string; yaml: string }>(
    "put",
    "/batches/:slug",
    {
      ...BATCH_DEFINITION,
      properties: { ...BATCH_DEFINITION.properties, slug: BATCH_NAME },
      required: ["slug", "yaml"],
    },
    (input) => saveBatch(input, false),
  );

  routes.add<{ slug: string }>("delete", "/batches/:slug", slugOnly(BATCH_NAME), ({ slug }) => {
    store().removeBatch(slug);
    return { body: { removed: slug } };
  });

  routes.add<{ slug: string }>("post", "/batches/:slug/run", slugOnly(BATCH_NAME), ({ slug }) => {
    const s = store();
    const batch = s.getBatch(slug);
    const jobs = new Map<string, Job>();
    const jobErrors = new Map<string, VcError>();
    for (const jobSlug of batch.jobs) {
      try {
        jobs.set(jobSlug, s.getJob(jobSlug));
      } catch (err) {
        jobErrors.set(
          jobSlug,
          err instanceof VcError ? err : new VcError("invalid_job", errorMessage(err), jobSlug, { cause: err }),
        );
      }
    }
    return { status: 202, body: { id: runs.startJobRun({ batch, jobs, jobErrors, devices: inventoryDevices() }) } };
  });
}

/** A job error whose reply carries `where` and `line` (the editor marks the line). */
export class LocatedJobError extends VcError {
  readonly located: { error: string; where?: string; line?: number };
  constructor(err: VcError, located: { error: string; where?: string; line?: number }) {
    super(err.errorClass, located.error, undefined, { cause: err });
    this.located = located;
  }
}
