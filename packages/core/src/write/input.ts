/**
 * What a writer accepts: Arrow record batches (the fast path) or plain row
 * objects (for convenience), checked against the table schema. Rows that do
 * not fit are rejected with an error naming the column and row, before
 * anything is written.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { buildData, getValue, isValid } from '../types/arrow-values.js';
import { toArrowSchema } from '../types/arrow-type.js';
import type { DataField, DataType } from '../types/data-type.js';
import { timestampUnitsPerMilli, type Value } from '../types/values.js';
import { castValue, conformData } from '../read/conform.js';
import { parseTimestampText, parseDateText, parseDecimalText } from '../types/value-parse.js';

export type RowInput = Record<string, unknown>;

function bad(table: string, column: string, row: number, why: string): PaimonError {
  return new PaimonError('INVALID_ARGUMENT', `table ${table}: row ${row}, column ${column}: ${why}`);
}

const TEXT: DataType = { kind: 'VARCHAR', length: 2147483647, nullable: true };

/** A friendly JS value (number, string, Date, Buffer, object, Map, ...) as the value of `type`. */
export function toValue(v: unknown, type: DataType): Value {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return castValue(v, TEXT, type);
      if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
      break;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      const bits = type.kind === 'TINYINT' ? 8 : type.kind === 'SMALLINT' ? 16 : 32;
      const n = typeof v === 'string' ? Number(v.trim()) : typeof v === 'bigint' ? Number(v) : v;
      if (typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1) && !(typeof v === 'string' && v.trim() === '')) return n;
      throw new Error(`${JSON.stringify(String(v))} is not a ${type.kind}`);
    }
    case 'BIGINT':
      if (typeof v === 'bigint') return BigInt.asIntN(64, v) === v ? v : fail(v, type);
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return toValue(BigInt(v.trim()), type);
      break;
    case 'FLOAT':
    case 'DOUBLE': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
      if (typeof n === 'number' && !Number.isNaN(n)) return type.kind === 'FLOAT' ? Math.fround(n) : n;
      if (typeof n === 'number') return n;
      break;
    }
    case 'DECIMAL': {
      const unscaled = typeof v === 'bigint' ? v * 10n ** BigInt(type.scale) : parseDecimalText(String(v), type.scale);
      if ((unscaled < 0n ? -unscaled : unscaled).toString().length > type.precision) throw new Error(`${String(v)} does not fit DECIMAL(${type.precision}, ${type.scale})`);
      return unscaled;
    }
    case 'CHAR':
    case 'VARCHAR': {
      const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : fail(v, type);
      if (type.length !== 2147483647 && [...s].length > type.length) throw new Error(`text of ${[...s].length} characters exceeds ${type.kind}(${type.length})`);
      return s;
    }
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      if (v instanceof Uint8Array) return new Uint8Array(v);
      if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
      break;
    case 'DATE':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string') return parseDateText(v);
      if (v instanceof Date) return Math.floor(v.getTime() / 86_400_000);
      break;
    case 'TIME':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string') {
        const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/.exec(v);
        if (m) return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + Number((m[4] ?? '').padEnd(3, '0').slice(0, 3));
      }
      break;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'string') return parseTimestampText(v, type.precision);
      if (v instanceof Date) return BigInt(v.getTime()) * timestampUnitsPerMilli(type.precision);
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      break;
    case 'ARRAY':
    case 'VECTOR':
      if (Array.isArray(v)) return v.map((x) => toValue(x, type.element));
      break;
    case 'MULTISET':
    case 'MAP': {
      const keyType = type.kind === 'MAP' ? type.key : type.element;
      const valueType: DataType = type.kind === 'MAP' ? type.value : { kind: 'INT', nullable: false };
      const entries: [unknown, unknown][] = v instanceof Map ? [...v.entries()] : Array.isArray(v) ? (v as [unknown, unknown][]) : typeof v === 'object' ? Object.entries(v as object) : fail(v, type);
      return entries.map(([k, x]) => {
        if (k === null || k === undefined) throw new Error('map keys must not be null');
        return [toValue(k, keyType), toValue(x, valueType)];
      });
    }
    case 'ROW':
      if (Array.isArray(v)) return type.fields.map((f, i) => checkNull(toValue(v[i], f.type), f));
      if (typeof v === 'object') return type.fields.map((f) => checkNull(toValue((v as Record<string, unknown>)[f.name], f.type), f));
      break;
    default:
      break;
  }
  return fail(v, type);
}

function checkNull(v: Value, f: DataField): Value {
  if (v === null && !f.type.nullable) throw new Error(`nested field ${f.name} is NOT NULL`);
  return v;
}

