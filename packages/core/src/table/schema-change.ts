/**
 * Schema evolution: the changes a table's schema can take (paimon-api
 * `SchemaChange`) and the next schema they make (paimon-core
 * `SchemaManager.generateTableSchema`). Changes apply in order to the latest
 * schema and become one new `schema/schema-<id+1>` file (SchemaManager
 * writes it). Field ids never change: a rename keeps the id, a new column
 * takes `highestFieldId + 1`, so files written under older schemas keep
 * reading by id (a dropped column's id is never reused).
 *
 * Deliberate limits: top-level columns only (no nested paths), and a type
 * change must be a widening that loses nothing (Paimon also allows explicit
 * casts such as STRING -> INT). Errors: INVALID_SCHEMA for columns,
 * INVALID_OPTION for options, UNSUPPORTED for what Paimon does not allow yet,
 * each naming the table and the column or option.
 */
import { PaimonError } from '../errors.js';
import { CURRENT_SCHEMA_VERSION, type TableSchema } from '../spec/table-schema.js';
import { type DataField, type DataType, typeToString, withNullable } from '../types/data-type.js';
import { JavaHashMapKeys } from './java-hash-map.js';
import { CoreOptions, FIELD_OPTIONS, FIELDS_PREFIX, IMMUTABLE_OPTION_KEYS, OPTIONS, SCHEMA_OPTION_KEYS } from './options.js';
import { checkColumnName, checkNestedNames, reassignFieldIds, resolveType, splitNames, validateTableSchema } from './schema-builder.js';

/** Where a column goes (`SchemaChange.Move`). */
export type ColumnMove = { type: 'first' } | { type: 'last' } | { type: 'after'; column: string } | { type: 'before'; column: string };

export type SchemaChange =
  | { kind: 'setOption'; key: string; value: string }
  | { kind: 'removeOption'; key: string }
  | { kind: 'updateComment'; comment: string | null }
  /** A new nullable column, last unless `move` says otherwise. */
  | { kind: 'addColumn'; column: string; type: DataType | string; description?: string; move?: ColumnMove }
  | { kind: 'renameColumn'; column: string; newName: string }
  | { kind: 'dropColumn'; column: string }
  /** `type`'s nullability applies unless `keepNullability`. */
  | { kind: 'updateColumnType'; column: string; type: DataType | string; keepNullability?: boolean }
  | { kind: 'updateColumnNullability'; column: string; nullable: boolean }
  | { kind: 'updateColumnComment'; column: string; comment: string | null }
  | { kind: 'updateColumnPosition'; column: string; move: ColumnMove };

/** Constructors named as in Paimon's `SchemaChange`. */
export const SchemaChange = {
  setOption: (key: string, value: string): SchemaChange => ({ kind: 'setOption', key, value }),
  removeOption: (key: string): SchemaChange => ({ kind: 'removeOption', key }),
  updateComment: (comment: string | null): SchemaChange => ({ kind: 'updateComment', comment }),
  addColumn: (column: string, type: DataType | string, description?: string, move?: ColumnMove): SchemaChange => ({
    kind: 'addColumn',
    column,
    type,
    ...(description !== undefined ? { description } : {}),
    ...(move !== undefined ? { move } : {}),
  }),
  renameColumn: (column: string, newName: string): SchemaChange => ({ kind: 'renameColumn', column, newName }),
  dropColumn: (column: string): SchemaChange => ({ kind: 'dropColumn', column }),
  updateColumnType: (column: string, type: DataType | string, keepNullability = false): SchemaChange => ({ kind: 'updateColumnType', column, type, keepNullability }),
  updateColumnNullability: (column: string, nullable: boolean): SchemaChange => ({ kind: 'updateColumnNullability', column, nullable }),
  updateColumnComment: (column: string, comment: string | null): SchemaChange => ({ kind: 'updateColumnComment', column, comment }),
  updateColumnPosition: (column: string, move: ColumnMove): SchemaChange => ({ kind: 'updateColumnPosition', column, move }),
  first: (): ColumnMove => ({ type: 'first' }),
  last: (): ColumnMove => ({ type: 'last' }),
  after: (column: string): ColumnMove => ({ type: 'after', column }),
  before: (column: string): ColumnMove => ({ type: 'before', column }),
};

export interface ApplySchemaChangesOptions {
  /** Whether the table has a snapshot: then layout-fixing options cannot change (Paimon checks only then). */
  hasSnapshots: boolean;
  /** Names the table in error messages. */
  where: string;
  /** `timeMillis` of the new schema; default now. */
  timeMillis?: number;
}

