/**
 * Batches in the Arrow types Spark's Arrow reader accepts (`sparkArrowType`
 * in @paimon-ts/flight): millisecond and nanosecond timestamps become
 * microseconds, TIME becomes its millis-of-day INT. Everything else passes
 * through untouched (same buffers); only converted columns are rewritten.
 */
import * as arrow from 'apache-arrow';
import { needsSparkConversion, sparkArrowType } from '@paimon-ts/flight';
import { toArrowSchema, type DataField, type DataType } from '@paimon-ts/core';

/** The schema Spark's batches carry: field ids kept as metadata, types swapped where needed. */
export function sparkSchema(fields: readonly DataField[]): arrow.Schema {
  const base = toArrowSchema([...fields]);
  return new arrow.Schema(base.fields.map((f, i) => (needsSparkConversion(fields[i]!.type) ? new arrow.Field(f.name, sparkArrowType(fields[i]!.type), f.nullable, f.metadata) : f)));
}

const TWO_32 = 4294967296;

/** ms -> us without a BigInt per value while the product stays exact in a double (|v| < 2^53). */
function millisToMicros(src: BigInt64Array): BigInt64Array {
  const out = new BigInt64Array(src.length);
  const s = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
  const o = new Int32Array(out.buffer, 0, src.length * 2);
  for (let i = 0; i < src.length; i++) {
    const lo = s[2 * i]! >>> 0;
    const hi = s[2 * i + 1]!;
    const m = (hi * TWO_32 + lo) * 1000;
    if (Math.abs(m) <= Number.MAX_SAFE_INTEGER) {
      const h = Math.floor(m / TWO_32);
      o[2 * i] = (m - h * TWO_32) | 0;
      o[2 * i + 1] = h;
    } else {
      out[i] = src[i]! * 1000n;
    }
  }
  return out;
}

/** ns -> us, flooring (so instants before 1970 round down, as a time line does). */
function nanosToMicros(src: BigInt64Array): BigInt64Array {
  const out = new BigInt64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    const q = v / 1000n;
    out[i] = v < 0n && q * 1000n !== v ? q - 1n : q;
  }
  return out;
}

function convert(data: arrow.Data, type: DataType): arrow.Data {
  if (!needsSparkConversion(type)) return data;
  const target = sparkArrowType(type);
  switch (type.kind) {
    case 'TIME':
      // time32[ms] and int32 share the physical layout.
      return new arrow.Data(target, data.offset, data.length, data.nullCount, [undefined, data.values, data.nullBitmap]);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const values = data.values as BigInt64Array;
      const micros = type.precision <= 3 ? millisToMicros(values) : nanosToMicros(values);
      return new arrow.Data(target, data.offset, data.length, data.nullCount, [undefined, micros, data.nullBitmap]);
    }
    case 'ARRAY':
    case 'VECTOR':
      return new arrow.Data(target, data.offset, data.length, data.nullCount, [data.valueOffsets, undefined, data.nullBitmap], [convert(data.children[0]!, type.element)]);
    case 'MAP':
    case 'MULTISET': {
      const entries = data.children[0]!;
      const key = type.kind === 'MAP' ? type.key : type.element;
      const value: DataType = type.kind === 'MAP' ? type.value : { kind: 'INT', nullable: false };
      const entriesType = (target as arrow.Map_).children[0]!.type;
      const newEntries = new arrow.Data(entriesType, entries.offset, entries.length, entries.nullCount, [undefined, undefined, entries.nullBitmap], [
        convert(entries.children[0]!, key),
        convert(entries.children[1]!, value),
      ]);
      return new arrow.Data(target, data.offset, data.length, data.nullCount, [data.valueOffsets, undefined, data.nullBitmap], [newEntries]);
    }
    case 'ROW':
      return new arrow.Data(target, data.offset, data.length, data.nullCount, [undefined, undefined, data.nullBitmap], type.fields.map((f, i) => convert(data.children[i]!, f.type)));
    default:
      return data;
  }
}

/** Converts one batch of `fields` (the projection, in order) to `schema` (= `sparkSchema(fields)`). */
export function toSparkBatch(batch: arrow.RecordBatch, fields: readonly DataField[], schema: arrow.Schema): arrow.RecordBatch {
  const children = fields.map((f, i) => convert(batch.data.children[i]!, f.type));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}
