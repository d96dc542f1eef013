import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A fresh temporary directory per test, removed afterwards. Call inside a describe block. */
export function useTmpDir(prefix = "vc-test-"): { readonly path: string } {
  const holder = { path: "" };
  beforeEach(() => {
    holder.path = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    if (holder.path) fs.rmSync(holder.path, { recursive: true, force: true });
  });
  return holder;
}

export function makeTmpDir(prefix = "vc-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
