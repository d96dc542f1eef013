import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Secret scanning: tests plant recognisable secrets, then assert that none of them appears in
 * outputs, logs, messages or any file under a directory (in plain text, base64 or hex).
 */
export function secretVariants(secret: string): string[] {
  return [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("hex")];
}

export function findSecretsInText(text: string, secrets: string[]): string[] {
  return secrets.filter((s) => secretVariants(s).some((v) => text.includes(v)));
}

/** Returns "file: secret" for every planted secret found in any file below `dir`. */
export function findSecretsInDir(dir: string, secrets: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const text = fs.readFileSync(p).toString("latin1");
        for (const s of findSecretsInText(text, secrets)) hits.push(`${p}: ${s}`);
      }
    }
  };
  walk(dir);
  return hits;
}
