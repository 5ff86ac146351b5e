/**
 * Builds the first schema of a new table (`schema-0`) from a user's column
 * list, the way Paimon's `Schema.Builder` + `TableSchema.create` +
 * `SchemaValidation` do it, so the file matches what Paimon itself writes.
 *
 * Field ids (paimon-api `schema/Schema.java` `Builder.column`,
 * `types/ReassignFieldId.java`, `types/RowType.java` `Builder.field`): one
 * counter for the whole table. A top-level column takes the next id first,
 * then the ROW fields nested in its type are numbered, so nested ids come
 * right after their top-level parent, before the next column. Inside a ROW,
 * `RowType.Builder.field(name, type.accept(visitor))` evaluates the type
 * argument before it increments the counter, so a nested field whose own type
 * holds ROW fields is numbered after those inner fields:
 * `a INT, b ROW<x ROW<p INT>, y INT>, c INT` gives a=0, b=1, p=2, x=3, y=4, c=5.
 */
import { PaimonError } from '../errors.js';
import { CURRENT_SCHEMA_VERSION, type TableSchema } from '../spec/table-schema.js';
import {
  type DataField,
  type DataType,
  KEY_FIELD_PREFIX,
  SEQUENCE_NUMBER,
  VALUE_KIND,
  withNullable,
} from '../types/data-type.js';
import { parseTypeString } from '../types/type-json.js';
import { partialUpdateConfig } from '../merge/merge-function.js';
import { javaHashMapOrder } from './java-hash-map.js';
import { CoreOptions, FIELD_OPTIONS, FIELDS_PREFIX, OPTIONS, parseFieldOptionKey, SCHEMA_OPTION_KEYS, validateOptions } from './options.js';

export interface FieldSpec {
  name: string;
  /** A DataType, or a Paimon type string such as `DECIMAL(10, 2) NOT NULL` or `ROW<a INT, b STRING>`. */
  type: DataType | string;
  description?: string;
}

export interface SchemaSpec {
  fields: FieldSpec[];
  primaryKeys?: string[];
  partitionKeys?: string[];
  options?: Record<string, string>;
  comment?: string;
}

export interface BuildSchemaOptions {
  /** Creation time written as `timeMillis`; default now. */
  timeMillis?: number;
  /** Names the table in error messages. */
  where?: string;
}

/** Column names Paimon reserves (`SpecialFields.SYSTEM_FIELD_NAMES`), plus the `_KEY_` prefix. */
const SYSTEM_FIELD_NAMES = new Set([SEQUENCE_NUMBER, VALUE_KIND, '_LEVEL', 'rowkind', '_ROW_ID']);

/** Types Paimon refuses in primary, partition and bucket keys (`PRIMARY_KEY_UNSUPPORTED_LOGICAL_TYPES`). */
const KEY_UNSUPPORTED_KINDS = new Set(['ARRAY', 'MULTISET', 'MAP', 'ROW']);

export { javaHashMapOrder };

function schemaError(where: string, message: string): PaimonError {
  return new PaimonError('INVALID_SCHEMA', `${where}: ${message}`);
}

