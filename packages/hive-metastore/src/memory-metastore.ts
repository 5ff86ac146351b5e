/**
 * An in-memory metastore behind a real Thrift server built from the same IDL:
 * the protocol-level stand-in the tests (and demos) use, since no Hive
 * Metastore runs here. It enforces the metastore rules a catalog relies on,
 * as Hive documents and implements them (HMSHandler, HiveAlterHandler,
 * TxnHandler):
 * - database and table names are lower-cased and must be word characters;
 * - the `default` database always exists and cannot be dropped;
 * - a table needs an existing database; creating an existing database or
 *   table fails with AlreadyExistsException; a missing one is
 *   NoSuchObjectException (InvalidOperationException for alter);
 * - a database holding tables is dropped only with cascade;
 * - partition keys may not repeat a column, and alter may not change them;
 * - partitions are added to an existing partitioned table only, with one
 *   value per partition key, all of a request or none (AlreadyExistsException
 *   for one that exists unless `ifNotExists`, which skips it; MetaException
 *   for a duplicate within the request or a partition of another table); a
 *   partition without a location gets `<table location>/<k>=<v>/...`; they go
 *   with their table;
 * - table locks are granted in request order; a lock conflicts with an
 *   earlier one on the same table (or its database) unless both are shared;
 *   a lock that is not heartbeated (check_lock and heartbeat count) within
 *   the lock timeout (`hive.txn.timeout`) is dropped, held or waiting.
 * It is not a metastore: no SQL store, no transactions, no authorization,
 * no partition filters or statistics, and it does not touch any file.
 */
import { MetastoreException } from './errors.js';
import { Codec } from './thrift/codec.js';
import type { AddPartitionsRequest, AddPartitionsResult, Database, LockComponent, LockRequest, LockResponse, LockState, Partition, Table } from './thrift/hms-types.js';
import { HMS_IDL } from './thrift/idl.js';
import { type ThriftHandler, ThriftServer } from './thrift/server.js';
import type { TransportKind } from './thrift/wire.js';

export interface MemoryMetastoreOptions {
  /** `hive.metastore.warehouse.dir`: location of `default` and parent of new databases without a location. */
  warehouse?: string;
  transport?: TransportKind;
  /** `hive.txn.timeout`; default 300 s. */
  lockTimeoutMs?: number;
  /** Runs before every call; may delay, or throw a MetastoreException to fail the call (fault injection). */
  beforeCall?: (method: string, args: Record<string, unknown>) => void | Promise<void>;
}

/** A held lock's life, for tests that check locks never overlapped. */
export interface LockInterval {
  lockid: bigint;
  db: string;
  table: string | null;
  acquiredAt: number;
  releasedAt: number | null;
  endedBy: 'unlock' | 'timeout' | null;
}

interface LockEntry {
  id: bigint;
  components: LockComponent[];
  state: 'WAITING' | 'ACQUIRED';
  lastHeartbeat: number;
  interval: LockInterval | null;
}

const DEFAULT_DB = 'default';
const DDL_TIME = 'transient_lastDdlTime';

const fail = (type: string, message: string): never => {
  throw new MetastoreException(type, message);
};

function normalize(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') return fail('InvalidObjectException', `${what} name must not be empty`);
  return name.trim().toLowerCase();
}

function checkValidName(name: string): void {
  if (!/^\w+$/.test(name)) fail('InvalidObjectException', `${name} is not a valid object name`);
}

const tableKey = (db: string, table: string): string => `${db}.${table}`;

/** `k1=v1/k2=v2` (Warehouse.makePartName; values are not escaped here: only a location default and messages use it). */
const partName = (keys: readonly string[], values: readonly string[]): string => keys.map((k, i) => `${k.toLowerCase()}=${values[i]}`).join('/');

const now = (): number => Date.now();
const seconds = (): number => Math.floor(Date.now() / 1000);
const clone = <T>(v: T): T => structuredClone(v);

function locksConflict(a: LockComponent, b: LockComponent): boolean {
  if (a.dbname.toLowerCase() !== b.dbname.toLowerCase()) return false;
  const sameTable = a.level === 'DB' || b.level === 'DB' || (a.tablename ?? '').toLowerCase() === (b.tablename ?? '').toLowerCase();
  if (!sameTable) return false;
  if (a.type === 'EXCLUSIVE' || b.type === 'EXCLUSIVE') return true;
  const writes = new Set(['SHARED_WRITE', 'EXCL_WRITE']);
  return (a.type === 'EXCL_WRITE' && writes.has(b.type)) || (b.type === 'EXCL_WRITE' && writes.has(a.type));
}

