import type { HomePaths } from "../core/home";
import { JobStore, type BatchFile, type JobFile } from "../core/jobs";

/**
 * The demo's jobs and batch (and the source of examples/flows/Batch of jobs.json, which
 * `generateBatchFlow` makes from EXAMPLE_BATCH): two jobs that validate their output against
 * the lab, run in order with stop on failure.
 */
export const EXAMPLE_JOBS: JobFile[] = [
  {
    name: "IOS versions",
    slug: "ios-versions",
    tags: ["example"],
    capture_type: "version",
    commands: ["show version"],
    devices: { platform: "cisco_ios" },
    validation: { template: "auto" },
  },
  {
    name: "EOS ARP tables",
    slug: "eos-arp",
    tags: ["example"],
    capture_type: "arp",
    commands: ["show ip arp"],
    devices: { platform: "arista_eos" },
    validation: { template: "auto", filter: "arp" },
  },
];

export const EXAMPLE_BATCH_SLUG = "example-daily";
export const EXAMPLE_BATCH: BatchFile = {
  name: "Example daily",
  description: "The demo's jobs in order: IOS versions, then EOS ARP tables; stops when a job fails.",
  jobs: EXAMPLE_JOBS.map((j) => j.slug),
  stop_on_failure: true,
  delay_s: 0,
};

/** Writes the example jobs and batch into a data home, leaving files the user already has alone. */
export function prepareJobs(home: HomePaths | string): void {
  const store = new JobStore(home);
  for (const job of EXAMPLE_JOBS) if (!store.hasJob(job.slug)) store.saveJob(job);
  if (!store.listBatches().batches.some((b) => b.slug === EXAMPLE_BATCH_SLUG))
    store.saveBatch(EXAMPLE_BATCH_SLUG, EXAMPLE_BATCH);
}
