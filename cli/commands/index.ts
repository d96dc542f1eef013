import type { CliCommand } from "../command";

/**
 * The subcommands, loaded lazily so `vcollector --help` and each command start fast and a command
 * never pays for another's dependencies (better-sqlite3, ssh2). Each lives in its own file.
 */
export const COMMANDS: Record<string, { summary: string; load: () => CliCommand }> = {
  textfsm: {
    summary: "parse outputs with TextFSM, run the ntc-templates conformance suite",
    load: () => require("./textfsm").command,
  },
  templates: {
    summary: "template library: where, import, list, show, export, rm, detect",
    load: () => require("./templates").command,
  },
  vault: {
    summary: "encrypted credential vault: init, add, edit, rm, list, set-default, passwd, export, import, import-vc",
    load: () => require("./vault").command,
  },
  inventory: {
    summary: "device inventory: init, list, add, rm, import-csv, import-vc, netbox-sync",
    load: () => require("./inventory").command,
  },
  lab: {
    summary: "run the built-in device lab (simulated SSH devices on 127.0.0.x)",
    load: () => require("./lab").command,
  },
  collect: { summary: "collect command outputs from devices over SSH", load: () => require("./collect").command },
  creds: {
    summary: "credential discovery and testing: discover, test, status",
    load: () => require("./creds").command,
  },
  search: { summary: "search captured outputs (literal or regex)", load: () => require("./search").command },
  parse: {
    summary: "parse stored captures with TextFSM into records that export reads",
    load: () => require("./parse").command,
  },
  export: { summary: "export parsed records as JSON, NDJSON or CSV", load: () => require("./export").command },
  diff: {
    summary: "show the changes between versions of a device's capture",
    load: () => require("./diff").command,
  },
  changes: {
    summary: "list capture changes since a time; exit code 3 when there are any",
    load: () => require("./changes").command,
  },
  jobs: {
    summary: "jobs and batches: list, show, validate, new, enable, disable, rm, import-vc, flow",
    load: () => require("./jobs").command,
  },
  run: { summary: "run a job or a batch from the data home (jobs/, batches/)", load: () => require("./run").command },
  history: { summary: "run history: list, show <run-id>, prune", load: () => require("./history").command },
  coverage: {
    summary: "coverage report: devices x capture types, as HTML or JSON",
    load: () => require("./coverage").command,
  },
};