/** `key = "v"`, `key <> "v"` and owner `like "re"` terms joined by `and` (the subset of the metastore's filter grammar used here). */
function tableFilter(filter: string): (t: Table) => boolean {
  const terms = filter.split(/\s+and\s+/i).map((term) => {
    const m = /^\s*(hive_filter_field_params__(\S+)|hive_filter_field_owner__)\s*(=|<>|like)\s*"((?:[^"\\]|\\.)*)"\s*$/i.exec(term);
    if (!m) return fail('MetaException', `Error parsing filter ${JSON.stringify(filter)}: unsupported term ${JSON.stringify(term)}`);
    const value = m[4]!.replace(/\\(.)/g, '$1');
    const op = m[3]!.toLowerCase();
    const key = m[2];
    return (t: Table): boolean => {
      const actual = key !== undefined ? t.parameters?.[key] : t.owner;
      if (op === 'like') return actual !== undefined && new RegExp(`^${value}$`).test(actual);
      if (actual === undefined) return false; // = and <> only match tables that have the key
      return op === '=' ? actual === value : actual !== value;
    };
  });
  return (t) => terms.every((f) => f(t));
}

export class MemoryMetastore {
  readonly warehouse: string;
  readonly lockTimeoutMs: number;
  readonly transport: TransportKind;
  /** Every call received, in order. */
  readonly calls: string[] = [];
  readonly lockHistory: LockInterval[] = [];
  beforeCall: MemoryMetastoreOptions['beforeCall'];
  private readonly databases = new Map<string, Database>();
  private readonly tables = new Map<string, Map<string, Table>>();
  /** Per `db.table`, by the JSON of the values. */
  private readonly partitionStore = new Map<string, Map<string, Partition>>();
  private readonly locks = new Map<bigint, LockEntry>();
  private nextLockId = 1n;
  private server: ThriftServer | null = null;
  private port = 0;

  constructor(options: MemoryMetastoreOptions = {}) {
    this.warehouse = (options.warehouse ?? 'file:/user/hive/warehouse').replace(/\/+$/, '');
    this.lockTimeoutMs = options.lockTimeoutMs ?? 300_000;
    this.transport = options.transport ?? 'buffered';
    this.beforeCall = options.beforeCall;
    this.databases.set(DEFAULT_DB, { name: DEFAULT_DB, description: 'Default Hive database', locationUri: this.warehouse, parameters: {}, ownerName: 'public', ownerType: 'ROLE' });
    this.tables.set(DEFAULT_DB, new Map());
  }

  /** Starts the Thrift server on 127.0.0.1 (port 0: a free one); resolves to `thrift://127.0.0.1:<port>`. */
  async start(port = 0): Promise<string> {
    const server = new ThriftServer(new Codec(HMS_IDL), this.handler(), this.transport);
    this.port = await server.listen(port);
    this.server = server;
    return this.uri;
  }

  get uri(): string {
    return `thrift://127.0.0.1:${this.port}`;
  }

  /** Client connections open now. */
  get connections(): number {
    return this.server?.connections ?? 0;
  }