function optionError(where: string, message: string): PaimonError {
  return new PaimonError('INVALID_OPTION', `${where}: ${message}`);
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

export function splitNames(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A field's type, parsing a type string; UNKNOWN_TYPE errors name the column. */
export function resolveType(field: FieldSpec, where: string): DataType {
  if (typeof field.type !== 'string') return field.type;
  try {
    return parseTypeString(field.type);
  } catch (e) {
    if (e instanceof PaimonError) throw new PaimonError(e.code, `${where}: column ${field.name}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Renumbers the ROW fields inside `type` from `counter`, in ReassignFieldId's order (see the file comment). */
export function reassignFieldIds(type: DataType, counter: { value: number }): DataType {
  switch (type.kind) {
    case 'ARRAY':
    case 'MULTISET':
      return { ...type, element: reassignFieldIds(type.element, counter) };
    case 'MAP': {
      const key = reassignFieldIds(type.key, counter);
      return { ...type, key, value: reassignFieldIds(type.value, counter) };
    }
    case 'ROW':
      return {
        ...type,
        fields: type.fields.map((f) => {
          const inner = reassignFieldIds(f.type, counter);
          const field: DataField = { id: ++counter.value, name: f.name, type: inner };
          if (f.description !== undefined) field.description = f.description;
          return field;
        }),
      };
    default:
      return type; // VECTOR and atomic types: the visitor leaves them as they are
  }
}

export function checkNestedNames(type: DataType, path: string, where: string): void {
  switch (type.kind) {
    case 'ARRAY':
    case 'MULTISET':
      return checkNestedNames(type.element, `${path}[]`, where);
    case 'MAP':
      checkNestedNames(type.key, `${path}.key`, where);
      return checkNestedNames(type.value, `${path}.value`, where);
    case 'ROW': {
      const dup = duplicates(type.fields.map((f) => f.name));
      if (dup.length) throw schemaError(where, `ROW column ${path} has duplicate field names: ${dup.join(', ')}`);
      for (const f of type.fields) {
        if (f.name.trim() === '') throw schemaError(where, `ROW column ${path} has a field with an empty name`);
        checkNestedNames(f.type, `${path}.${f.name}`, where);
      }
      return;
    }
    default:
      return;
  }
}

/** Top-level column names: not empty, not one of Paimon's system names. */
export function checkColumnName(name: unknown, where: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw schemaError(where, `column names must not be empty, got ${JSON.stringify(name)}`);
  if (SYSTEM_FIELD_NAMES.has(name)) throw schemaError(where, `column name ${name} is reserved by Paimon (${[...SYSTEM_FIELD_NAMES].join(', ')})`);
  if (name.startsWith(KEY_FIELD_PREFIX)) throw schemaError(where, `column name ${name} must not start with ${KEY_FIELD_PREFIX}`);
}

/** Partition and primary keys name existing columns of key-able types (Schema.normalizeFields, TableSchema.trimmedPrimaryKeys). */
function checkKeyColumns(fields: readonly DataField[], partitionKeys: string[], primaryKeys: string[], where: string): void {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const checkKeys = (keys: string[], what: string) => {
    const dup = duplicates(keys);
    if (dup.length) throw schemaError(where, `${what} (${keys.join(', ')}) names a column twice: ${dup.join(', ')}`);
    for (const k of keys) {
      const f = byName.get(k);
      if (!f) throw schemaError(where, `${what} column ${k} is not a column of the table (columns: ${fields.map((x) => x.name).join(', ')})`);
      if (KEY_UNSUPPORTED_KINDS.has(f.type.kind)) throw schemaError(where, `${what} column ${k} has type ${f.type.kind}, which Paimon does not support in keys`);
    }
  };
  checkKeys(partitionKeys, 'partition key');
  checkKeys(primaryKeys, 'primary key');
  if (primaryKeys.length > 0 && primaryKeys.every((k) => partitionKeys.includes(k))) {
    throw schemaError(
      where,
      `primary key (${primaryKeys.join(', ')}) must not consist of partition keys (${partitionKeys.join(', ')}) only: each partition would hold one row`,
    );
  }
}

/**
 * The checks of Paimon's TableSchema and SchemaValidation on a complete
 * schema (a new table's, or one a schema change produced): column names,
 * keys, option values, and the rules tying options to columns.
 */
export function validateTableSchema(schema: TableSchema, where: string): void {
  if (schema.fields.length === 0) throw schemaError(where, 'a table needs at least one column');
  for (const f of schema.fields) checkColumnName(f.name, where);
  const dupColumns = duplicates(schema.fields.map((f) => f.name));
  if (dupColumns.length) throw schemaError(where, `duplicate column names: ${dupColumns.join(', ')}`);
  checkKeyColumns(schema.fields, schema.partitionKeys, schema.primaryKeys, where);
  validateOptions(schema.options, where);
  validateSchemaOptions(schema, where);
}

/**
 * Builds schema 0 of a new table: ids assigned as Paimon assigns them,
 * primary-key columns made NOT NULL, `primary-key` / `partition` option keys
 * moved into the key lists, and the checks of Paimon's Schema, TableSchema
 * and SchemaValidation that need no I/O. Errors are INVALID_SCHEMA (columns
 * and keys), INVALID_OPTION (option values and option/column mismatches) or
 * UNKNOWN_TYPE (a type string that does not parse), each naming the column
 * or option.
 */
export function buildTableSchema(spec: SchemaSpec, opts: BuildSchemaOptions = {}): TableSchema {
  const where = opts.where ?? 'new table';
  const inputOptions = { ...(spec.options ?? {}) };
  const optionKeys = javaHashMapOrder(Object.keys(inputOptions));

  // Schema.normalizePrimaryKeys / normalizePartitionKeys: option keys become key lists.
  let primaryKeys = [...(spec.primaryKeys ?? [])];
  let partitionKeys = [...(spec.partitionKeys ?? [])];
  const pkOption = inputOptions[SCHEMA_OPTION_KEYS.primaryKey];
  if (pkOption !== undefined) {
    if (primaryKeys.length) throw schemaError(where, `primary key given both as (${primaryKeys.join(', ')}) and as option primary-key=${pkOption}`);
    primaryKeys = splitNames(pkOption);
  }
  const partOption = inputOptions[SCHEMA_OPTION_KEYS.partition];
  if (partOption !== undefined) {
    if (partitionKeys.length) throw schemaError(where, `partition keys given both as (${partitionKeys.join(', ')}) and as option partition=${partOption}`);
    partitionKeys = splitNames(partOption);
  }
  const options: Record<string, string> = {};
  for (const k of optionKeys) {
    if (k !== SCHEMA_OPTION_KEYS.primaryKey && k !== SCHEMA_OPTION_KEYS.partition) options[k] = inputOptions[k]!;
  }

  // Columns.
  if (!Array.isArray(spec.fields) || spec.fields.length === 0) throw schemaError(where, 'a table needs at least one column');
  const names = spec.fields.map((f) => f.name);
  for (const n of names) checkColumnName(n, where);
  const dupColumns = duplicates(names);
  if (dupColumns.length) throw schemaError(where, `duplicate column names: ${dupColumns.join(', ')}`);

  const counter = { value: -1 };
  let fields: DataField[] = spec.fields.map((f) => {
    const type = resolveType(f, where);
    checkNestedNames(type, f.name, where);
    const id = ++counter.value;
    const field: DataField = { id, name: f.name, type: reassignFieldIds(type, counter) };
    if (f.description !== undefined && f.description !== null) field.description = f.description;
    return field;
  });
  const highestFieldId = counter.value;

  checkKeyColumns(fields, partitionKeys, primaryKeys, where);
  // Paimon rewrites the type of every primary-key column to NOT NULL (Schema.normalizeFields).
  fields = fields.map((f) => (primaryKeys.includes(f.name) ? { ...f, type: withNullable(f.type, false) } : f));

  validateOptions(options, where);

  const schema: TableSchema = {
    version: CURRENT_SCHEMA_VERSION,
    id: 0,
    fields,
    highestFieldId,
    partitionKeys,
    primaryKeys,
    options,
    timeMillis: opts.timeMillis ?? Date.now(),
  };
  if (spec.comment !== undefined && spec.comment !== null) schema.comment = spec.comment;
  validateSchemaOptions(schema, where);
  return schema;
}

/** SchemaValidation's rules that tie options to columns and table kind. */
function validateSchemaOptions(schema: TableSchema, where: string): void {
  const options = new CoreOptions(schema.options);
  const names = schema.fields.map((f) => f.name);
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const isPk = schema.primaryKeys.length > 0;
  const crossPartition = isPk && schema.partitionKeys.some((p) => !schema.primaryKeys.includes(p));

  // Bucket mode (SchemaValidation.validateBucket, TableSchema.originalBucketKeys).
  const bucket = options.bucket;
  const bucketKeyText = schema.options[OPTIONS.bucketKey.key];
  const bucketKeys = bucketKeyText !== undefined && bucketKeyText.trim() !== '' ? bucketKeyText.split(',').map((s) => s.trim()) : [];
  for (const k of bucketKeys) {
    const f = byName.get(k);
    if (!f) throw optionError(where, `option bucket-key=${bucketKeyText} names ${JSON.stringify(k)}, which is not a column (columns: ${names.join(', ')})`);
    if (schema.partitionKeys.includes(k)) throw optionError(where, `option bucket-key=${bucketKeyText}: bucket key ${k} must not be a partition key`);
    if (isPk && !schema.primaryKeys.includes(k)) {
      throw optionError(where, `option bucket-key=${bucketKeyText}: bucket key ${k} is not part of the primary key (${schema.primaryKeys.join(', ')})`);
    }
  }
  if (bucket === -1) {
    if (bucketKeyText !== undefined) {
      throw optionError(where, `option bucket-key=${bucketKeyText} needs a fixed bucket count: with bucket=-1 (dynamic or unaware bucket) remove bucket-key or set bucket > 0`);
    }
    if (!isPk && schema.options[OPTIONS.fullCompactionDeltaCommits.key] !== undefined) {
      throw optionError(where, `option full-compaction.delta-commits is not supported on an append table with bucket=-1`);
    }
  } else if (bucket === -2 && !isPk) {
    throw optionError(where, `option bucket=-2 (postpone bucket) needs a primary key; append tables take -1 or a bucket count > 0`);
  } else if (bucket > 0) {
    if (!isPk && bucketKeys.length === 0) {
      throw optionError(where, `option bucket=${bucket} on an append table needs option bucket-key (the columns to hash rows by)`);
    }
    for (const k of bucketKeys) {
      const f = byName.get(k)!;
      if (KEY_UNSUPPORTED_KINDS.has(f.type.kind)) throw optionError(where, `option bucket-key=${bucketKeyText}: column ${k} has nested type ${f.type.kind}, which cannot be a bucket key`);
    }
  }

  // fields.<f>.* keys must name columns (SchemaValidation.validateFieldsPrefix).
  for (const key of Object.keys(schema.options)) {
    if (!key.startsWith(FIELDS_PREFIX)) continue;
    const segment = key.slice(FIELDS_PREFIX.length).split('.')[0]!;
    if (key.slice(FIELDS_PREFIX.length) === segment) continue; // `fields.x` without a suffix: not a field option
    for (const f of segment.split(',')) {
      if (f !== 'default-aggregate-function' && !byName.has(f)) {
        throw optionError(where, `option ${key} names column ${JSON.stringify(f)}, which is not in the table (columns: ${names.join(', ')})`);
      }
    }
  }

  // Sequence groups (partial-update): each value column in at most one group.
  const groupOf = new Map<string, string>();
  for (const [key, value] of Object.entries(schema.options)) {
    const parsed = parseFieldOptionKey(key);
    if (!parsed || parsed.suffix !== FIELD_OPTIONS.sequenceGroup.suffix) continue;
    for (const f of value.split(',').map((s) => s.trim())) {
      if (!byName.has(f)) throw optionError(where, `option ${key}=${value} names column ${JSON.stringify(f)}, which is not in the table`);
      const other = groupOf.get(f);
      if (other !== undefined && other !== key) throw optionError(where, `column ${f} is in two sequence groups: ${other} and ${key}`);
      groupOf.set(f, key);
    }
  }

  // The merge function's own rules (SchemaValidation.validateMergeFunction).
  if (isPk && options.mergeEngine === 'partial-update') partialUpdateConfig(options, names, schema.primaryKeys, where);

  // sequence.field (SchemaValidation.validateSequenceField).
  const seq = options.sequenceFields;
  const seqText = schema.options[OPTIONS.sequenceField.key];
  for (const f of seq) {
    if (!byName.has(f)) throw optionError(where, `option sequence.field=${seqText} names ${JSON.stringify(f)}, which is not a column (columns: ${names.join(', ')})`);
    if (schema.options[`${FIELDS_PREFIX}${f}.${FIELD_OPTIONS.aggregateFunction.suffix}`] !== undefined) {
      throw optionError(where, `sequence field ${f} must not have an aggregate function`);
    }
  }
  const seqDup = duplicates(seq);
  if (seqDup.length) throw optionError(where, `option sequence.field=${seqText} names ${seqDup.join(', ')} twice`);
  if (seq.length > 0) {
    if (options.mergeEngine === 'first-row') throw optionError(where, `option sequence.field cannot be used with merge-engine=first-row`);
    if (crossPartition) {
      throw optionError(
        where,
        `option sequence.field cannot be used when the primary key (${schema.primaryKeys.join(', ')}) does not include all partition keys (${schema.partitionKeys.join(', ')})`,
      );
    }
  }

  // Table-kind rules.
  const producer = options.changelogProducer;
  if (!isPk && producer !== 'none') {
    throw optionError(where, `option changelog-producer=${producer} needs a primary key; append tables take changelog-producer=none`);
  }
  const streamingOverwrite = schema.options[OPTIONS.streamingReadOverwrite.key]?.toLowerCase() === 'true';
  if (streamingOverwrite && !isPk) throw optionError(where, `option streaming-read-overwrite=true needs a primary key`);
  if (streamingOverwrite && (producer === 'full-compaction' || producer === 'lookup')) {
    throw optionError(where, `option streaming-read-overwrite=true cannot be combined with changelog-producer=${producer}`);
  }
  if (options.mergeEngine === 'first-row' && producer !== 'none' && producer !== 'lookup') {
    throw optionError(where, `merge-engine=first-row supports changelog-producer none or lookup, not ${producer}`);
  }
  if (options.deletionVectorsEnabled) {
    if (producer === 'full-compaction') throw optionError(where, `deletion-vectors.enabled=true supports changelog-producer none, input or lookup, not ${producer}`);
    if (options.mergeEngine === 'first-row') throw optionError(where, `deletion-vectors.enabled=true is not needed (and not allowed) with merge-engine=first-row`);
  }
  if (schema.options[OPTIONS.partitionExpirationTime.key] !== undefined && schema.partitionKeys.length === 0) {
    throw optionError(where, `option partition.expiration-time needs a partitioned table`);
  }
  const rowkind = schema.options[OPTIONS.rowkindField.key];
  if (rowkind !== undefined && !byName.has(rowkind)) throw optionError(where, `option rowkind.field=${rowkind} is not a column`);
  const timeField = schema.options[OPTIONS.recordLevelTimeField.key];
  if (timeField !== undefined) {
    const f = byName.get(timeField);
    if (!f) throw optionError(where, `option record-level.time-field=${timeField} is not a column`);
    if (!['INT', 'BIGINT', 'TIMESTAMP', 'TIMESTAMP_LTZ'].includes(f.type.kind)) {
      throw optionError(where, `option record-level.time-field=${timeField}: the column must be INT, BIGINT or TIMESTAMP, not ${f.type.kind}`);
    }
  }
  const upsertKey = schema.options[OPTIONS.upsertKey.key];
  if (upsertKey !== undefined && splitNames(upsertKey).length > 0 && isPk) {
    throw optionError(where, `option upsert-key=${upsertKey} cannot be combined with a primary key`);
  }
}

// ---- column list text: `id BIGINT, name STRING COMMENT 'who', addr ROW<city STRING>` ----

/** Splits on commas outside <...>, (...), '...' and `...`. */
function splitTopLevel(text: string): { text: string; pos: number }[] {
  const parts: { text: string; pos: number }[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) {
        if (text[i + 1] === quote) i++; // doubled quote inside a quoted string
        else quote = null;
      }
    } else if (c === "'" || c === '`') quote = c;
    else if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push({ text: text.slice(start, i), pos: start });
      start = i + 1;
    }
  }
  if (quote) throw new PaimonError('INVALID_SCHEMA', `column list has an unclosed ${quote}`);
  if (depth !== 0) throw new PaimonError('INVALID_SCHEMA', `column list has unbalanced < > or ( )`);
  parts.push({ text: text.slice(start), pos: start });
  return parts;
}

/**
 * Parses a column list such as
 * `id BIGINT NOT NULL, tags MAP<STRING, INT>, addr ROW<city STRING, zip INT>, price DECIMAL(10, 2) COMMENT 'in EUR'`:
 * comma-separated `name TYPE [COMMENT 'text']`, names optionally in backticks,
 * TYPE any Paimon type string.
 */
export function parseColumnList(text: string): FieldSpec[] {
  if (text.trim() === '') throw new PaimonError('INVALID_SCHEMA', 'column list is empty');
  return splitTopLevel(text).map(({ text: part, pos }) => {
    const item = part.trim();
    if (item === '') throw new PaimonError('INVALID_SCHEMA', `column list has an empty column definition at character ${pos}`);
    let name: string;
    let rest: string;
    if (item.startsWith('`')) {
      const m = /^`((?:[^`]|``)*)`/.exec(item)!;
      name = m[1]!.replace(/``/g, '`');
      rest = item.slice(m[0].length);
    } else {
      const m = /^(\S+)/.exec(item)!;
      name = m[1]!;
      rest = item.slice(m[0].length);
    }
    rest = rest.trim();
    if (rest === '') throw new PaimonError('INVALID_SCHEMA', `column ${name} has no type (expected "name TYPE")`);
    const field: FieldSpec = { name, type: rest };
    const comment = /^([\s\S]*?)\s+COMMENT\s+'((?:[^']|'')*)'$/i.exec(rest);
    if (comment) {
      field.type = comment[1]!.trim();
      field.description = comment[2]!.replace(/''/g, "'");
    }
    try {
      field.type = parseTypeString(field.type as string);
    } catch (e) {
      if (e instanceof PaimonError) throw new PaimonError(e.code, `column ${name}: ${e.message}`, { cause: e });
      throw e;
    }
    return field;
  });
}
