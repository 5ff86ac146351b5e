/**
 * Paimon types as Hive type strings, the way Paimon's Hive catalog writes
 * them into metastore columns (paimon-hive-common `HiveTypeUtils.toTypeInfo`
 * then Hive's `TypeInfo.getTypeName()`; spec section 10). The one place for
 * this mapping.
 */
import { type DataType, PaimonError } from '@paimon-ts/core';

/** Hive's `HiveChar.MAX_CHAR_LENGTH` and `HiveVarchar.MAX_VARCHAR_LENGTH`: longer strings become `string`. */
export const HIVE_MAX_CHAR_LENGTH = 255;
export const HIVE_MAX_VARCHAR_LENGTH = 65535;

export interface HiveTypeOptions {
  /**
   * Hive's type for TIMESTAMP_LTZ. Paimon uses Hive 3's `timestamp with local
   * time zone` when the Hive jars it runs with have it (Hive 3 and later) and
   * `timestamp` with Hive 2 jars. Default: the Hive 3 type.
   */
  timestampLtz?: 'timestamp with local time zone' | 'timestamp';
}

export function toHiveType(type: DataType, options: HiveTypeOptions = {}): string {
  const inner = (t: DataType): string => toHiveType(t, options);
  switch (type.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
      return 'tinyint';
    case 'SMALLINT':
      return 'smallint';
    case 'INT':
      return 'int';
    case 'BIGINT':
      return 'bigint';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'DECIMAL':
      return `decimal(${type.precision},${type.scale})`;
    case 'CHAR':
      return type.length > HIVE_MAX_CHAR_LENGTH ? 'string' : `char(${type.length})`;
    case 'VARCHAR':
      return type.length > HIVE_MAX_VARCHAR_LENGTH ? 'string' : `varchar(${type.length})`;
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return 'binary';
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'string';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'TIMESTAMP_LTZ':
      return options.timestampLtz ?? 'timestamp with local time zone';
    case 'ARRAY':
    case 'VECTOR':
      return `array<${inner(type.element)}>`;
    case 'MULTISET':
      return `map<${inner(type.element)},int>`;
    case 'MAP':
      return `map<${inner(type.key)},${inner(type.value)}>`;
    case 'ROW':
      return `struct<${type.fields.map((f) => `${f.name}:${inner(f.type)}`).join(',')}>`;
    case 'VARIANT':
      // Paimon's Variant.VALUE and Variant.METADATA, both binary.
      return 'struct<value:binary,metadata:binary>';
    default:
      throw new PaimonError('UNKNOWN_TYPE', `type ${(type as DataType).kind} has no Hive equivalent`);
  }
}