  /** Drops every client connection, as a metastore restart or an idle timeout would. */
  dropConnections(): void {
    this.server?.dropConnections();
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  /** The stored table (a copy), or undefined. */
  table(db: string, name: string): Table | undefined {
    const t = this.tables.get(db.toLowerCase())?.get(name.toLowerCase());
    return t ? clone(t) : undefined;
  }

  /** The stored partitions of a table (copies), in the order they were added. */
  partitions(db: string, table: string): Partition[] {
    return [...(this.partitionStore.get(tableKey(db.toLowerCase(), table.toLowerCase()))?.values() ?? [])].map(clone);
  }

  database(name: string): Database | undefined {
    const d = this.databases.get(name.toLowerCase());
    return d ? clone(d) : undefined;
  }

  private handler(): ThriftHandler {
    const h: ThriftHandler = {
      create_database: ({ database }) => this.createDatabase(database as Database),
      get_database: ({ name }) => clone(this.getDatabase(normalize(name, 'database'))),
      drop_database: ({ name, cascade }) => this.dropDatabase(normalize(name, 'database'), cascade === true),
      get_databases: ({ pattern }) => this.matching([...this.databases.keys()], pattern as string),
      get_all_databases: () => [...this.databases.keys()].sort(),
      alter_database: ({ dbname, db }) => {
        const name = normalize(dbname, 'database');
        const current = this.getDatabase(name);
        this.databases.set(name, { ...clone(db as Database), name, locationUri: (db as Database).locationUri ?? current.locationUri });
      },
      create_table: ({ tbl }) => this.createTable(tbl as Table),
      drop_table: ({ dbname, name }) => this.dropTable(normalize(dbname, 'database'), normalize(name, 'table')),
      drop_table_with_environment_context: ({ dbname, name }) => this.dropTable(normalize(dbname, 'database'), normalize(name, 'table')),
      get_tables: ({ db_name, pattern }) => this.matching([...(this.tables.get(normalize(db_name, 'database'))?.keys() ?? [])], pattern as string),
      get_all_tables: ({ db_name }) => [...(this.tables.get(normalize(db_name, 'database'))?.keys() ?? [])].sort(),
      get_table: ({ dbname, tbl_name }) => clone(this.getTable(normalize(dbname, 'database'), normalize(tbl_name, 'table'))),
      get_table_objects_by_name: ({ dbname, tbl_names }) => {
        const db = this.tables.get(normalize(dbname, 'database'));
        return (tbl_names as string[]).map((n) => db?.get(n.toLowerCase())).filter((t): t is Table => t !== undefined).map(clone);
      },
      get_table_names_by_filter: ({ dbname, filter, max_tables }) => {
        const db = this.tables.get(normalize(dbname, 'database'));
        if (!db) return fail('UnknownDBException', `Database ${dbname} does not exist`);
        const matches = tableFilter(String(filter));
        const names = [...db.values()].filter(matches).map((t) => t.tableName).sort();
        return typeof max_tables === 'number' && max_tables >= 0 ? names.slice(0, max_tables) : names;
      },
      alter_table: ({ dbname, tbl_name, new_tbl }) => this.alterTable(dbname as string, tbl_name as string, new_tbl as Table),
      alter_table_with_environment_context: ({ dbname, tbl_name, new_tbl }) => this.alterTable(dbname as string, tbl_name as string, new_tbl as Table),
      add_partitions_req: ({ request }) => this.addPartitions(request as AddPartitionsRequest),
      get_partitions: ({ db_name, tbl_name, max_parts }) => {
        const db = normalize(db_name, 'database');
        const name = normalize(tbl_name, 'table');
        this.getTable(db, name);
        const all = [...(this.partitionStore.get(tableKey(db, name))?.values() ?? [])].map(clone);
        return typeof max_parts === 'number' && max_parts >= 0 ? all.slice(0, max_parts) : all;
      },
      lock: ({ rqst }) => this.lock(rqst as LockRequest),
      check_lock: ({ rqst }) => this.checkLock((rqst as { lockid: bigint }).lockid),
      unlock: ({ rqst }) => this.unlock((rqst as { lockid: bigint }).lockid),
      heartbeat: ({ ids }) => this.heartbeat((ids as { lockid?: bigint }).lockid),
    };
    // Every call goes through beforeCall (fault injection) and is logged.
    return Object.fromEntries(
      Object.entries(h).map(([name, fn]) => [
        name,
        async (args: Record<string, unknown>) => {
          this.calls.push(name);
          await this.beforeCall?.(name, args);
          return fn(args);
        },
      ]),
    );
  }

  private matching(names: string[], pattern: string): string[] {
    // The metastore's patterns: `*` wildcards, `|` alternatives, case-insensitive.
    const alternatives = String(pattern ?? '*').split('|').map((p) => new RegExp(`^${p.trim().replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'));
    return names.filter((n) => alternatives.some((re) => re.test(n))).sort();
  }

  private getDatabase(name: string): Database {
    return this.databases.get(name) ?? fail('NoSuchObjectException', `database ${name} does not exist`);
  }

  private createDatabase(database: Database): void {
    const name = normalize(database?.name, 'database');
    checkValidName(name);
    if (this.databases.has(name)) fail('AlreadyExistsException', `Database ${name} already exists`);
    this.databases.set(name, {
      ...clone(database),
      name,
      locationUri: database.locationUri ?? `${this.warehouse}/${name}.db`,
      parameters: database.parameters ?? {},
      createTime: seconds(),
    });
    this.tables.set(name, new Map());
  }

  private dropDatabase(name: string, cascade: boolean): void {
    if (name === DEFAULT_DB) fail('MetaException', `Can not drop ${DEFAULT_DB} database`);
    this.getDatabase(name);
    const tables = this.tables.get(name)!;
    if (tables.size > 0 && !cascade) fail('InvalidOperationException', `Database ${name} is not empty. One or more tables exist.`);
    for (const t of tables.keys()) this.partitionStore.delete(tableKey(name, t));
    this.databases.delete(name);
    this.tables.delete(name);
  }

  private getTable(db: string, name: string): Table {
    return this.tables.get(db)?.get(name) ?? fail('NoSuchObjectException', `${db}.${name} table not found`);
  }

  private checkPartitionKeys(t: Table): void {
    const cols = new Set((t.sd?.cols ?? []).map((c) => c.name.toLowerCase()));
    for (const k of t.partitionKeys ?? []) {
      if (cols.has(k.name.toLowerCase())) fail('InvalidObjectException', `Partition column name ${k.name} conflicts with table columns.`);
    }
  }

  private createTable(tbl: Table): void {
    const name = normalize(tbl?.tableName, 'table');
    const dbName = normalize(tbl?.dbName, 'database');
    checkValidName(name);
    const db = this.databases.get(dbName) ?? fail('NoSuchObjectException', `The database ${dbName} does not exist`);
    const tables = this.tables.get(dbName)!;
    if (tables.has(name)) fail('AlreadyExistsException', `Table ${dbName}.${name} already exists`);
    if (!tbl.sd) fail('InvalidObjectException', `table ${dbName}.${name} has no storage descriptor`);
    this.checkPartitionKeys(tbl);
    const stored = clone(tbl);
    stored.tableName = name;
    stored.dbName = dbName;
    stored.parameters = { ...(tbl.parameters ?? {}), [DDL_TIME]: String(seconds()) };
    const external = tbl.tableType === 'EXTERNAL_TABLE';
    if (!external && (stored.sd!.location === undefined || stored.sd!.location === null)) stored.sd!.location = `${db.locationUri}/${name}`;
    tables.set(name, stored);
  }

  private alterTable(dbname: string, tblName: string, newTbl: Table): void {
    const db = normalize(dbname, 'database');
    const name = normalize(tblName, 'table');
    const current = this.tables.get(db)?.get(name) ?? fail('InvalidOperationException', `table ${db}.${name} doesn't exist`);
    if (normalize(newTbl.tableName, 'table') !== name || normalize(newTbl.dbName, 'database') !== db) {
      fail('InvalidOperationException', `renaming ${db}.${name} is not supported by this metastore stand-in`);
    }
    const keys = (t: Table): string => JSON.stringify((t.partitionKeys ?? []).map((k) => [k.name.toLowerCase(), k.type]));
    if (keys(current) !== keys(newTbl)) fail('InvalidOperationException', 'partition keys can not be changed.');
    this.checkPartitionKeys(newTbl);
    const stored = clone(newTbl);
    stored.tableName = name;
    stored.dbName = db;
    stored.createTime = current.createTime ?? 0;
    stored.parameters = { ...(newTbl.parameters ?? {}), [DDL_TIME]: String(seconds()) };
    this.tables.get(db)!.set(name, stored);
  }

  private dropTable(db: string, name: string): void {
    this.getTable(db, name);
    this.tables.get(db)!.delete(name);
    this.partitionStore.delete(tableKey(db, name));
  }

  // ------------------------------------------------------------ partitions

  /** HMSHandler.add_partitions_core: validated as a whole, then added together. */
  private addPartitions(rqst: AddPartitionsRequest): AddPartitionsResult {
    if (rqst.parts.length === 0) return {};
    const db = normalize(rqst.dbName, 'database');
    const name = normalize(rqst.tblName, 'table');
    const table = this.tables.get(db)?.get(name) ?? fail('InvalidObjectException', `Unable to add partitions because database or table ${db}.${name} does not exist`);
    const keys = (table.partitionKeys ?? []).map((k) => k.name);
    const stored = this.partitionStore.get(tableKey(db, name)) ?? new Map<string, Partition>();
    const added = new Map<string, Partition>();
    for (const part of rqst.parts) {
      if (normalize(part.dbName, 'database') !== db || normalize(part.tableName, 'table') !== name) {
        fail('MetaException', `Partition does not belong to target table ${db}.${name}: ${part.dbName}.${part.tableName}`);
      }
      const values = part.values ?? [];
      if (keys.length === 0 || values.length !== keys.length) {
        fail('MetaException', `Invalid partition key & values; keys [${keys.join(', ')}], values [${values.join(', ')}]`);
      }
      const key = JSON.stringify(values);
      if (stored.has(key)) {
        if (rqst.ifNotExists) continue;
        fail('AlreadyExistsException', `Partition already exists: ${db}.${name} ${partName(keys, values)}`);
      }
      if (added.has(key)) fail('MetaException', `Duplicate partitions in the list: ${db}.${name} ${partName(keys, values)}`);
      const p = clone(part);
      p.dbName = db;
      p.tableName = name;
      p.createTime = seconds();
      p.sd = p.sd ?? {};
      if ((p.sd.location === undefined || p.sd.location === null) && table.sd?.location) p.sd.location = `${table.sd.location}/${partName(keys, values)}`;
      p.parameters = { ...(p.parameters ?? {}), [DDL_TIME]: String(seconds()) };
      added.set(key, p);
    }
    for (const [k, p] of added) stored.set(k, p);
    this.partitionStore.set(tableKey(db, name), stored);
    return rqst.needResult === false ? {} : { partitions: [...added.values()].map(clone) };
  }

  // ------------------------------------------------------------ locks

  private expireLocks(): void {
    const cutoff = now() - this.lockTimeoutMs;
    for (const [id, l] of this.locks) {
      if (l.lastHeartbeat < cutoff) this.release(id, 'timeout');
    }
  }

  private release(id: bigint, how: 'unlock' | 'timeout'): void {
    const l = this.locks.get(id);
    if (!l) return;
    if (l.interval) {
      l.interval.releasedAt = now();
      l.interval.endedBy = how;
    }
    this.locks.delete(id);
  }

  /** Grants every waiting lock that no earlier lock blocks (lock ids give the queue order). */
  private grant(): void {
    const ordered = [...this.locks.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const l of ordered) {
      if (l.state === 'ACQUIRED') continue;
      const blocked = ordered.some((o) => o.id < l.id && o.components.some((c) => l.components.some((mine) => locksConflict(c, mine))));
      if (blocked) continue;
      l.state = 'ACQUIRED';
      const first = l.components[0]!;
      l.interval = { lockid: l.id, db: first.dbname.toLowerCase(), table: first.tablename?.toLowerCase() ?? null, acquiredAt: now(), releasedAt: null, endedBy: null };
      this.lockHistory.push(l.interval);
    }
  }

  private lockEntry(id: bigint | undefined): LockEntry {
    this.expireLocks();
    const l = id === undefined ? undefined : this.locks.get(id);
    return l ?? fail('NoSuchLockException', `No such lock lockid:${String(id)}`);
  }

  private respond(l: LockEntry): LockResponse {
    return { lockid: l.id, state: l.state as LockState };
  }

  private lock(rqst: LockRequest): LockResponse {
    this.expireLocks();
    if (rqst.txnid !== undefined && rqst.txnid !== 0n) fail('NoSuchTxnException', `No such transaction txnid:${rqst.txnid}`);
    const entry: LockEntry = { id: this.nextLockId++, components: clone(rqst.component), state: 'WAITING', lastHeartbeat: now(), interval: null };
    this.locks.set(entry.id, entry);
    this.grant();
    return this.respond(entry);
  }

  private checkLock(id: bigint): LockResponse {
    const l = this.lockEntry(id);
    l.lastHeartbeat = now();
    this.grant();
    return this.respond(l);
  }

  private unlock(id: bigint): void {
    this.lockEntry(id);
    this.release(id, 'unlock');
    this.grant();
  }

  private heartbeat(id: bigint | undefined): void {
    this.lockEntry(id).lastHeartbeat = now();
  }
}
