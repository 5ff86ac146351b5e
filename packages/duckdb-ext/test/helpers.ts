/** Shared test helpers: DuckDB connections with Paimon installed, and rows in a comparable form. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FileStoreTable, FileSystemCatalog, getValue, toJsonValue, type DataField, type DataType, type Value } from '@paimon-ts/core';
import type * as arrow from 'apache-arrow';
import { DUCKDB_OPTIONS, fromDuckValue, installPaimon } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));

export async function duck(): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', DUCKDB_OPTIONS);
  const connection = await instance.connect();
  await installPaimon(connection);
  return { instance, connection };
}

export interface DuckWarehouse {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** An empty warehouse folder with database `db`. */
  warehouse: string;
  catalog: FileSystemCatalog;
  close(): void;
}

/** A DuckDB connection with Paimon installed and a fresh warehouse holding database `db`. */
export async function duckWarehouse(prefix: string): Promise<DuckWarehouse> {
  const { instance, connection } = await duck();
  const warehouse = mkdtempSync(join(tmpdir(), `paimon-duckdb-${prefix}-`));
  const catalog = new FileSystemCatalog(warehouse);
  await catalog.createDatabase('db', true);
  return {
    instance,
    connection,
    warehouse,
    catalog,
    close: () => {
      connection.closeSync();
      instance.closeSync();
      rmSync(warehouse, { recursive: true, force: true });
    },
  };
}

/** What DuckDB can hold of a value: TIMESTAMP_LTZ keeps microseconds (TIMESTAMPTZ). */
function asDuckDBHolds(v: Value, type: DataType): Value {
  if (v === null) return null;
  switch (type.kind) {
    case 'TIMESTAMP_LTZ':
      if (type.precision > 6) {
        const n = v as bigint;
        const q = n / 1000n;
        return (n % 1000n !== 0n && n < 0n ? q - 1n : q) * 1000n;
      }
      return v;
    case 'ARRAY':
    case 'VECTOR':
      return (v as Value[]).map((x) => asDuckDBHolds(x, type.element));
    case 'MAP':
      return (v as [Value, Value][]).map(([k, x]) => [asDuckDBHolds(k, type.key), asDuckDBHolds(x, type.value)]);
    case 'ROW':
      return type.fields.map((f, i) => asDuckDBHolds((v as Value[])[i] ?? null, f.type));
    default:
      return v;
  }
}

/** One row as text: each value rendered through its Paimon type (as the CLI's jsonl does). */
export function rowText(values: readonly Value[], fields: readonly DataField[]): string {
  return JSON.stringify(fields.map((f, i) => toJsonValue(asDuckDBHolds(values[i] ?? null, f.type), f.type)));
}

export function sortedRows(rows: string[]): string[] {
  return [...rows].sort();
}

/** Rows as core's own reader returns them. */
export async function coreRows(path: string, configure?: (scan: ReturnType<FileStoreTable['newScan']>) => void): Promise<{ fields: DataField[]; rows: string[] }> {
  const table = await FileStoreTable.open(path);
  const scan = table.newScan();
  configure?.(scan);
  const plan = await scan.plan();
  const fields = plan.schema.fields;
  const rows: string[] = [];
  for await (const batch of scan.read(plan)) rows.push(...batchRows(batch, fields));
  return { fields, rows };
}

function batchRows(batch: arrow.RecordBatch, fields: readonly DataField[]): string[] {
  const out: string[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    out.push(rowText(fields.map((_, c) => getValue(batch.data.children[c]!, r)), fields));
  }
  return out;
}

/** Rows of a DuckDB query whose columns are `fields` (in order). */
export async function duckRows(connection: DuckDBConnection, sql: string, fields: readonly DataField[]): Promise<{ columns: string[]; rows: string[] }> {
  const reader = await connection.runAndReadAll(sql);
  const rows = reader.getRows().map((r) => rowText(fields.map((f, i) => fromDuckValue(r[i] ?? null, f.type)), fields));
  return { columns: reader.columnNames(), rows };
}

export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * What DuckDB itself reports for a query: the distinct Parquet files its
 * readers opened ("Filename(s)" of each READ_PARQUET in EXPLAIN ANALYZE; a
 * merged file is scanned twice, for its rows and for its keys).
 */
export async function parquetFilesRead(connection: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
  const profile = JSON.parse(String(reader.getRows()[0]![1])) as unknown;
  const files = new Set<string>();
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const node = n as { extra_info?: Record<string, unknown>; children?: unknown[] };
    const names = node.extra_info?.['Filename(s)'];
    if (typeof names === 'string' && names !== '') for (const f of names.split(', ')) files.add(f);
    node.children?.forEach(walk);
  };
  walk(profile);
  return [...files].sort();
}

export async function parquetFilesOpened(connection: DuckDBConnection, sql: string): Promise<number> {
  return (await parquetFilesRead(connection, sql)).length;
}
