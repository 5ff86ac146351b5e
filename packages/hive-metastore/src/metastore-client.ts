/**
 * A Hive Metastore client: typed calls over a pool of Thrift connections
 * (binary protocol; buffered transport like the metastore's default, framed
 * on request). Metastore exceptions arrive as HiveMetastoreError with code
 * HMS_EXCEPTION and the Thrift exception name in `exceptionType`.
 */
import { HiveMetastoreError } from './errors.js';
import { ClientPool } from './thrift/client-pool.js';
import { Codec } from './thrift/codec.js';
import type { Endpoint } from './thrift/connection.js';
import type { AddPartitionsRequest, AddPartitionsResult, Database, EnvironmentContext, LockRequest, LockResponse, Partition, Table } from './thrift/hms-types.js';
import { HMS_IDL } from './thrift/idl.js';
import type { TransportKind } from './thrift/wire.js';

export const DEFAULT_METASTORE_PORT = 9083;

export interface MetastoreClientOptions {
  /** `thrift://host:port`, or several separated by commas (tried in order, like `hive.metastore.uris`). */
  uri: string;
  /** Default `buffered` (the metastore's default); `framed` for `hive.metastore.thrift.framed.transport.enabled`. */
  transport?: TransportKind;
  /** Default 2, Paimon's `client-pool-size`. */
  poolSize?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Per call; default 60 s. */
  requestTimeoutMs?: number;
}

/** Parses `thrift://host:port[,thrift://host:port...]`. */
export function parseMetastoreUris(uri: string): Endpoint[] {
  if (typeof uri !== 'string' || uri.trim() === '') throw new HiveMetastoreError('HMS_INVALID_URI', 'metastore URI must not be empty (expected thrift://host:port)');
  return uri.split(',').map((part) => {
    const text = part.trim();
    const m = /^thrift:\/\/(\[[^\]]+\]|[^:/\s]+)(?::(\d+))?\/?$/.exec(text);
    if (!m) throw new HiveMetastoreError('HMS_INVALID_URI', `metastore URI ${JSON.stringify(text)} is not thrift://host:port`);
    const port = m[2] === undefined ? DEFAULT_METASTORE_PORT : Number(m[2]);
    if (port < 1 || port > 65535) throw new HiveMetastoreError('HMS_INVALID_URI', `metastore URI ${JSON.stringify(text)} has an invalid port`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

const CODEC = new Codec(HMS_IDL);

export class MetastoreClient {
  readonly uri: string;
  private readonly pool: ClientPool;

  constructor(options: MetastoreClientOptions) {
    this.uri = options.uri;
    this.pool = new ClientPool(CODEC, parseMetastoreUris(options.uri), {
      size: options.poolSize ?? 2,
      transport: options.transport ?? 'buffered',
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    });
  }

  /** Any call of the IDL by name, with its arguments by IDL name. */
  call(method: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return this.pool.call(method, args);
  }

  async createDatabase(database: Database): Promise<void> {
    await this.call('create_database', { database });
  }

  async getDatabase(name: string): Promise<Database> {
    return (await this.call('get_database', { name })) as Database;
  }

  async dropDatabase(name: string, deleteData: boolean, cascade: boolean): Promise<void> {
    await this.call('drop_database', { name, deleteData, cascade });
  }

  async getAllDatabases(): Promise<string[]> {
    return (await this.call('get_all_databases')) as string[];
  }

  async alterDatabase(name: string, db: Database): Promise<void> {
    await this.call('alter_database', { dbname: name, db });
  }

  async createTable(table: Table): Promise<void> {
    await this.call('create_table', { tbl: table });
  }

  async getTable(db: string, table: string): Promise<Table> {
    return (await this.call('get_table', { dbname: db, tbl_name: table })) as Table;
  }

  async getAllTables(db: string): Promise<string[]> {
    return (await this.call('get_all_tables', { db_name: db })) as string[];
  }

  async getTableObjectsByName(db: string, tables: string[]): Promise<Table[]> {
    return (await this.call('get_table_objects_by_name', { dbname: db, tbl_names: tables })) as Table[];
  }

  /**
   * Table names matching a metastore filter, e.g.
   * `hive_filter_field_params__table_type = "PAIMON"` (see `paramFilter`).
   */
  async getTableNamesByFilter(db: string, filter: string, maxTables = -1): Promise<string[]> {
    return (await this.call('get_table_names_by_filter', { dbname: db, filter, max_tables: maxTables })) as string[];
  }

  async alterTable(db: string, table: string, newTable: Table, environment?: EnvironmentContext): Promise<void> {
    if (environment) await this.call('alter_table_with_environment_context', { dbname: db, tbl_name: table, new_tbl: newTable, environment_context: environment });
    else await this.call('alter_table', { dbname: db, tbl_name: table, new_tbl: newTable });
  }

  async dropTable(db: string, table: string, deleteData: boolean, environment?: EnvironmentContext): Promise<void> {
    if (environment) await this.call('drop_table_with_environment_context', { dbname: db, name: table, deleteData, environment_context: environment });
    else await this.call('drop_table', { dbname: db, name: table, deleteData });
  }

  /** Adds partitions of one table in one metastore transaction; with `ifNotExists` those already there are skipped (`IMetaStoreClient.add_partitions(parts, ifNotExists, needResults)`). */
  async addPartitions(request: AddPartitionsRequest): Promise<AddPartitionsResult> {
    return (await this.call('add_partitions_req', { request })) as AddPartitionsResult;
  }

  /** The table's partitions (at most `maxParts`, all with -1). */
  async getPartitions(db: string, table: string, maxParts = -1): Promise<Partition[]> {
    return (await this.call('get_partitions', { db_name: db, tbl_name: table, max_parts: maxParts })) as Partition[];
  }

  async lock(request: LockRequest): Promise<LockResponse> {
    return (await this.call('lock', { rqst: request })) as LockResponse;
  }

  async checkLock(lockid: bigint): Promise<LockResponse> {
    return (await this.call('check_lock', { rqst: { lockid } })) as LockResponse;
  }

  async unlock(lockid: bigint): Promise<void> {
    await this.call('unlock', { rqst: { lockid } });
  }

  async heartbeat(lockid: bigint): Promise<void> {
    await this.call('heartbeat', { ids: { lockid } });
  }

  close(): void {
    this.pool.close();
  }
}

/** The metastore's filter key prefix for table parameters (`hive_metastoreConstants.HIVE_FILTER_FIELD_PARAMS`). */
export const HIVE_FILTER_FIELD_PARAMS = 'hive_filter_field_params__';

/** A `get_table_names_by_filter` filter selecting tables whose parameter `key` equals `value`. */
export function paramFilter(key: string, value: string): string {
  return `${HIVE_FILTER_FIELD_PARAMS}${key} = "${value.replace(/["\\]/g, '\\$&')}"`;
}
