/**
 * The embedded default catalog: a warehouse folder (Paimon's
 * FileSystemCatalog). A database is the folder `<warehouse>/<db>.db` and
 * nothing else (no properties are stored); a table is a folder
 * `<warehouse>/<db>.db/<table>` holding at least one `schema/schema-<id>`.
 * Creating a table publishes `schema/schema-0` with `tryToWriteAtomic`, so of
 * several concurrent creators exactly one wins.
 */
import { PaimonError } from '../errors.js';
import { LocalFileIO, type FileIO } from '../io/file-io.js';
import { serializeTableSchema } from '../spec/table-schema.js';
import { OPTIONS } from '../table/options.js';
import { branchPath, schemaPath } from '../table/paths.js';
import { buildTableSchema, type SchemaSpec } from '../table/schema-builder.js';
import { SchemaManager } from '../table/schema-manager.js';
import type { SchemaChange } from '../table/schema-change.js';
import { FileStoreTable } from '../table/table.js';
import { type Catalog, checkName, DB_SUFFIX, Identifier, SYSTEM_DATABASE, type TableRef } from './catalog.js';

export interface FileSystemCatalogOptions {
  fileIO?: FileIO;
}

/** `file:///x` and `file:/x` are the local path `/x`; trailing slashes go. */
function normalizeWarehouse(warehouse: string): string {
  if (typeof warehouse !== 'string' || warehouse.trim() === '') throw new PaimonError('INVALID_ARGUMENT', 'warehouse path must not be empty');
  let path = warehouse.replace(/^file:\/\/(?=\/)/, '').replace(/^file:(?=\/)/, '');
  path = path.replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

function checkNotSystemDatabase(name: string, action: string): void {
  if (name === SYSTEM_DATABASE) throw new PaimonError('UNSUPPORTED', `cannot ${action} the system database ${SYSTEM_DATABASE}`);
}

/** Paimon's CatalogUtils.checkNotBranch / checkNotSystemTable. */
function checkPlainTable(id: Identifier, action: string): void {
  if (id.branch !== null) {
    throw new PaimonError('INVALID_ARGUMENT', `cannot ${action} branch table ${id.fullName}: use the table on its main branch (${id.database}.${id.table})`);
  }
  if (id.systemTable !== null || id.database === SYSTEM_DATABASE) {
    throw new PaimonError('INVALID_ARGUMENT', `cannot ${action} system table ${id.fullName}: use a data table`);
  }
}

export class FileSystemCatalog implements Catalog {
  readonly warehouse: string;
  readonly fileIO: FileIO;

  constructor(warehouse: string, opts: FileSystemCatalogOptions = {}) {
    this.warehouse = normalizeWarehouse(warehouse);
    this.fileIO = opts.fileIO ?? new LocalFileIO();
  }

  databasePath(name: string): string {
    checkName(name, 'database');
    return `${this.warehouse === '/' ? '' : this.warehouse}/${name}${DB_SUFFIX}`;
  }

  /** `<warehouse>/<db>.db/<table>` (a branch suffix in the name does not change it). */
  tablePath(ref: TableRef): string {
    const id = Identifier.of(ref);
    return `${this.databasePath(id.database)}/${id.table}`;
  }

  async listDatabases(): Promise<string[]> {
    const entries = await this.fileIO.list(this.warehouse);
    return entries
      .filter((e) => e.isDir && e.name.endsWith(DB_SUFFIX) && e.name.length > DB_SUFFIX.length)
      .map((e) => e.name.slice(0, -DB_SUFFIX.length))
      .sort();
  }

  async databaseExists(name: string): Promise<boolean> {
    return this.fileIO.exists(this.databasePath(name));
  }

  async createDatabase(name: string, ignoreIfExists: boolean, properties: Record<string, string> = {}): Promise<void> {
    checkNotSystemDatabase(name, 'create');
    // FileSystemCatalog.createDatabaseImpl: the folder is the database; other properties are dropped.
    if ('location' in properties) {
      throw new PaimonError('INVALID_ARGUMENT', `database ${name}: a location cannot be set in a file system catalog (databases live in ${this.warehouse})`);
    }
    if (await this.databaseExists(name)) {
      if (ignoreIfExists) return;
      throw new PaimonError('DATABASE_ALREADY_EXISTS', `database ${name} already exists`);
    }
    await this.fileIO.mkdirs(this.databasePath(name));
  }

  async dropDatabase(name: string, ignoreIfNotExists: boolean, cascade: boolean): Promise<void> {
    checkNotSystemDatabase(name, 'drop');
    if (!(await this.databaseExists(name))) {
      if (ignoreIfNotExists) return;
      throw new PaimonError('DATABASE_NOT_FOUND', `database ${name} does not exist`);
    }
    if (!cascade) {
      const tables = await this.listTables(name);
      if (tables.length > 0) {
        throw new PaimonError('DATABASE_NOT_EMPTY', `database ${name} is not empty: it holds ${tables.length} table(s) (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); drop them or use cascade`);
      }
    }
    await this.fileIO.delete(this.databasePath(name), true);
  }

  async listTables(database: string): Promise<string[]> {
    if (!(await this.databaseExists(database))) throw new PaimonError('DATABASE_NOT_FOUND', `database ${database} does not exist`);
    const dbPath = this.databasePath(database);
    const dirs = (await this.fileIO.list(dbPath)).filter((e) => e.isDir);
    const found = await Promise.all(dirs.map(async (d) => ((await this.hasSchema(`${dbPath}/${d.name}`, null)) ? d.name : null)));
    return found.filter((n): n is string => n !== null).sort();
  }

  async tableExists(ref: TableRef): Promise<boolean> {
    const id = Identifier.of(ref);
    if (id.systemTable !== null) return false;
    return this.hasSchema(this.tablePath(id), id.branch);
  }

  async getTable(ref: TableRef): Promise<FileStoreTable> {
    const id = Identifier.of(ref);
    if (id.systemTable !== null) throw new PaimonError('UNSUPPORTED', `system table ${id.fullName} is not supported`);
    const path = this.tablePath(id);
    try {
      return await FileStoreTable.open(path, { fileIO: this.fileIO, ...(id.branch !== null ? { branch: id.branch } : {}) });
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'TABLE_NOT_FOUND') {
        throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist (no schema under ${path})`, { cause: e });
      }
      throw e;
    }
  }

  async createTable(ref: TableRef, spec: SchemaSpec, ignoreIfExists: boolean): Promise<void> {
    const id = Identifier.of(ref);
    checkPlainTable(id, 'create');
    const where = `table ${id.fullName}`;
    const options = spec.options ?? {};
    // AbstractCatalog.validateCustomTablePath / CatalogUtils.validateCreateTable.
    if (options[OPTIONS.path.key] !== undefined) {
      throw new PaimonError('UNSUPPORTED', `${where}: option path cannot be set in a file system catalog (tables live in ${this.warehouse})`);
    }
    if ((options[OPTIONS.autoCreate.key] ?? 'false').toLowerCase() !== 'false') {
      throw new PaimonError('INVALID_OPTION', `${where}: option auto-create=${options[OPTIONS.autoCreate.key]} is invalid: it must be false`);
    }
    const type = options['type'];
    if (type !== undefined && type.toLowerCase() !== 'table') {
      throw new PaimonError('UNSUPPORTED', `${where}: option type=${type} is not supported (only type=table)`);
    }
    if (!(await this.databaseExists(id.database))) throw new PaimonError('DATABASE_NOT_FOUND', `database ${id.database} does not exist`);
    const path = this.tablePath(id);
    if (await this.hasSchema(path, null)) {
      if (ignoreIfExists) return;
      throw new PaimonError('TABLE_ALREADY_EXISTS', `${where} already exists at ${path}`);
    }
    const schema = buildTableSchema(spec, { where });
    const won = await this.fileIO.tryToWriteAtomic(schemaPath(path, 0), serializeTableSchema(schema));
    if (!won && !ignoreIfExists) {
      throw new PaimonError('TABLE_ALREADY_EXISTS', `${where} already exists at ${path} (created concurrently)`);
    }
  }

  async dropTable(ref: TableRef, ignoreIfNotExists: boolean): Promise<void> {
    const id = Identifier.of(ref);
    checkPlainTable(id, 'drop');
    const path = this.tablePath(id);
    if (!(await this.hasSchema(path, null))) {
      if (ignoreIfNotExists) return;
      throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist (no schema under ${path})`);
    }
    // Paimon also deletes the folders named in `data-file.external-paths`; those are
    // URIs of other file systems, so they are left alone here.
    await this.fileIO.delete(path, true);
  }

  async alterTable(ref: TableRef, changes: readonly SchemaChange[], ignoreIfNotExists = false): Promise<void> {
    const id = Identifier.of(ref);
    if (id.systemTable !== null || id.database === SYSTEM_DATABASE) {
      throw new PaimonError('INVALID_ARGUMENT', `cannot alter system table ${id.fullName}: use a data table`);
    }
    if (!(await this.tableExists(id))) {
      if (ignoreIfNotExists) return;
      throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist (no schema under ${this.tablePath(id)})`);
    }
    await (await this.getTable(id)).schemas.commitChanges(changes, `table ${id.fullName}`);
  }

  /** A table exists when its branch has a schema file (schema-0 first, as Paimon checks). */
  private async hasSchema(tablePath: string, branch: string | null): Promise<boolean> {
    const root = branchPath(tablePath, branch ?? '');
    if (await this.fileIO.exists(schemaPath(root, 0))) return true;
    return (await new SchemaManager(this.fileIO, root, tablePath).listIds()).length > 0;
  }
}
