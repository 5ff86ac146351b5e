/**
 * Paimon's Hive catalog: the table files live in the warehouse exactly as the
 * file system catalog lays them out (`<warehouse>/<db>.db/<table>`, the same
 * schema files, written by the same code), and the Hive Metastore holds the
 * names: a database per database, a table registered the way Paimon's own
 * HiveCatalog registers it (spec section 10), so Hive, Spark and Trino with
 * the Paimon connector find it. The files stay the source of truth; the
 * metastore mirrors the schema.
 *
 * Names are lower-cased, as the metastore stores them. With `lock.enabled`
 * every commit of a table from this catalog, and every schema write, holds
 * the metastore's lock on that table. With `metastore.partitioned-table`
 * every commit adds its new partitions to the metastore.
 */
import {
  type Catalog,
  type CommitCallback,
  type FileIO,
  FileStoreTable,
  FileSystemCatalog,
  Identifier,
  LocalFileIO,
  PaimonError,
  rowKey,
  type SchemaChange,
  type SchemaSpec,
  SYSTEM_DATABASE,
  type TableRef,
  type TableSchema,
} from '@paimon-ts/core';
import { currentUser } from './current-user.js';
import { parseCatalogOptions, type ParsedCatalogOptions } from './catalog-options.js';
import { HiveMetastoreError } from './errors.js';
import type { HiveTypeOptions } from './hive-types.js';
import { HmsTableLock } from './hms-lock.js';
import { addedPartitions, HmsPartitionSync, type PartitionBytes } from './hms-partitions.js';
import {
  hmsDatabaseLocation,
  hmsTableLocation,
  isExternalTable,
  isPaimonTable,
  metastorePartitioned,
  newHmsDatabase,
  newHmsTable,
  PAIMON_HMS,
  registrationDiffers,
  type RegistrationOptions,
  updatedHmsTable,
} from './hms-table.js';
import { MetastoreClient } from './metastore-client.js';
import type { Database, Table } from './thrift/hms-types.js';
import type { TransportKind } from './thrift/wire.js';

export interface HiveCatalogOptions {
  /** `thrift://host:port` (several comma-separated are tried in order). */
  uri: string;
  /** The warehouse folder (a local path or `file:` URI). */
  warehouse: string;
  /** Paimon catalog options as strings: `lock.enabled`, `lock-check-max-sleep`, `lock-acquire-timeout`, `client-pool-size`, `sync-all-properties`, `table.type`, `location-in-properties`. */
  options?: Record<string, string>;
  fileIO?: FileIO;
  /** Default `buffered`; `framed` for a metastore with framed transport. */
  transport?: TransportKind;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Per metastore call; default 60 s. */
  requestTimeoutMs?: number;
  /** How often a held commit lock is heartbeated; default 60 s (the metastore drops locks after `hive.txn.timeout`, 300 s by default). */
  lockHeartbeatIntervalMs?: number;
  hiveTypes?: HiveTypeOptions;
}

/** What `registerTable` did; `skipped`: `syncWarehouse` found a name the metastore cannot hold. */
export type RegisterAction = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface RegisterResult {
  database: string;
  table: string;
  action: RegisterAction;
  location: string;
  /** Metastore partitions added for a table with `metastore.partitioned-table` (those already there are not counted). */
  partitionsAdded?: number;
  /** Why it was skipped. */
  note?: string;
}

/** Names the metastore keeps as they are: lower case word characters. */
const METASTORE_NAME = /^[a-z0-9_]+$/;

/** `getTableObjectsByName` batch size (Paimon's DEFAULT_TABLE_BATCH_SIZE). */
const TABLE_BATCH = 300;

/** A local path as a metastore location URI: engines resolve a bare path against their default (HDFS) file system. */
function toLocationUri(path: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `file:${path}`;
}

/** A metastore location as a path for the FileIO (`file:/x` and `file:///x` are `/x`). */
function toPath(location: string): string {
  return location.replace(/^file:\/\/(?=\/)/, '').replace(/^file:(?=\/)/, '').replace(/\/+$/, '') || '/';
}


/** Database and table names as the metastore keeps them (lower case); a `$branch`/`$system` suffix is kept as given. */
function normalizeId(ref: TableRef): Identifier {
  const id = Identifier.of(ref);
  return new Identifier(id.database.toLowerCase(), id.table.toLowerCase() + id.object.slice(id.table.length));
}

