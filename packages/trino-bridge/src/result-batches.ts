/**
 * A streaming DuckDB result as Arrow record batches, pulled lazily: a chunk
 * is fetched from DuckDB only when the consumer asks for more, so a slow
 * Flight client slows the query down instead of the server buffering it.
 */
import * as arrow from 'apache-arrow';
import type { DuckDBResult } from '@duckdb/node-api';
import { buildData, type Value } from '@paimon-ts/core';
import { fromDuckValue } from '@paimon-ts/duckdb';
import type { ResultColumn } from './result-types.js';

export interface BatchOptions {
  /** Rows per Arrow batch (DuckDB chunks hold 2048); default 32768. */
  batchRows?: number;
  /** Stops reading (quietly) when aborted. */
  signal?: AbortSignal;
}

const DEFAULT_BATCH_ROWS = 32768;

/** Kinds whose DuckDB value already is core's value (null, boolean, number, bigint, string): no conversion per value. */
const SAME_VALUE = new Set(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'DOUBLE', 'VARCHAR']);

export async function* resultBatches(result: DuckDBResult, columns: readonly ResultColumn[], schema: arrow.Schema, options: BatchOptions = {}): AsyncGenerator<arrow.RecordBatch> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const arrowTypes = schema.fields.map((f) => f.type);
  let buffers: Value[][] = columns.map(() => []);
  let rows = 0;
  const flush = (): arrow.RecordBatch => {
    const children = columns.map((_, c) => buildData(arrowTypes[c]!, buffers[c]!));
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows, nullCount: 0, children }));
    buffers = columns.map(() => []);
    rows = 0;
    return batch;
  };
  for (;;) {
    if (options.signal?.aborted) return;
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    columns.forEach((col, c) => {
      const values = chunk.getColumnValues(c);
      const out = buffers[c]!;
      if (SAME_VALUE.has(col.type.kind)) for (let r = 0; r < n; r++) out.push(values[r] as Value);
      else for (let r = 0; r < n; r++) out.push(fromDuckValue(values[r] ?? null, col.type));
    });
    rows += n;
    if (rows >= batchRows) yield flush();
  }
  if (rows > 0) yield flush();
}
