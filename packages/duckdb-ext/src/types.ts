/**
 * The one mapping between Paimon types and DuckDB types, and value
 * conversion both ways. Every path (DuckDB's Parquet reader, rows from
 * core, writes) produces or consumes exactly these DuckDB types:
 *
 * | Paimon                         | DuckDB                                 |
 * |--------------------------------|----------------------------------------|
 * | BOOLEAN, TINYINT .. DOUBLE     | same (INT = INTEGER)                   |
 * | DECIMAL(p, s)                  | DECIMAL(p, s)                          |
 * | CHAR, VARCHAR, STRING          | VARCHAR                                |
 * | BINARY, VARBINARY, BYTES, BLOB | BLOB                                   |
 * | DATE, TIME(p)                  | DATE, TIME                             |
 * | TIMESTAMP(0..6)                | TIMESTAMP (microseconds)               |
 * | TIMESTAMP(7..9)                | TIMESTAMP_NS                           |
 * | TIMESTAMP_LTZ(p)               | TIMESTAMPTZ (microseconds; nanos cut)  |
 * | ARRAY<T>, VECTOR<T>            | T[]                                    |
 * | MAP<K, V>                      | MAP(K, V)                              |
 * | MULTISET<T>                    | MAP(T, INTEGER)                        |
 * | ROW<...>                       | STRUCT(...)                            |
 * | VARIANT                        | STRUCT(value BLOB, metadata BLOB)      |
 */
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  FLOAT,
  INTEGER,
  LIST,
  MAP,
  SMALLINT,
  STRUCT,
  TIME,
  TIMESTAMP,
  TIMESTAMP_NS,
  TIMESTAMPTZ,
  TINYINT,
  VARCHAR,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { PaimonError, type DataType, type Value } from '@paimon-ts/core';
import { quoteIdent } from './sql.js';

const VARIANT_FIELDS = ['value', 'metadata'];

/** The DuckDB type of a Paimon type, as SQL text (for CASTs). */
export function duckTypeSql(type: DataType): string {
  switch (type.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      return type.kind;
    case 'INT':
      return 'INTEGER';
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'CHAR':
    case 'VARCHAR':
      return 'VARCHAR';
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return 'BLOB';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP':
      return type.precision <= 6 ? 'TIMESTAMP' : 'TIMESTAMP_NS';
    case 'TIMESTAMP_LTZ':
      return 'TIMESTAMPTZ';
    case 'ARRAY':
    case 'VECTOR':
      return `${duckTypeSql(type.element)}[]`;
    case 'MAP':
      return `MAP(${duckTypeSql(type.key)}, ${duckTypeSql(type.value)})`;
    case 'MULTISET':
      return `MAP(${duckTypeSql(type.element)}, INTEGER)`;
    case 'ROW':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckTypeSql(f.type)}`).join(', ')})`;
    case 'VARIANT':
      return 'STRUCT("value" BLOB, "metadata" BLOB)';
  }
}

