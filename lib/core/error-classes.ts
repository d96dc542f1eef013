/**
 * Every error class the product reports (VcError.errorClass, node outputs, the CLI's --json,
 * the admin endpoints' `{ error, errorClass }`), with a one-line meaning. The union type makes a
 * misspelt class a compile error; docs/errors.md is this table rendered (`npm run docs:errors`,
 * checked by test/core/error-classes.spec.ts). Add a class here, with its meaning, before using it.
 */
export const ERROR_CLASSES = {
  general: {
    usage: "a command-line usage mistake: unknown option, missing or malformed argument (the CLI exits with 2)",
    invalid_input:
      "the data given is not acceptable: a field, argument, file content or request names what is wrong and where",
    invalid_config: "a setting is wrong or missing (node configuration, source settings, environment)",
    invalid_json: "a file or payload that should be JSON is not",
    not_found: "the named file, folder, template or item does not exist",
    not_readable: "the file exists but cannot be read",
    conflict: "the item already exists (create refused; edit the existing one)",
    cancelled: "the operation was stopped (Stop, close, Ctrl-C)",
    interrupted: "the process ended while a run was in progress; the run is recorded as interrupted",
    database_damaged: "a SQLite file is damaged or not a database (the message names the file)",
    internal_error: "a bug or an unexpected failure (the message has details; please report it)",
  },
  session: {
    connect_refused: "the device refused the TCP connection",
    connect_timeout: "no TCP connection within the connect timeout",
    banner_timeout: "connected, but no SSH banner within the banner timeout",
    auth_failed: "every credential tried was rejected (the message names them, never their secrets)",
    hostkey_mismatch: "the device's host key differs from the pinned one (possible man in the middle)",
    hostkey_unknown: "the host key is not pinned and the host-key policy is strict",
    algorithm_mismatch: "no SSH algorithm in common with the device",
    command_timeout: "a command's output did not end (prompt not seen) within the command timeout",
    device_timeout: "the device's overall time limit ran out",
    disconnected: "the device closed the connection",
    prompt_not_found: "logged in, but no prompt was recognised",
    output_too_large: "a command's output went over the size cap",
    command_error: "the device rejected a command (% Invalid input, syntax error, ...)",
    no_credential: "no credential to try: none mapped, named or default, or the name is not in the vault",
    save_failed: "the capture (or its captures row) could not be written",
    unsupported_platform: "the device's platform has no session profile (inventory-only platform)",
    profile_invalid: "a platform session profile (YAML) is invalid",
  },
  inventory: {
    invalid_device: "a device field is invalid (the message names the row and field)",
    invalid_csv: "a CSV inventory file has bad rows (each named by line and field)",
    invalid_filter: "a device filter is invalid (unknown field, bad regex)",
    duplicate_device: "a device with this name is already in the inventory",
    ambiguous_device: "the name matches devices at several sites",
    device_not_found: "no device with this name in the inventory",
    inventory_not_found: "the inventory database does not exist",
    inventory_open: "the inventory database cannot be opened",
    inventory_schema: "the inventory database has an unknown or newer schema",
    inventory_readonly: "the inventory was opened read-only",
    inventory_write: "the inventory could not be written",
    netbox_auth: "NetBox refused the token",
    netbox_http: "NetBox answered with an HTTP error",
    netbox_redirect: "NetBox redirected (check the URL)",
    netbox_timeout: "NetBox did not answer in time",
    netbox_unreachable: "NetBox cannot be reached",
    netbox_bad_response: "the answer is not what NetBox's API returns",
  },
  vault: {
    vault_missing: "no vault file at that path (vcollector vault init creates one)",
    vault_exists: "refusing to overwrite an existing vault file",
    vault_corrupt: "not a vault, or damaged (not SQLite, missing tables or metadata, damaged token)",
    vault_foreign: "a VelocityCollector collector.db: use vault import-vc",
    vault_wrong_password: "wrong master password (also import-vc's old password)",
    vault_tampered: "the file was altered outside vcollector; restore a backup",
    vault_locked: "the operation needs an unlocked vault",
    vault_closed: "the operation needs an open vault",
    vault_changed: "another process changed the master password; unlock again",
    vault_no_password: "no master password given (VCOLLECTOR_VAULT_PASS)",
    vault_invalid: "bad vault input (name, username, secret, key, iteration count, password length)",
    vault_duplicate: "a credential with this name already exists",
    vault_unknown_credential: "no credential with this name",
    vault_internal: "the vault is in an unexpected state (a bug)",
    backup_exists: "refusing to overwrite an existing backup file",
    backup_missing: "the backup file cannot be read",
    backup_corrupt: "not a vault backup, or damaged",
    backup_wrong_password: "wrong backup password",
    vc_import_missing: "the VelocityCollector file cannot be read",
    vc_import_invalid: "not a VelocityCollector database, or damaged",
    vc_import_token: "a VelocityCollector credential cannot be decrypted",
  },
  parsing: {
    template_error: "a bad TextFSM template or index (file:line and what is wrong)",
    parse_error: "a template rule's Error action fired on the input",
    parse_timeout: "a parse ran past its time budget (names the input line)",
    no_template: "no template for this platform and command",
    library_error: "the template library cannot be opened or written",
    validation_failed: "parsed output did not pass validation (score below the minimum, with score and template)",
  },
  captures: {
    bad_path_pattern: "an export path pattern is invalid",
    export_write_failed: "the export file could not be written",
    bad_pattern: "the search pattern is invalid",
    regex_timeout: "a search regex took too long on a line (names the pattern and the file)",
    export_failed: "an export could not write any file (n8n Export node)",
    versions_unavailable: "the capture version store (change detection) cannot be opened",
    version_missing: "a version's stored text is missing or damaged",
    version_not_found: "no such version, or no versions for that device and capture type",
    history_unavailable: "the collector database (history) cannot be opened",
  },
  jobs: {
    invalid_job: "a job file fails its syntax, schema or meaning (names the file, line and field)",
    invalid_batch: "a batch file is invalid (names the file, line and field)",
    job_not_found: "no job with that slug in the data home's jobs/ folder",
    batch_not_found: "no batch with that name in the data home's batches/ folder",
    job_disabled: "the job is disabled (enable it, or run it explicitly)",
    job_exists: "a job with that slug exists already (use --force to replace it)",
    job_failed: "a job did not run (the message says why)",
    import_refused: "a VelocityCollector item cannot be imported faithfully (names the item and why)",
    run_not_found: "no run with that id in the history",
  },
  editor: {
    cross_origin: "an admin request from another origin was refused",
    unsupported_media_type: "an admin write request that is not application/json was refused",
    not_deployed: "the config node is not deployed yet (deploy it, then manage it)",
  },
  tools: {
    lab_platform: "a lab platform definition cannot be read",
    lab_listen: "a lab device cannot listen on its address",
    lab_response: "a lab response file is invalid or too large",
    demo_userdir: "the demo's Node-RED user directory cannot be prepared",
    demo_inventory: "the demo inventory cannot be imported",
    example_invalid: "an example flow is invalid",
  },
} as const;

