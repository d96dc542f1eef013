import { VcError } from "../errors";

/**
 * Reads a command list from a node's config (one command per line), the CLI's `--commands
 * "c1;c2"` (`\;` keeps a literal semicolon) or msg.commands (a string or a list of strings).
 * Blank entries are dropped; a command is never split on commas (VelocityCollector did, which
 * broke `| include a,b`).
 */
export function parseCommands(input: unknown, where: string, separator: "line" | "semicolon" = "line"): string[] {
  let parts: string[];
  if (typeof input === "string") {
    parts = separator === "line" ? input.split(/\r?\n/) : splitSemicolons(input);
  } else if (Array.isArray(input)) {
    parts = input.map((c, i) => {
      if (typeof c !== "string")
        throw new VcError("invalid_input", `must be a string, got ${c === null ? "null" : typeof c}`, `${where}[${i}]`);
      return c;
    });
  } else {
    throw new VcError(
      "invalid_input",
      `must be a string or a list of strings, got ${input === null ? "null" : typeof input}`,
      where,
    );
  }
  const commands = parts.map((c) => c.trim()).filter((c) => c !== "");
  if (commands.length === 0) throw new VcError("invalid_input", "no command to run", where);
  return commands;
}

function splitSemicolons(text: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && text[i + 1] === ";") {
      current += ";";
      i++;
    } else if (ch === ";") {
      out.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}
