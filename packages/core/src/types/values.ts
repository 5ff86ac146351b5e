/**
 * The in-memory value of one Paimon field outside Arrow vectors (partition
 * values, stats, keys, predicate literals). Each is the Arrow *physical*
 * value of the type `toArrowType` maps to, so a value compares directly with
 * what an Arrow column holds:
 *
 * | Paimon type                  | JS value                                    |
 * |------------------------------|---------------------------------------------|
 * | BOOLEAN                      | boolean                                     |
 * | TINYINT SMALLINT INT         | number                                      |
 * | BIGINT                       | bigint                                      |
 * | FLOAT DOUBLE                 | number                                      |
 * | DECIMAL(p,s)                 | bigint (unscaled)                           |
 * | CHAR VARCHAR STRING          | string                                      |
 * | BINARY VARBINARY BYTES       | Uint8Array                                  |
 * | DATE                         | number (days since epoch)                   |
 * | TIME                         | number (millis of day)                      |
 * | TIMESTAMP(_LTZ)(p)           | bigint: millis (p<=3), micros (p<=6), nanos |
 * | ARRAY / MAP / ROW            | Value[] / [Value, Value][] / Value[]        |
 */
import { type DataType, isNestedType } from './data-type.js';

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Value[]
  | [Value, Value][];

/** Units per millisecond of the timestamp value for a precision. */
export function timestampUnitsPerMilli(precision: number): bigint {
  return precision <= 3 ? 1n : precision <= 6 ? 1000n : 1_000_000n;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const encoder = new TextEncoder();

/**
 * Orders strings as Paimon's BinaryString does: by UTF-8 bytes, unsigned.
 * For ASCII this is plain code-unit order, the common fast path.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0x80 && y < 0x80) return x - y;
      return compareBytes(encoder.encode(a.slice(i)), encoder.encode(b.slice(i)));
    }
  }
  return a.length - b.length;
}

/** Natural order of two non-null values of one type; nulls first. */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (typeof b === 'number' || typeof b === 'bigint') {
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (a instanceof Uint8Array) return compareBytes(a, b as Uint8Array);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = compareValues(a[i] as Value, b[i] as Value);
      if (d !== 0) return d;
    }
    return a.length - b.length;
  }
  return 0;
}

/** Whether values of this type have an order usable for min/max pruning. */
export function isOrderable(type: DataType): boolean {
  return !isNestedType(type) && type.kind !== 'BLOB';
}
