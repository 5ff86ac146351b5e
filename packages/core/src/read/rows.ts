/** Row objects at the API edge: one object per row, keyed by column name. */
import type * as arrow from 'apache-arrow';
import { getValue } from '../types/arrow-values.js';
import type { DataField } from '../types/data-type.js';
import { toJsonValue, type JsonValue } from '../types/value-format.js';
import type { Value } from '../types/values.js';

export type RowObject = Record<string, Value>;

export function batchToRows(batch: arrow.RecordBatch): RowObject[] {
  const columns = batch.schema.fields.map((f, i) => ({ name: f.name, data: batch.data.children[i]! }));
  const rows: RowObject[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row: RowObject = {};
    for (const c of columns) row[c.name] = getValue(c.data, r);
    rows[r] = row;
  }
  return rows;
}

/** Rows as JSON-ready objects, rendered through each column's Paimon type. */
export function batchToJsonRows(batch: arrow.RecordBatch, fields: readonly DataField[]): Record<string, JsonValue>[] {
  return batchToRows(batch).map((row) => {
    const out: Record<string, JsonValue> = {};
    for (const f of fields) out[f.name] = toJsonValue(row[f.name] ?? null, f.type);
    return out;
  });
}