const INTEGER_DIGITS: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19 };
const INTEGER_RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

/**
 * Whether every value of `from` converts to `to` exactly: the widenings among
 * Paimon's implicit casts (DataTypeCasts) that lose nothing. Nullability is
 * not considered here.
 */
export function isSafeWidening(from: DataType, to: DataType): boolean {
  if (typeToString(withNullable(from, true)) === typeToString(withNullable(to, true))) return true;
  const fromInt = INTEGER_RANK[from.kind];
  switch (to.kind) {
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return fromInt !== undefined && fromInt <= INTEGER_RANK[to.kind]!;
    case 'FLOAT': // 24-bit mantissa
      return from.kind === 'TINYINT' || from.kind === 'SMALLINT';
    case 'DOUBLE': // 53-bit mantissa
      return from.kind === 'TINYINT' || from.kind === 'SMALLINT' || from.kind === 'INT' || from.kind === 'FLOAT';
    case 'DECIMAL':
      if (fromInt !== undefined) return to.precision - to.scale >= INTEGER_DIGITS[from.kind]!;
      return from.kind === 'DECIMAL' && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
    case 'VARCHAR':
      return (from.kind === 'CHAR' || from.kind === 'VARCHAR') && to.length >= from.length;
    case 'VARBINARY':
      return (from.kind === 'BINARY' || from.kind === 'VARBINARY') && to.length >= from.length;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return from.kind === to.kind && to.precision >= from.precision;
    default:
      return false;
  }
}

/** Option keys that name one column: `fields.<column>.<suffix>` for every per-field option but groups. */
const PER_FIELD_SUFFIXES = Object.values(FIELD_OPTIONS)
  .map((o) => o.suffix)
  .filter((s) => s !== FIELD_OPTIONS.sequenceGroup.suffix && s !== FIELD_OPTIONS.nestedKey.suffix);

