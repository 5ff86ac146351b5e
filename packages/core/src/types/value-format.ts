/**
 * Text renderings of values (see values.ts for the JS value of each type):
 * SQL-style for people and JSON, and Paimon's legacy `toString()` forms used
 * in partition directory names.
 */
import type { DataType } from './data-type.js';
import { timestampUnitsPerMilli, type Value } from './values.js';

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` for days since 1970-01-01 (proleptic Gregorian, like java.time). */
export function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
  return `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** `HH:MM:SS[.fff]` for millis of day. */
export function formatTime(millis: number, precision = 3): string {
  const s = Math.floor(millis / 1000);
  const base = `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  const frac = millis % 1000;
  return precision > 0 && frac !== 0 ? `${base}.${pad(frac, 3)}` : base;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.fraction]` for a timestamp value of the given
 * precision; the fraction keeps the digits the precision allows, trailing
 * zeros dropped (as Paimon's and Flink's CAST to STRING does).
 */
export function formatTimestamp(value: bigint, precision: number, separator = ' '): string {
  const units = timestampUnitsPerMilli(precision);
  const perSecond = units * 1000n;
  let seconds = value / perSecond;
  let frac = value % perSecond;
  if (frac < 0n) {
    frac += perSecond;
    seconds -= 1n;
  }
  const days = Number(seconds >= 0n ? seconds / 86400n : (seconds - 86399n) / 86400n);
  const secOfDay = Number(seconds - BigInt(days) * 86400n);
  const time = `${pad(Math.floor(secOfDay / 3600), 2)}:${pad(Math.floor(secOfDay / 60) % 60, 2)}:${pad(secOfDay % 60, 2)}`;
  const digits = units === 1n ? 3 : units === 1000n ? 6 : 9;
  let fraction = frac === 0n ? '' : pad(frac, digits).replace(/0+$/, '');
  if (fraction.length > precision) fraction = fraction.slice(0, precision);
  return `${formatDate(days)}${separator}${time}${fraction ? '.' + fraction : ''}`;
}

/** Plain decimal text with exactly `scale` fraction digits (`11` at scale 2 is `11.00`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return (negative ? '-' : '') + text;
}

/** Java's `LocalDateTime.toString()`: ISO with 'T', seconds and fraction only when non-zero. */
function javaLocalDateTime(value: bigint, precision: number): string {
  const text = formatTimestamp(value, Math.max(precision, 9 > precision ? precision : 9), 'T');
  const [date, rest] = text.split('T') as [string, string];
  const [hms, fraction] = rest.split('.') as [string, string | undefined];
  let time = hms.endsWith(':00') && !fraction ? hms.slice(0, 5) : hms;
  if (fraction) {
    const width = fraction.length <= 3 ? 3 : fraction.length <= 6 ? 6 : 9;
    time += '.' + fraction.padEnd(width, '0');
  }
  return `${date}T${time}`;
}

/** The text of a scalar value as a CAST to STRING gives it (schema evolution to STRING, partition names). */
export function scalarText(value: Value, type: DataType): string {
  switch (type.kind) {
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number, type.precision);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(value as bigint, type.precision);
    case 'DECIMAL':
      return formatDecimal(value as bigint, type.scale);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return Buffer.from(value as Uint8Array).toString('utf8');
    default:
      return String(value);
  }
}

/**
 * A partition value as a directory name component, before escaping
 * (`InternalRowPartitionComputer`). Legacy naming (the default) uses the
 * Java `toString()` of Paimon's internal value, so DATE is days since epoch.
 */
export function partitionValueToString(value: Value, type: DataType, legacyName: boolean): string {
  if (value === null) return '';
  switch (type.kind) {
    case 'DATE':
      return legacyName ? String(value) : formatDate(value as number);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return legacyName ? javaLocalDateTime(value as bigint, type.precision) : formatTimestamp(value as bigint, type.precision);
    case 'FLOAT':
    case 'DOUBLE': {
      const n = value as number;
      return Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
    default:
      return scalarText(value, type);
  }
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The JSON form of a value (the CLI's jsonl and the expected-rows fixtures):
 * numbers as numbers (BIGINT as a string only beyond 2^53), DECIMAL as a
 * string with exactly the column's scale, DATE `YYYY-MM-DD`, TIMESTAMP
 * `YYYY-MM-DD HH:MM:SS[.fraction]`, bytes base64, ROW an object, ARRAY an
 * array, MAP an object (an array of [key, value] for non-string keys).
 */
export function toJsonValue(value: Value, type: DataType): JsonValue {
  if (value === null) return null;
  switch (type.kind) {
    case 'BIGINT': {
      const n = value as bigint;
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = value as number;
      return Number.isFinite(n) ? n : String(n);
    }
    case 'DECIMAL':
      return formatDecimal(value as bigint, type.scale);
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number, type.precision);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(value as bigint, type.precision);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'ARRAY':
    case 'VECTOR':
      return (value as Value[]).map((v) => toJsonValue(v, type.element));
    case 'MULTISET':
    case 'MAP': {
      const keyType = type.kind === 'MAP' ? type.key : type.element;
      const valueType: DataType = type.kind === 'MAP' ? type.value : { kind: 'INT', nullable: false };
      const entries = value as [Value, Value][];
      if (keyType.kind === 'VARCHAR' || keyType.kind === 'CHAR') {
        const obj: { [key: string]: JsonValue } = {};
        for (const [k, v] of entries) obj[String(k)] = toJsonValue(v, valueType);
        return obj;
      }
      return entries.map(([k, v]) => [toJsonValue(k, keyType), toJsonValue(v, valueType)]);
    }
    case 'ROW': {
      const obj: { [key: string]: JsonValue } = {};
      type.fields.forEach((f, i) => {
        obj[f.name] = toJsonValue((value as Value[])[i] ?? null, f.type);
      });
      return obj;
    }
    case 'VARIANT':
      return (value as Value[]).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : null));
    default:
      return value as JsonValue;
  }
}
