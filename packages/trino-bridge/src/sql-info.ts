/**
 * `CommandGetSqlInfo`: what this server says about itself, as the Flight SQL
 * specification lays the answer out: one row per info id, `info_name uint32`
 * and `value`, a dense union of string / bool / int64 / int32 bitmask /
 * string list / map<int32, list<int32>> (type ids 0..5 in that order).
 */
import * as arrow from 'apache-arrow';
import { buildData, type Value } from '@paimon-ts/core';
import { SQL_INFO } from './flight-sql-messages.js';

export type SqlInfoValue =
  | { string: string }
  | { bool: boolean }
  | { bigint: bigint }
  | { int32: number }
  | { strings: string[] }
  | { int32Map: [number, number[]][] };

const MAP_ENTRIES = new arrow.Struct<{ key: arrow.Int32; value: arrow.List<arrow.Int32> }>([
  new arrow.Field('key', new arrow.Int32(), false),
  new arrow.Field('value', new arrow.List(new arrow.Field('item', new arrow.Int32(), true)), true),
]);

const MEMBERS = [
  new arrow.Field('string_value', new arrow.Utf8(), true),
  new arrow.Field('bool_value', new arrow.Bool(), true),
  new arrow.Field('bigint_value', new arrow.Int64(), true),
  new arrow.Field('int32_bitmask', new arrow.Int32(), true),
  new arrow.Field('string_list', new arrow.List(new arrow.Field('item', new arrow.Utf8(), true)), true),
  new arrow.Field('int32_to_int32_list_map', new arrow.Map_(new arrow.Field('entries', MAP_ENTRIES, false), false), true),
];
const VALUE_TYPE = new arrow.DenseUnion([0, 1, 2, 3, 4, 5], MEMBERS);

export const SQL_INFO_SCHEMA = new arrow.Schema([new arrow.Field('info_name', new arrow.Uint32(), false), new arrow.Field('value', VALUE_TYPE, false)]);

function member(v: SqlInfoValue): [number, Value] {
  if ('string' in v) return [0, v.string];
  if ('bool' in v) return [1, v.bool];
  if ('bigint' in v) return [2, v.bigint];
  if ('int32' in v) return [3, v.int32];
  if ('strings' in v) return [4, v.strings];
  return [5, v.int32Map];
}

/** One row per requested id this server knows (all of them when none is requested), in the order asked. */
export function sqlInfoBatch(values: ReadonlyMap<number, SqlInfoValue>, requested: readonly number[]): arrow.RecordBatch {
  const ids = requested.length > 0 ? requested.filter((id) => values.has(id)) : [...values.keys()].sort((a, b) => a - b);
  const typeIds = new Int8Array(ids.length);
  const offsets = new Int32Array(ids.length);
  const perMember: Value[][] = MEMBERS.map(() => []);
  ids.forEach((id, row) => {
    const [typeId, value] = member(values.get(id)!);
    typeIds[row] = typeId;
    offsets[row] = perMember[typeId]!.length;
    perMember[typeId]!.push(value);
  });
  const union = arrow.makeData({
    type: VALUE_TYPE,
    length: ids.length,
    nullCount: 0,
    typeIds,
    valueOffsets: offsets,
    children: MEMBERS.map((f, i) => buildData(f.type, perMember[i]!)),
  });
  const names = buildData(new arrow.Uint32(), ids);
  return new arrow.RecordBatch(SQL_INFO_SCHEMA, arrow.makeData({ type: new arrow.Struct(SQL_INFO_SCHEMA.fields), length: ids.length, nullCount: 0, children: [names, union] }));
}

/** SQL_SUPPORTS_CONVERT ids (the spec's SqlSupportsConvert enum). */
const CONVERT = { BIGINT: 0, BINARY: 1, CHAR: 3, DATE: 4, DECIMAL: 5, FLOAT: 6, INTEGER: 7, NUMERIC: 12, REAL: 13, SMALLINT: 14, TIME: 15, TIMESTAMP: 16, TINYINT: 17, VARBINARY: 18, VARCHAR: 19 };

export interface ServerFacts {
  name: string;
  version: string;
  arrowVersion: string;
  /** DuckDB's keywords (`duckdb_keywords()`). */
  keywords: string[];
  /** Idle time after which a prepared statement is dropped, in milliseconds. */
  preparedStatementTimeoutMs: number;
}

