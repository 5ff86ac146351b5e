/**
 * The `Catalog` interface: databases and tables by name, whatever keeps the
 * names (a warehouse folder, a Hive Metastore). Names follow Paimon 1.x: a
 * table is `<database>.<object>`, split at the first dot
 * (`Identifier.fromString`); the object may carry `$branch_<name>` or a
 * `$<system-table>` suffix. Names are case-sensitive, as in Paimon's
 * FileSystemCatalog (`caseSensitive()` defaults to true); a catalog that is
 * not (Hive) lower-cases them itself.
 */
import { PaimonError } from '../errors.js';
import type { FileStoreTable } from '../table/table.js';
import type { SchemaSpec } from '../table/schema-builder.js';
import type { SchemaChange } from '../table/schema-change.js';

/** Paimon's `Catalog.SYSTEM_DATABASE_NAME`: global system tables, never a real folder. */
export const SYSTEM_DATABASE = 'sys';
/** Suffix of a database folder in a warehouse (`Catalog.DB_SUFFIX`). */
export const DB_SUFFIX = '.db';
const SYSTEM_TABLE_SPLITTER = '$';
const BRANCH_PREFIX = 'branch_';

/** `db.table`, `db.table$branch_dev`, `db.table$snapshots`. */
export class Identifier {
  /** The table name without `$branch_...` / `$system` suffixes. */
  readonly table: string;
  readonly branch: string | null;
  readonly systemTable: string | null;

  constructor(
    readonly database: string,
    /** The object name as given, suffixes included. */
    readonly object: string,
  ) {
    const parts = object.split(SYSTEM_TABLE_SPLITTER);
    if (parts.length === 1) {
      this.table = object;
      this.branch = null;
      this.systemTable = null;
    } else if (parts.length === 2) {
      this.table = parts[0]!;
      const isBranch = parts[1]!.startsWith(BRANCH_PREFIX);
      this.branch = isBranch ? parts[1]!.slice(BRANCH_PREFIX.length) : null;
      this.systemTable = isBranch ? null : parts[1]!;
    } else if (parts.length === 3 && parts[1]!.startsWith(BRANCH_PREFIX)) {
      this.table = parts[0]!;
      this.branch = parts[1]!.slice(BRANCH_PREFIX.length);
      this.systemTable = parts[2]!;
    } else {
      throw new PaimonError('INVALID_ARGUMENT', `invalid table name ${JSON.stringify(object)}: a system table can have only one '$' after the branch`);
    }
    checkName(database, 'database');
    checkName(this.table, 'table');
    if (this.branch === '') throw new PaimonError('INVALID_ARGUMENT', `invalid table name ${JSON.stringify(object)}: empty branch name`);
    if (this.systemTable === '') throw new PaimonError('INVALID_ARGUMENT', `invalid table name ${JSON.stringify(object)}: empty system table name`);
    // a branch names a folder too (branch/branch-<name>): no way out of the table
    if (this.branch !== null) checkName(this.branch, 'branch');
    if (this.systemTable !== null) checkName(this.systemTable, 'system table');
  }

  /** Splits `db.table` at the first dot, as Paimon's `Identifier.fromString`. */
  static parse(fullName: string): Identifier {
    if (typeof fullName !== 'string' || fullName.trim() === '') throw new PaimonError('INVALID_ARGUMENT', 'table name must not be empty');
    const dot = fullName.indexOf('.');
    if (dot < 0) {
      throw new PaimonError('INVALID_ARGUMENT', `table name ${JSON.stringify(fullName)} must be <database>.<table>`);
    }
    return new Identifier(fullName.slice(0, dot), fullName.slice(dot + 1));
  }

  static of(ref: TableRef): Identifier {
    return typeof ref === 'string' ? Identifier.parse(ref) : ref;
  }

  get fullName(): string {
    return `${this.database}.${this.object}`;
  }

  toString(): string {
    return this.fullName;
  }
}

export type TableRef = Identifier | string;

/**
 * Paimon itself only rejects blank names; names here also become folder
 * names, so a path separator or `.`/`..` is refused too.
 */
export function checkName(name: string, what: 'database' | 'table' | 'branch' | 'system table'): void {
  if (typeof name !== 'string' || name.trim() === '') throw new PaimonError('INVALID_ARGUMENT', `${what} name must not be empty`);
  if (/[/\\\0]/.test(name) || name === '.' || name === '..') {
    throw new PaimonError('INVALID_ARGUMENT', `${what} name ${JSON.stringify(name)} must not contain '/', '\\' or NUL, nor be '.' or '..'`);
  }
}

/**
 * What every catalog offers. Errors are PaimonErrors with codes
 * DATABASE_NOT_FOUND, DATABASE_ALREADY_EXISTS, DATABASE_NOT_EMPTY,
 * TABLE_NOT_FOUND, TABLE_ALREADY_EXISTS, INVALID_ARGUMENT (names),
 * INVALID_SCHEMA / INVALID_OPTION / UNKNOWN_TYPE (table specs), UNSUPPORTED.
 */
export interface Catalog {
  /** Names of the databases, sorted. */
  listDatabases(): Promise<string[]>;
  databaseExists(name: string): Promise<boolean>;
  createDatabase(name: string, ignoreIfExists: boolean, properties?: Record<string, string>): Promise<void>;
  /** Without `cascade`, a database that still holds tables is DATABASE_NOT_EMPTY. */
  dropDatabase(name: string, ignoreIfNotExists: boolean, cascade: boolean): Promise<void>;
  /** Names of the tables of a database, sorted. */
  listTables(database: string): Promise<string[]>;
  tableExists(id: TableRef): Promise<boolean>;
  /** The table at its latest schema (the branch named in the identifier, if any). */
  getTable(id: TableRef): Promise<FileStoreTable>;
  /**
   * Creates a table from a column spec (see `buildTableSchema`). Concurrent
   * creators of one table: exactly one succeeds, the others get
   * TABLE_ALREADY_EXISTS (or return quietly with `ignoreIfExists`).
   */
  createTable(id: TableRef, spec: SchemaSpec, ignoreIfExists: boolean): Promise<void>;
  dropTable(id: TableRef, ignoreIfNotExists: boolean): Promise<void>;
  /**
   * Applies schema changes as one new schema (see `SchemaChange`); errors
   * are INVALID_SCHEMA / INVALID_OPTION / UNSUPPORTED naming the column or
   * option, TABLE_NOT_FOUND unless `ignoreIfNotExists`.
   */
  alterTable(id: TableRef, changes: readonly SchemaChange[], ignoreIfNotExists?: boolean): Promise<void>;
}
