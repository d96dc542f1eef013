/**
 * A light reading of a TextFSM template's structure (Values, states, rules and their
 * transitions), enough for auto-detect's pre-filter. It is not the engine: it does not compile
 * anything and gives up (returns undefined) on anything unusual, in which case the template is
 * simply never rejected by the pre-filter.
 */

export interface OutlineRule {
  /** Rule regex with `${VALUE}` replaced by the Value's regex and `$$` by `$`. */
  regex: string;
  /** True when the rule assigns at least one Value. */
  captures: boolean;
  /** Target state of a transition (undefined: stays; End/EOF never reach further rules). */
  newState?: string;
  /** What happens to the line after a match: Next (default), Continue, or Error. */
  lineOp: "Next" | "Continue" | "Error";
}

export interface TemplateOutline {
  values: Map<string, string>;
  states: Map<string, OutlineRule[]>;
}

const RESERVED_STATES = new Set(["End", "EOF"]);
const SUBSTITUTION = /\$(?:\$|\{([_A-Za-z]\w*)\}|([_A-Za-z]\w*))/g;
// The three action forms TextFSM tries, in its order: Line[.Record] [State], Record [State], [State].
const ACTION_FORMS = [
  /^\s+(Continue|Next|Error)(?:\.(?:Clear|Clearall|Record|NoRecord))?(?:\s+(\w+|".*"))?$/,
  /^\s+(Clear|Clearall|Record|NoRecord)(?:\s+(\w+|".*"))?$/,
  /^()(?:\s+(\w+|".*"))?$/,
];

function parseValueLine(line: string): [string, string] | undefined {
  const tokens = line.split(" ");
  if (tokens.length < 3) return undefined;
  const hasOptions = !tokens[2].startsWith("(");
  const name = hasOptions ? tokens[2] : tokens[1];
  const regex = tokens.slice(hasOptions ? 3 : 2).join(" ");
  return regex.startsWith("(") ? [name, regex] : undefined;
}

function parseRule(line: string, values: Map<string, string>): OutlineRule | undefined {
  const stripped = line.trim();
  const split = /^(.*)(\s->(.*))$/s.exec(stripped);
  const regexText = split ? split[1] : stripped;
  let newState: string | undefined;
  let lineOp: OutlineRule["lineOp"] = "Next";
  if (split) {
    const action = ACTION_FORMS.map((form) => form.exec(split[3])).find((m) => m !== null);
    if (!action) return undefined;
    if (action[1] === "Continue" || action[1] === "Error") lineOp = action[1];
    newState = lineOp === "Error" ? undefined : action[2];
  }
  let captures = false;
  let unknownValue = false;
  const regex = regexText.replace(SUBSTITUTION, (whole, braced?: string, bare?: string) => {
    if (whole === "$$") return "$";
    const valueRegex = values.get(braced ?? bare ?? "");
    if (valueRegex === undefined) {
      unknownValue = true;
      return whole;
    }
    captures = true;
    return valueRegex;
  });
  if (unknownValue) return undefined;
  return { regex, captures, newState, lineOp };
}

/** Reads the template's Values and states; undefined when the text is not a plain template. */
export function outlineTemplate(text: string): TemplateOutline | undefined {
  const lines = text.split(/\r?\n|\r/).map((l) => l.trimEnd());
  const values = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*#/.test(line)) continue;
    if (line === "") break;
    if (!line.startsWith("Value ")) return undefined;
    const value = parseValueLine(line);
    if (!value) return undefined;
    values.set(value[0], value[1]);
  }
  const states = new Map<string, OutlineRule[]>();
  let current: OutlineRule[] | undefined;
  for (i++; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*#/.test(line)) continue;
    if (line === "") {
      current = undefined;
      continue;
    }
    if (current === undefined) {
      if (!/^\w+$/.test(line)) return undefined;
      current = [];
      if (!RESERVED_STATES.has(line)) states.set(line, current);
      continue;
    }
    if (!/^( {1,2}|\t)\^/.test(line)) return undefined;
    const rule = parseRule(line, values);
    if (!rule) return undefined;
    current.push(rule);
  }
  return states.has("Start") ? { values, states } : undefined;
}
