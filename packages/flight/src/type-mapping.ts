/**
 * Every Paimon type, the Arrow type it travels as (core's `toArrowType`, the
 * one mapping), the Arrow type the Spark face sends instead where Spark's
 * Arrow reader needs another (it takes only microsecond timestamps and has
 * no TIME type), and the Spark SQL and Trino types a column becomes — the
 * same ones Paimon's own Spark and Trino connectors give it.
 */
import * as arrow from 'apache-arrow';
import { toArrowType, type DataType } from '@paimon-ts/core';

/** Spark's Arrow reader (ArrowUtils.fromArrowType) accepts microsecond timestamps only; TIME becomes Spark's INT (millis of day), as in Paimon's Spark connector. */
export function sparkArrowType(type: DataType): arrow.DataType {
  switch (type.kind) {
    case 'TIME':
      return new arrow.Int32();
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, type.kind === 'TIMESTAMP_LTZ' ? 'UTC' : null);
    case 'ARRAY':
    case 'VECTOR':
      return new arrow.List(new arrow.Field('element', sparkArrowType(type.element), type.element.nullable));
    case 'MAP':
    case 'MULTISET': {
      const key = type.kind === 'MAP' ? type.key : type.element;
      const value: DataType = type.kind === 'MAP' ? type.value : { kind: 'INT', nullable: false };
      const entries = new arrow.Struct([new arrow.Field('key', sparkArrowType(key), false), new arrow.Field('value', sparkArrowType(value), value.nullable)]);
      return new arrow.Map_(new arrow.Field('entries', entries, false), false);
    }
    case 'ROW':
      return new arrow.Struct(type.fields.map((f) => new arrow.Field(f.name, sparkArrowType(f.type), f.type.nullable)));
    default:
      return toArrowType(type);
  }
}

/** True when the Spark face must convert a column of this type (else it is sent as read). */
export function needsSparkConversion(type: DataType): boolean {
  switch (type.kind) {
    case 'TIME':
      return true;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return type.precision <= 3 || type.precision > 6;
    case 'ARRAY':
    case 'VECTOR':
    case 'MULTISET':
      return needsSparkConversion(type.element);
    case 'MAP':
      return needsSparkConversion(type.key) || needsSparkConversion(type.value);
    case 'ROW':
      return type.fields.some((f) => needsSparkConversion(f.type));
    default:
      return false;
  }
}

function sparkSqlType(type: DataType): string {
  switch (type.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TINYINT':
      return 'TINYINT';
    case 'SMALLINT':
      return 'SMALLINT';
    case 'INT':
      return 'INT';
    case 'BIGINT':
      return 'BIGINT';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DECIMAL':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'CHAR':
    case 'VARCHAR':
      return 'STRING';
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return 'BINARY';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'INT (millis of day)';
    case 'TIMESTAMP':
      return 'TIMESTAMP_NTZ';
    case 'TIMESTAMP_LTZ':
      return 'TIMESTAMP';
    case 'ARRAY':
    case 'VECTOR':
      return `ARRAY<${sparkSqlType(type.element)}>`;
    case 'MULTISET':
      return `MAP<${sparkSqlType(type.element)}, INT>`;
    case 'MAP':
      return `MAP<${sparkSqlType(type.key)}, ${sparkSqlType(type.value)}>`;
    case 'ROW':
      return `STRUCT<${type.fields.map((f) => `${f.name}: ${sparkSqlType(f.type)}`).join(', ')}>`;
    case 'VARIANT':
      return 'STRUCT<value: BINARY, metadata: BINARY>';
  }
}

function trinoType(type: DataType): string {
  switch (type.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TINYINT':
      return 'TINYINT';
    case 'SMALLINT':
      return 'SMALLINT';
    case 'INT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'FLOAT':
      return 'REAL';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DECIMAL':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'CHAR':
      return `CHAR(${type.length})`;
    case 'VARCHAR':
      return type.length >= 2147483647 ? 'VARCHAR' : `VARCHAR(${type.length})`;
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return 'VARBINARY';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return `TIME(${type.precision})`;
    case 'TIMESTAMP':
      return `TIMESTAMP(${type.precision})`;
    case 'TIMESTAMP_LTZ':
      return `TIMESTAMP(${type.precision}) WITH TIME ZONE`;
    case 'ARRAY':
    case 'VECTOR':
      return `ARRAY(${trinoType(type.element)})`;
    case 'MULTISET':
      return `MAP(${trinoType(type.element)}, INTEGER)`;
    case 'MAP':
      return `MAP(${trinoType(type.key)}, ${trinoType(type.value)})`;
    case 'ROW':
      return `ROW(${type.fields.map((f) => `${f.name} ${trinoType(f.type)}`).join(', ')})`;
    case 'VARIANT':
      return 'ROW(value VARBINARY, metadata VARBINARY)';
  }
}