function checkPlainTable(id: Identifier, action: string): void {
  if (id.branch !== null) throw new PaimonError('INVALID_ARGUMENT', `cannot ${action} branch table ${id.fullName}: use the table on its main branch (${id.database}.${id.table})`);
  if (id.systemTable !== null || id.database === SYSTEM_DATABASE) throw new PaimonError('INVALID_ARGUMENT', `cannot ${action} system table ${id.fullName}: use a data table`);
}

function checkNotSystemDatabase(name: string, action: string): void {
  if (name === SYSTEM_DATABASE) throw new PaimonError('UNSUPPORTED', `cannot ${action} the system database ${SYSTEM_DATABASE}`);
}

const isHms = (e: unknown, type: string): boolean => e instanceof HiveMetastoreError && e.is(type);

/** The same failure with what was being done in front (the code and metastore details stay). */
function during(e: unknown, what: string): unknown {
  if (e instanceof HiveMetastoreError) {
    return new HiveMetastoreError(e.code, `${what}: ${e.message}`, {
      cause: e,
      ...(e.exceptionType !== undefined ? { exceptionType: e.exceptionType } : {}),
      ...(e.method !== undefined ? { method: e.method } : {}),
    });
  }
  return e;
}

export class HiveCatalog implements Catalog {
  readonly client: MetastoreClient;
  readonly fileIO: FileIO;
  readonly options: ParsedCatalogOptions;
  /** The warehouse layout and schema writing, shared with the file system catalog so the files are identical. */
  readonly files: FileSystemCatalog;
  private readonly registration: RegistrationOptions;
  private readonly heartbeatIntervalMs: number;
  /** Per `db.table`: adds partitions and remembers those the metastore has. */
  private readonly partitionSyncs = new Map<string, HmsPartitionSync>();

  constructor(opts: HiveCatalogOptions) {
    this.options = parseCatalogOptions(opts.options ?? {});
    this.fileIO = opts.fileIO ?? new LocalFileIO();
    this.files = new FileSystemCatalog(opts.warehouse, { fileIO: this.fileIO });
    this.client = new MetastoreClient({
      uri: opts.uri,
      poolSize: this.options.clientPoolSize,
      ...(opts.transport ? { transport: opts.transport } : {}),
      ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
      ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    });
    this.registration = {
      syncAllProperties: this.options.syncAllProperties,
      locationInProperties: this.options.locationInProperties,
      hiveTypes: opts.hiveTypes ?? {},
    };
    this.heartbeatIntervalMs = opts.lockHeartbeatIntervalMs ?? 60_000;
  }

  get warehouse(): string {
    return this.files.warehouse;
  }

  close(): void {
    this.client.close();
  }

  // ---------------------------------------------------------------- databases

  async listDatabases(): Promise<string[]> {
    return (await this.client.getAllDatabases()).sort();
  }

  async databaseExists(name: string): Promise<boolean> {
    return (await this.hmsDatabase(name.toLowerCase())) !== null;
  }

  async createDatabase(name: string, ignoreIfExists: boolean, properties: Record<string, string> = {}): Promise<void> {
    const db = name.toLowerCase();
    checkNotSystemDatabase(db, 'create');
    const path = this.files.databasePath(db);
    const location = properties[PAIMON_HMS.locationProp];
    if (location !== undefined && toPath(location) !== path) {
      throw new PaimonError('UNSUPPORTED', `database ${db}: location ${location} is not supported; paimon-ts keeps databases at ${toLocationUri(path)}`);
    }
    if (await this.databaseExists(db)) {
      if (ignoreIfExists) return;
      throw new PaimonError('DATABASE_ALREADY_EXISTS', `database ${db} already exists in the metastore ${this.client.uri}`);
    }
    const hadFolder = await this.fileIO.exists(path);
    if (!hadFolder) await this.fileIO.mkdirs(path);
    try {
      await this.client.createDatabase(newHmsDatabase(db, properties, toLocationUri(path), this.options.locationInProperties));
    } catch (e) {
      if (!hadFolder) await this.fileIO.delete(path, true).catch(() => undefined);
      if (isHms(e, 'AlreadyExistsException')) {
        if (ignoreIfExists) return;
        throw new PaimonError('DATABASE_ALREADY_EXISTS', `database ${db} already exists in the metastore ${this.client.uri} (created concurrently)`, { cause: e });
      }
      if (isHms(e, 'InvalidObjectException')) throw new PaimonError('INVALID_ARGUMENT', `database name ${db} is not accepted by the metastore: ${(e as Error).message}`, { cause: e });
      throw during(e, `cannot create database ${db}`);
    }
  }