/** Every info id this server answers, with its value. */
export function sqlInfoValues(facts: ServerFacts): Map<number, SqlInfoValue> {
  const numeric = [CONVERT.BIGINT, CONVERT.INTEGER, CONVERT.SMALLINT, CONVERT.TINYINT, CONVERT.DECIMAL, CONVERT.NUMERIC, CONVERT.FLOAT, CONVERT.REAL];
  const text = [CONVERT.CHAR, CONVERT.VARCHAR];
  // DuckDB casts every numeric type to every other and to text, and text to anything with a text form.
  const convert: [number, number[]][] = [
    ...numeric.map((from): [number, number[]] => [from, [...numeric, ...text]]),
    ...text.map((from): [number, number[]] => [from, [...numeric, ...text, CONVERT.DATE, CONVERT.TIME, CONVERT.TIMESTAMP, CONVERT.VARBINARY]]),
    [CONVERT.DATE, [CONVERT.DATE, CONVERT.TIMESTAMP, ...text]],
    [CONVERT.TIMESTAMP, [CONVERT.DATE, CONVERT.TIME, CONVERT.TIMESTAMP, ...text]],
    [CONVERT.TIME, [CONVERT.TIME, ...text]],
  ];
  const entries: [string, SqlInfoValue][] = [
    ['FLIGHT_SQL_SERVER_NAME', { string: facts.name }],
    ['FLIGHT_SQL_SERVER_VERSION', { string: facts.version }],
    ['FLIGHT_SQL_SERVER_ARROW_VERSION', { string: facts.arrowVersion }],
    // Statements only read: there is no update command, so the service is read-only whatever the server mode.
    ['FLIGHT_SQL_SERVER_READ_ONLY', { bool: true }],
    ['FLIGHT_SQL_SERVER_SQL', { bool: true }],
    ['FLIGHT_SQL_SERVER_SUBSTRAIT', { bool: false }],
    ['FLIGHT_SQL_SERVER_TRANSACTION', { int32: 0 }], // SQL_SUPPORTED_TRANSACTION_NONE
    ['FLIGHT_SQL_SERVER_CANCEL', { bool: false }],
    ['FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT', { int32: facts.preparedStatementTimeoutMs }],
    ['SQL_DDL_CATALOG', { bool: false }],
    ['SQL_DDL_SCHEMA', { bool: false }],
    ['SQL_DDL_TABLE', { bool: false }],
    ['SQL_IDENTIFIER_CASE', { int32: 1 }], // case-insensitive, as DuckDB resolves names
    ['SQL_IDENTIFIER_QUOTE_CHAR', { string: '"' }],
    ['SQL_QUOTED_IDENTIFIER_CASE', { int32: 1 }],
    ['SQL_ALL_TABLES_ARE_SELECTABLE', { bool: true }],
    ['SQL_NULL_ORDERING', { int32: 3 }], // SQL_NULLS_SORTED_AT_END: DuckDB's default NULLS LAST
    ['SQL_KEYWORDS', { strings: facts.keywords }],
    ['SQL_SEARCH_STRING_ESCAPE', { string: '\\' }],
    ['SQL_SUPPORTS_COLUMN_ALIASING', { bool: true }],
    ['SQL_NULL_PLUS_NULL_IS_NULL', { bool: true }],
    ['SQL_SUPPORTS_CONVERT', { int32Map: convert }],
    ['SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY', { bool: true }],
    ['SQL_SUPPORTED_GROUP_BY', { int32: 0b11 }], // SQL_GROUP_BY_UNRELATED | SQL_GROUP_BY_BEYOND_SELECT
    ['SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE', { bool: true }],
    ['SQL_SUPPORTS_NON_NULLABLE_COLUMNS', { bool: true }],
    ['SQL_OUTER_JOINS_SUPPORT_LEVEL', { int32: 2 }], // SQL_FULL_OUTER_JOINS
    ['SQL_SCHEMA_TERM', { string: 'database' }],
    ['SQL_CATALOG_TERM', { string: 'catalog' }],
    ['SQL_CATALOG_AT_START', { bool: true }],
    ['SQL_SUPPORTED_SUBQUERIES', { int32: 0b1111 }], // comparisons, EXISTS, IN, quantified
    ['SQL_CORRELATED_SUBQUERIES_SUPPORTED', { bool: true }],
    ['SQL_SUPPORTED_UNIONS', { int32: 0b11 }], // UNION, UNION ALL
    ['SQL_TRANSACTIONS_SUPPORTED', { bool: false }],
  ];
  return new Map(entries.map(([name, value]) => [SQL_INFO[name]!, value]));
}
