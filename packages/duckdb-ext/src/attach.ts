/**
 * `attach(connection, warehouse)`: every table of a Paimon warehouse as a
 * view `<catalog>.<db>.<table>` in an in-memory DuckDB catalog. Each view is
 * `FROM paimon_scan('<table path>')`, so it plans (latest snapshot) every
 * time a query uses it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { planner } from './bridge.js';
import { installPaimon, type InstallOptions } from './install.js';
import { quoteIdent, quoteString } from './sql.js';

export interface AttachOptions extends InstallOptions {
  /** DuckDB catalog name (default `paimon`). */
  name?: string;
  /** Make it the default catalog (`USE <name>`), so `db.table` works unqualified (default false). */
  use?: boolean;
}

export interface AttachedTable {
  database: string;
  table: string;
  path: string;
}

export interface AttachedCatalog {
  name: string;
  warehouse: string;
  tables: AttachedTable[];
  /** Tables whose view could not be created, with the reason. */
  skipped: { database: string; table: string; error: string }[];
}

const attached = new WeakMap<DuckDBConnection, Map<string, AttachedCatalog>>();

/** The warehouses attached on a connection, by catalog name (lower case). */
export function attachedCatalogs(connection: DuckDBConnection): Map<string, AttachedCatalog> {
  let m = attached.get(connection);
  if (!m) {
    m = new Map();
    attached.set(connection, m);
  }
  return m;
}

/** The attached table a `catalog.db.table` name denotes (case-insensitive, as DuckDB resolves names), if any. */
export function findAttachedTable(connection: DuckDBConnection, catalog: string, database: string, table: string): { catalog: AttachedCatalog; table: AttachedTable } | null {
  const cat = attachedCatalogs(connection).get(catalog.toLowerCase());
  if (!cat) return null;
  const t =
    cat.tables.find((x) => x.database === database && x.table === table) ??
    cat.tables.find((x) => x.database.toLowerCase() === database.toLowerCase() && x.table.toLowerCase() === table.toLowerCase());
  return t ? { catalog: cat, table: t } : null;
}

function viewSql(name: string, t: AttachedTable): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(name)}.${quoteIdent(t.database)}.${quoteIdent(t.table)} AS FROM paimon_scan(${quoteString(t.path)})`;
}

/**
 * Attaches a warehouse folder: an in-memory catalog `name` with one schema
 * per Paimon database and one view per table. Call again to pick up tables
 * created or altered since (views are replaced).
 */
export async function attach(connection: DuckDBConnection, warehouse: string, options: AttachOptions = {}): Promise<AttachedCatalog> {
  const name = options.name ?? 'paimon';
  await installPaimon(connection, options);
  const tables = await planner().call<AttachedTable[]>({ op: 'tables', warehouse });
  const exists = await connection.runAndReadAll(`SELECT count(*) FROM duckdb_databases() WHERE database_name = ${quoteString(name)}`);
  if (Number(exists.getRows()[0]![0]) === 0) await connection.run(`ATTACH ':memory:' AS ${quoteIdent(name)}`);
  const catalog: AttachedCatalog = { name, warehouse, tables: [], skipped: [] };
  for (const db of new Set(tables.map((t) => t.database))) {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}.${quoteIdent(db)}`);
  }
  for (const t of tables) {
    try {
      await connection.run(viewSql(name, t));
      catalog.tables.push(t);
    } catch (e) {
      catalog.skipped.push({ database: t.database, table: t.table, error: (e as Error).message.split('\n')[0]! });
    }
  }
  attachedCatalogs(connection).set(name.toLowerCase(), catalog);
  if (options.use) await connection.run(`USE ${quoteIdent(name)}`);
  return catalog;
}

/** Re-creates one attached table's view (after its schema changed). */
export async function refreshAttachedTable(connection: DuckDBConnection, catalog: AttachedCatalog, table: AttachedTable): Promise<void> {
  await connection.run(viewSql(catalog.name, table));
}
