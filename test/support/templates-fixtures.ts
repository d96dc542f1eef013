import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./cli";

/** The ntc-templates corpus beside the repository (never copied into it). */
export const NTC_ROOT = path.resolve(REPO_ROOT, "..", "shared", "ntc-templates");
export const NTC_TEMPLATES = path.join(NTC_ROOT, "templates");
export const NTC_TESTS = path.join(NTC_ROOT, "tests");

export function ntcTemplateText(name: string): string {
  return fs.readFileSync(path.join(NTC_TEMPLATES, name.endsWith(".textfsm") ? name : name + ".textfsm"), "utf8");
}

export function ntcCase(
  platform: string,
  command: string,
  file: string,
): { raw: string; expected: Record<string, unknown>[] } {
  const yaml = require("js-yaml") as { load: (text: string) => unknown };
  const dir = path.join(NTC_TESTS, platform, command);
  const raw = fs.readFileSync(path.join(dir, file + ".raw"), "utf8");
  const doc = yaml.load(fs.readFileSync(path.join(dir, file + ".yml"), "utf8")) as {
    parsed_sample?: Record<string, unknown>[];
  };
  return { raw, expected: doc.parsed_sample ?? [] };
}

/**
 * A small ntc-style templates folder in `dir`: the named corpus templates plus an index holding
 * their rows from the corpus index (in corpus order). Used where the whole corpus is not needed.
 */
export function makeMiniNtcDir(dir: string, names: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const files = new Set(names.map((n) => (n.endsWith(".textfsm") ? n : n + ".textfsm")));
  for (const file of files) fs.copyFileSync(path.join(NTC_TEMPLATES, file), path.join(dir, file));
  const index = fs.readFileSync(path.join(NTC_TEMPLATES, "index"), "utf8").split("\n");
  const header = index.findIndex((l) => l.startsWith("Template,"));
  const rows = index.slice(header + 1).filter((l) => {
    const cell = l.split(",")[0].trim();
    return cell !== "" && !l.startsWith("#") && cell.split(":").every((t) => files.has(t.trim()));
  });
  fs.writeFileSync(path.join(dir, "index"), [index[header], "", ...rows, ""].join("\n"));
  return dir;
}

/**
 * Outputs that no network template was written for: auto-detect must rank every template low
 * on them and say that none fits.
 */
export const UNFIT_OUTPUTS: Record<string, string> = {
  prose:
    "Dear team,\n\nThe quarterly report is attached. Revenue grew in all regions except the north,\nwhere the new warehouse opened late. Please review the numbers before Friday and\nsend any corrections to the finance mailbox.\n\nThanks,\nAlice\n",
  poem: "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\nRough winds do shake the darling buds of May,\nAnd summer's lease hath all too short a date;\n",
  json: '{\n  "id": 42,\n  "name": "core-sw-01",\n  "tags": ["dc1", "prod"],\n  "interfaces": [\n    {"name": "Ethernet1", "status": "up", "speed": 10000},\n    {"name": "Ethernet2", "status": "down", "speed": 10000}\n  ]\n}\n',
  yaml: "devices:\n  - name: core-sw-01\n    site: dc1\n    role: core\n  - name: edge-rtr-02\n    site: dc2\n    role: edge\n",
  csv: "date,region,units,price\n2026-01-01,north,12,3.50\n2026-01-02,south,7,3.45\n2026-01-03,east,19,3.60\n",
  traceback:
    'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/app/main.py", line 12, in <module>\n    run()\n  File "/usr/lib/python3/dist-packages/app/main.py", line 8, in run\n    raise ValueError("bad input")\nValueError: bad input\n',
  httpHeaders:
    "HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nContent-Length: 1234\nCache-Control: no-cache\nSet-Cookie: session=abc123; Path=/; HttpOnly\n",
  html: "<!DOCTYPE html>\n<html>\n  <head><title>Status</title></head>\n  <body>\n    <h1>All systems normal</h1>\n    <p>Last check: 5 minutes ago.</p>\n  </body>\n</html>\n",
  typescript:
    'import * as fs from "node:fs";\n\nexport function readConfig(file: string): Record<string, string> {\n  const text = fs.readFileSync(file, "utf8");\n  return Object.fromEntries(text.split("\\n").map((l) => l.split("=")));\n}\n',
  markdown:
    "# Release notes\n\n## 1.2.0\n\n- Faster exports\n- Fixed the device filter\n\nSee the [changelog](CHANGELOG.md) for details.\n",
  sql: "SELECT d.name, s.name AS site\nFROM dcim_device d\nJOIN dcim_site s ON s.id = d.site_id\nWHERE d.status = 'active'\nORDER BY s.name, d.name;\n",
  emailHeaders:
    "From: Alice <alice@example.com>\nTo: ops@example.com\nSubject: Maintenance window tonight\nDate: Tue, 25 Nov 2026 20:15:00 +0000\nMessage-ID: <1234@example.com>\n",
};