/** Applies `changes` in order to `old` and returns the next schema (not yet written). */
export function applySchemaChanges(old: TableSchema, changes: readonly SchemaChange[], opts: ApplySchemaChangesOptions): TableSchema {
  const where = opts.where;
  const schemaError = (message: string) => new PaimonError('INVALID_SCHEMA', `${where}: ${message}`);
  const optionError = (message: string) => new PaimonError('INVALID_OPTION', `${where}: ${message}`);
  const unsupported = (message: string) => new PaimonError('UNSUPPORTED', `${where}: ${message}`);
  const oldOptions = old.options;
  const oldCore = new CoreOptions(oldOptions);
  const disableNullToNotNull = oldCore.alterColumnNullToNotNullDisabled;

  // The options map as Paimon's Java HashMaps hold it: read from the file, then copied.
  const optionKeys = JavaHashMapKeys.copyOf(JavaHashMapKeys.of(Object.keys(oldOptions)));
  const values = new Map(Object.entries(oldOptions));
  const fields: DataField[] = [...old.fields];
  const counter = { value: old.highestFieldId };
  let comment: string | null = old.comment ?? null;
  const renames: { from: string; to: string }[] = [];

  const indexOf = (name: string) => fields.findIndex((f) => f.name === name);
  const existing = (name: string, what: string): number => {
    if (typeof name !== 'string') throw unsupported(`${what}: nested column paths are not supported; name a top-level column`);
    const i = indexOf(name);
    if (i < 0) throw schemaError(`${what}: column ${name} does not exist (columns: ${fields.map((f) => f.name).join(', ')})`);
    return i;
  };
  const assertNullabilityChange = (column: string, from: boolean, to: boolean) => {
    if (disableNullToNotNull && from && !to) {
      throw schemaError(
        `column ${column} cannot change from nullable to NOT NULL (existing rows may hold NULL); set option ${OPTIONS.alterColumnNullToNotNullDisabled.key}=false to allow it`,
      );
    }
  };
  const insertAt = (field: DataField, move: ColumnMove | undefined) => {
    if (!move) {
      if (oldCore.addColumnBeforePartition && old.partitionKeys.length > 0) {
        const firstPartition = fields.findIndex((f) => old.partitionKeys.includes(f.name));
        fields.splice(firstPartition < 0 ? fields.length : firstPartition, 0, field);
      } else fields.push(field);
      return;
    }
    switch (move.type) {
      case 'first':
        fields.unshift(field);
        return;
      case 'last':
        fields.push(field);
        return;
      case 'after':
      case 'before': {
        const ref = existing(move.column, `add column ${field.name} ${move.type} ${move.column}`);
        fields.splice(move.type === 'after' ? ref + 1 : ref, 0, field);
        return;
      }
    }
  };

  for (const change of changes) {
    switch (change.kind) {
      case 'setOption': {
        const { key, value } = change;
        if (typeof value !== 'string') throw optionError(`option ${key} must be set to a string, got ${JSON.stringify(value)}`);
        const oldValue = oldOptions[key];
        const unchanged = oldValue === value || isUnchangedNormalizedKey(key, oldValue, value, old);
        if (key === OPTIONS.path.key) throw unsupported(`option path cannot be changed`);
        if (!unchanged && key === OPTIONS.tableType.key) throw unsupported(`option type cannot be changed`);
        if (opts.hasSnapshots && !unchanged) checkAlterOption(oldOptions, key, oldValue, value, where);
        if (!unchanged) {
          optionKeys.put(key);
          values.set(key, value);
        }
        break;
      }
      case 'removeOption': {
        const { key } = change;
        if (key === OPTIONS.path.key) throw unsupported(`option path cannot be changed`);
        if (key === OPTIONS.tableType.key) throw unsupported(`option type cannot be changed`);
        if (opts.hasSnapshots) checkResetOption(oldOptions, key, where);
        optionKeys.remove(key);
        values.delete(key);
        break;
      }
      case 'updateComment':
        comment = change.comment;
        break;
      case 'addColumn': {
        const name = change.column;
        if (typeof name !== 'string') throw unsupported(`add column: nested column paths are not supported; name a top-level column`);
        checkColumnName(name, where);
        const type = resolveType({ name, type: change.type }, where);
        if (!type.nullable) throw schemaError(`column ${name} cannot be added as NOT NULL: the rows already written have no value for it`);
        if (indexOf(name) >= 0) throw schemaError(`add column: column ${name} already exists`);
        checkNestedNames(type, name, where);
        const id = ++counter.value; // the column first, then the ROW fields inside it (ReassignFieldId)
        const field: DataField = { id, name, type: reassignFieldIds(type, counter) };
        if (change.description !== undefined && change.description !== null) field.description = change.description;
        insertAt(field, change.move);
        break;
      }
      case 'renameColumn': {
        const { column, newName } = change;
        if (old.partitionKeys.includes(column)) throw unsupported(`cannot rename partition column ${column}`);
        const i = existing(column, 'rename column');
        checkColumnName(newName, where);
        if (indexOf(newName) >= 0) throw schemaError(`rename column ${column}: column ${newName} already exists`);
        fields[i] = { ...fields[i]!, name: newName };
        renames.push({ from: column, to: newName });
        break;
      }
      case 'dropColumn': {
        const { column } = change;
        if (old.partitionKeys.includes(column) || old.primaryKeys.includes(column)) {
          throw unsupported(`cannot drop partition key or primary key column ${column}`);
        }
        const i = existing(column, 'drop column');
        fields.splice(i, 1);
        if (fields.length === 0) throw schemaError(`cannot drop column ${column}: a table needs at least one column`);
        break;
      }
      case 'updateColumnType': {
        const { column } = change;
        if (old.partitionKeys.includes(column)) throw unsupported(`cannot change the type of partition column ${column}`);
        if (old.primaryKeys.includes(column)) throw unsupported(`cannot change the type of primary key column ${column}`);
        // Not a Paimon rule: rows of bucket-key columns are hashed by type, so old files would sit in the wrong buckets.
        if (oldCore.bucketKey.includes(column)) throw unsupported(`cannot change the type of bucket-key column ${column}`);
        const i = existing(column, 'change column type');
        const field = fields[i]!;
        let target = resolveType({ name: column, type: change.type }, where);
        if (change.keepNullability) target = withNullable(target, field.type.nullable);
        else assertNullabilityChange(column, field.type.nullable, target.nullable);
        if (!isSafeWidening(field.type, target)) {
          throw schemaError(
            `column ${column} cannot change type from ${typeToString(field.type)} to ${typeToString(target)}: only widenings that lose nothing are allowed (e.g. INT -> BIGINT, FLOAT -> DOUBLE, VARCHAR(n) -> VARCHAR(m >= n) or STRING, DECIMAL(p, s) -> DECIMAL(p + k, s))`,
          );
        }
        // The same type with other nullability keeps its own nested field ids.
        const same = typeToString(withNullable(field.type, true)) === typeToString(withNullable(target, true));
        fields[i] = { ...field, type: same ? withNullable(field.type, target.nullable) : target };
        break;
      }
      case 'updateColumnNullability': {
        const { column, nullable } = change;
        if (nullable && old.primaryKeys.includes(column)) throw unsupported(`cannot make primary key column ${column} nullable`);
        const i = existing(column, 'change column nullability');
        const field = fields[i]!;
        assertNullabilityChange(column, field.type.nullable, nullable);
        fields[i] = { ...field, type: withNullable(field.type, nullable) };
        break;
      }
      case 'updateColumnComment': {
        const i = existing(change.column, 'change column comment');
        const field: DataField = { ...fields[i]! };
        if (change.comment === null || change.comment === undefined) delete field.description;
        else field.description = change.comment;
        fields[i] = field;
        break;
      }
      case 'updateColumnPosition':
        applyMove(fields, change.column, change.move, where);
        break;
      default:
        throw unsupported(`unknown schema change ${JSON.stringify((change as { kind?: unknown }).kind)}`);
    }
  }

  // Column names inside options follow renames (SchemaManager.applyRenameColumnsToOptions).
  let keys = optionKeys;
  let primaryKeys = [...old.primaryKeys];
  if (renames.length > 0) {
    keys = JavaHashMapKeys.copyOf(optionKeys);
    const byId = new Map(old.fields.map((f) => [f.name, f.id]));
    const nameOfId = new Map(fields.map((f) => [f.id, f.name]));
    const rename = (name: string) => {
      const id = byId.get(name);
      return id === undefined ? name : (nameOfId.get(id) ?? name);
    };
    const renameList = (text: string) => text.split(',').map((n) => rename(n)).join(',');
    primaryKeys = primaryKeys.map(rename);
    for (const key of [OPTIONS.bucketKey.key, OPTIONS.sequenceField.key]) {
      const v = values.get(key);
      if (v !== undefined && v.trim() !== '') values.set(key, renameList(v));
    }
    for (const { from, to } of renames) {
      for (const suffix of PER_FIELD_SUFFIXES) {
        const key = `${FIELDS_PREFIX}${from}.${suffix}`;
        if (!values.has(key)) continue;
        const v = values.get(key)!;
        keys.remove(key);
        values.delete(key);
        keys.put(`${FIELDS_PREFIX}${to}.${suffix}`);
        values.set(`${FIELDS_PREFIX}${to}.${suffix}`, v);
      }
    }
    // Keys and values of sequence groups and nested keys both name columns; Paimon re-puts every such key.
    for (const key of optionKeys.order()) {
      if (!key.startsWith(FIELDS_PREFIX)) continue;
      const suffix = [FIELD_OPTIONS.sequenceGroup.suffix, FIELD_OPTIONS.nestedKey.suffix].find((s) => key.endsWith(`.${s}`));
      if (suffix === undefined || !values.has(key)) continue;
      const v = values.get(key)!;
      keys.remove(key);
      values.delete(key);
      const newKey = `${FIELDS_PREFIX}${renameList(key.slice(FIELDS_PREFIX.length, key.length - suffix.length - 1))}.${suffix}`;
      keys.put(newKey);
      values.set(newKey, renameList(v));
    }
  }

  // Schema's constructor: a copy of the options; `primary-key` / `partition` set as options become key lists.
  const finalKeys = JavaHashMapKeys.copyOf(keys);
  let partitionKeys = [...old.partitionKeys];
  const pkOption = values.get(SCHEMA_OPTION_KEYS.primaryKey);
  if (pkOption !== undefined) {
    if (primaryKeys.length > 0) {
      throw schemaError(`primary key is (${primaryKeys.join(', ')}) already; option primary-key=${pkOption} cannot define another`);
    }
    primaryKeys = splitNames(pkOption);
    finalKeys.remove(SCHEMA_OPTION_KEYS.primaryKey);
  }
  const partitionOption = values.get(SCHEMA_OPTION_KEYS.partition);
  if (partitionOption !== undefined) {
    if (partitionKeys.length > 0) {
      throw schemaError(`partition keys are (${partitionKeys.join(', ')}) already; option partition=${partitionOption} cannot define others`);
    }
    partitionKeys = splitNames(partitionOption);
    finalKeys.remove(SCHEMA_OPTION_KEYS.partition);
  }
  const options: Record<string, string> = {};
  for (const k of finalKeys.order()) options[k] = values.get(k)!;
  // Schema.normalizeFields: primary-key columns are NOT NULL unless primary-key.nullable.
  const pkNullable = new CoreOptions(options).primaryKeyNullable;
  const newFields = fields.map((f) => (!pkNullable && primaryKeys.includes(f.name) ? { ...f, type: withNullable(f.type, false) } : f));

  const schema: TableSchema = {
    version: CURRENT_SCHEMA_VERSION,
    id: old.id + 1,
    fields: newFields,
    highestFieldId: counter.value,
    partitionKeys,
    primaryKeys,
    options,
    timeMillis: opts.timeMillis ?? Date.now(),
  };
  if (comment !== null) schema.comment = comment;
  validateTableSchema(schema, where);
  return schema;
}

