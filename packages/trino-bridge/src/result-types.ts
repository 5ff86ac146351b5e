/**
 * The Arrow schema of a DuckDB result. DuckDB column types are mapped to the
 * Paimon type whose DuckDB form (`duckTypeSql`, the DuckDB package's one
 * mapping) they are, and core's Paimon -> Arrow mapping gives the Arrow type,
 * so a column of a Paimon table has the same Arrow type whether it comes
 * from a query or from GetTables. DuckDB types Paimon has no counterpart for
 * are cast by DuckDB first (unsigned and 128-bit integers to wider integers
 * or DECIMAL, fixed-size ARRAY to a list, everything else to VARCHAR).
 */
import * as arrow from 'apache-arrow';
import { DuckDBTypeId, type DuckDBType, type DuckDBDecimalType, type DuckDBListType, type DuckDBArrayType, type DuckDBMapType, type DuckDBStructType } from '@duckdb/node-api';
import { MAX_LENGTH, toArrowType, type DataField, type DataType } from '@paimon-ts/core';
import { duckType, duckTypeSql, quoteIdent } from '@paimon-ts/duckdb';

/** One output column: its Paimon type and whether DuckDB must cast it to `duckTypeSql(type)` first. */
export interface ResultColumn {
  name: string;
  type: DataType;
  /** The DuckDB type of the values sent (after the cast), as DuckDB prints it: Flight SQL `ARROW:FLIGHT:SQL:TYPE_NAME`. */
  duckType: string;
  cast: boolean;
}

const nullable = true;
const VARCHAR: DataType = { kind: 'VARCHAR', length: MAX_LENGTH, nullable };

/** The Paimon type a DuckDB type is read as, and whether it takes a cast to get there. */
export function paimonTypeOf(type: DuckDBType): { type: DataType; cast: boolean } {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { type: { kind: 'BOOLEAN', nullable }, cast: false };
    case DuckDBTypeId.TINYINT:
      return { type: { kind: 'TINYINT', nullable }, cast: false };
    case DuckDBTypeId.SMALLINT:
      return { type: { kind: 'SMALLINT', nullable }, cast: false };
    case DuckDBTypeId.INTEGER:
      return { type: { kind: 'INT', nullable }, cast: false };
    case DuckDBTypeId.BIGINT:
      return { type: { kind: 'BIGINT', nullable }, cast: false };
    case DuckDBTypeId.FLOAT:
      return { type: { kind: 'FLOAT', nullable }, cast: false };
    case DuckDBTypeId.DOUBLE:
      return { type: { kind: 'DOUBLE', nullable }, cast: false };
    case DuckDBTypeId.UTINYINT:
      return { type: { kind: 'SMALLINT', nullable }, cast: true };
    case DuckDBTypeId.USMALLINT:
      return { type: { kind: 'INT', nullable }, cast: true };
    case DuckDBTypeId.UINTEGER:
      return { type: { kind: 'BIGINT', nullable }, cast: true };
    case DuckDBTypeId.UBIGINT:
      return { type: { kind: 'DECIMAL', precision: 20, scale: 0, nullable }, cast: true };
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { type: { kind: 'DECIMAL', precision: 38, scale: 0, nullable }, cast: true };
    case DuckDBTypeId.DECIMAL: {
      const d = type as DuckDBDecimalType;
      return { type: { kind: 'DECIMAL', precision: d.width, scale: d.scale, nullable }, cast: false };
    }
    case DuckDBTypeId.VARCHAR:
      return { type: VARCHAR, cast: false };
    case DuckDBTypeId.BLOB:
      return { type: { kind: 'VARBINARY', length: MAX_LENGTH, nullable }, cast: false };
    case DuckDBTypeId.DATE:
      return { type: { kind: 'DATE', nullable }, cast: false };
    case DuckDBTypeId.TIME:
      // Paimon (and core's Arrow form) keeps TIME in milliseconds.
      return { type: { kind: 'TIME', precision: 3, nullable }, cast: false };
    case DuckDBTypeId.TIMESTAMP_S:
      return { type: { kind: 'TIMESTAMP', precision: 0, nullable }, cast: false };
    case DuckDBTypeId.TIMESTAMP_MS:
      return { type: { kind: 'TIMESTAMP', precision: 3, nullable }, cast: false };
    case DuckDBTypeId.TIMESTAMP:
      return { type: { kind: 'TIMESTAMP', precision: 6, nullable }, cast: false };
    case DuckDBTypeId.TIMESTAMP_NS:
      return { type: { kind: 'TIMESTAMP', precision: 9, nullable }, cast: false };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { type: { kind: 'TIMESTAMP_LTZ', precision: 6, nullable }, cast: false };
    case DuckDBTypeId.LIST: {
      const element = paimonTypeOf((type as DuckDBListType).valueType);
      return { type: { kind: 'ARRAY', element: element.type, nullable }, cast: element.cast };
    }
    case DuckDBTypeId.ARRAY: {
      const element = paimonTypeOf((type as DuckDBArrayType).valueType);
      return { type: { kind: 'ARRAY', element: element.type, nullable }, cast: true };
    }
    case DuckDBTypeId.MAP: {
      const m = type as DuckDBMapType;
      const key = paimonTypeOf(m.keyType);
      const value = paimonTypeOf(m.valueType);
      return { type: { kind: 'MAP', key: { ...key.type, nullable: false }, value: value.type, nullable }, cast: key.cast || value.cast };
    }
    case DuckDBTypeId.STRUCT: {
      const s = type as DuckDBStructType;
      const children = s.entryTypes.map(paimonTypeOf);
      const fields: DataField[] = s.entryNames.map((name, i) => ({ id: i, name, type: children[i]!.type }));
      return { type: { kind: 'ROW', fields, nullable }, cast: children.some((c) => c.cast) };
    }
    default:
      // INTERVAL, UUID, ENUM, BIT, TIME WITH TIME ZONE, UNION, BIGNUM, NULL ...: their text.
      return { type: VARCHAR, cast: true };
  }
}

