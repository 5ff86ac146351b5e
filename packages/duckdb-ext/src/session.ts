/** A DuckDB instance and connection ready for Paimon: the quickest way in. */
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { attach, type AttachedCatalog } from './attach.js';
import { installPaimon, planSql, type InstallOptions } from './install.js';
import type { ScanArgs, SqlResult } from './protocol.js';
import { paimonQuery, runScript, type StatementResult } from './query.js';

/** Options every DuckDB instance made here gets: nothing is ever downloaded. */
export const DUCKDB_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

export interface OpenOptions extends InstallOptions {
  /** A warehouse folder to attach. */
  warehouse?: string;
  /** Its catalog name (default `paimon`). */
  name?: string;
  /** Make the attached catalog the default one, so `db.table` resolves (default true when a warehouse is given). */
  use?: boolean;
  /** DuckDB database file (default in-memory). */
  database?: string;
  /** More DuckDB settings. */
  config?: Record<string, string>;
}

export class PaimonDuckDB {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly catalog: AttachedCatalog | null,
  ) {}

  static async open(options: OpenOptions = {}): Promise<PaimonDuckDB> {
    const instance = await DuckDBInstance.create(options.database ?? ':memory:', { ...DUCKDB_OPTIONS, ...(options.config ?? {}) });
    const connection = await instance.connect();
    await installPaimon(connection, options);
    const catalog = options.warehouse
      ? await attach(connection, options.warehouse, { ...options, name: options.name ?? 'paimon', use: options.use ?? true })
      : null;
    return new PaimonDuckDB(instance, connection, catalog);
  }

  /** Rows of the last statement (pruning and time-travel rewrites applied; INSERT INTO an attached table writes). */
  query(sql: string): Promise<DuckDBResultReader> {
    return paimonQuery(this.connection, sql);
  }

  run(script: string): Promise<StatementResult[]> {
    return runScript(this.connection, script);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Plans a read and returns the SQL that performs it (for JS callers that
 * want the text, e.g. to create their own view). The SQL may reference
 * `__paimon_rows(<handle>)` (rows core reads), which only works on a
 * connection where `installPaimon` ran, in this process.
 */
export function paimonScanSql(args: ScanArgs): Promise<SqlResult> {
  return planSql('scan', args);
}