/** `primary-key` / `partition` given as options equal to the schema's own keys, and `type` in any case, change nothing. */
function isUnchangedNormalizedKey(key: string, oldValue: string | undefined, newValue: string, schema: TableSchema): boolean {
  if (key === OPTIONS.tableType.key) return newValue.toLowerCase() === (oldValue ?? OPTIONS.tableType.default!).toLowerCase();
  if (oldValue !== undefined) return false;
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (key === SCHEMA_OPTION_KEYS.primaryKey) return same(splitNames(newValue), schema.primaryKeys);
  if (key === SCHEMA_OPTION_KEYS.partition) return same(splitNames(newValue), schema.partitionKeys);
  return false;
}

const bool = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v.toLowerCase() === 'true');

/** SchemaManager.checkAlterTableOption: what a table with snapshots cannot change. */
function checkAlterOption(options: Record<string, string>, key: string, oldValue: string | undefined, newValue: string, where: string): void {
  const fail = (message: string) => new PaimonError('UNSUPPORTED', `${where}: ${message}`);
  if (IMMUTABLE_OPTION_KEYS.has(key)) throw fail(`option ${key} cannot be changed once the table has snapshots`);
  if (key === OPTIONS.bucket.key) {
    const oldBucket = Number(oldValue ?? OPTIONS.bucket.default);
    if (oldBucket === -1) throw fail(`option bucket cannot be changed when it is -1 (dynamic or unaware bucket)`);
    if (Number(newValue) === -1) throw fail(`option bucket cannot be changed to -1`);
  }
  if (key === OPTIONS.deletionVectorsEnabled.key && !bool(options[OPTIONS.deletionVectorsModifiable.key], false)) {
    const oldDv = bool(oldValue, false);
    const newDv = bool(newValue, false);
    if (oldDv !== newDv) {
      throw fail(
        `option deletion-vectors.enabled cannot change from ${oldDv} to ${newDv} without a full compaction (rows could be duplicated); set ${OPTIONS.deletionVectorsModifiable.key}=true if you are sure`,
      );
    }
  }
  for (const flag of [OPTIONS.ignoreDelete.key, OPTIONS.ignoreUpdateBefore.key]) {
    if (key === flag && bool(oldValue, false) && !bool(newValue, false)) throw fail(`option ${flag} cannot change from true to false`);
  }
}

