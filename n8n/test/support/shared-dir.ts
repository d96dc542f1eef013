import * as fs from "node:fs";
import * as path from "node:path";

/** ../shared beside the repository (ntc-templates), or $VC_SHARED_DIR. */
export function sharedDir(): string {
  const candidates = [process.env.VC_SHARED_DIR, path.resolve(__dirname, "../../../../shared"), "/work/shared"];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, "ntc-templates"))) return c;
  throw new Error("the ntc-templates corpus (../shared/ntc-templates) is missing; set VC_SHARED_DIR");
}
