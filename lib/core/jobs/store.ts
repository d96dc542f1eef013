import * as fs from "node:fs";
import * as path from "node:path";
import { VcError, errorMessage } from "../errors";
import { writeFileAtomicSync } from "../fs/atomic-write";
import type { HomePaths } from "../home";
import { parseBatch, dumpBatch, type Batch, type BatchFile } from "./batch";
import { checkJob, dumpJob, parseJob, type Job, type JobFile } from "./job";

/**
 * Jobs and batches in the data home: <home>/jobs/<slug>.yaml and <home>/batches/<slug>.yaml,
 * one file per job or batch, human-editable and version-controllable. Writes are atomic.
 */
export class JobStore {
  readonly jobsDir: string;
  readonly batchesDir: string;

  constructor(root: string | HomePaths) {
    const base = typeof root === "string" ? root : root.root;
    this.jobsDir = path.join(base, "jobs");
    this.batchesDir = path.join(base, "batches");
  }

  private files(dir: string): Array<{ stem: string; file: string }> {
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith("."))
      .sort()
      .map((f) => ({ stem: f.replace(/\.ya?ml$/, ""), file: path.join(dir, f) }));
  }

  /** Every job, and every file that is not a valid job (with its located error). */
  listJobs(): { jobs: Job[]; errors: VcError[] } {
    const jobs: Job[] = [];
    const errors: VcError[] = [];
    for (const { stem, file } of this.files(this.jobsDir)) {
      try {
        jobs.push(this.readJobFile(file, stem));
      } catch (err) {
        errors.push(err instanceof VcError ? err : new VcError("invalid_job", errorMessage(err), file));
      }
    }
    return { jobs, errors };
  }

  private readJobFile(file: string, stem: string): Job {
    const job = parseJob(fs.readFileSync(file, "utf8"), file);
    if (job.slug !== stem)
      throw new VcError(
        "invalid_job",
        `slug: '${job.slug}' differs from the file name '${stem}' (rename one)`,
        `${file}:1`,
      );
    return job;
  }

  /** The file of this stem in dir, if any. */
  private fileIn(dir: string, stem: string): string | undefined {
    return this.files(dir).find((f) => f.stem === stem)?.file;
  }

  /** The job's (or batch's) file, or a located not-found error. */
  private existingFile(kind: "job" | "batch", slug: string): string {
    const dir = kind === "job" ? this.jobsDir : this.batchesDir;
    const file = this.fileIn(dir, slug);
    if (!file) throw new VcError(`${kind}_not_found`, `no ${kind} '${slug}' in ${dir}`, slug);
    return file;
  }

  private removeFile(kind: "job" | "batch", slug: string): string {
    const file = this.existingFile(kind, slug);
    fs.rmSync(file);
    return file;
  }

  jobFile(slug: string): string | undefined {
    return this.fileIn(this.jobsDir, slug);
  }

  hasJob(slug: string): boolean {
    return this.jobFile(slug) !== undefined;
  }

  getJob(slug: string): Job {
    return this.readJobFile(this.existingFile("job", slug), slug);
  }

  /** Checks and writes a job file (replacing the job of the same slug). */
  saveJob(src: JobFile): Job {
    const file = this.jobFile(src.slug) ?? path.join(this.jobsDir, `${src.slug}.yaml`);
    const job = checkJob(src, file);
    writeAtomic(file, dumpJob(src));
    return { ...job, file };
  }

  removeJob(slug: string): string {
    return this.removeFile("job", slug);
  }

  setEnabled(slug: string, enabled: boolean): Job {
    const job = this.getJob(slug);
    return this.saveJob({ ...job.source, enabled });
  }

  listBatches(): { batches: Batch[]; errors: VcError[] } {
    const batches: Batch[] = [];
    const errors: VcError[] = [];
    for (const { stem, file } of this.files(this.batchesDir)) {
      try {
        batches.push(parseBatch(fs.readFileSync(file, "utf8"), file, stem));
      } catch (err) {
        errors.push(err instanceof VcError ? err : new VcError("invalid_batch", errorMessage(err), file));
      }
    }
    return { batches, errors };
  }

  /** A batch by file stem, or else by its name field. */
  getBatch(name: string): Batch {
    const byStem = this.files(this.batchesDir).find((f) => f.stem === name);
    if (byStem) return parseBatch(fs.readFileSync(byStem.file, "utf8"), byStem.file, byStem.stem);
    const byName = this.listBatches().batches.find((b) => b.name === name);
    if (byName) return byName;
    throw new VcError("batch_not_found", `no batch '${name}' in ${this.batchesDir}`, name);
  }

  /** The file of the batch with this stem, if any (by stem only, unlike getBatch). */
  batchFile(slug: string): string | undefined {
    return this.fileIn(this.batchesDir, slug);
  }

  hasBatch(slug: string): boolean {
    return this.batchFile(slug) !== undefined;
  }

  removeBatch(slug: string): string {
    return this.removeFile("batch", slug);
  }

  saveBatch(slug: string, src: BatchFile): Batch {
    const file = this.batchFile(slug) ?? path.join(this.batchesDir, `${slug}.yaml`);
    const text = dumpBatch(src);
    const batch = parseBatch(text, file, slug);
    writeAtomic(file, text);
    return batch;
  }
}

/** A job, batch or generated flow file (0600, folders 0700), replaced through the one atomic write. */
export function writeAtomic(file: string, text: string): void {
  writeFileAtomicSync(file, text, { mode: 0o600, mkdir: 0o700 });
}
