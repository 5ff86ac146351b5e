/** @paimon-ts/core: Apache Paimon tables in TypeScript. */
export { PaimonError, type ErrorCode } from './errors.js';
export * from './types/data-type.js';
export { parseTypeString, parseTypeJson, typeToJson } from './types/type-json.js';
export { toArrowType, toArrowField, toArrowSchema, FIELD_ID_METADATA } from './types/arrow-type.js';
export { type Value, compareValues } from './types/values.js';
export { getValue, buildData, nullData } from './types/arrow-values.js';
export { formatDate, formatTimestamp, formatDecimal, formatTime } from './types/value-format.js';
export * from './spec/binary-row.js';
export type { TableSchema } from './spec/table-schema.js';
export type { Snapshot, CommitKind } from './spec/snapshot.js';
export type { DataFileMeta } from './spec/data-file-meta.js';
export { type ManifestEntry, FileKind } from './spec/manifest-entry.js';
export type { ManifestFileMeta } from './spec/manifest-file-meta.js';
export { type FileIO, LocalFileIO } from './io/file-io.js';
export { readAvroContainer, writeAvroContainer } from './io/avro.js';
export { FileStoreTable, type CommitCallback, type CommitLock, type OpenTableOptions } from './table/table.js';
export { CoreOptions, OPTIONS } from './table/options.js';
export { partitionSpec, partitionDirectory } from './table/data-paths.js';
export { TableScan } from './scan/table-scan-builder.js';
export * from './scan/predicate.js';
export { parsePredicate } from './scan/predicate-parser.js';
export type { DataSplit, ScanPlan, DeletionFile } from './scan/split.js';
export { splitRowCount, filePath } from './scan/split.js';
export { RowKind, ROW_KIND_SHORT } from './merge/merge-function.js';
export { batchToRows, batchToJsonRows, type RowObject } from './read/rows.js';
export { toJsonValue, type JsonValue } from './types/value-format.js';
export { RoaringBitmap, Roaring64Bitmap } from './spec/roaring-bitmap.js';
export {
  type DeletionVector,
  BitmapDeletionVector,
  readDeletionVector,
  serializeDeletionVector,
  writeDeletionVectorIndexFile,
} from './spec/deletion-vector.js';
export { TableWrite, type WriteOptions, parseRowKind } from './write/table-write.js';
export { TableCommit, type CommitMessage, type CommitOptions, type Overwrite, BATCH_COMMIT_IDENTIFIER } from './write/table-commit.js';
export { BatchWrite, type BatchWriteOptions } from './write/batch-write.js';
export type { RowInput } from './write/input.js';
export {
  validateOptions,
  optionSpec,
  parseMemorySize,
  parseDurationMillis,
  FIELD_OPTIONS,
  SCHEMA_OPTION_KEYS,
  FILE_FORMATS,
  COMPRESSIONS,
  type OptionKind,
  type OptionSpec,
  type OptionName,
} from './table/options.js';
export { serializeTableSchema, parseTableSchema } from './spec/table-schema.js';
export { buildTableSchema, parseColumnList, type SchemaSpec, type FieldSpec, type BuildSchemaOptions } from './table/schema-builder.js';
export { type Catalog, type TableRef, Identifier, SYSTEM_DATABASE, DB_SUFFIX } from './catalog/catalog.js';
export { FileSystemCatalog, type FileSystemCatalogOptions } from './catalog/filesystem-catalog.js';
export { selectColumns } from './read/gather.js';
export { StreamScan, ConsumerManager, type StreamScanOptions, type StreamStartMode, type ChangeBatch } from './scan/stream-scan.js';
export { ROW_KIND_COLUMN } from './read/split-reader.js';
export { compactTable, type CompactOptions } from './compact/compact-table.js';
export { type TagInfo, type CreateTagOptions as TagFileOptions, validateTagName } from './table/tag-manager.js';
export { createTag, deleteTag, listTags, type CreateTagOptions, type DeleteTagResult } from './table/tags.js';
export {
  expireSnapshots,
  FileReferences,
  type ExpireOptions,
  type ExpireResult,
  type ReferencedFile,
  type FileRole,
} from './table/expire-snapshots.js';
export { rollbackTo, parseRollbackTarget, type RollbackTarget, type RollbackResult } from './table/rollback.js';
export { removeOrphanFiles, DEFAULT_ORPHAN_AGE_MILLIS, type OrphanCleanOptions, type OrphanCleanResult, type OrphanFile } from './table/orphan-files.js';
export { SchemaChange, applySchemaChanges, isSafeWidening, type ColumnMove, type ApplySchemaChangesOptions } from './table/schema-change.js';
export { SchemaManager } from './table/schema-manager.js';
export { sequenceGroups, mergeReadExtraFields, type SequenceGroup } from './merge/merge-function.js';
export { rescaleBuckets, type RescaleOptions, type RescaleResult } from './table/rescale.js';
