/**
 * The physical layout of primary-key data files (spec 6.1): `_KEY_*`,
 * `_SEQUENCE_NUMBER`, `_VALUE_KIND`, then the table's columns; and the
 * in-memory size of a batch, which bounds write buffers and rolls files.
 */
import * as arrow from 'apache-arrow';
import { keyFields, type TableSchema } from '../spec/table-schema.js';
import { toArrowSchema } from '../types/arrow-type.js';
import { type DataField, SEQUENCE_NUMBER, SEQUENCE_NUMBER_FIELD_ID, VALUE_KIND, VALUE_KIND_FIELD_ID, KEY_FIELD_ID_OFFSET } from '../types/data-type.js';

export function batchBytes(batch: arrow.RecordBatch): number {
  let n = 0;
  const walk = (d: arrow.Data) => {
    for (const b of [d.values, d.valueOffsets, d.nullBitmap] as (ArrayBufferView | undefined)[]) n += b?.byteLength ?? 0;
    d.children.forEach(walk);
  };
  walk(batch.data);
  return n;
}

/** The physical layout of a primary-key data file: `_KEY_*`, `_SEQUENCE_NUMBER`, `_VALUE_KIND`, then the values. */
export function kvBatch(schema: TableSchema, values: arrow.RecordBatch, seqs: bigint[], kinds: number[]): { fields: DataField[]; batch: arrow.RecordBatch } {
  const keys = keyFields(schema).map((f) => ({ ...f, id: f.id + KEY_FIELD_ID_OFFSET }));
  const fields: DataField[] = [
    ...keys,
    { id: SEQUENCE_NUMBER_FIELD_ID, name: SEQUENCE_NUMBER, type: { kind: 'BIGINT', nullable: false } },
    { id: VALUE_KIND_FIELD_ID, name: VALUE_KIND, type: { kind: 'TINYINT', nullable: false } },
    ...schema.fields,
  ];
  const arrowSchema = toArrowSchema(fields);
  const n = values.numRows;
  const keyData = keys.map((k) => values.data.children[schema.fields.findIndex((f) => `_KEY_${f.name}` === k.name)]!);
  const children = [
    ...keyData.map((d, i) => d.clone(arrowSchema.fields[i]!.type)),
    arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: BigInt64Array.from(seqs) }),
    arrow.makeData({ type: new arrow.Int8(), length: n, nullCount: 0, data: Int8Array.from(kinds) }),
    ...values.data.children,
  ];
  const data = arrow.makeData({ type: new arrow.Struct(arrowSchema.fields), length: n, nullCount: 0, children });
  return { fields, batch: new arrow.RecordBatch(arrowSchema, data) };
}
