import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../core/errors";

/**
 * Command outputs in the ntc-templates tests layout: `<dir>/<platform>/<command_with_underscores>/<file>`.
 * `.raw` files are served verbatim; `.txt` files are templates ({{hostname}}, …). Directories
 * given by the user come first; the built-in set (lib/lab/responses) is the fallback.
 */
export interface ResponseSet {
  command: string;
  files: string[];
}

export const BUILTIN_RESPONSES_DIR = path.join(__dirname, "responses");

/** Largest response file read into memory; bigger files are refused with an error naming them. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export class ResponseLibrary {
  private readonly byPlatform = new Map<string, Map<string, ResponseSet>>();
  private readonly contents = new Map<string, string>();
  readonly dirs: string[];

  constructor(userDirs: string[] = []) {
    for (const dir of userDirs) {
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
        throw new VcError("usage", "responses directory not found", dir);
    }
    this.dirs = [...userDirs.map((d) => path.resolve(d)), BUILTIN_RESPONSES_DIR];
  }

  /** Command → files for a platform; the first directory that has a command wins. */
  forPlatform(platform: string): Map<string, ResponseSet> {
    let sets = this.byPlatform.get(platform);
    if (sets) return sets;
    sets = new Map();
    for (const dir of this.dirs) {
      const platformDir = path.join(dir, platform);
      if (!fs.existsSync(platformDir)) continue;
      for (const entry of fs.readdirSync(platformDir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const command = commandFromDirName(entry.name);
        if (command === "" || sets.has(command)) continue;
        const commandDir = path.join(platformDir, entry.name);
        const files = fs
          .readdirSync(commandDir)
          .filter((f) => f.endsWith(".raw") || f.endsWith(".txt"))
          .sort()
          .map((f) => path.join(commandDir, f));
        if (files.length) sets.set(command, { command, files });
      }
    }
    this.byPlatform.set(platform, sets);
    return sets;
  }

  read(file: string): string {
    let text = this.contents.get(file);
    if (text === undefined) {
      const size = fs.statSync(file).size;
      if (size > MAX_RESPONSE_BYTES)
        throw new VcError("lab_response", `response file is larger than ${MAX_RESPONSE_BYTES} bytes`, file);
      text = fs.readFileSync(file, "utf8");
      this.contents.set(file, text);
    }
    return text;
  }
}

/** `show_ip_interface_brief` → `show ip interface brief`. */
export function commandFromDirName(name: string): string {
  return name
    .split("_")
    .filter((w) => w !== "")
    .join(" ");
}