  async dropDatabase(name: string, ignoreIfNotExists: boolean, cascade: boolean): Promise<void> {
    const db = name.toLowerCase();
    checkNotSystemDatabase(db, 'drop');
    const hms = await this.hmsDatabase(db);
    if (!hms) {
      if (ignoreIfNotExists) return;
      throw new PaimonError('DATABASE_NOT_FOUND', `database ${db} does not exist in the metastore ${this.client.uri}`);
    }
    if (!cascade) {
      const tables = await this.listTables(db);
      if (tables.length > 0) {
        throw new PaimonError('DATABASE_NOT_EMPTY', `database ${db} is not empty: it holds ${tables.length} table(s) (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); drop them or use cascade`);
      }
    }
    try {
      await this.client.dropDatabase(db, true, cascade);
    } catch (e) {
      if (isHms(e, 'InvalidOperationException')) {
        throw new PaimonError('DATABASE_NOT_EMPTY', `database ${db} is not empty in the metastore (it holds non-Paimon tables); use cascade`, { cause: e });
      }
      if (isHms(e, 'NoSuchObjectException')) {
        if (ignoreIfNotExists) return;
        throw new PaimonError('DATABASE_NOT_FOUND', `database ${db} does not exist in the metastore ${this.client.uri}`, { cause: e });
      }
      throw during(e, `cannot drop database ${db}`);
    }
    for (const key of [...this.partitionSyncs.keys()]) if (key.startsWith(`${db}.`)) this.partitionSyncs.delete(key);
    // The metastore deletes the folder only if it can reach it; a warehouse-layout folder is removed here too.
    const path = this.files.databasePath(db);
    const location = hmsDatabaseLocation(hms);
    if (location === null || toPath(location) === path) await this.fileIO.delete(path, true);
  }

  // ---------------------------------------------------------------- tables

  async listTables(database: string): Promise<string[]> {
    const db = database.toLowerCase();
    if (!(await this.databaseExists(db))) throw new PaimonError('DATABASE_NOT_FOUND', `database ${db} does not exist in the metastore ${this.client.uri}`);
    const names = await this.client.getAllTables(db);
    const paimon: string[] = [];
    for (let i = 0; i < names.length; i += TABLE_BATCH) {
      const tables = await this.client.getTableObjectsByName(db, names.slice(i, i + TABLE_BATCH));
      for (const t of tables) if (isPaimonTable(t)) paimon.push(t.tableName);
    }
    return paimon.sort();
  }

