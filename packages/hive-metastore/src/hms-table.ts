/**
 * The metastore objects Paimon's Hive catalog writes for a Paimon table and
 * database (HiveCatalog `newHmsTable`, `updateHmsTable`, `updateHmsTablePars`,
 * `convertToPropertiesTableKey`, `convertToHiveDatabase`; spec section 10),
 * built from a table's schema so that Hive, Spark and Trino with the Paimon
 * connector recognise the table.
 */
import { OPTIONS, type TableSchema } from '@paimon-ts/core';
import { type HiveTypeOptions, toHiveType } from './hive-types.js';
import type { Database, FieldSchema, Table } from './thrift/hms-types.js';

export const PAIMON_HMS = {
  /** Table parameter naming the table's kind (`HiveCatalog.TABLE_TYPE_PROP`). */
  tableTypeProp: 'table_type',
  paimonTableType: 'PAIMON',
  /** `hive_metastoreConstants.META_TABLE_STORAGE`. */
  storageHandlerProp: 'storage_handler',
  storageHandler: 'org.apache.paimon.hive.PaimonStorageHandler',
  inputFormat: 'org.apache.paimon.hive.mapred.PaimonInputFormat',
  outputFormat: 'org.apache.paimon.hive.mapred.PaimonOutputFormat',
  serde: 'org.apache.paimon.hive.PaimonSerDe',
  externalProp: 'EXTERNAL',
  commentProp: 'comment',
  ownerProp: 'owner',
  locationProp: 'location',
  /** `LocationKeyExtractor.TBPROPERTIES_LOCATION_KEY`: the location, with `location-in-properties`. */
  propertiesLocationKey: 'paimon_location',
  /** Options copied without their prefix when `sync-all-properties` is false. */
  hivePrefix: 'hive.',
  managedTable: 'MANAGED_TABLE',
  externalTable: 'EXTERNAL_TABLE',
  /** Paimon's `Integer.MAX_VALUE` retention. */
  retention: 2147483647,
  /** `StatsSetupConst.CASCADE` / `DO_NOT_UPDATE_STATS` in the alter-table environment. */
  cascadeEnv: 'CASCADE',
  doNotUpdateStatsEnv: 'DO_NOT_UPDATE_STATS',
  /** Drop-table environment: skip the trash (`IMetaStoreClient.dropTable(..., ifPurge = true)`). */
  purgeEnv: 'ifPurge',
} as const;

/** Options written to metastore parameters even when `sync-all-properties` is false. */
const ALWAYS_SYNCED = [OPTIONS.partitionExpirationTime.key, 'data-file.path-directory'];

/** Hive keeps column comments in COLUMNS_V2.COMMENT (VARCHAR(256)): one line, at most 255 characters (`HiveTableUtils.normalizeColumnComment`). */
const COLUMN_COMMENT_MAX = 255;

export function normalizeColumnComment(comment: string | undefined): string | undefined {
  if (comment === undefined) return undefined;
  const oneLine = comment.replace(/[\n\r]/g, ' ');
  return oneLine.length <= COLUMN_COMMENT_MAX ? oneLine : `${oneLine.slice(0, COLUMN_COMMENT_MAX - 3)}...`;
}

export interface RegistrationOptions {
  /** Catalog option `sync-all-properties` (default true). */
  syncAllProperties: boolean;
  /** Catalog option `location-in-properties` (default false). */
  locationInProperties: boolean;
  hiveTypes: HiveTypeOptions;
}

/** TableSchema.bucketKeys(): the `bucket-key` option, else the primary keys minus the partition keys. */
function bucketKeys(schema: TableSchema): string[] {
  const option = schema.options[OPTIONS.bucketKey.key];
  if (option !== undefined && option.trim() !== '') return option.split(',');
  return schema.primaryKeys.filter((k) => !schema.partitionKeys.includes(k));
}

