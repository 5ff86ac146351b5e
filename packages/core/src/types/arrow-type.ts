/**
 * The one mapping from Paimon types to Apache Arrow types. Readers normalize
 * every file format to these Arrow types; writers start from them.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import type { DataField, DataType, RowType } from './data-type.js';

/** Arrow field metadata key carrying the Paimon field id (Parquet writers turn it into field_id). */
export const FIELD_ID_METADATA = 'PARQUET:field_id';

export function toArrowType(type: DataType): arrow.DataType {
  switch (type.kind) {
    case 'BOOLEAN':
      return new arrow.Bool();
    case 'TINYINT':
      return new arrow.Int8();
    case 'SMALLINT':
      return new arrow.Int16();
    case 'INT':
      return new arrow.Int32();
    case 'BIGINT':
      return new arrow.Int64();
    case 'FLOAT':
      return new arrow.Float32();
    case 'DOUBLE':
      return new arrow.Float64();
    case 'DECIMAL':
      return new arrow.Decimal(type.scale, type.precision, 128);
    case 'CHAR':
    case 'VARCHAR':
      return new arrow.Utf8();
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return new arrow.Binary();
    case 'DATE':
      return new arrow.DateDay();
    case 'TIME':
      return new arrow.TimeMillisecond();
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const tz = type.kind === 'TIMESTAMP_LTZ' ? 'UTC' : null;
      if (type.precision <= 3) return new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, tz);
      if (type.precision <= 6) return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, tz);
      return new arrow.Timestamp(arrow.TimeUnit.NANOSECOND, tz);
    }
    case 'ARRAY':
    case 'VECTOR':
      return new arrow.List(new arrow.Field('element', toArrowType(type.element), type.element.nullable));
    case 'MULTISET':
      return mapType(type.element, { kind: 'INT', nullable: false });
    case 'MAP':
      return mapType(type.key, type.value);
    case 'ROW':
      return new arrow.Struct(type.fields.map(toArrowField));
    case 'VARIANT':
      return new arrow.Struct([
        new arrow.Field('value', new arrow.Binary(), false),
        new arrow.Field('metadata', new arrow.Binary(), false),
      ]);
    default:
      throw new PaimonError('UNSUPPORTED', `no Arrow type for ${(type as DataType).kind}`);
  }
}

function mapType(key: DataType, value: DataType): arrow.Map_ {
  const entries = new arrow.Struct([
    new arrow.Field('key', toArrowType(key), false),
    new arrow.Field('value', toArrowType(value), value.nullable),
  ]);
  return new arrow.Map_(new arrow.Field('entries', entries, false), false);
}

export function toArrowField(field: DataField): arrow.Field {
  const metadata = new Map([[FIELD_ID_METADATA, String(field.id)]]);
  return new arrow.Field(field.name, toArrowType(field.type), field.type.nullable, metadata);
}

export function toArrowSchema(row: RowType | DataField[]): arrow.Schema {
  const fields = Array.isArray(row) ? row : row.fields;
  return new arrow.Schema(fields.map(toArrowField));
}
