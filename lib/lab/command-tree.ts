/**
 * The words a device knows, as a tree. Typed commands resolve word by word the way network CLIs
 * do: an exact keyword wins, else a unique prefix (`sh ip int br`), else a parameter; several
 * prefixes are ambiguous; running out of words before a command ends is incomplete.
 */
export interface Token {
  text: string;
  /** Column of the token's first character in the typed line. */
  column: number;
}

export type Resolution<T> =
  | { kind: "ok"; entry: T; args: string[] }
  | { kind: "invalid"; tokenIndex: number }
  | { kind: "ambiguous"; tokenIndex: number }
  | { kind: "incomplete" };

type ParamKind = "number" | "word";

interface Node<T> {
  keywords: Map<string, Node<T>>;
  param?: { kind: ParamKind; node: Node<T> };
  entry?: T;
}

const newNode = <T>(): Node<T> => ({ keywords: new Map() });

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) tokens.push({ text: m[0], column: m.index });
  return tokens;
}

export class CommandTree<T> {
  private readonly root: Node<T> = newNode();

  /** Adds a command pattern; an existing entry for the same words is kept unless `replace`. */
  add(pattern: string, entry: T, replace = false): void {
    let node = this.root;
    for (const word of pattern.trim().split(/\s+/)) {
      const param = /^<(number|word)>$/.exec(word);
      if (param) {
        const kind = param[1] as ParamKind;
        if (!node.param || node.param.kind !== kind) node.param = { kind, node: node.param?.node ?? newNode() };
        node = node.param.node;
      } else {
        const key = word.toLowerCase();
        let next = node.keywords.get(key);
        if (!next) node.keywords.set(key, (next = newNode()));
        node = next;
      }
    }
    if (replace || node.entry === undefined) node.entry = entry;
  }

  resolve(tokens: Token[], abbreviations: boolean): Resolution<T> {
    let node = this.root;
    const args: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const text = tokens[i].text;
      const lower = text.toLowerCase();
      const exact = node.keywords.get(lower);
      if (exact) {
        node = exact;
        continue;
      }
      if (abbreviations) {
        const candidates: Node<T>[] = [];
        for (const [word, child] of node.keywords) if (word.startsWith(lower)) candidates.push(child);
        if (candidates.length === 1) {
          node = candidates[0];
          continue;
        }
        if (candidates.length > 1) return { kind: "ambiguous", tokenIndex: i };
      }
      if (node.param && (node.param.kind === "word" || /^\d+$/.test(text))) {
        args.push(text);
        node = node.param.node;
        continue;
      }
      return { kind: "invalid", tokenIndex: i };
    }
    if (node.entry !== undefined) return { kind: "ok", entry: node.entry, args };
    return { kind: "incomplete" };
  }

  /** Full commands (parameters shown as <number>/<word>), for help and tests. */
  commands(): string[] {
    const out: string[] = [];
    const walk = (node: Node<T>, words: string[]) => {
      if (node.entry !== undefined) out.push(words.join(" "));
      for (const [word, child] of node.keywords) walk(child, [...words, word]);
      if (node.param) walk(node.param.node, [...words, `<${node.param.kind}>`]);
    };
    walk(this.root, []);
    return out.sort();
  }
}