type Catalogue = typeof ERROR_CLASSES;
export type ErrorArea = keyof Catalogue;
export type ErrorClass = { [A in ErrorArea]: keyof Catalogue[A] }[ErrorArea];

const MEANINGS: ReadonlyMap<string, string> = new Map(
  Object.values(ERROR_CLASSES).flatMap((area) => Object.entries(area) as Array<[string, string]>),
);

export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === "string" && MEANINGS.has(value);
}

export function errorClassMeaning(errorClass: ErrorClass): string {
  return MEANINGS.get(errorClass)!;
}

/** The classes a device session (and so a device's collection result) can report. */
export const SESSION_ERROR_CLASSES = [
  "connect_refused",
  "connect_timeout",
  "banner_timeout",
  "auth_failed",
  "hostkey_mismatch",
  "hostkey_unknown",
  "algorithm_mismatch",
  "command_timeout",
  "device_timeout",
  "disconnected",
  "prompt_not_found",
  "output_too_large",
  "command_error",
  "no_credential",
  "save_failed",
  "unsupported_platform",
  "validation_failed",
  "cancelled",
  "internal_error",
] as const satisfies readonly ErrorClass[];

const AREA_TITLES: Record<ErrorArea, string> = {
  general: "General",
  session: "SSH sessions and collection",
  inventory: "Inventory and NetBox",
  vault: "Vault and backups",
  parsing: "TextFSM, templates and parsing",
  captures: "Captures, export and search",
  jobs: "Jobs",
  editor: "Editor admin endpoints",
  tools: "Lab and demo (tools)",
};

/** docs/errors.md, generated from the table above. */
export function renderErrorClassesMarkdown(): string {
  const out = [
    "# Error classes",
    "",
    "<!-- Generated from lib/core/error-classes.ts by `npm run docs:errors`; do not edit by hand. -->",
    "",
    "Every error the product reports has a stable `errorClass`: on every `VcError` (`err.errorClass`),",
    "in collection results (each device's and command's `errorClass`, also in `--json` output) and",
    "in the editor admin endpoints' `{ error, errorClass }` answers. The message always names the",
    "place (file:line, device, field). This is the complete list; a class not listed here does not",
    "compile (`ErrorClass` in lib/core/error-classes.ts).",
  ];
  for (const area of Object.keys(ERROR_CLASSES) as ErrorArea[]) {
    out.push("", `## ${AREA_TITLES[area]}`, "", "| errorClass | meaning |", "|---|---|");
    for (const [code, meaning] of Object.entries(ERROR_CLASSES[area])) out.push(`| \`${code}\` | ${meaning} |`);
  }
  return out.join("\n") + "\n";
}