/** The parameters Paimon derives from a schema (before the fixed ones such as `table_type`). */
function schemaParameters(schema: TableSchema, opts: RegistrationOptions): Record<string, string> {
  if (!opts.syncAllProperties) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(schema.options)) {
      if (k.startsWith(PAIMON_HMS.hivePrefix)) out[k.slice(PAIMON_HMS.hivePrefix.length)] = v;
    }
    for (const k of ALWAYS_SYNCED) if (schema.options[k] !== undefined) out[k] = schema.options[k]!;
    return out;
  }
  const out: Record<string, string> = { ...schema.options };
  if (schema.primaryKeys.length) out['primary-key'] = schema.primaryKeys.join(',');
  if (schema.partitionKeys.length) out['partition'] = schema.partitionKeys.join(',');
  const bucket = bucketKeys(schema);
  if (bucket.length) out[OPTIONS.bucketKey.key] = bucket.join(',');
  return out;
}

/** Whether partition columns become metastore partition keys (`metastore.partitioned-table`). */
export function metastorePartitioned(schema: TableSchema): boolean {
  return schema.partitionKeys.length > 0 && (schema.options[OPTIONS.metastorePartitionedTable.key] ?? 'false').toLowerCase() === 'true';
}

function columns(schema: TableSchema, opts: RegistrationOptions): { cols: FieldSchema[]; partitionKeys: FieldSchema[] } {
  const field = (name: string, type: string, comment: string | undefined): FieldSchema => (comment === undefined ? { name, type } : { name, type, comment });
  if (!metastorePartitioned(schema)) {
    return { cols: schema.fields.map((f) => field(f.name, toHiveType(f.type, opts.hiveTypes), normalizeColumnComment(f.description))), partitionKeys: [] };
  }
  const partition = new Set(schema.partitionKeys);
  return {
    cols: schema.fields.filter((f) => !partition.has(f.name)).map((f) => field(f.name, toHiveType(f.type, opts.hiveTypes), normalizeColumnComment(f.description))),
    // Partition key comments live in PARTITION_KEYS.PKEY_COMMENT, which is not limited: kept as they are.
    partitionKeys: schema.partitionKeys.map((k) => {
      const f = schema.fields.find((x) => x.name === k)!;
      return field(f.name, toHiveType(f.type, opts.hiveTypes), f.description);
    }),
  };
}

/** Applies the schema-derived part of a registration (formats, SerDe, columns, comment, location) to `table`. */
function applySchema(table: Table, schema: TableSchema, location: string, opts: RegistrationOptions): void {
  const sd = table.sd ?? {};
  sd.inputFormat = PAIMON_HMS.inputFormat;
  sd.outputFormat = PAIMON_HMS.outputFormat;
  sd.serdeInfo = { ...(sd.serdeInfo ?? {}), serializationLib: PAIMON_HMS.serde, parameters: {} };
  const { cols, partitionKeys } = columns(schema, opts);
  sd.cols = cols;
  table.partitionKeys = partitionKeys;
  table.sd = sd;
  table.parameters = table.parameters ?? {};
  if (schema.comment !== undefined) table.parameters[PAIMON_HMS.commentProp] = schema.comment;
  if (opts.locationInProperties) table.parameters[PAIMON_HMS.propertiesLocationKey] = location;
  else sd.location = location;
}

export interface NewTableContext {
  db: string;
  table: string;
  owner: string;
  external: boolean;
  /** A URI, e.g. `file:/warehouse/db.db/t`. */
  location: string;
}