  async tableExists(ref: TableRef): Promise<boolean> {
    const id = normalizeId(ref);
    if (id.systemTable !== null) return false;
    try {
      await this.getTable(id);
      return true;
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'TABLE_NOT_FOUND') return false;
      throw e;
    }
  }

  async getTable(ref: TableRef): Promise<FileStoreTable> {
    const id = normalizeId(ref);
    if (id.systemTable !== null) throw new PaimonError('UNSUPPORTED', `system table ${id.fullName} is not supported`);
    const hms = await this.paimonHmsTable(id);
    const path = this.pathOf(id, hms);
    const lock = this.options.lockEnabled ? this.lockFor(id) : undefined;
    // Only a registration with partition keys can hold partitions: it was made with metastore.partitioned-table.
    // The option itself is read from the schema this table was opened with (tables reloaded from it share the callback).
    let opened: FileStoreTable | null = null;
    const callbacks = (hms.partitionKeys ?? []).length > 0 ? [this.partitionCallback(id, path, () => opened)] : [];
    try {
      opened = await FileStoreTable.open(path, {
        fileIO: this.fileIO,
        ...(id.branch !== null ? { branch: id.branch } : {}),
        ...(lock ? { commitLock: lock } : {}),
        ...(callbacks.length ? { commitCallbacks: callbacks } : {}),
      });
      return opened;
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'TABLE_NOT_FOUND') {
        throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} is registered in the metastore at ${hmsTableLocation(hms) ?? path}, but has no schema there`, { cause: e });
      }
      throw e;
    }
  }

  async createTable(ref: TableRef, spec: SchemaSpec, ignoreIfExists: boolean): Promise<void> {
    const id = normalizeId(ref);
    checkPlainTable(id, 'create');
    const db = await this.hmsDatabase(id.database);
    if (!db) throw new PaimonError('DATABASE_NOT_FOUND', `database ${id.database} does not exist in the metastore ${this.client.uri}`);
    const dbPath = this.files.databasePath(id.database);
    const dbLocation = hmsDatabaseLocation(db);
    if (dbLocation !== null && toPath(dbLocation) !== dbPath) {
      throw new PaimonError('UNSUPPORTED', `table ${id.fullName}: database ${id.database} is located at ${dbLocation}; paimon-ts creates tables only under ${toLocationUri(dbPath)}`);
    }
    const existing = await this.hmsTable(id);
    if (existing) {
      if (ignoreIfExists && isPaimonTable(existing)) return;
      throw new PaimonError('TABLE_ALREADY_EXISTS', `table ${id.fullName} already exists in the metastore${isPaimonTable(existing) ? '' : ', and it is not a Paimon table'}`);
    }
    const path = this.files.tablePath(id);
    if (await this.files.tableExists(id)) {
      // Files that are not ours to delete: maybe a table of another catalog, or a failed registration.
      throw new PaimonError('TABLE_ALREADY_EXISTS', `table ${id.fullName}: ${path} already holds a Paimon table that is not registered in the metastore; register it with \`paimon-ts hms register\``);
    }
    if (!(await this.fileIO.exists(dbPath))) await this.fileIO.mkdirs(dbPath);
    try {
      await this.withLock(id, () => this.files.createTable(id, spec, false));
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'TABLE_ALREADY_EXISTS' && ignoreIfExists) return;
      throw e;
    }
    this.partitionSyncs.get(`${id.database}.${id.table}`)?.forget(); // a table of this name dropped elsewhere
    // From here the folder is ours: if the registration fails, it goes.
    try {
      const schema = await this.latestSchema(path, id);
      const options = spec.options ?? {};
      const external = this.options.external || (options['EXTERNAL'] ?? options['external'] ?? '').toUpperCase() === 'TRUE';
      await this.client.createTable(newHmsTable(schema, { db: id.database, table: id.table, owner: currentUser(), external, location: toLocationUri(path) }, this.registration));
    } catch (e) {
      await this.fileIO.delete(path, true).catch(() => undefined);
      if (isHms(e, 'AlreadyExistsException')) throw new PaimonError('TABLE_ALREADY_EXISTS', `table ${id.fullName} was created in the metastore concurrently`, { cause: e });
      if (isHms(e, 'NoSuchObjectException')) throw new PaimonError('DATABASE_NOT_FOUND', `database ${id.database} was dropped from the metastore while ${id.fullName} was created`, { cause: e });
      if (isHms(e, 'InvalidObjectException')) throw new PaimonError('INVALID_ARGUMENT', `table ${id.fullName} is not accepted by the metastore (its files were removed): ${(e as Error).message}`, { cause: e });
      throw during(e, `cannot register table ${id.fullName} in the metastore (its files were removed)`);
    }
  }

  async dropTable(ref: TableRef, ignoreIfNotExists: boolean): Promise<void> {
    const id = normalizeId(ref);
    checkPlainTable(id, 'drop');
    const hms = await this.hmsTable(id);
    if (!hms || !isPaimonTable(hms)) {
      if (ignoreIfNotExists) return;
      throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist in the metastore${hms ? ' as a Paimon table' : ''}`);
    }
    const external = isExternalTable(hms);
    try {
      await this.client.dropTable(id.database, id.table, !external, { properties: { [PAIMON_HMS.purgeEnv]: 'TRUE' } });
    } catch (e) {
      if (isHms(e, 'NoSuchObjectException')) {
        if (ignoreIfNotExists) return;
        throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist in the metastore`, { cause: e });
      }
      throw during(e, `cannot drop table ${id.fullName}`);
    }
    this.partitionSyncs.delete(`${id.database}.${id.table}`);
    // An external table's files outlive it; a managed table's go with it (the metastore may not reach them).
    if (!external) {
      const path = this.pathOf(id, hms);
      if (await this.fileIO.exists(path)) await this.fileIO.delete(path, true);
    }
  }

  /**
   * Applies schema changes as one new schema and mirrors it into the
   * metastore (HiveCatalog.alterTableImpl): the schema file is written first,
   * holding the table lock when `lock.enabled`; then, for the main branch,
   * the metastore columns and parameters are rewritten from the new schema
   * (options removed by the change leave the parameters too).
   */
  async alterTable(ref: TableRef, changes: readonly SchemaChange[], ignoreIfNotExists = false): Promise<void> {
    const id = normalizeId(ref);
    if (id.systemTable !== null || id.database === SYSTEM_DATABASE) throw new PaimonError('INVALID_ARGUMENT', `cannot alter system table ${id.fullName}: use a data table`);
    const hms = await this.hmsTable(id);
    if (!hms || !isPaimonTable(hms)) {
      if (ignoreIfNotExists) return;
      throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist in the metastore${hms ? ' as a Paimon table' : ''}`);
    }
    const path = this.pathOf(id, hms);
    const schema = await this.withLock(id, async () => {
      const table = await FileStoreTable.open(path, { fileIO: this.fileIO, ...(id.branch !== null ? { branch: id.branch } : {}) });
      return table.schemas.commitChanges(changes, `table ${id.fullName}`);
    });
    if (id.branch !== null) return; // only the main branch is mirrored in the metastore, as in Paimon
    const removed = changes.flatMap((c) => (c.kind === 'removeOption' ? [c.key] : []));
    try {
      await this.alterHms(id, hms, schema, path, removed);
    } catch (e) {
      throw during(e, `table ${id.fullName}: schema ${schema.id} was written but the metastore was not updated (\`paimon-ts hms register\` retries)`);
    }
  }

  // ---------------------------------------------------------------- registration of existing tables

  /**
   * Registers a table whose files exist in the warehouse, or brings its
   * registration up to date with the latest schema (HiveCatalog.repairTable).
   * Idempotent: a registration that already matches is left alone.
   */
  async registerTable(ref: TableRef): Promise<RegisterResult> {
    const id = normalizeId(ref);
    checkPlainTable(id, 'register');
    await this.ensureDatabase(id.database);
    const existing = await this.hmsTable(id);
    if (existing && !isPaimonTable(existing)) {
      throw new PaimonError('INVALID_ARGUMENT', `table ${id.fullName} exists in the metastore but is not a Paimon table (input format ${existing.sd?.inputFormat ?? 'none'})`);
    }
    const path = existing ? this.pathOf(id, existing) : this.files.tablePath(id);
    const schema = await this.latestSchema(path, id);
    const location = toLocationUri(path);
    let action: RegisterAction;
    if (existing) {
      const expected = updatedHmsTable(existing, schema, location, this.registration);
      action = registrationDiffers(expected, existing) ? 'updated' : 'unchanged';
      if (action === 'updated') await this.alterHms(id, existing, schema, path, []);
    } else {
      const external = this.options.external || (schema.options['EXTERNAL'] ?? schema.options['external'] ?? '').toUpperCase() === 'TRUE';
      await this.client.createTable(newHmsTable(schema, { db: id.database, table: id.table, owner: currentUser(), external, location }, this.registration));
      action = 'created';
    }
    const result: RegisterResult = { database: id.database, table: id.table, action, location };
    if (metastorePartitioned(schema)) {
      const added = await this.registerPartitions(id, path);
      if (added !== null) result.partitionsAdded = added;
    }
    return result;
  }

  /** Registers every table of every database in the warehouse (HiveCatalog.repairCatalog). */
  async syncWarehouse(): Promise<RegisterResult[]> {
    const results: RegisterResult[] = [];
    for (const db of await this.files.listDatabases()) {
      const tables = await this.files.listTables(db);
      const skip = (table: string, note: string): number =>
        results.push({ database: db, table, action: 'skipped', location: toLocationUri(this.files.tablePath(new Identifier(db, table))), note });
      if (!METASTORE_NAME.test(db)) {
        for (const table of tables) skip(table, `database name ${db}: the metastore keeps only a-z, 0-9 and _`);
        continue;
      }
      await this.ensureDatabase(db);
      for (const table of tables) {
        if (METASTORE_NAME.test(table)) results.push(await this.registerTable(new Identifier(db, table)));
        else skip(table, `table name ${table}: the metastore keeps only a-z, 0-9 and _`);
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- internals

  private async hmsDatabase(name: string): Promise<Database | null> {
    try {
      return await this.client.getDatabase(name);
    } catch (e) {
      if (isHms(e, 'NoSuchObjectException')) return null;
      throw during(e, `cannot look up database ${name}`);
    }
  }

  private async ensureDatabase(name: string): Promise<void> {
    if (!(await this.databaseExists(name))) await this.createDatabase(name, true);
  }

  private async hmsTable(id: Identifier): Promise<Table | null> {
    try {
      return await this.client.getTable(id.database, id.table);
    } catch (e) {
      if (isHms(e, 'NoSuchObjectException')) return null;
      throw during(e, `cannot look up table ${id.database}.${id.table}`);
    }
  }

  private async paimonHmsTable(id: Identifier): Promise<Table> {
    const hms = await this.hmsTable(id);
    if (!hms) throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} does not exist in the metastore ${this.client.uri}`);
    if (!isPaimonTable(hms)) throw new PaimonError('TABLE_NOT_FOUND', `table ${id.fullName} exists in the metastore but is not a Paimon table`);
    return hms;
  }

  /** The table's folder: its registered location, else the warehouse layout. */
  private pathOf(id: Identifier, hms: Table | null): string {
    const location = hms ? hmsTableLocation(hms) : null;
    return location ? toPath(location) : this.files.tablePath(id);
  }

  private async latestSchema(path: string, id: Identifier): Promise<TableSchema> {
    try {
      return (await FileStoreTable.open(path, { fileIO: this.fileIO })).schema;
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'TABLE_NOT_FOUND') throw new PaimonError('TABLE_NOT_FOUND', `table ${id.database}.${id.table} has no schema under ${path}`, { cause: e });
      throw e;
    }
  }

  private async alterHms(id: Identifier, current: Table, schema: TableSchema, path: string, removedOptions: readonly string[]): Promise<void> {
    const table = updatedHmsTable(current, schema, toLocationUri(path), this.registration, removedOptions);
    await this.client.alterTable(id.database, id.table, table, {
      properties: { [PAIMON_HMS.cascadeEnv]: 'true', [PAIMON_HMS.doNotUpdateStatsEnv]: 'false' },
    });
  }

  private partitionSync(id: Identifier, path: string): HmsPartitionSync {
    const key = `${id.database}.${id.table}`;
    let sync = this.partitionSyncs.get(key);
    if (!sync) {
      sync = new HmsPartitionSync(this.client, { db: id.database, table: id.table, fallbackLocation: toLocationUri(path), locationInProperties: this.options.locationInProperties });
      this.partitionSyncs.set(key, sync);
    }
    return sync;
  }

  /**
   * Paimon's AddPartitionCommitCallback: after a commit, the partitions its
   * new files went to are added to the metastore unless known to be there.
   * A branch's commits add to the table's registration, as in Paimon.
   */
  private partitionCallback(id: Identifier, path: string, table: () => FileStoreTable | null): CommitCallback {
    return async (snapshot, entries) => {
      const schema = table()?.schema;
      if (!schema || !metastorePartitioned(schema)) return;
      try {
        await this.partitionSync(id, path).add(schema, addedPartitions(entries));
      } catch (e) {
        throw during(e, `table ${id.fullName}: new partitions of snapshot ${snapshot.id} were not added to the metastore (\`paimon-ts hms register\` adds them)`);
      }
    };
  }

  /** Adds every partition of the latest snapshot the metastore lacks (HiveCatalog.repairTable); null when the registration has no partition keys. */
  private async registerPartitions(id: Identifier, path: string): Promise<number | null> {
    const table = await FileStoreTable.open(path, { fileIO: this.fileIO });
    const plan = await table.newScan().plan();
    const partitions = new Map<string, PartitionBytes>();
    for (const split of plan.splits) partitions.set(rowKey(split.partitionBytes), split.partitionBytes);
    try {
      return await this.partitionSync(id, path).add(table.schema, partitions, { all: true });
    } catch (e) {
      throw during(e, `table ${id.fullName}: cannot add its partitions to the metastore`);
    }
  }

  private lockFor(id: Identifier): HmsTableLock {
    return new HmsTableLock(this.client, id.database, id.table, {
      checkMaxSleepMs: this.options.lockCheckMaxSleepMs,
      acquireTimeoutMs: this.options.lockAcquireTimeoutMs,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
    });
  }

  private withLock<T>(id: Identifier, fn: () => Promise<T>): Promise<T> {
    return this.options.lockEnabled ? this.lockFor(id).runWithLock(`${id.database}.${id.table}`, fn) : fn();
  }
}
