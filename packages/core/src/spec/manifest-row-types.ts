/**
 * The Paimon row types of manifest records, for manifest formats that carry
 * types (ORC, Parquet): the same fields as the Avro schemas, `_VERSION`
 * first with field id -1, the rest numbered from 0 within each record.
 */
import type { DataField, DataType } from '../types/data-type.js';
import { parseTypeString } from '../types/type-json.js';
import type { Value } from '../types/values.js';

type Spec = [name: string, type: string | Spec[] | { array: string | Spec[] }];

function fields(specs: Spec[], withVersion = false): DataField[] {
  const out: DataField[] = specs.map(([name, t], id) => ({ id, name, type: typeOf(t) }));
  return withVersion ? [{ id: -1, name: '_VERSION', type: parseTypeString('INT NOT NULL') }, ...out] : out;
}

function typeOf(t: Spec[1]): DataType {
  if (typeof t === 'string') return parseTypeString(t);
  if (Array.isArray(t)) return { kind: 'ROW', fields: fields(t), nullable: false };
  return { kind: 'ARRAY', element: typeOf(t.array), nullable: true };
}

const STATS: Spec[] = [
  ['_MIN_VALUES', 'BYTES NOT NULL'],
  ['_MAX_VALUES', 'BYTES NOT NULL'],
  ['_NULL_COUNTS', { array: 'BIGINT' }],
];

export const MANIFEST_ENTRY_FIELDS = fields(
  [
    ['_KIND', 'TINYINT NOT NULL'],
    ['_PARTITION', 'BYTES NOT NULL'],
    ['_BUCKET', 'INT NOT NULL'],
    ['_TOTAL_BUCKETS', 'INT NOT NULL'],
    [
      '_FILE',
      [
        ['_FILE_NAME', 'STRING NOT NULL'],
        ['_FILE_SIZE', 'BIGINT NOT NULL'],
        ['_ROW_COUNT', 'BIGINT NOT NULL'],
        ['_MIN_KEY', 'BYTES NOT NULL'],
        ['_MAX_KEY', 'BYTES NOT NULL'],
        ['_KEY_STATS', STATS],
        ['_VALUE_STATS', STATS],
        ['_MIN_SEQUENCE_NUMBER', 'BIGINT NOT NULL'],
        ['_MAX_SEQUENCE_NUMBER', 'BIGINT NOT NULL'],
        ['_SCHEMA_ID', 'BIGINT NOT NULL'],
        ['_LEVEL', 'INT NOT NULL'],
        ['_EXTRA_FILES', { array: 'STRING NOT NULL' }],
        ['_CREATION_TIME', 'TIMESTAMP(3)'],
        ['_DELETE_ROW_COUNT', 'BIGINT'],
        ['_EMBEDDED_FILE_INDEX', 'BYTES'],
        ['_FILE_SOURCE', 'TINYINT'],
        ['_VALUE_STATS_COLS', { array: 'STRING NOT NULL' }],
        ['_EXTERNAL_PATH', 'STRING'],
        ['_FIRST_ROW_ID', 'BIGINT'],
        ['_WRITE_COLS', { array: 'STRING NOT NULL' }],
      ],
    ],
  ],
  true,
);

export const MANIFEST_FILE_META_FIELDS = fields(
  [
    ['_FILE_NAME', 'STRING NOT NULL'],
    ['_FILE_SIZE', 'BIGINT NOT NULL'],
    ['_NUM_ADDED_FILES', 'BIGINT NOT NULL'],
    ['_NUM_DELETED_FILES', 'BIGINT NOT NULL'],
    ['_PARTITION_STATS', STATS],
    ['_SCHEMA_ID', 'BIGINT NOT NULL'],
    ['_MIN_BUCKET', 'INT'],
    ['_MAX_BUCKET', 'INT'],
    ['_MIN_LEVEL', 'INT'],
    ['_MAX_LEVEL', 'INT'],
    ['_MIN_ROW_ID', 'BIGINT'],
    ['_MAX_ROW_ID', 'BIGINT'],
  ],
  true,
);

/** An Avro-shaped manifest record (see *ToAvro) as row values of `fieldList`. */
export function recordToValues(record: Record<string, unknown>, fieldList: readonly DataField[]): Value[] {
  return fieldList.map((f) => toValue(record[f.name], f.type));
}

function toValue(v: unknown, type: DataType): Value {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'ROW':
      return recordToValues(v as Record<string, unknown>, type.fields);
    case 'ARRAY':
      return (v as unknown[]).map((x) => toValue(x, type.element));
    case 'BIGINT':
    case 'TIMESTAMP':
      return BigInt(v as number | bigint);
    case 'VARBINARY':
      return new Uint8Array(v as Uint8Array);
    default:
      return typeof v === 'bigint' ? Number(v) : (v as Value);
  }
}
