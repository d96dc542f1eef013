/**
 * Jobs and batches: job definitions in the data home (jobs/*.yaml, checked with a JSON Schema),
 * batches (batches/*.yaml), the validation gate, job and batch runs on the collection runner,
 * dry runs, import from VelocityCollector and the Node-RED flow generator.
 */
export {
  parseJob,
  checkJob,
  dumpJob,
  jobSchema,
  DEFAULT_FILENAME,
  DEFAULT_MIN_SCORE,
  type Job,
  type JobFile,
  type JobValidationSettings,
} from "./job";
export { parseBatch, dumpBatch, batchSlug, DEFAULT_BATCH_DELAY_S, type Batch, type BatchFile } from "./batch";
export { JobStore, writeAtomic } from "./store";
export { checkStoragePattern, jobCapturePath, JobCaptureStore, PLACEHOLDERS } from "./storage";
export {
  homeTemplates,
  validateDeviceOutput,
  prepareValidation,
  filterTerms,
  type OutputValidatorSource,
} from "./validate-output";
export {
  runJob,
  runBatch,
  planJob,
  selectJobDevices,
  jobValidator,
  type JobRun,
  type JobRunOptions,
  type JobPlan,
  type BatchRun,
  type BatchRunOptions,
} from "./run";
export { loadYamlLocated, type LocatedYaml } from "./located-yaml";
export {
  importVelocityCollector,
  jobFromJsonV2,
  jobFromDbRow,
  type ImportReport,
  type ImportEntry,
  type ImportOptions,
  type ImportAction,
} from "./import-vc";
export { generateBatchFlow, DEFAULT_CRONTAB, type BatchFlowOptions, type FlowNode } from "./flow";
