/**
 * Avro data files (`file.format = avro`): records decoded by avsc, turned into
 * Arrow columns through the Paimon type of each column (spec 4.2 mapping).
 */
import * as arrow from 'apache-arrow';
import { buildData } from '../types/arrow-values.js';
import { toArrowType } from '../types/arrow-type.js';
import type { DataField, DataType } from '../types/data-type.js';
import type { Value } from '../types/values.js';
import { bigIntFromBytesBE } from '../spec/binary-row.js';
import { readAvroContainer } from './avro.js';

function toValue(v: unknown, type: DataType): Value {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'BIGINT':
      return BigInt(v as number | bigint);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return BigInt(v as number | bigint);
    case 'DECIMAL':
      return bigIntFromBytesBE(v as Uint8Array);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return new Uint8Array(v as Uint8Array);
    case 'ARRAY':
    case 'MULTISET':
    case 'VECTOR':
      if (type.kind === 'MULTISET') return mapEntries(v, type.element, { kind: 'INT', nullable: false });
      return (v as unknown[]).map((x) => toValue(x, type.element));
    case 'MAP':
      return mapEntries(v, type.key, type.value);
    case 'ROW': {
      const rec = v as Record<string, unknown>;
      return type.fields.map((f) => toValue(rec[f.name], f.type));
    }
    default:
      return v as Value;
  }
}

/** String-keyed maps are Avro maps (JS objects); other keys are arrays of {key, value} records. */
function mapEntries(v: unknown, key: DataType, value: DataType): [Value, Value][] {
  if (Array.isArray(v)) {
    return v.map((e: Record<string, unknown>) => [toValue(e['key'], key), toValue(e['value'], value)]);
  }
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toValue(x, value)]);
}

export function readAvroData(bytes: Uint8Array, fields: readonly DataField[], fileName: string): arrow.RecordBatch[] {
  const { records } = readAvroContainer(bytes, fileName);
  const arrowFields = fields.map((f) => new arrow.Field(f.name, toArrowType(f.type), f.type.nullable));
  const children = fields.map((f) =>
    buildData(toArrowType(f.type), records.map((r) => toValue((r as Record<string, unknown>)[f.name], f.type))),
  );
  const schema = new arrow.Schema(arrowFields);
  const data = arrow.makeData({ type: new arrow.Struct(arrowFields), length: records.length, nullCount: 0, children });
  return [new arrow.RecordBatch(schema, data)];
}
