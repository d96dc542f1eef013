import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./cli";

/** The ntc-templates of ../shared (tests only; the product never reads ../shared). */
export const NTC_TEMPLATES = path.resolve(REPO_ROOT, "..", "shared", "ntc-templates", "templates");

/**
 * A small templates directory (a few ntc templates and their index lines), so a test's
 * validation gate compiles a handful of templates instead of the whole library.
 */
export function writeSmallTemplates(dir: string, names: string[]): string {
  const out = path.join(dir, "templates");
  fs.mkdirSync(out, { recursive: true });
  const index = fs.readFileSync(path.join(NTC_TEMPLATES, "index"), "utf8").split("\n");
  const header = index.findIndex((l) => l.startsWith("Template,"));
  const rows = index.filter((l) => names.some((n) => l.startsWith(`${n}.textfsm,`)));
  for (const n of names) fs.copyFileSync(path.join(NTC_TEMPLATES, `${n}.textfsm`), path.join(out, `${n}.textfsm`));
  fs.writeFileSync(path.join(out, "index"), [index[header], "", ...rows, ""].join("\n"));
  return out;
}

export const SMALL_TEMPLATE_SET = [
  "cisco_ios_show_ip_arp",
  "arista_eos_show_ip_arp",
  "cisco_ios_show_version",
  "arista_eos_show_version",
];