function fail(v: unknown, type: DataType): never {
  const shown = typeof v === 'bigint' ? `${v}` : JSON.stringify(v) ?? String(v);
  throw new Error(`${shown?.slice(0, 60)} is not a valid ${type.kind} value`);
}

/** Row objects (keyed by column name) as one batch of the table's columns. */
export function rowsToBatch(rows: readonly RowInput[], fields: readonly DataField[], table: string, firstRow = 0): arrow.RecordBatch {
  const schema = toArrowSchema([...fields]);
  const known = new Set(fields.map((f) => f.name));
  rows.forEach((r, i) => {
    for (const k of Object.keys(r)) if (!known.has(k)) throw bad(table, k, firstRow + i, 'no such column');
  });
  const children = fields.map((f, j) => {
    const values: Value[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      let v: Value;
      try {
        v = toValue(rows[i]![f.name], f.type);
      } catch (e) {
        throw bad(table, f.name, firstRow + i, (e as Error).message);
      }
      if (v === null && !f.type.nullable) throw bad(table, f.name, firstRow + i, 'NULL in a NOT NULL column');
      values[i] = v;
    }
    return buildData(schema.fields[j]!.type, values);
  });
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/**
 * An Arrow batch as a batch of exactly the table's columns and Arrow types:
 * columns matched by name (missing nullable ones become NULL), compatible
 * types converted, NOT NULL enforced.
 */
export function conformBatch(batch: arrow.RecordBatch, fields: readonly DataField[], table: string, firstRow = 0): arrow.RecordBatch {
  const schema = toArrowSchema([...fields]);
  const known = new Set(fields.map((f) => f.name));
  for (const f of batch.schema.fields) if (!known.has(f.name)) throw bad(table, f.name, firstRow, 'no such column');
  const children = fields.map((f, j) => {
    const target = schema.fields[j]!.type;
    const idx = batch.schema.fields.findIndex((x) => x.name === f.name);
    let data: arrow.Data;
    if (idx < 0) {
      if (!f.type.nullable) throw bad(table, f.name, firstRow, 'missing NOT NULL column');
      data = buildData(target, new Array<Value>(batch.numRows).fill(null));
    } else {
      const source = batch.data.children[idx]!;
      try {
        data = sameArrowKind(source.type, target) ? conformData(source, target) : convertColumn(source, f.type, target);
      } catch (e) {
        if (e instanceof PaimonError) throw e;
        throw bad(table, f.name, firstRow + ((e as { row?: number }).row ?? 0), (e as Error).message);
      }
    }
    if (!f.type.nullable && data.nullCount > 0) {
      let row = 0;
      while (isValid(data, row)) row++;
      throw bad(table, f.name, firstRow + row, 'NULL in a NOT NULL column');
    }
    return data;
  });
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

function sameArrowKind(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  if (arrow.DataType.isDecimal(a) && arrow.DataType.isDecimal(b)) return a.scale === b.scale && a.precision <= b.precision;
  if (arrow.DataType.isInt(a) && arrow.DataType.isInt(b)) return a.bitWidth === b.bitWidth && a.isSigned === b.isSigned;
  if (arrow.DataType.isFloat(a) && arrow.DataType.isFloat(b)) return a.precision === b.precision;
  if (arrow.DataType.isTimestamp(a) && arrow.DataType.isTimestamp(b)) return true; // conformData rescales units
  if (a.children?.length) return a.children.length === b.children.length && a.children.every((c: arrow.Field, i: number) => sameArrowKind(c.type, b.children[i]!.type));
  return true;
}

/** Element-wise conversion through friendly values (e.g. Int64 into INT, Utf8 into DATE). */
function convertColumn(source: arrow.Data, type: DataType, target: arrow.DataType): arrow.Data {
  const values: Value[] = new Array(source.length);
  for (let i = 0; i < source.length; i++) {
    try {
      values[i] = toValue(arrowFriendly(getValue(source, i), source.type), type);
    } catch (e) {
      throw Object.assign(new Error((e as Error).message), { row: i });
    }
  }
  return buildData(target, values);
}

/** A value read from a foreign Arrow column in a form toValue understands. */
function arrowFriendly(v: Value, type: arrow.DataType): unknown {
  if (v === null) return null;
  if (arrow.DataType.isTimestamp(type)) {
    const perMilli = [1n, 1n, 1000n, 1_000_000n][type.unit]!;
    const millis = type.unit === arrow.TimeUnit.SECOND ? (v as bigint) * 1000n : (v as bigint) / perMilli;
    return new Date(Number(millis));
  }
  if (arrow.DataType.isDecimal(type)) return decimalText(v as bigint, type.scale);
  return v;
}

function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return (neg ? '-' : '') + (scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits);
}
