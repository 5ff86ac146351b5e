/**
 * Bringing a column read from some file format to the Arrow type our mapping
 * gives its Paimon type (types/arrow-type.ts), and casting between Paimon
 * types when a column's type evolved (schema evolution on read).
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { buildData, getValue } from '../types/arrow-values.js';
import type { DataType } from '../types/data-type.js';
import { toArrowType } from '../types/arrow-type.js';
import { formatDecimal, scalarText } from '../types/value-format.js';
import { timestampUnitsPerMilli, type Value } from '../types/values.js';

function timestampUnitFactor(unit: arrow.TimeUnit): bigint {
  switch (unit) {
    case arrow.TimeUnit.SECOND:
      return 1n;
    case arrow.TimeUnit.MILLISECOND:
      return 1000n;
    case arrow.TimeUnit.MICROSECOND:
      return 1_000_000n;
    default:
      return 1_000_000_000n;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Same physical layout, so only the type object (names, metadata) differs. */
function sameLayout(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  switch (a.typeId) {
    case arrow.Type.Int:
      return (a as arrow.Int).bitWidth === (b as arrow.Int).bitWidth && (a as arrow.Int).isSigned === (b as arrow.Int).isSigned;
    case arrow.Type.Float:
      return (a as arrow.Float).precision === (b as arrow.Float).precision;
    case arrow.Type.Decimal:
      return (a as arrow.Decimal).bitWidth === (b as arrow.Decimal).bitWidth && (a as arrow.Decimal).scale === (b as arrow.Decimal).scale;
    case arrow.Type.Date:
      return (a as arrow.Date_).unit === (b as arrow.Date_).unit;
    case arrow.Type.Time:
      return (a as arrow.Time).unit === (b as arrow.Time).unit && (a as arrow.Time).bitWidth === (b as arrow.Time).bitWidth;
    case arrow.Type.Timestamp:
      return (a as arrow.Timestamp).unit === (b as arrow.Timestamp).unit;
    case arrow.Type.List:
    case arrow.Type.Map:
    case arrow.Type.Struct:
      return a.children.length === b.children.length && a.children.every((c: arrow.Field, i: number) => sameLayout(c.type, b.children[i]!.type));
    default:
      return true;
  }
}

/** Re-labels `data` with `target` (recursively), converting only where layouts differ. */
export function conformData(data: arrow.Data, target: arrow.DataType): arrow.Data {
  const source = data.type as arrow.DataType;
  if (sameLayout(source, target)) {
    if (source.children?.length) {
      const children = data.children.map((c, i) => conformData(c, target.children[i]!.type));
      return data.clone(target, data.offset, data.length, data.nullCount, data.buffers, children);
    }
    return data.clone(target);
  }
  if (source.typeId === arrow.Type.Timestamp && target.typeId === arrow.Type.Timestamp) {
    const from = timestampUnitFactor((source as arrow.Timestamp).unit);
    const to = timestampUnitFactor((target as arrow.Timestamp).unit);
    const src = data.values as BigInt64Array;
    const out = new BigInt64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = to >= from ? src[i]! * (to / from) : floorDiv(src[i]!, from / to);
    return arrow.makeData({ type: target, length: data.length, nullCount: data.nullCount, nullBitmap: sliceBitmap(data), data: out } as never);
  }
  const values: Value[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = getValue(data, i);
  return buildData(target, values);
}

function sliceBitmap(data: arrow.Data): Uint8Array | null {
  if (data.nullCount === 0) return null;
  if (data.offset === 0) return data.nullBitmap ?? null;
  const out = new Uint8Array(((data.length + 63) & ~63) >> 3);
  for (let i = 0; i < data.length; i++) {
    const p = data.offset + i;
    if (data.nullBitmap![p >> 3]! & (1 << (p & 7))) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

// ---- casts between Paimon types (schema evolution) ---------------------------

/** A number (or bigint for exact integers) from any numeric value. */
function toNumeric(v: Value, from: DataType): number | bigint {
  if (from.kind === 'DECIMAL') return Number(formatDecimal(v as bigint, from.scale));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?\d+$/.test(t)) return BigInt(t);
    const n = Number(t);
    if (t === '' || Number.isNaN(n)) throw new Error(`${JSON.stringify(v)} is not a number`);
    return n;
  }
  return v as number | bigint;
}

function wrapInt(n: number | bigint, bits: number): number | bigint {
  const b = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
  const wrapped = BigInt.asIntN(bits, b);
  return bits === 64 ? wrapped : Number(wrapped);
}

function decimalFrom(n: number | bigint, scale: number): bigint {
  if (typeof n === 'bigint') return n * 10n ** BigInt(scale);
  const [int, frac = ''] = n.toFixed(scale).split('.');
  return BigInt(int! + frac);
}

// BinaryStringUtils.toBoolean: these spellings, any case; anything else is an error.
const TRUE_TEXT = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_TEXT = new Set(['f', 'false', 'n', 'no', '0']);

function textToBoolean(v: string): boolean {
  const t = v.trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  throw new Error(`${JSON.stringify(v)} is not a boolean`);
}

/** Casts one value, as Paimon's CastExecutors do for the common evolutions. */
export function castValue(v: Value, from: DataType, to: DataType): Value {
  if (v === null) return null;
  switch (to.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return scalarText(v, from);
    case 'BOOLEAN':
      return typeof v === 'string' ? textToBoolean(v) : Number(toNumeric(v, from)) !== 0;
    case 'TINYINT':
      return wrapInt(toNumeric(v, from), 8);
    case 'SMALLINT':
      return wrapInt(toNumeric(v, from), 16);
    case 'INT':
      return wrapInt(toNumeric(v, from), 32);
    case 'BIGINT':
      return wrapInt(toNumeric(v, from), 64);
    case 'FLOAT':
      return Math.fround(Number(toNumeric(v, from)));
    case 'DOUBLE':
      return Number(toNumeric(v, from));
    case 'DECIMAL': {
      if (from.kind === 'DECIMAL') {
        const d = to.scale - from.scale;
        return d >= 0 ? (v as bigint) * 10n ** BigInt(d) : (v as bigint) / 10n ** BigInt(-d);
      }
      return decimalFrom(toNumeric(v, from), to.scale);
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const units = timestampUnitsPerMilli(to.precision);
      if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') {
        const fu = timestampUnitsPerMilli(from.precision);
        return units >= fu ? (v as bigint) * (units / fu) : floorDiv(v as bigint, fu / units);
      }
      if (from.kind === 'DATE') return BigInt(v as number) * 86_400_000n * units;
      break;
    }
    case 'DATE':
      if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') {
        return Number(floorDiv(v as bigint, 86_400_000n * timestampUnitsPerMilli(from.precision)));
      }
      break;
    case 'BINARY':
    case 'VARBINARY':
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    default:
      if (from.kind === to.kind) return v;
  }
  throw new PaimonError('UNSUPPORTED', `cannot cast ${from.kind} to ${to.kind}`);
}

export function castData(data: arrow.Data, from: DataType, to: DataType, column: string): arrow.Data {
  const values: Value[] = new Array(data.length);
  try {
    for (let i = 0; i < data.length; i++) values[i] = castValue(getValue(data, i), from, to);
  } catch (e) {
    throw new PaimonError('UNSUPPORTED', `column ${column}: ${(e as Error).message}`, { cause: e });
  }
  return buildData(toArrowType(to), values);
}
