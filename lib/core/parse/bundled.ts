import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";

/**
 * The ntc-templates library this package ships (data/ntc-templates/templates: every template and
 * the index, Apache-2.0, see data/ntc-templates/NOTICE). Found relative to this file, so it works
 * from the sources (lib/core/parse), from dist/lib/core/parse and from an installed package.
 */
export const BUNDLED_TEMPLATES_RELATIVE = path.join("data", "ntc-templates", "templates");

let found: string | undefined;

export function bundledTemplatesDir(): string {
  if (found) return found;
  let dir = __dirname;
  // lib/core/parse is 3 levels below the package root, dist/lib/core/parse 4: look a little further.
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, BUNDLED_TEMPLATES_RELATIVE);
    if (fs.existsSync(path.join(candidate, "index"))) return (found = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new VcError(
    "no_template",
    `the bundled ntc-templates (${BUNDLED_TEMPLATES_RELATIVE}) are missing from this installation: reinstall the package, or set NET_TEXTFSM to a templates folder`,
    __dirname,
  );
}
