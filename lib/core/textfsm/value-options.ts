import { type Cell, type ListItem, pyTruthy } from "./pytext";
import type { PyRegex } from "./regex/compile";

/**
 * TextFSM's Value options, one small class each with its behaviour beside its name, as Google
 * textfsm's parser.py has them (`ValueOption` subclasses and their On* hooks):
 *
 * | parser.py        | here            | when                                                   |
 * |------------------|-----------------|--------------------------------------------------------|
 * | OnCreateOptions  | static onDefine | the template declares the Value (once per template)    |
 * |                  | constructor     | a parse starts (one option object per Value per parse) |
 * | OnAssignVar      | onAssign        | a rule captured a new value                            |
 * | OnClearVar       | onClear         | the record was saved or cleared (Record, Clear)        |
 * | OnClearAllVar    | onClearAll      | Clearall                                               |
 * | OnSaveRecord     | onSave          | a record is being saved; false = skip the whole record |
 *
 * (parser.py's OnGetValue is never overridden by an option, so it has no counterpart.)
 * The state machine (fsm.ts) only calls ValueSlot's assign / clear / clearAll / save.
 */

/** What a Value looks like to its options at definition time. */
export interface ValueDefinitionView {
  options: readonly string[];
  listRegex?: PyRegex;
}

/** The running parse as the options see it: the records saved so far (Fillup rewrites them). */
export interface RunTable {
  readonly rows: Cell[][];
}

/** The hooks an option may have; each option class defines only the ones it reacts to. */
interface ValueOptionHooks {
  /** The Value this option belongs to. */
  readonly slot: ValueSlot;
  onAssign?(): void;
  onClear?(): void;
  onClearAll?(): void;
  /** False: the record is not saved (and is cleared). */
  onSave?(): boolean;
}

abstract class ValueOptionBehaviour implements ValueOptionHooks {
  constructor(readonly slot: ValueSlot) {}
}

interface ValueOptionClass {
  readonly optionName: string;
  new (slot: ValueSlot, table: RunTable): ValueOptionBehaviour;
  /** Once per template, when the Value is declared with this option (regex = the Value's compiled regex). */
  onDefine?(def: ValueDefinitionView, regex: PyRegex): void;
}

/** The value is kept from record to record until it is assigned again (or Clearall). */
class Filldown extends ValueOptionBehaviour {
  static readonly optionName = "Filldown";
  private memory: Cell = null;

  onAssign(): void {
    this.memory = this.slot.value;
  }
  onClear(): void {
    this.slot.value = this.memory;
  }
  onClearAll(): void {
    this.memory = null;
  }
}

/** A value assigned fills the same column of the records above it, up to the first one that has it. */
class Fillup extends ValueOptionBehaviour {
  static readonly optionName = "Fillup";

  constructor(
    slot: ValueSlot,
    private readonly table: RunTable,
  ) {
    super(slot);
  }

  onAssign(): void {
    const value = this.slot.value;
    if (!pyTruthy(value)) return;
    const rows = this.table.rows;
    const column = this.slot.index;
    for (let r = rows.length - 1; r >= 0; r--) {
      if (pyTruthy(rows[r][column])) break;
      rows[r][column] = value;
    }
  }
}

/** Marks the Value as part of the record's identity (used to merge multi-template tables); no run-time behaviour. */
class Key extends ValueOptionBehaviour {
  static readonly optionName = "Key";
}

/** A record without this value is not saved. */
class Required extends ValueOptionBehaviour {
  static readonly optionName = "Required";

  onSave(): boolean {
    return pyTruthy(this.slot.value);
  }
}

/**
 * Every assignment is appended to a list, which becomes the value when the record is saved.
 * With inner named groups in the Value's regex, each item is a dict of those groups.
 */
class List extends ValueOptionBehaviour {
  static readonly optionName = "List";
  private items: ListItem[] = [];
  private readonly keepOnClear: boolean;