/** Short Arrow type names, as the Arrow format docs write them. */
export function arrowTypeName(t: arrow.DataType): string {
  if (arrow.DataType.isInt(t)) return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
  if (arrow.DataType.isFloat(t)) return ['float16', 'float32', 'float64'][t.precision]!;
  if (arrow.DataType.isBool(t)) return 'bool';
  if (arrow.DataType.isUtf8(t)) return 'utf8';
  if (arrow.DataType.isBinary(t)) return 'binary';
  if (arrow.DataType.isDecimal(t)) return `decimal${t.bitWidth}(${t.precision}, ${t.scale})`;
  if (arrow.DataType.isDate(t)) return t.unit === arrow.DateUnit.DAY ? 'date32[day]' : 'date64[ms]';
  const unit = (u: arrow.TimeUnit) => ['s', 'ms', 'us', 'ns'][u]!;
  if (arrow.DataType.isTime(t)) return `time${t.bitWidth}[${unit(t.unit)}]`;
  if (arrow.DataType.isTimestamp(t)) return `timestamp[${unit(t.unit)}${t.timezone ? `, tz=${t.timezone}` : ''}]`;
  if (arrow.DataType.isList(t)) return `list<${arrowTypeName(t.children[0]!.type)}>`;
  if (arrow.DataType.isMap(t)) {
    const [k, v] = t.children[0]!.type.children as arrow.Field[];
    return `map<${arrowTypeName(k!.type)}, ${arrowTypeName(v!.type)}>`;
  }
  if (arrow.DataType.isStruct(t)) return `struct<${t.children.map((f: arrow.Field) => `${f.name}: ${arrowTypeName(f.type)}`).join(', ')}>`;
  return String(t);
}

export interface TypeMappingRow {
  /** The Paimon type, as Paimon's type strings write it. */
  paimon: string;
  /** What core reads it as (and the Spark face sends with `sparkTypes: false`). */
  arrow: string;
  /** What the Spark face sends. */
  sparkArrow: string;
  spark: string;
  trino: string;
}

const n = (kind: string) => ({ nullable: true, kind }) as DataType;
const INT: DataType = { kind: 'INT', nullable: true };
const STRING: DataType = { kind: 'VARCHAR', length: 2147483647, nullable: true };

/** One representative of every Paimon type. */
const EXAMPLES: [string, DataType][] = [
  ['BOOLEAN', n('BOOLEAN')],
  ['TINYINT', n('TINYINT')],
  ['SMALLINT', n('SMALLINT')],
  ['INT', INT],
  ['BIGINT', n('BIGINT')],
  ['FLOAT', n('FLOAT')],
  ['DOUBLE', n('DOUBLE')],
  ['DECIMAL(10, 2)', { kind: 'DECIMAL', precision: 10, scale: 2, nullable: true }],
  ['CHAR(10)', { kind: 'CHAR', length: 10, nullable: true }],
  ['STRING (VARCHAR(n))', STRING],
  ['BINARY(16)', { kind: 'BINARY', length: 16, nullable: true }],
  ['BYTES (VARBINARY(n))', { kind: 'VARBINARY', length: 2147483647, nullable: true }],
  ['BLOB', n('BLOB')],
  ['DATE', n('DATE')],
  ['TIME(3)', { kind: 'TIME', precision: 3, nullable: true }],
  ['TIMESTAMP(0..3)', { kind: 'TIMESTAMP', precision: 3, nullable: true }],
  ['TIMESTAMP(4..6)', { kind: 'TIMESTAMP', precision: 6, nullable: true }],
  ['TIMESTAMP(7..9)', { kind: 'TIMESTAMP', precision: 9, nullable: true }],
  ['TIMESTAMP_LTZ(0..3)', { kind: 'TIMESTAMP_LTZ', precision: 3, nullable: true }],
  ['TIMESTAMP_LTZ(4..6)', { kind: 'TIMESTAMP_LTZ', precision: 6, nullable: true }],
  ['TIMESTAMP_LTZ(7..9)', { kind: 'TIMESTAMP_LTZ', precision: 9, nullable: true }],
  ['ARRAY<INT>', { kind: 'ARRAY', element: INT, nullable: true }],
  ['VECTOR<INT, 4>', { kind: 'VECTOR', element: INT, length: 4, nullable: true }],
  ['MAP<STRING, INT>', { kind: 'MAP', key: { ...STRING, nullable: false }, value: INT, nullable: true }],
  ['MULTISET<STRING>', { kind: 'MULTISET', element: { ...STRING, nullable: false }, nullable: true }],
  ['ROW<a INT, b STRING>', { kind: 'ROW', fields: [{ id: 0, name: 'a', type: INT }, { id: 1, name: 'b', type: STRING }], nullable: true }],
  ['VARIANT', n('VARIANT')],
];

/** The mapping of a concrete type (e.g. a column's). */
export function describeType(type: DataType, paimon: string): TypeMappingRow {
  return { paimon, arrow: arrowTypeName(toArrowType(type)), sparkArrow: arrowTypeName(sparkArrowType(type)), spark: sparkSqlType(type), trino: trinoType(type) };
}

export const TYPE_MAPPING: readonly TypeMappingRow[] = EXAMPLES.map(([paimon, type]) => describeType(type, paimon));

/** The table as Markdown, for the README. */
export function typeMappingMarkdown(): string {
  const rows = TYPE_MAPPING.map((r) => `| ${r.paimon} | ${r.arrow} | ${r.sparkArrow === r.arrow ? 'same' : r.sparkArrow} | ${r.spark} | ${r.trino} |`);
  return ['| Paimon | Arrow (core reader) | Arrow sent by the Spark face | Spark SQL | Trino |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
