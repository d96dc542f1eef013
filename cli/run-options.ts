/**
 * The flags `vcollector collect` and `vcollector run` share (parseArgs option definitions), so
 * the two commands cannot drift apart in how they read them. Each command adds its own.
 */
export const COLLECTION_RUN_OPTIONS = {
  job: { type: "string" },
  vault: { type: "string" },
  credential: { type: "string" },
  "no-save": { type: "boolean" },
  "no-history": { type: "boolean" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;
