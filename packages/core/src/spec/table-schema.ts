/** Schema files `schema/schema-<id>` (spec 2): JSON, version 3 in Paimon 0.9+. */
import { PaimonError } from '../errors.js';
import { type DataField, type DataType, KEY_FIELD_PREFIX, rowType, type RowType, withNullable } from '../types/data-type.js';
import { fieldToJson, parseFieldJson } from '../types/type-json.js';

export const CURRENT_SCHEMA_VERSION = 3;

export interface TableSchema {
  version: number;
  id: number;
  fields: DataField[];
  highestFieldId: number;
  partitionKeys: string[];
  primaryKeys: string[];
  options: Record<string, string>;
  comment?: string;
  timeMillis: number;
}

export function parseTableSchema(text: string, where: string): TableSchema {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new PaimonError('CORRUPT_FILE', `schema file ${where} is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json['fields'])) {
    throw new PaimonError('CORRUPT_FILE', `schema file ${where} has no fields`);
  }
  const version = typeof json['version'] === 'number' ? json['version'] : 1;
  const options = { ...((json['options'] as Record<string, string>) ?? {}) };
  // Compatibility defaults of old schema versions (SchemaSerializer).
  if (version <= 1 && options['bucket'] === undefined) options['bucket'] = '1';
  if (version <= 2 && options['file.format'] === undefined) options['file.format'] = 'orc';
  const schema: TableSchema = {
    version,
    id: Number(json['id']),
    fields: (json['fields'] as unknown[]).map((f) => {
      try {
        return parseFieldJson(f);
      } catch (e) {
        if (e instanceof PaimonError) throw new PaimonError(e.code, `schema file ${where}: ${e.message}`, { cause: e });
        throw e;
      }
    }),
    highestFieldId: Number(json['highestFieldId'] ?? -1),
    partitionKeys: (json['partitionKeys'] as string[]) ?? [],
    primaryKeys: (json['primaryKeys'] as string[]) ?? [],
    options,
    timeMillis: Number(json['timeMillis'] ?? 0),
  };
  if (typeof json['comment'] === 'string') schema.comment = json['comment'];
  return schema;
}

/** Pretty JSON in Paimon's field order (Jackson's default printer: `"key" : value`). */
export function serializeTableSchema(schema: TableSchema): string {
  const out: Record<string, unknown> = {
    version: schema.version,
    id: schema.id,
    fields: schema.fields.map(fieldToJson),
    highestFieldId: schema.highestFieldId,
    partitionKeys: schema.partitionKeys,
    primaryKeys: schema.primaryKeys,
    options: schema.options,
  };
  if (schema.comment !== undefined) out['comment'] = schema.comment;
  out['timeMillis'] = schema.timeMillis;
  return toJacksonJson(out);
}

/** Jackson's DefaultPrettyPrinter layout, so files diff cleanly against Paimon's own. */
export function toJacksonJson(value: unknown, indent = ''): string {
  const inner = indent + '  ';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => toJacksonJson(v, indent)).join(', ')} ]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${toJacksonJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function schemaRowType(schema: TableSchema): RowType {
  return rowType(schema.fields);
}

export function fieldsByName(schema: TableSchema, names: readonly string[], where: string): DataField[] {
  return names.map((n) => {
    const f = schema.fields.find((x) => x.name === n);
    if (!f) throw new PaimonError('INVALID_ARGUMENT', `${where}: column ${n} is not in schema ${schema.id}`);
    return f;
  });
}

/** Primary key minus partition keys: what `_KEY_*` columns and the default bucket key hold. */
export function trimmedPrimaryKeys(schema: TableSchema): string[] {
  const pk = schema.primaryKeys;
  const trimmed = pk.filter((k) => !schema.partitionKeys.includes(k));
  if (pk.length > 0 && trimmed.length === 0) {
    throw new PaimonError('INVALID_ARGUMENT', `primary key (${pk.join(', ')}) must not consist of partition keys only`);
  }
  return trimmed;
}

export function bucketKeys(schema: TableSchema): string[] {
  const explicit = schema.options['bucket-key'];
  if (explicit && explicit.trim() !== '') return explicit.split(',').map((s) => s.trim());
  return trimmedPrimaryKeys(schema);
}

/** Key columns as stored in a primary-key data file: `_KEY_<name>`, NOT NULL. */
export function keyFields(schema: TableSchema): DataField[] {
  return fieldsByName(schema, trimmedPrimaryKeys(schema), `table schema ${schema.id}`).map((f) => ({
    ...f,
    name: KEY_FIELD_PREFIX + f.name,
    type: withNullable(f.type, false) as DataType,
  }));
}
