import { CommandTree } from "./command-tree";
import type { PlatformDef, TerminalCommand } from "./platform";
import type { ResponseLibrary, ResponseSet } from "./responses";

/** What a resolved command is: a terminal command of the platform, or a canned output. */
export type CatalogEntry = { type: "terminal"; def: TerminalCommand } | { type: "response"; set: ResponseSet };

/**
 * The commands a platform knows in each mode (terminal commands from the platform file plus the
 * responses), built once per platform and response library and shared by all its devices.
 */
export class CommandCatalog {
  private readonly trees = new Map<string, CommandTree<CatalogEntry>>();

  constructor(
    readonly platform: PlatformDef,
    private readonly library: ResponseLibrary,
  ) {}

  tree(mode: string): CommandTree<CatalogEntry> {
    let tree = this.trees.get(mode);
    if (tree) return tree;
    tree = new CommandTree<CatalogEntry>();
    for (const def of this.platform.commands)
      if (def.modes.includes(mode)) tree.add(def.command, { type: "terminal", def });
    if (this.platform.responseModes.includes(mode)) {
      const hidden = this.platform.enable?.from === mode ? this.platform.privilegedOnly : [];
      for (const set of this.library.forPlatform(this.platform.name).values()) {
        if (hidden.some((prefix) => set.command === prefix || set.command.startsWith(prefix + " "))) continue;
        tree.add(set.command, { type: "response", set });
      }
    }
    this.trees.set(mode, tree);
    return tree;
  }
}

/** One catalog per platform per library. */
export class CatalogCache {
  private readonly catalogs = new Map<string, CommandCatalog>();
  constructor(private readonly library: ResponseLibrary) {}
  get(platform: PlatformDef): CommandCatalog {
    let c = this.catalogs.get(platform.name);
    if (!c) this.catalogs.set(platform.name, (c = new CommandCatalog(platform, this.library)));
    return c;
  }
}