  static onDefine(def: ValueDefinitionView, regex: PyRegex): void {
    if (regex.groups > 1) def.listRegex = regex;
  }

  constructor(slot: ValueSlot) {
    super(slot);
    this.keepOnClear = slot.options.includes("Filldown");
  }

  onAssign(): void {
    this.items.push(listItem(this.slot.listRegex, this.slot.value as string | null));
  }
  onClear(): void {
    if (!this.keepOnClear) this.items = [];
  }
  onClearAll(): void {
    this.items = [];
  }
  onSave(): boolean {
    this.slot.value = [...this.items];
    return true;
  }
}

function listItem(regex: PyRegex | undefined, value: string | null): ListItem {
  if (value === null || !regex) return value;
  const groups = regex.exec(value);
  if (groups === null || regex.groupNames.length === 0) return value;
  const item: Record<string, string | null> = {};
  for (const name of regex.groupNames) item[name] = groups[name] ?? null;
  return item;
}

const OPTION_CLASSES: readonly ValueOptionClass[] = [Filldown, Key, Required, List, Fillup];
const BY_NAME = new Map<string, ValueOptionClass>(OPTION_CLASSES.map((c) => [c.optionName, c]));

/** The option names a template may use, in the order textfsm lists them. */
export const VALUE_OPTION_NAMES = ["Filldown", "Key", "Required", "List", "Fillup"] as const;
export type ValueOption = (typeof VALUE_OPTION_NAMES)[number];

export function isValueOption(name: string): name is ValueOption {
  return BY_NAME.has(name);
}

/** Runs the definition-time hooks of a Value's options (parser.py's OnCreateOptions). */
export function defineValueOptions(def: ValueDefinitionView, regex: PyRegex): void {
  for (const name of def.options) BY_NAME.get(name)?.onDefine?.(def, regex);
}

const NO_HOOKS: readonly ValueOptionHooks[] = [];

/**
 * One Value during one parse (parser.py's TextValue at run time): the current value and the
 * option objects that react to it, their hooks collected per event in declaration order.
 */
export class ValueSlot {
  value: Cell = null;
  readonly options: readonly string[];
  readonly listRegex?: PyRegex;
  private readonly assignHooks: readonly ValueOptionHooks[];
  private readonly clearHooks: readonly ValueOptionHooks[];
  private readonly clearAllHooks: readonly ValueOptionHooks[];
  private readonly saveHooks: readonly ValueOptionHooks[];

  constructor(
    def: ValueDefinitionView,
    /** The Value's column in the records. */
    readonly index: number,
    table: RunTable,
  ) {
    this.options = def.options;
    this.listRegex = def.listRegex;
    if (def.options.length === 0) {
      // Most Values have no option: nothing to create for them on every parse.
      this.assignHooks = this.clearHooks = this.clearAllHooks = this.saveHooks = NO_HOOKS;
      return;
    }
    const behaviours: ValueOptionHooks[] = def.options.map(
      (name) => new (BY_NAME.get(name) as ValueOptionClass)(this, table),
    );
    this.assignHooks = behaviours.filter((b) => b.onAssign);
    this.clearHooks = behaviours.filter((b) => b.onClear);
    this.clearAllHooks = behaviours.filter((b) => b.onClearAll);
    this.saveHooks = behaviours.filter((b) => b.onSave);
  }

  assign(value: Cell): void {
    this.value = value;
    const hooks = this.assignHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].onAssign!();
  }

  clear(): void {
    this.value = null;
    const hooks = this.clearHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].onClear!();
  }

  clearAll(): void {
    this.value = null;
    const hooks = this.clearAllHooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].onClearAll!();
  }

  /** False when an option (Required) vetoes saving the record. */
  save(): boolean {
    const hooks = this.saveHooks;
    for (let i = 0; i < hooks.length; i++) if (!hooks[i].onSave!()) return false;
    return true;
  }
}