export function resultColumns(names: readonly string[], types: readonly DuckDBType[]): ResultColumn[] {
  return names.map((name, i) => {
    const t = types[i]!;
    const { type, cast } = paimonTypeOf(t);
    return { name, type, duckType: cast ? duckTypeSql(type) : t.toString(), cast };
  });
}

/**
 * The query whose rows are exactly `columns`' Paimon types in DuckDB form:
 * the query itself, or a projection casting the columns that need it
 * (by position, so duplicate or odd names survive).
 */
export function castQuery(sql: string, columns: readonly ResultColumn[]): string {
  if (!columns.some((c) => c.cast)) return sql;
  const select = columns.map((c, i) => (c.cast ? `CAST(#${i + 1} AS ${duckTypeSql(c.type)}) AS ${quoteIdent(c.name)}` : `#${i + 1} AS ${quoteIdent(c.name)}`));
  return `SELECT ${select.join(', ')} FROM (${sql}) AS __flight_sql_result`;
}

export const TYPE_NAME_METADATA = 'ARROW:FLIGHT:SQL:TYPE_NAME';

/** The Arrow schema of a result; every column nullable (DuckDB does not know), typed by core's mapping. */
export function resultSchema(columns: readonly ResultColumn[]): arrow.Schema {
  return new arrow.Schema(columns.map((c) => new arrow.Field(c.name, toArrowType(c.type), true, new Map([[TYPE_NAME_METADATA, c.duckType]]))));
}

/**
 * The Arrow type a column of Paimon type `type` has in Flight SQL answers:
 * core's Arrow type of what DuckDB holds it as. Differs from core's own
 * Arrow type where DuckDB keeps less: TIMESTAMP(0..3) and TIMESTAMP_LTZ(p)
 * arrive in microseconds, MULTISET as MAP<T, INT>, VECTOR as ARRAY.
 */
export function flightSqlArrowType(type: DataType): arrow.DataType {
  return toArrowType(paimonTypeOf(duckType(type)).type);
}
