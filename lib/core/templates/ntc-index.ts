import { VcError } from "../errors";

/**
 * The rows of an ntc-templates `index` file, as the library stores them: which templates a row
 * names, its platform regex and its command pattern (with the `[[...]]` completion kept as
 * written). Lookup itself belongs to the TextFSM engine (TemplateIndex); this reader only keeps
 * what the library needs to describe each template. Format: textfsm-spec.md §9.1.
 */
export interface NtcIndexRow {
  /** 1-based line number in the index file. */
  line: number;
  templates: string[];
  platform: string;
  command: string;
  hostname: string;
}

export function readNtcIndex(text: string, where = "index"): NtcIndexRow[] {
  const lines = text.split(/\r?\n|\r/);
  let header: string[] | undefined;
  const rows: NtcIndexRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (header === undefined) {
      const content = raw.replace(/#.*$/, "").trim();
      if (content === "") continue;
      header = content.split(",").map((f) => f.trim());
      for (const column of ["Template", "Platform", "Command"]) {
        if (!header.includes(column))
          throw new VcError("template_error", `index header has no '${column}' column`, `${where}:${i + 1}`);
      }
      continue;
    }
    if (raw.startsWith("#")) continue;
    const fields = raw.split(",").map((f) => f.trim());
    if (fields.length !== header.length) continue;
    const cell = (column: string) => fields[header!.indexOf(column)] ?? "";
    rows.push({
      line: i + 1,
      templates: cell("Template")
        .split(":")
        .map((t) => t.trim())
        .filter((t) => t !== ""),
      platform: cell("Platform"),
      command: cell("Command"),
      hostname: header.includes("Hostname") ? cell("Hostname") : "",
    });
  }
  if (header === undefined) throw new VcError("template_error", "index file has no header line", where);
  return rows;
}
