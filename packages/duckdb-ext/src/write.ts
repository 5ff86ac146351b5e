/**
 * `paimonWrite(connection, warehouse, 'db.table', 'SELECT ...')`: any DuckDB
 * query result into a Paimon table through core's writer, as one commit.
 * The query's columns are matched to the table's by name and cast by DuckDB
 * to the table's types; rows stream in DuckDB chunks and go to the writer in
 * batches.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { FileStoreTable, FileSystemCatalog, PaimonError, toArrowSchema, type Overwrite, type Value } from '@paimon-ts/core';
import { buildData as buildArrowData } from '@paimon-ts/core';
import { isRawType, rawColumnData, vectorToArrow, type RawColumn } from './raw-columns.js';
import { quoteIdent } from './sql.js';
import { duckTypeSql, fromDuckValue } from './types.js';

export interface PaimonWriteOptions {
  /** INSERT OVERWRITE: `true` = the whole table; `'dynamic'` = the partitions the rows touch; or a core Overwrite scope. */
  overwrite?: boolean | 'dynamic' | Overwrite;
  /** A column of the query holding each row's kind (+I, -U, +U, -D, or 0..3); it is not written. */
  kindColumn?: string;
  /**
   * How query columns meet table columns: `name` (default; case-insensitive
   * fallback, missing nullable columns are NULL) or `position` (the i-th
   * column of the query is the i-th column of the table, as in SQL's
   * `INSERT INTO t SELECT ...`).
   */
  match?: 'name' | 'position';
  /** Rows handed to the writer at a time (default 65536). */
  batchRows?: number;
}

export interface PaimonWriteResult {
  rows: number;
  /** The snapshot committed, or null when nothing was written. */
  snapshotId: number | null;
  table: string;
}

async function resolveTable(warehouseOrTable: string | FileStoreTable, name?: string): Promise<FileStoreTable> {
  if (typeof warehouseOrTable !== 'string') return warehouseOrTable;
  if (name === undefined) return FileStoreTable.open(warehouseOrTable);
  return new FileSystemCatalog(warehouseOrTable).getTable(name);
}

/**
 * Writes the result of `query` into a Paimon table (a warehouse and
 * `db.table`, or an opened table with `name` undefined) and commits once.
 */
export async function paimonWrite(
  connection: DuckDBConnection,
  warehouse: string | FileStoreTable,
  name: string | undefined,
  query: string,
  options: PaimonWriteOptions = {},
): Promise<PaimonWriteResult> {
  const table = await resolveTable(warehouse, name);
  const fields = table.schema.fields;
  const body = query.trim().replace(/;\s*$/, '');
  const probe = await connection.runAndReadAll(`SELECT * FROM (${body}) AS __paimon_src LIMIT 0`);
  const columns = probe.columnNames();
  const kindColumn = options.kindColumn ?? null;
  if (kindColumn !== null && !columns.includes(kindColumn)) {
    throw new PaimonError('INVALID_ARGUMENT', `paimon_write: the query has no kind column ${kindColumn} (columns: ${columns.join(', ')})`);
  }
  const source = new Map<string, string>();
  if (options.match === 'position') {
    const data = columns.filter((c) => c !== kindColumn);
    if (data.length > fields.length) {
      throw new PaimonError('INVALID_ARGUMENT', `paimon_write: the query has ${data.length} columns, table ${table.name} has ${fields.length} (${fields.map((x) => x.name).join(', ')})`);
    }
    data.forEach((c, i) => source.set(fields[i]!.name, c));
  }
  for (const c of options.match === 'position' ? [] : columns) {
    if (c === kindColumn) continue;
    const f = fields.find((x) => x.name === c) ?? fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
    if (!f) throw new PaimonError('INVALID_ARGUMENT', `paimon_write: table ${table.name} has no column ${c} (columns: ${fields.map((x) => x.name).join(', ')})`);
    if (source.has(f.name)) throw new PaimonError('INVALID_ARGUMENT', `paimon_write: column ${f.name} appears twice in the query`);
    source.set(f.name, c);
  }
  const written = fields.filter((f) => source.has(f.name));
  for (const f of fields) {
    if (!source.has(f.name) && !f.type.nullable) throw new PaimonError('INVALID_ARGUMENT', `paimon_write: the query has no column for NOT NULL column ${f.name} of ${table.name}`);
  }
  const select = written.map((f) => `CAST(${quoteIdent(source.get(f.name)!)} AS ${duckTypeSql(f.type)}) AS ${quoteIdent(f.name)}`);
  if (kindColumn !== null) select.push(`CAST(${quoteIdent(kindColumn)} AS VARCHAR) AS "__paimon_kind"`);
  if (select.length === 0) throw new PaimonError('INVALID_ARGUMENT', 'paimon_write: the query has no columns');
  const result = await connection.stream(`SELECT ${select.join(', ')} FROM (${body}) AS __paimon_src`);

  const overwrite: Overwrite | boolean | undefined = options.overwrite === 'dynamic' ? { mode: 'dynamic' } : options.overwrite;
  const write = table.newBatchWrite(overwrite ? { overwrite } : {});
  const batchRows = options.batchRows ?? 65536;
  const arrowTypes = toArrowSchema(written).fields.map((f) => f.type);
  const raw = written.map((f) => isRawType(f.type));
  const fresh = () => written.map((f): RawColumn | Value[] => (isRawType(f.type) ? { type: f.type, parts: [], validity: [] } : []));
  let columnsOut = fresh();
  let kinds: string[] = [];
  let buffered = 0;
  let total = 0;
  const flush = async () => {
    if (buffered === 0) return;
    const children = written.map((_, c) =>
      raw[c] ? rawColumnData(columnsOut[c] as RawColumn, arrowTypes[c]!, (p) => arrow.makeData(p as never)) : buildArrowData(arrowTypes[c]!, columnsOut[c] as Value[]),
    );
    const schema = toArrowSchema(written);
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: buffered, nullCount: 0, children }));
    await write.write(batch, kindColumn !== null ? { kinds } : {});
    total += buffered;
    columnsOut = fresh();
    kinds = [];
    buffered = 0;
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    written.forEach((f, c) => {
      if (raw[c]) {
        vectorToArrow(chunk, c, n, columnsOut[c] as RawColumn);
        return;
      }
      const values = chunk.getColumnValues(c);
      const out = columnsOut[c] as Value[];
      for (let r = 0; r < n; r++) out.push(fromDuckValue(values[r] ?? null, f.type));
    });
    if (kindColumn !== null) {
      const k = chunk.getColumnValues(written.length);
      for (let r = 0; r < n; r++) kinds.push(k[r] === null ? '+I' : String(k[r]));
    }
    buffered += n;
    if (buffered >= batchRows) await flush();
  }
  await flush();
  const snapshot = await write.commit();
  return { rows: total, snapshotId: snapshot?.id ?? null, table: table.name };
}