/** A new metastore table for a Paimon table (`newHmsTable` + `updateHmsTable`). */
export function newHmsTable(schema: TableSchema, ctx: NewTableContext, opts: RegistrationOptions, nowMillis = Date.now()): Table {
  const seconds = Math.floor(nowMillis / 1000);
  const parameters = schemaParameters(schema, opts);
  parameters[PAIMON_HMS.tableTypeProp] = PAIMON_HMS.paimonTableType;
  parameters[PAIMON_HMS.storageHandlerProp] = PAIMON_HMS.storageHandler;
  if (ctx.external) parameters[PAIMON_HMS.externalProp] = 'TRUE';
  const table: Table = {
    tableName: ctx.table,
    dbName: ctx.db,
    owner: ctx.owner,
    createTime: seconds,
    lastAccessTime: seconds,
    retention: PAIMON_HMS.retention,
    // A Java StorageDescriptor sends its primitive fields even when unset.
    sd: { compressed: false, numBuckets: 0 },
    partitionKeys: [],
    parameters,
    tableType: ctx.external ? PAIMON_HMS.externalTable : PAIMON_HMS.managedTable,
  };
  applySchema(table, schema, ctx.location, opts);
  return table;
}

/** The metastore table after a schema change (`updateHmsTablePars` + `updateHmsTable`); `removedOptions` are dropped from the parameters. */
export function updatedHmsTable(current: Table, schema: TableSchema, location: string, opts: RegistrationOptions, removedOptions: readonly string[] = []): Table {
  const table = structuredClone(current);
  table.parameters = { ...(table.parameters ?? {}), ...schemaParameters(schema, opts) };
  for (const k of removedOptions) delete table.parameters[k];
  applySchema(table, schema, location, opts);
  return table;
}

export function isPaimonTable(table: Table): boolean {
  return table.sd?.inputFormat === PAIMON_HMS.inputFormat && table.sd?.outputFormat === PAIMON_HMS.outputFormat;
}

export function isExternalTable(table: Table): boolean {
  return table.tableType === PAIMON_HMS.externalTable;
}

/** Where the table's files are (`LocationHelper.getTableLocation`: the properties key first, then the storage descriptor). */
export function hmsTableLocation(table: Table): string | null {
  return table.parameters?.[PAIMON_HMS.propertiesLocationKey] ?? table.sd?.location ?? null;
}

export function hmsDatabaseLocation(db: Database): string | null {
  return db.parameters?.[PAIMON_HMS.propertiesLocationKey] ?? db.locationUri ?? null;
}

/**
 * Whether the registration `actual` lacks something `expected` carries:
 * formats, SerDe, columns, partition keys, location, table type, or one of
 * the expected parameters. Parameters the metastore adds itself
 * (`transient_lastDdlTime`, statistics) do not count.
 */
export function registrationDiffers(expected: Table, actual: Table): boolean {
  const cols = (fs: FieldSchema[] | undefined): string => JSON.stringify((fs ?? []).map((f) => [f.name, f.type, f.comment ?? null]));
  if (cols(expected.sd?.cols) !== cols(actual.sd?.cols)) return true;
  if (cols(expected.partitionKeys) !== cols(actual.partitionKeys)) return true;
  if (expected.sd?.inputFormat !== actual.sd?.inputFormat || expected.sd?.outputFormat !== actual.sd?.outputFormat) return true;
  if (expected.sd?.serdeInfo?.serializationLib !== actual.sd?.serdeInfo?.serializationLib) return true;
  if (hmsTableLocation(expected) !== hmsTableLocation(actual)) return true;
  if (expected.tableType !== actual.tableType) return true;
  return Object.entries(expected.parameters ?? {}).some(([k, v]) => actual.parameters?.[k] !== v);
}

/** A metastore database from catalog properties (`convertToHiveDatabase`): `comment`, `owner` and `location` are fields, the rest parameters. */
export function newHmsDatabase(name: string, properties: Record<string, string>, location: string, locationInProperties: boolean): Database {
  const parameters: Record<string, string> = {};
  const db: Database = { name, description: null, locationUri: null, parameters };
  for (const [k, v] of Object.entries(properties)) {
    if (k === PAIMON_HMS.commentProp) db.description = v;
    else if (k === PAIMON_HMS.ownerProp) db.ownerName = v;
    else if (k !== PAIMON_HMS.locationProp) parameters[k] = v;
  }
  if (locationInProperties) parameters[PAIMON_HMS.propertiesLocationKey] = location;
  else db.locationUri = location;
  return db;
}
