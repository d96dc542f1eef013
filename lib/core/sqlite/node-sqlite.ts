import * as fs from "node:fs";

/**
 * The part of better-sqlite3's API that lib/core uses, implemented on Node's built-in
 * `node:sqlite` (Node >= 22.13, no flag; no warning on Node 24). The n8n package is bundled
 * with esbuild into one file with no runtime dependencies, and a native addon cannot be bundled:
 * its build aliases `better-sqlite3` to this module, so the inventory, vault and history code is
 * the same code the Node-RED pack runs, on the same file format.
 *
 * Differences it evens out: rows are plain objects (node:sqlite gives null-prototype objects),
 * blobs are Buffers (node:sqlite gives Uint8Arrays), foreign keys start OFF as in SQLite and
 * better-sqlite3, errors carry better-sqlite3's `SQLITE_*` code names, arrays of parameters are
 * spread, and `transaction()` nests with savepoints.
 */

interface NodeStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
  setAllowUnknownNamedParameters?(enabled: boolean): void;
}

interface NodeDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeStatement;
  close(): void;
  readonly isTransaction?: boolean;
}

interface NodeSqliteModule {
  DatabaseSync: new (
    file: string,
    options?: { readOnly?: boolean; enableForeignKeyConstraints?: boolean; timeout?: number },
  ) => NodeDatabase;
}

function nodeSqlite(): NodeSqliteModule {
  try {
    return require("node:sqlite") as NodeSqliteModule;
  } catch (err) {
    throw new Error(`this Node.js (${process.version}) has no node:sqlite module; Node 22.13 or later is needed`, {
      cause: err,
    });
  }
}

/** SQLite primary result codes, by number, as better-sqlite3 names them in `err.code`. */
const PRIMARY_CODES: Record<number, string> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

export class SqliteError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = "SqliteError";
    this.code = code;
  }
}

function translated(err: unknown): unknown {
  const e = err as { errcode?: number; errstr?: string; message?: string };
  if (!(err instanceof Error) || typeof e.errcode !== "number") return err;
  return new SqliteError(err.message, PRIMARY_CODES[e.errcode & 0xff] ?? "SQLITE_ERROR");
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw translated(err);
  }
}

function isNamedParameters(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** better-sqlite3's binding rules: arrays are spread, one plain object holds named parameters. */
function bindArguments(params: unknown[]): unknown[] {
  let named: Record<string, unknown> | undefined;
  const positional: unknown[] = [];
  const add = (p: unknown): void => {
    if (Array.isArray(p)) p.forEach(add);
    else if (isNamedParameters(p)) named = { ...named, ...p };
    else positional.push(p === undefined ? null : p);
  };
  params.forEach(add);
  return named ? [named, ...positional] : positional;
}

function plainRow(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!row) return row;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) {
    const v = row[key];
    out[key] = v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  }
  return out;
}

export class Statement {
  constructor(private readonly stmt: NodeStatement) {
    stmt.setAllowUnknownNamedParameters?.(true);
  }

  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint } {
    const r = guarded(() => this.stmt.run(...bindArguments(params)));
    return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
  }

  get(...params: unknown[]): unknown {
    return plainRow(guarded(() => this.stmt.get(...bindArguments(params))));
  }

  all(...params: unknown[]): unknown[] {
    return guarded(() => this.stmt.all(...bindArguments(params))).map((r) => plainRow(r));
  }
}

export type Transaction<A extends unknown[], R> = ((...args: A) => R) & {
  deferred: (...args: A) => R;
  immediate: (...args: A) => R;
  exclusive: (...args: A) => R;
};

export interface DatabaseOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  timeout?: number;
}

export default class Database {
  private db: NodeDatabase | undefined;
  private depth = 0;
  readonly name: string;
  readonly readonly: boolean;

  constructor(file: string, options: DatabaseOptions = {}) {
    this.name = file;
    this.readonly = Boolean(options.readonly);
    if ((options.fileMustExist || options.readonly) && file !== ":memory:" && !fs.existsSync(file)) {
      throw new SqliteError("unable to open database file", "SQLITE_CANTOPEN");
    }
    const { DatabaseSync } = nodeSqlite();
    this.db = guarded(
      () =>
        new DatabaseSync(file, {
          readOnly: this.readonly,
          enableForeignKeyConstraints: false,
          ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        }),
    );
  }

  get open(): boolean {
    return this.db !== undefined;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  private handle(): NodeDatabase {
    if (!this.db) throw new TypeError("The database connection is not open");
    return this.db;
  }

  prepare(sql: string): Statement {
    const db = this.handle();
    return new Statement(guarded(() => db.prepare(sql)));
  }

  exec(sql: string): this {
    const db = this.handle();
    guarded(() => db.exec(sql));
    return this;
  }

  /** `pragma("x = y")` runs PRAGMA x = y; with { simple: true } the first column of the first row. */
  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const rows = this.prepare(`PRAGMA ${source}`).all() as Record<string, unknown>[];
    if (!options.simple) return rows;
    return rows.length ? Object.values(rows[0])[0] : undefined;
  }

  /**
   * A function that runs `fn` in a transaction (a savepoint when already inside one), with
   * better-sqlite3's `.deferred`, `.immediate` and `.exclusive` variants.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R> {
    const run =
      (begin: string) =>
      (...args: A) =>
        this.runInTransaction(begin, fn, args);
    return Object.assign(run("BEGIN"), {
      deferred: run("BEGIN DEFERRED"),
      immediate: run("BEGIN IMMEDIATE"),
      exclusive: run("BEGIN EXCLUSIVE"),
    });
  }

  private runInTransaction<A extends unknown[], R>(begin: string, fn: (...args: A) => R, args: A): R {
    const db = this.handle();
    const savepoint = this.depth > 0 ? `vc_sp_${this.depth}` : undefined;
    guarded(() => db.exec(savepoint ? `SAVEPOINT ${savepoint}` : begin));
    this.depth++;
    try {
      const result = fn(...args);
      guarded(() => db.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT"));
      return result;
    } catch (err) {
      try {
        db.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : "ROLLBACK");
      } catch {
        // SQLite already rolled the transaction back (e.g. after SQLITE_FULL); the first error stands.
      }
      throw err;
    } finally {
      this.depth--;
    }
  }

  close(): this {
    const db = this.db;
    this.db = undefined;
    db?.close();
    return this;
  }
}
