/**
 * @paimon-ts/hive-metastore: a Hive Metastore Thrift client and the Hive
 * catalog, which registers Paimon tables where Hive, Spark and Trino look.
 */
export { HiveCatalog, type HiveCatalogOptions, type RegisterAction, type RegisterResult } from './hive-catalog.js';
export { HIVE_CATALOG_OPTIONS, parseCatalogOptions, type ParsedCatalogOptions } from './catalog-options.js';
export { MetastoreClient, type MetastoreClientOptions, parseMetastoreUris, paramFilter, HIVE_FILTER_FIELD_PARAMS, DEFAULT_METASTORE_PORT } from './metastore-client.js';
export { HiveMetastoreError, type HiveMetastoreErrorCode, MetastoreException } from './errors.js';
export { HmsTableLock, type HmsLockOptions } from './hms-lock.js';
export { toHiveType, type HiveTypeOptions, HIVE_MAX_CHAR_LENGTH, HIVE_MAX_VARCHAR_LENGTH } from './hive-types.js';
export {
  PAIMON_HMS,
  newHmsTable,
  updatedHmsTable,
  newHmsDatabase,
  isPaimonTable,
  hmsTableLocation,
  metastorePartitioned,
  normalizeColumnComment,
  type RegistrationOptions,
} from './hms-table.js';
export { newHmsPartition, HmsPartitionSync, addedPartitions, type PartitionTarget } from './hms-partitions.js';
export { MemoryMetastore, type MemoryMetastoreOptions, type LockInterval } from './memory-metastore.js';
export { HMS_IDL, HMS_IDL_PATH, parseIdl, type Idl } from './thrift/idl.js';
export type { TransportKind } from './thrift/wire.js';
export type * from './thrift/hms-types.js';
