/**
 * Paimon's logical data types (paimon-api `types/*Type.java`), as plain data.
 * STRING is VARCHAR(MAX_LENGTH) and BYTES is VARBINARY(MAX_LENGTH), as in Paimon.
 */
export const MAX_LENGTH = 2147483647;

export type SimpleKind =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DATE'
  | 'VARIANT'
  | 'BLOB';

export type DataType =
  | { kind: SimpleKind; nullable: boolean }
  | { kind: 'DECIMAL'; precision: number; scale: number; nullable: boolean }
  | { kind: 'CHAR' | 'VARCHAR' | 'BINARY' | 'VARBINARY'; length: number; nullable: boolean }
  | { kind: 'TIME' | 'TIMESTAMP' | 'TIMESTAMP_LTZ'; precision: number; nullable: boolean }
  | { kind: 'ARRAY' | 'MULTISET'; element: DataType; nullable: boolean }
  | { kind: 'MAP'; key: DataType; value: DataType; nullable: boolean }
  | { kind: 'ROW'; fields: DataField[]; nullable: boolean }
  | { kind: 'VECTOR'; element: DataType; length: number; nullable: boolean };

export type TypeKind = DataType['kind'];
export type RowType = Extract<DataType, { kind: 'ROW' }>;
export type DecimalType = Extract<DataType, { kind: 'DECIMAL' }>;

export interface DataField {
  id: number;
  name: string;
  type: DataType;
  description?: string;
  defaultValue?: string;
}

/** Field ids at or above this are Paimon system fields (`_KEY_*` = id + this, `_SEQUENCE_NUMBER`, ...). */
export const SYSTEM_FIELD_ID_START = 1073741823;
export const KEY_FIELD_ID_OFFSET = 1073741823;
export const SEQUENCE_NUMBER_FIELD_ID = 2147483646;
export const VALUE_KIND_FIELD_ID = 2147483645;
export const KEY_FIELD_PREFIX = '_KEY_';
export const SEQUENCE_NUMBER = '_SEQUENCE_NUMBER';
export const VALUE_KIND = '_VALUE_KIND';

export function rowType(fields: DataField[], nullable = true): RowType {
  return { kind: 'ROW', fields, nullable };
}

export function withNullable<T extends DataType>(type: T, nullable: boolean): T {
  return type.nullable === nullable ? type : { ...type, nullable };
}

/** Compact decimals (precision <= 18) fit an int64 in BinaryRow and Parquet. */
export function isCompactDecimal(type: DecimalType): boolean {
  return type.precision <= 18;
}

export function isStringType(type: DataType): boolean {
  return type.kind === 'CHAR' || type.kind === 'VARCHAR';
}

export function isBinaryType(type: DataType): boolean {
  return type.kind === 'BINARY' || type.kind === 'VARBINARY' || type.kind === 'BLOB';
}

export function isNestedType(type: DataType): boolean {
  switch (type.kind) {
    case 'ARRAY':
    case 'MULTISET':
    case 'MAP':
    case 'ROW':
    case 'VECTOR':
    case 'VARIANT':
      return true;
    default:
      return false;
  }
}

export function fieldByName(row: RowType, name: string): DataField | undefined {
  return row.fields.find((f) => f.name === name);
}

/** Structural equality ignoring field descriptions. */
export function sameType(a: DataType, b: DataType): boolean {
  return typeToString(a) === typeToString(b);
}

/** The SQL-ish rendering Paimon uses in schema JSON (`DECIMAL(10, 2) NOT NULL`, ...). */
export function typeToString(type: DataType): string {
  const nn = type.nullable ? '' : ' NOT NULL';
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})${nn}`;
    case 'VARCHAR':
      return (type.length === MAX_LENGTH ? 'STRING' : `VARCHAR(${type.length})`) + nn;
    case 'VARBINARY':
      return (type.length === MAX_LENGTH ? 'BYTES' : `VARBINARY(${type.length})`) + nn;
    case 'CHAR':
    case 'BINARY':
      return `${type.kind}(${type.length})${nn}`;
    case 'TIME':
    case 'TIMESTAMP':
      return `${type.kind}(${type.precision})${nn}`;
    case 'TIMESTAMP_LTZ':
      return `TIMESTAMP(${type.precision}) WITH LOCAL TIME ZONE${nn}`;
    case 'ARRAY':
    case 'MULTISET':
      return `${type.kind}<${typeToString(type.element)}>${nn}`;
    case 'VECTOR':
      return `VECTOR<${typeToString(type.element)}, ${type.length}>${nn}`;
    case 'MAP':
      return `MAP<${typeToString(type.key)}, ${typeToString(type.value)}>${nn}`;
    case 'ROW':
      return `ROW<${type.fields.map((f) => `\`${f.name}\` ${typeToString(f.type)}`).join(', ')}>${nn}`;
    default:
      return type.kind + nn;
  }
}