/** SchemaManager.checkResetTableOption. */
function checkResetOption(options: Record<string, string>, key: string, where: string): void {
  if (IMMUTABLE_OPTION_KEYS.has(key)) throw new PaimonError('UNSUPPORTED', `${where}: option ${key} cannot be changed once the table has snapshots`);
  if (key === OPTIONS.bucket.key) throw new PaimonError('UNSUPPORTED', `${where}: option bucket cannot be removed; set a new bucket count instead`);
  if (key === OPTIONS.deletionVectorsEnabled.key) checkAlterOption(options, key, options[key], OPTIONS.deletionVectorsEnabled.default!, where);
}

/** SchemaManager.applyMove: moves an existing column. */
function applyMove(fields: DataField[], column: string, move: ColumnMove, where: string): void {
  const fail = (message: string) => new PaimonError('INVALID_SCHEMA', `${where}: ${message}`);
  const from = fields.findIndex((f) => f.name === column);
  if (from < 0) throw fail(`move column: column ${column} does not exist`);
  const itself = () => fail(`move column: cannot move column ${column} relative to itself`);
  let to: number;
  if (move.type === 'first' || move.type === 'last') {
    to = move.type === 'first' ? 0 : fields.length - 1;
    if (to === from) throw itself();
  } else {
    const ref = fields.findIndex((f) => f.name === move.column);
    if (ref < 0) throw fail(`move column ${column} ${move.type} ${move.column}: column ${move.column} does not exist`);
    if (ref === from) throw itself();
    to = ref;
    if (move.type === 'after' && from > ref) to++;
    if (move.type === 'before' && from < ref) to--;
    to = Math.min(to, fields.length - 1);
  }
  const [field] = fields.splice(from, 1);
  fields.splice(to, 0, field!);
}