/** The same mapping as DuckDB type objects (table function result columns). */
export function duckType(type: DataType): DuckDBType {
  switch (type.kind) {
    case 'BOOLEAN':
      return BOOLEAN;
    case 'TINYINT':
      return TINYINT;
    case 'SMALLINT':
      return SMALLINT;
    case 'INT':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'FLOAT':
      return FLOAT;
    case 'DOUBLE':
      return DOUBLE;
    case 'DATE':
      return DATE;
    case 'DECIMAL':
      return DECIMAL(type.precision, type.scale);
    case 'CHAR':
    case 'VARCHAR':
      return VARCHAR;
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return BLOB;
    case 'TIME':
      return TIME;
    case 'TIMESTAMP':
      return type.precision <= 6 ? TIMESTAMP : TIMESTAMP_NS;
    case 'TIMESTAMP_LTZ':
      return TIMESTAMPTZ;
    case 'ARRAY':
    case 'VECTOR':
      return LIST(duckType(type.element));
    case 'MAP':
      return MAP(duckType(type.key), duckType(type.value));
    case 'MULTISET':
      return MAP(duckType(type.element), INTEGER);
    case 'ROW':
      return STRUCT(Object.fromEntries(type.fields.map((f) => [f.name, duckType(f.type)])));
    case 'VARIANT':
      return STRUCT({ value: BLOB, metadata: BLOB });
  }
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

/** Micros of a Paimon timestamp value (millis, micros or nanos by precision). */
function timestampMicros(v: bigint, precision: number): bigint {
  if (precision <= 3) return v * 1000n;
  if (precision <= 6) return v;
  return floorDiv(v, 1000n);
}

/** A core value (Arrow physical, see core's types/values.ts) as the DuckDB value of `duckType(type)`. */
export function toDuckValue(v: Value, type: DataType): DuckDBValue {
  if (v === null) return null;
  switch (type.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'CHAR':
    case 'VARCHAR':
      return v as number | boolean | string;
    case 'BIGINT':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'DECIMAL':
      return new DuckDBDecimalValue(v as bigint, type.precision, type.scale);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return new DuckDBBlobValue(v as Uint8Array);
    case 'DATE':
      return new DuckDBDateValue(v as number);
    case 'TIME':
      return new DuckDBTimeValue(BigInt(v as number) * 1000n);
    case 'TIMESTAMP':
      if (type.precision > 6) return new DuckDBTimestampNanosecondsValue(v as bigint);
      return new DuckDBTimestampValue(timestampMicros(v as bigint, type.precision));
    case 'TIMESTAMP_LTZ':
      return new DuckDBTimestampTZValue(timestampMicros(v as bigint, type.precision));
    case 'ARRAY':
    case 'VECTOR':
      return new DuckDBListValue((v as Value[]).map((x) => toDuckValue(x, type.element)));
    case 'MAP':
      return new DuckDBMapValue((v as [Value, Value][]).map(([k, x]) => ({ key: toDuckValue(k, type.key), value: toDuckValue(x, type.value) })));
    case 'MULTISET':
      return new DuckDBMapValue((v as [Value, Value][]).map(([k, n]) => ({ key: toDuckValue(k, type.element), value: n as number })));
    case 'ROW': {
      const values = v as Value[];
      return new DuckDBStructValue(Object.fromEntries(type.fields.map((f, i) => [f.name, toDuckValue(values[i] ?? null, f.type)])));
    }
    case 'VARIANT': {
      const values = v as Value[];
      return new DuckDBStructValue(Object.fromEntries(VARIANT_FIELDS.map((n, i) => [n, values[i] ? new DuckDBBlobValue(values[i] as Uint8Array) : null])));
    }
  }
}

function wrongValue(v: unknown, type: DataType): PaimonError {
  const shown = typeof v === 'bigint' ? `${v}` : String(v);
  return new PaimonError('INVALID_ARGUMENT', `DuckDB value ${shown.slice(0, 60)} does not fit Paimon type ${type.kind}`);
}

/**
 * A DuckDB value of `duckType(type)` as a core value. Also accepts the
 * neighbouring DuckDB representations (a TIMESTAMP for TIMESTAMP_NS, numbers
 * for bigints, ...), so results of queries that were not cast exactly still convert.
 */
export function fromDuckValue(v: DuckDBValue, type: DataType): Value {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      break;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      break;
    case 'FLOAT':
      if (typeof v === 'number') return Math.fround(v);
      break;
    case 'DOUBLE':
      if (typeof v === 'number') return v;
      break;
    case 'BIGINT':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return BigInt(v);
      break;
    case 'DECIMAL':
      if (v instanceof DuckDBDecimalValue) {
        if (v.scale === type.scale) return v.value;
        const d = type.scale - v.scale;
        return d > 0 ? v.value * 10n ** BigInt(d) : v.value / 10n ** BigInt(-d);
      }
      break;
    case 'CHAR':
    case 'VARCHAR':
      if (typeof v === 'string') return v;
      break;
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      if (v instanceof DuckDBBlobValue) return v.bytes;
      if (v instanceof Uint8Array) return v;
      break;
    case 'DATE':
      if (v instanceof DuckDBDateValue) return v.days;
      break;
    case 'TIME':
      if (v instanceof DuckDBTimeValue) return Number(floorDiv(v.micros, 1000n));
      break;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      let nanos: bigint | null = null;
      if (v instanceof DuckDBTimestampNanosecondsValue) nanos = v.nanos;
      else if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) nanos = v.micros * 1000n;
      else if (typeof v === 'object' && v !== null && 'micros' in v && typeof (v as { micros: unknown }).micros === 'bigint') nanos = (v as { micros: bigint }).micros * 1000n;
      else if (typeof v === 'object' && v !== null && 'millis' in v) nanos = (v as { millis: bigint }).millis * 1_000_000n;
      else if (typeof v === 'object' && v !== null && 'seconds' in v) nanos = (v as { seconds: bigint }).seconds * 1_000_000_000n;
      if (nanos === null) break;
      if (type.precision <= 3) return floorDiv(nanos, 1_000_000n);
      if (type.precision <= 6) return floorDiv(nanos, 1000n);
      return nanos;
    }
    case 'ARRAY':
    case 'VECTOR':
      if (v instanceof DuckDBListValue) return v.items.map((x) => fromDuckValue(x, type.element));
      if (typeof v === 'object' && v !== null && 'items' in v) return (v as { items: DuckDBValue[] }).items.map((x) => fromDuckValue(x, type.element));
      break;
    case 'MAP':
      if (v instanceof DuckDBMapValue) return v.entries.map((e) => [fromDuckValue(e.key, type.key), fromDuckValue(e.value, type.value)] as [Value, Value]);
      break;
    case 'MULTISET':
      if (v instanceof DuckDBMapValue) return v.entries.map((e) => [fromDuckValue(e.key, type.element), Number(e.value)] as [Value, Value]);
      break;
    case 'ROW':
      if (v instanceof DuckDBStructValue) {
        const entries = v.entries;
        const names = Object.keys(entries);
        // By name; a struct from a query may differ only in letter case.
        return type.fields.map((f, i) => {
          const key = f.name in entries ? f.name : names.find((n) => n.toLowerCase() === f.name.toLowerCase()) ?? names[i];
          return key === undefined ? null : fromDuckValue(entries[key] ?? null, f.type);
        });
      }
      break;
    case 'VARIANT':
      if (v instanceof DuckDBStructValue) return VARIANT_FIELDS.map((n) => fromDuckValue(v.entries[n] ?? null, { kind: 'BLOB', nullable: true }));
      break;
  }
  throw wrongValue(v, type);
}
