/**
 * Table options: the one place for option names, defaults and value kinds
 * (paimon-api `CoreOptions` as of 1.4.2, spec section 8). Values in schema
 * files are always strings; `CoreOptions` parses them on access and
 * `validateOptions` checks them when a table is created.
 */
import { PaimonError } from '../errors.js';

/** How an option's string value is read (Paimon's `ConfigOption` types). */
export type OptionKind =
  | { type: 'int'; min?: number; check?: (n: number) => boolean; expect?: string }
  | { type: 'long'; min?: number }
  | { type: 'double' }
  | { type: 'boolean' }
  /** `MemorySize`: a number with an optional unit, `128 mb`, `64kb`, `1024` (bytes). */
  | { type: 'memory' }
  /** `Duration`: a number with an optional unit, `1 h`, `30 s`, `500` (millis). */
  | { type: 'duration' }
  /** Matched case-insensitively against the values Paimon's enum prints. */
  | { type: 'enum'; values: readonly string[] }
  | { type: 'string' }
  /** Comma-separated names, e.g. `bucket-key=a,b`. */
  | { type: 'list' }
  /** `k1:v1,k2:v2`, e.g. `file.format.per.level=0:avro,3:parquet`. */
  | { type: 'map' }
  /** `none`, `counts`, `full` or `truncate(N)`. */
  | { type: 'stats-mode' };

export interface OptionSpec {
  readonly key: string;
  /** The default as Paimon would print it; null when the option has no default (or a computed one). */
  readonly default: string | null;
  readonly kind: OptionKind;
}

const INT: OptionKind = { type: 'int' };
const LONG: OptionKind = { type: 'long' };
const BOOL: OptionKind = { type: 'boolean' };
const MEMORY: OptionKind = { type: 'memory' };
const DURATION: OptionKind = { type: 'duration' };
const STRING: OptionKind = { type: 'string' };
const LIST: OptionKind = { type: 'list' };
const MAP: OptionKind = { type: 'map' };
const STATS_MODE: OptionKind = { type: 'stats-mode' };
const enumOf = (...values: string[]): OptionKind => ({ type: 'enum', values });
const atLeast = (min: number): OptionKind => ({ type: 'int', min });

/** Identifiers of Paimon's `FileFormatFactory` implementations (1.4.2). */
export const FILE_FORMATS = ['parquet', 'orc', 'avro', 'csv', 'json', 'text', 'lance', 'blob'] as const;

/**
 * Codec names the formats accept: Parquet's `CompressionCodecName`, ORC's
 * `CompressionKind`, Avro's codec names, plus `none`.
 */
export const COMPRESSIONS = [
  'none', 'uncompressed', 'null', 'zstd', 'zstandard', 'lz4', 'lz4_raw', 'snappy', 'gzip', 'zlib', 'deflate', 'lzo', 'brotli', 'bzip2', 'xz',
] as const;

const o = (key: string, dflt: string | null, kind: OptionKind): OptionSpec => ({ key, default: dflt, kind });

export const OPTIONS = {
  // --- layout and buckets
  bucket: o('bucket', '-1', {
    type: 'int',
    check: (n) => n === -1 || n === -2 || n > 0,
    expect: '-1 (dynamic or unaware), -2 (postpone) or a bucket count > 0',
  }),
  bucketKey: o('bucket-key', null, LIST),
  bucketFunctionType: o('bucket-function.type', 'default', enumOf('default', 'mod', 'hive')),
  bucketAppendOrdered: o('bucket-append-ordered', 'true', BOOL),
  branch: o('branch', 'main', STRING),
  path: o('path', null, STRING),
  autoCreate: o('auto-create', 'false', BOOL),
  upsertKey: o('upsert-key', null, LIST),
  postponeDefaultBucketNum: o('postpone.default-bucket-num', '1', atLeast(1)),
  // --- data files
  fileFormat: o('file.format', 'parquet', enumOf(...FILE_FORMATS)),
  fileFormatPerLevel: o('file.format.per.level', null, MAP),
  fileCompression: o('file.compression', 'zstd', enumOf(...COMPRESSIONS)),
  fileCompressionPerLevel: o('file.compression.per.level', null, MAP),
  fileCompressionZstdLevel: o('file.compression.zstd-level', '1', INT),
  fileBlockSize: o('file.block-size', null, MEMORY),
  fileSuffixIncludeCompression: o('file.suffix.include.compression', 'false', BOOL),
  dataFilePrefix: o('data-file.prefix', 'data-', STRING),
  dataFilePathDirectory: o('data-file.path-directory', null, STRING),
  dataFileExternalPaths: o('data-file.external-paths', null, LIST),
  dataFileExternalPathsStrategy: o(
    'data-file.external-paths.strategy',
    'none',
    enumOf('none', 'specific-fs', 'round-robin', 'entropy-inject', 'weight-robin'),
  ),
  dataFileThinMode: o('data-file.thin-mode', 'false', BOOL),
  changelogFilePrefix: o('changelog-file.prefix', 'changelog-', STRING),
  changelogFileFormat: o('changelog-file.format', null, enumOf(...FILE_FORMATS)),
  changelogFileCompression: o('changelog-file.compression', null, enumOf(...COMPRESSIONS)),
  changelogFileStatsMode: o('changelog-file.stats-mode', null, STATS_MODE),
  targetFileSize: o('target-file-size', null, MEMORY), // 128 MiB PK, 256 MiB append
  writeBufferSize: o('write-buffer-size', '256 mb', MEMORY),
  writeBufferSpillable: o('write-buffer-spillable', 'true', BOOL),
  writeBufferForAppend: o('write-buffer-for-append', 'false', BOOL),
  writeBufferSpillMaxDiskSize: o('write-buffer-spill.max-disk-size', null, MEMORY),
  pageSize: o('page-size', '64 kb', MEMORY),
  writeOnly: o('write-only', 'false', BOOL),
  sortSpillThreshold: o('sort-spill-threshold', null, INT),
  sortSpillBufferSize: o('sort-spill-buffer-size', '64 mb', MEMORY),
  spillCompression: o('spill-compression', 'zstd', enumOf(...COMPRESSIONS)),
  localMergeBufferSize: o('local-merge-buffer-size', null, MEMORY),
  sortEngine: o('sort-engine', 'loser-tree', enumOf('min-heap', 'loser-tree')),
  statsMode: o('metadata.stats-mode', 'truncate(16)', STATS_MODE),
  statsModePerLevel: o('metadata.stats-mode.per.level', null, MAP),
  statsDenseStore: o('metadata.stats-dense-store', 'true', BOOL),
  statsKeepFirstNColumns: o('metadata.stats-keep-first-n-columns', '-1', INT),
  fileIndexInManifestThreshold: o('file-index.in-manifest-threshold', '500 b', MEMORY),
  fileIndexReadEnabled: o('file-index.read.enabled', 'true', BOOL),
  indexFileInDataFileDir: o('index-file-in-data-file-dir', 'false', BOOL),
  // --- manifests
  manifestFormat: o('manifest.format', 'avro', enumOf(...FILE_FORMATS)),
  manifestCompression: o('manifest.compression', 'zstd', enumOf(...COMPRESSIONS)),
  manifestTargetFileSize: o('manifest.target-file-size', '8 mb', MEMORY),
  manifestFullCompactionThresholdSize: o('manifest.full-compaction-threshold-size', '16 mb', MEMORY),
  manifestMergeMinCount: o('manifest.merge-min-count', '30', INT),
  manifestDeleteFileDropStats: o('manifest.delete-file-drop-stats', 'false', BOOL),
  // --- merge engines and sequence
  mergeEngine: o('merge-engine', 'deduplicate', enumOf('deduplicate', 'partial-update', 'aggregation', 'first-row')),
  changelogProducer: o('changelog-producer', 'none', enumOf('none', 'input', 'full-compaction', 'lookup')),
  changelogProducerRowDeduplicate: o('changelog-producer.row-deduplicate', 'false', BOOL),
  sequenceField: o('sequence.field', null, LIST),
  sequenceFieldSortOrder: o('sequence.field.sort-order', 'ascending', enumOf('ascending', 'descending')),
  ignoreDelete: o('ignore-delete', 'false', BOOL),
  ignoreUpdateBefore: o('ignore-update-before', 'false', BOOL),
  rowkindField: o('rowkind.field', null, STRING),
  partialUpdateRemoveRecordOnDelete: o('partial-update.remove-record-on-delete', 'false', BOOL),
  partialUpdateRemoveRecordOnSequenceGroup: o('partial-update.remove-record-on-sequence-group', null, LIST),
  aggregationRemoveRecordOnDelete: o('aggregation.remove-record-on-delete', 'false', BOOL),
  fieldsDefaultAggregateFunction: o('fields.default-aggregate-function', null, STRING),
  // --- compaction (LSM)
  numSortedRunCompactionTrigger: o('num-sorted-run.compaction-trigger', '5', atLeast(1)),
  numSortedRunStopTrigger: o('num-sorted-run.stop-trigger', null, atLeast(1)), // trigger + 3
  numLevels: o('num-levels', null, atLeast(2)), // trigger + 1
  compactionMaxSizeAmplificationPercent: o('compaction.max-size-amplification-percent', '200', atLeast(0)),
  compactionSizeRatio: o('compaction.size-ratio', '1', atLeast(0)),
  compactionMinFileNum: o('compaction.min.file-num', '5', atLeast(1)),
  compactionForceUpLevel0: o('compaction.force-up-level-0', 'false', BOOL),
  compactionOptimizationInterval: o('compaction.optimization-interval', null, DURATION),
  compactionDeleteRatioThreshold: o('compaction.delete-ratio-threshold', '0.2', { type: 'double' }),
  compactionSmallFileRatio: o('compaction.small-file-ratio', '0.7', { type: 'double' }),
  fullCompactionDeltaCommits: o('full-compaction.delta-commits', null, atLeast(1)),
  lookupWait: o('lookup-wait', 'true', BOOL),
  forceLookup: o('force-lookup', 'false', BOOL),
  // --- commit and expiration
  commitMaxRetries: o('commit.max-retries', '10', atLeast(0)),
  commitTimeout: o('commit.timeout', null, DURATION),
  commitMinRetryWait: o('commit.min-retry-wait', '10 ms', DURATION),
  commitMaxRetryWait: o('commit.max-retry-wait', '10 s', DURATION),
  commitForceCompact: o('commit.force-compact', 'false', BOOL),
  commitForceCreateSnapshot: o('commit.force-create-snapshot', 'false', BOOL),
  commitUserPrefix: o('commit.user-prefix', null, STRING),
  snapshotNumRetainedMin: o('snapshot.num-retained.min', '10', atLeast(1)),
  snapshotNumRetainedMax: o('snapshot.num-retained.max', String(2 ** 31 - 1), atLeast(1)),
  snapshotTimeRetained: o('snapshot.time-retained', '1 h', DURATION),
  snapshotExpireLimit: o('snapshot.expire.limit', '50', atLeast(1)),
  snapshotCleanEmptyDirectories: o('snapshot.clean-empty-directories', 'false', BOOL),
  changelogNumRetainedMin: o('changelog.num-retained.min', null, atLeast(1)),
  changelogNumRetainedMax: o('changelog.num-retained.max', null, atLeast(1)),
  changelogTimeRetained: o('changelog.time-retained', null, DURATION),
  recordLevelExpireTime: o('record-level.expire-time', null, DURATION),
  recordLevelTimeField: o('record-level.time-field', null, STRING),
  // --- deletion vectors, dynamic bucket
  deletionVectorsEnabled: o('deletion-vectors.enabled', 'false', BOOL),
  deletionVectorsModifiable: o('deletion-vectors.modifiable', 'false', BOOL),
  deletionVectorsBitmap64: o('deletion-vectors.bitmap64', 'false', BOOL),
  deletionVectorIndexFileTargetSize: o('deletion-vector.index-file.target-size', '2 mb', MEMORY),
  dynamicBucketTargetRowNum: o('dynamic-bucket.target-row-num', '2000000', { type: 'long', min: 1 }),
  dynamicBucketInitialBuckets: o('dynamic-bucket.initial-buckets', null, atLeast(1)),
  dynamicBucketMaxBuckets: o('dynamic-bucket.max-buckets', '-1', { type: 'int', check: (n) => n === -1 || n > 0, expect: '-1 (unlimited) or a bucket count > 0' }),
  dynamicBucketAssignerParallelism: o('dynamic-bucket.assigner-parallelism', null, atLeast(1)),
  crossPartitionUpsertIndexTtl: o('cross-partition-upsert.index-ttl', null, DURATION),
  crossPartitionUpsertBootstrapParallelism: o('cross-partition-upsert.bootstrap-parallelism', '10', atLeast(1)),
  // --- partitions
  partitionDefaultName: o('partition.default-name', '__DEFAULT_PARTITION__', STRING),
  partitionLegacyName: o('partition.legacy-name', 'true', BOOL),
  partitionExpirationTime: o('partition.expiration-time', null, DURATION),
  partitionExpirationCheckInterval: o('partition.expiration-check-interval', '1 h', DURATION),
  partitionExpirationStrategy: o('partition.expiration-strategy', 'values-time', STRING),
  partitionExpirationMaxNum: o('partition.expiration-max-num', '100', atLeast(1)),
  partitionTimestampFormatter: o('partition.timestamp-formatter', null, STRING),
  partitionTimestampPattern: o('partition.timestamp-pattern', null, STRING),
  partitionMarkDoneAction: o('partition.mark-done-action', 'success-file', LIST),
  metastorePartitionedTable: o('metastore.partitioned-table', 'false', BOOL),
  dynamicPartitionOverwrite: o('dynamic-partition-overwrite', 'true', BOOL),
  // --- scans and streaming reads
  scanMode: o(
    'scan.mode',
    'default',
    enumOf(
      'default', 'latest-full', 'full', 'latest', 'compacted-full', 'from-timestamp', 'from-creation-timestamp',
      'from-file-creation-time', 'from-snapshot', 'from-snapshot-full', 'incremental',
    ),
  ),
  scanSnapshotId: o('scan.snapshot-id', null, { type: 'long', min: 1 }),
  scanTagName: o('scan.tag-name', null, STRING),
  scanTimestampMillis: o('scan.timestamp-millis', null, LONG),
  scanTimestamp: o('scan.timestamp', null, STRING),
  scanWatermark: o('scan.watermark', null, LONG),
  scanFileCreationTimeMillis: o('scan.file-creation-time-millis', null, LONG),
  scanBoundedWatermark: o('scan.bounded.watermark', null, LONG),
  scanManifestParallelism: o('scan.manifest.parallelism', null, atLeast(1)),
  scanMaxSplitsPerTask: o('scan.max-splits-per-task', '10', atLeast(1)),
  scanPlanSortPartition: o('scan.plan-sort-partition', 'false', BOOL),
  scanFallbackBranch: o('scan.fallback-branch', null, STRING),
  incrementalBetween: o('incremental-between', null, STRING),
  incrementalBetweenTimestamp: o('incremental-between-timestamp', null, STRING),
  streamingReadOverwrite: o('streaming-read-overwrite', 'false', BOOL),
  continuousDiscoveryInterval: o('continuous.discovery-interval', '10 s', DURATION),
  sourceSplitTargetSize: o('source.split.target-size', '128 mb', MEMORY),
  sourceSplitOpenFileCost: o('source.split.open-file-cost', '4 mb', MEMORY),
  readBatchSize: o('read.batch-size', '1024', atLeast(1)),
  consumerId: o('consumer-id', null, STRING),
  consumerExpirationTime: o('consumer.expiration-time', null, DURATION),
  consumerMode: o('consumer.mode', 'exactly-once', enumOf('exactly-once', 'at-least-once')),
  consumerIgnoreProgress: o('consumer.ignore-progress', 'false', BOOL),
  // --- table kinds
  rowTrackingEnabled: o('row-tracking.enabled', 'false', BOOL),
  dataEvolutionEnabled: o('data-evolution.enabled', 'false', BOOL),
  tableType: o('type', 'table', STRING),
  primaryKeyNullable: o('primary-key.nullable', 'false', BOOL),
  sequenceSnapshotOrdering: o('sequence.snapshot-ordering', 'false', BOOL),
  blobField: o('blob-field', null, STRING),
  blobDescriptorField: o('blob-descriptor-field', null, STRING),
  blobViewField: o('blob-view-field', null, STRING),
  pkClusteringOverride: o('pk-clustering-override', 'false', BOOL),
  // --- schema evolution (SchemaManager)
  alterColumnNullToNotNullDisabled: o('alter-column-null-to-not-null.disabled', 'true', BOOL),
  disableExplicitTypeCasting: o('disable-explicit-type-casting', 'false', BOOL),
  addColumnBeforePartition: o('add-column-before-partition', 'false', BOOL),
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/**
 * Keys accepted in an options map on creation but not stored as options:
 * Paimon's `Schema` moves them into `primaryKeys` / `partitionKeys`.
 */
export const SCHEMA_OPTION_KEYS = { primaryKey: 'primary-key', partition: 'partition' } as const;

/**
 * Options a table with snapshots cannot change (`@Immutable` in Paimon's
 * CoreOptions, 1.4): they fix how existing files are laid out or merged.
 */
export const IMMUTABLE_OPTION_KEYS: ReadonlySet<string> = new Set([
  OPTIONS.tableType.key,
  OPTIONS.bucketKey.key,
  OPTIONS.bucketFunctionType.key,
  OPTIONS.dataFilePathDirectory.key,
  OPTIONS.mergeEngine.key,
  OPTIONS.sequenceSnapshotOrdering.key,
  OPTIONS.aggregationRemoveRecordOnDelete.key,
  OPTIONS.partialUpdateRemoveRecordOnDelete.key,
  OPTIONS.partialUpdateRemoveRecordOnSequenceGroup.key,
  OPTIONS.rowkindField.key,
  SCHEMA_OPTION_KEYS.primaryKey,
  OPTIONS.primaryKeyNullable.key,
  SCHEMA_OPTION_KEYS.partition,
  OPTIONS.dynamicBucketInitialBuckets.key,
  OPTIONS.forceLookup.key,
  OPTIONS.rowTrackingEnabled.key,
  OPTIONS.dataEvolutionEnabled.key,
  OPTIONS.indexFileInDataFileDir.key,
  OPTIONS.blobField.key,
  OPTIONS.blobDescriptorField.key,
  OPTIONS.blobViewField.key,
  OPTIONS.pkClusteringOverride.key,
]);

/**
 * Per-field options, `fields.<name>.<suffix>` (the name part may list several
 * fields separated by commas, as `sequence-group` keys do).
 */
export const FIELD_OPTIONS = {
  aggregateFunction: { suffix: 'aggregate-function', default: null, kind: STRING },
  ignoreRetract: { suffix: 'ignore-retract', default: 'false', kind: BOOL },
  sequenceGroup: { suffix: 'sequence-group', default: null, kind: LIST },
  statsMode: { suffix: 'stats-mode', default: null, kind: STATS_MODE },
  distinct: { suffix: 'distinct', default: 'false', kind: BOOL },
  listAggDelimiter: { suffix: 'list-agg-delimiter', default: ',', kind: STRING },
  nestedKey: { suffix: 'nested-key', default: null, kind: LIST },
  countLimit: { suffix: 'count-limit', default: null, kind: atLeast(0) },
  tsField: { suffix: 'ts-field', default: null, kind: STRING },
} as const satisfies Record<string, { suffix: string; default: string | null; kind: OptionKind }>;

export type FieldOptionName = keyof typeof FIELD_OPTIONS;

export const FIELDS_PREFIX = 'fields.';

export function fieldOptionKey(field: string, name: FieldOptionName): string {
  return `${FIELDS_PREFIX}${field}.${FIELD_OPTIONS[name].suffix}`;
}

const BY_KEY = new Map<string, OptionSpec>(Object.values(OPTIONS).map((s) => [s.key, s]));
const FIELD_BY_SUFFIX = new Map<string, { suffix: string; kind: OptionKind }>(Object.values(FIELD_OPTIONS).map((s) => [s.suffix, s]));

/** The spec of a known option key (including `fields.<f>.<suffix>` patterns), or undefined. */
export function optionSpec(key: string): { key: string; default: string | null; kind: OptionKind } | undefined {
  const known = BY_KEY.get(key);
  if (known) return known;
  const parsed = parseFieldOptionKey(key);
  if (!parsed) return undefined;
  const f = FIELD_BY_SUFFIX.get(parsed.suffix)!;
  return { key, default: null, kind: f.kind };
}

/** `fields.a,b.sequence-group` -> `{ fields: ['a', 'b'], suffix: 'sequence-group' }` for known suffixes. */
export function parseFieldOptionKey(key: string): { fields: string[]; suffix: string } | null {
  if (!key.startsWith(FIELDS_PREFIX)) return null;
  const rest = key.slice(FIELDS_PREFIX.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0) return null;
  const suffix = rest.slice(dot + 1);
  if (!FIELD_BY_SUFFIX.has(suffix)) return null;
  return { fields: rest.slice(0, dot).split(','), suffix };
}

// ---- value parsers (Paimon's MemorySize, TimeUtils, OptionsUtils) ------------

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, bytes: 1,
  k: 1024, kb: 1024, kibibytes: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mebibytes: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gibibytes: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tebibytes: 1024 ** 4,
};

const DURATION_UNITS_MS: Record<string, number> = {
  '': 1,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  'µs': 1e-3, micro: 1e-3, micros: 1e-3, microsecond: 1e-3, microseconds: 1e-3,
  ns: 1e-6, nano: 1e-6, nanos: 1e-6, nanosecond: 1e-6, nanoseconds: 1e-6,
};

function invalid(key: string, value: string, expected: string, where?: string): PaimonError {
  return new PaimonError('INVALID_OPTION', `${where ? `${where}: ` : ''}option ${key}=${JSON.stringify(value)} is invalid: expected ${expected}`);
}

/** `128 mb` -> 134217728. No unit means bytes; units are case-insensitive. */
export function parseMemorySize(text: string, key: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw invalid(key, text, 'a memory size such as "128 mb", "64 kb" or a byte count');
  return Number(m[1]) * unit;
}

/** `1 h` -> 3600000. No unit means milliseconds. */
export function parseDurationMillis(text: string, key: string): number {
  const m = /^\s*(\d+)\s*(\S*)\s*$/.exec(text);
  const unit = m ? DURATION_UNITS_MS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw invalid(key, text, 'a duration such as "1 h", "30 s", "10 min" or a millisecond count');
  return Number(m[1]) * unit;
}

const INT_RE = /^[+-]?\d+$/;

function parseIntValue(text: string, key: string, kind: Extract<OptionKind, { type: 'int' | 'long' }>): number {
  const n = Number(text);
  const int32 = kind.type === 'int';
  const inRange = int32 ? n >= -(2 ** 31) && n <= 2 ** 31 - 1 : Number.isFinite(n);
  let expected = int32 ? 'an integer' : 'a long integer';
  if (kind.min !== undefined) expected += ` >= ${kind.min}`;
  if (kind.type === 'int' && kind.expect) expected = `an integer: ${kind.expect}`;
  if (!INT_RE.test(text) || !inRange) throw invalid(key, text, expected);
  if (kind.min !== undefined && n < kind.min) throw invalid(key, text, expected);
  if (kind.type === 'int' && kind.check && !kind.check(n)) throw invalid(key, text, expected);
  return n;
}

function parseBooleanValue(text: string, key: string): boolean {
  const v = text.toLowerCase();
  if (v !== 'true' && v !== 'false') throw invalid(key, text, 'true or false');
  return v === 'true';
}

/** Normalized stats mode (`truncate(16)`, `full`, ...) or an INVALID_OPTION error. */
export function parseStatsMode(text: string, key: string): string {
  const v = text.trim().toLowerCase();
  if (v === 'none' || v === 'counts' || v === 'full') return v;
  const m = /^truncate\((\d+)\)$/.exec(v);
  if (m) return `truncate(${Number(m[1])})`;
  throw invalid(key, text, 'none, counts, full or truncate(N)');
}

/** Checks one value against its kind; throws INVALID_OPTION naming key and value. */
export function checkOptionValue(key: string, value: string, kind: OptionKind): void {
  switch (kind.type) {
    case 'int':
    case 'long':
      parseIntValue(value, key, kind);
      return;
    case 'double':
      if (value.trim() === '' || !Number.isFinite(Number(value))) throw invalid(key, value, 'a number');
      return;
    case 'boolean':
      parseBooleanValue(value, key);
      return;
    case 'memory':
      parseMemorySize(value, key);
      return;
    case 'duration':
      parseDurationMillis(value, key);
      return;
    case 'enum':
      if (!kind.values.includes(value.toLowerCase())) throw invalid(key, value, `one of ${kind.values.join(', ')}`);
      return;
    case 'stats-mode':
      parseStatsMode(value, key);
      return;
    case 'map':
      for (const item of value.split(',')) {
        if (item.trim() === '') continue;
        if (item.split(':').length !== 2) throw invalid(key, value, 'key:value pairs separated by commas, e.g. "0:avro,3:parquet"');
      }
      return;
    case 'string':
    case 'list':
      return;
  }
}

/**
 * Rejects values Paimon could not parse (`bucket=abc`, `bucket=0`,
 * `merge-engine=foo`, `write-buffer-size=lots`) and a few cross-option rules
 * SchemaValidation applies to options alone. Keys it does not know are left
 * alone: Paimon keeps them, and connectors add their own.
 */
export function validateOptions(options: Readonly<Record<string, string>>, where: string): void {
  for (const [key, value] of Object.entries(options)) {
    if (typeof value !== 'string') {
      throw new PaimonError('INVALID_OPTION', `${where}: option ${key} must be a string, got ${JSON.stringify(value)}`);
    }
    const spec = optionSpec(key);
    if (!spec) continue;
    try {
      checkOptionValue(key, value, spec.kind);
    } catch (e) {
      if (e instanceof PaimonError) throw new PaimonError(e.code, `${where}: ${e.message}`, { cause: e });
      throw e;
    }
  }
  const opts = new CoreOptions(options);
  const pair = (a: OptionName, b: OptionName, rule: string) =>
    new PaimonError('INVALID_OPTION', `${where}: option ${OPTIONS[a].key}=${opts.get(a)} ${rule} ${OPTIONS[b].key}=${opts.get(b)}`);
  if (opts.snapshotNumRetainedMin > opts.snapshotNumRetainedMax) {
    throw pair('snapshotNumRetainedMin', 'snapshotNumRetainedMax', 'must not be larger than');
  }
  const clMin = opts.get('changelogNumRetainedMin');
  const clMax = opts.get('changelogNumRetainedMax');
  if (clMin !== null && clMax !== null && Number(clMin) > Number(clMax)) {
    throw pair('changelogNumRetainedMin', 'changelogNumRetainedMax', 'must not be larger than');
  }
}

/** Typed, defaulted view over a table's options map. */
export class CoreOptions {
  constructor(readonly raw: Readonly<Record<string, string>>) {}

  get(name: OptionName): string | null {
    const o: OptionSpec = OPTIONS[name];
    return this.raw[o.key] ?? o.default;
  }

  private int(name: OptionName): number {
    const spec: OptionSpec = OPTIONS[name];
    const v = this.get(name);
    if (v === null) throw new PaimonError('INVALID_OPTION', `option ${spec.key} is not set and has no default`);
    return parseIntValue(v, spec.key, spec.kind.type === 'long' ? spec.kind : { type: 'int' });
  }

  private bool(name: OptionName): boolean {
    return parseBooleanValue(this.get(name) ?? 'false', OPTIONS[name].key);
  }

  private memory(name: OptionName): number {
    return parseMemorySize(this.get(name) ?? '0', OPTIONS[name].key);
  }

  private lower(name: OptionName): string {
    return (this.get(name) ?? '').toLowerCase();
  }

  get bucket(): number {
    return this.int('bucket');
  }
  /** The explicit `bucket-key` columns; empty when unset (then the trimmed primary key is used, see `bucketKeys`). */
  get bucketKey(): string[] {
    return splitList(this.get('bucketKey'));
  }
  get fileFormat(): string {
    return this.lower('fileFormat');
  }
  get fileCompression(): string {
    return this.lower('fileCompression');
  }
  get fileCompressionZstdLevel(): number {
    return this.int('fileCompressionZstdLevel');
  }
  get fileSuffixIncludeCompression(): boolean {
    return this.bool('fileSuffixIncludeCompression');
  }
  get dataFilePrefix(): string {
    return this.get('dataFilePrefix')!;
  }
  /**
   * Compactions look keys up in the levels above, level 0 is always compacted
   * away, and merge-on-read keeps only the newest upper-level record
   * (Paimon's `needLookup`: first-row, lookup changelog, deletion vectors, `force-lookup`).
   */
  get needLookup(): boolean {
    return this.mergeEngine === 'first-row' || this.changelogProducer === 'lookup' || this.deletionVectorsEnabled || this.bool('forceLookup');
  }
  get changelogProducerRowDeduplicate(): boolean {
    return this.bool('changelogProducerRowDeduplicate');
  }
  /** `changelog-file.format`, else `file.format`. */
  get changelogFileFormat(): string {
    return (this.get('changelogFileFormat') ?? this.fileFormat).toLowerCase();
  }
  /** `changelog-file.compression`, else `file.compression`. */
  get changelogFileCompression(): string {
    return this.get('changelogFileCompression') ?? this.fileCompression;
  }
  get changelogFilePrefix(): string {
    return this.get('changelogFilePrefix')!;
  }
  get manifestFormat(): string {
    return this.lower('manifestFormat');
  }
  get manifestCompression(): string {
    return this.lower('manifestCompression');
  }
  get manifestTargetFileSize(): number {
    return this.memory('manifestTargetFileSize');
  }
  get manifestMergeMinCount(): number {
    return this.int('manifestMergeMinCount');
  }
  get manifestFullCompactionThresholdSize(): number {
    return this.memory('manifestFullCompactionThresholdSize');
  }
  get mergeEngine(): string {
    return this.lower('mergeEngine');
  }
  get changelogProducer(): string {
    return this.lower('changelogProducer');
  }
  get sequenceFields(): string[] {
    return splitList(this.get('sequenceField'));
  }
  get sequenceDescending(): boolean {
    return this.lower('sequenceFieldSortOrder') === 'descending';
  }
  get ignoreDelete(): boolean {
    return this.bool('ignoreDelete') || this.raw['first-row.ignore-delete'] === 'true';
  }
  get deletionVectorsEnabled(): boolean {
    return this.bool('deletionVectorsEnabled');
  }
  get deletionVectorsBitmap64(): boolean {
    return this.bool('deletionVectorsBitmap64');
  }
  get partitionDefaultName(): string {
    return this.get('partitionDefaultName')!;
  }
  get partitionLegacyName(): boolean {
    return this.bool('partitionLegacyName');
  }
  get dataFilePathDirectory(): string | null {
    return this.get('dataFilePathDirectory');
  }
  /** `target-file-size`, else 128 MiB for primary-key tables and 256 MiB for append tables (`CoreOptions.targetFileSize`). */
  targetFileSize(isPrimaryKeyTable: boolean): number {
    return this.get('targetFileSize') === null ? (isPrimaryKeyTable ? 128 : 256) * 1024 ** 2 : this.memory('targetFileSize');
  }
  get writeBufferSize(): number {
    return this.memory('writeBufferSize');
  }
  get pageSize(): number {
    return this.memory('pageSize');
  }
  get writeOnly(): boolean {
    return this.bool('writeOnly');
  }
  get compactionMaxSizeAmplificationPercent(): number {
    return this.int('compactionMaxSizeAmplificationPercent');
  }
  get compactionSizeRatio(): number {
    return this.int('compactionSizeRatio');
  }
  get compactionMinFileNum(): number {
    return this.int('compactionMinFileNum');
  }
  get compactionForceUpLevel0(): boolean {
    return this.bool('compactionForceUpLevel0');
  }
  /** Files below this size join a compaction instead of keeping their bytes (`CoreOptions.compactionFileSize`). */
  compactionFileSize(isPrimaryKeyTable: boolean): number {
    return Math.floor(this.targetFileSize(isPrimaryKeyTable) * Number(this.get('compactionSmallFileRatio')));
  }
  /** `full-compaction.delta-commits`, or null. */
  get fullCompactionDeltaCommits(): number | null {
    return this.get('fullCompactionDeltaCommits') === null ? null : this.int('fullCompactionDeltaCommits');
  }
  get numSortedRunCompactionTrigger(): number {
    return this.int('numSortedRunCompactionTrigger');
  }
  /** `num-sorted-run.stop-trigger`, default trigger + 3, never below the compaction trigger. */
  get numSortedRunStopTrigger(): number {
    const trigger = this.numSortedRunCompactionTrigger;
    const stop = this.get('numSortedRunStopTrigger') === null ? trigger + 3 : this.int('numSortedRunStopTrigger');
    return Math.max(trigger, stop);
  }
  get numLevels(): number {
    return this.get('numLevels') === null ? this.numSortedRunCompactionTrigger + 1 : this.int('numLevels');
  }
  get commitMaxRetries(): number {
    return this.int('commitMaxRetries');
  }
  get snapshotNumRetainedMin(): number {
    return this.int('snapshotNumRetainedMin');
  }
  get snapshotNumRetainedMax(): number {
    return this.int('snapshotNumRetainedMax');
  }
  get snapshotTimeRetainedMillis(): number {
    return parseDurationMillis(this.get('snapshotTimeRetained')!, OPTIONS.snapshotTimeRetained.key);
  }
  /** `fields.<field>.stats-mode` when set, else `metadata.stats-mode`; normalized (`truncate(16)`, `full`, ...). */
  statsMode(field?: string): string {
    if (field !== undefined) {
      const key = fieldOptionKey(field, 'statsMode');
      const own = this.raw[key];
      if (own !== undefined) return parseStatsMode(own, key);
    }
    return parseStatsMode(this.get('statsMode')!, OPTIONS.statsMode.key);
  }
  get branch(): string {
    return this.get('branch')!;
  }
  get partialUpdateRemoveRecordOnDelete(): boolean {
    return this.bool('partialUpdateRemoveRecordOnDelete');
  }
  /** Sequence fields whose group's -D removes the whole row (`partial-update.remove-record-on-sequence-group`). */
  get partialUpdateRemoveRecordOnSequenceGroup(): string[] | null {
    const v = this.get('partialUpdateRemoveRecordOnSequenceGroup');
    return v === null ? null : splitList(v);
  }
  get primaryKeyNullable(): boolean {
    return this.bool('primaryKeyNullable');
  }
  get alterColumnNullToNotNullDisabled(): boolean {
    return this.bool('alterColumnNullToNotNullDisabled');
  }
  get addColumnBeforePartition(): boolean {
    return this.bool('addColumnBeforePartition');
  }
  get deletionVectorsModifiable(): boolean {
    return this.bool('deletionVectorsModifiable');
  }
  /** Keys a dynamic bucket takes before the assigner opens another one. */
  get dynamicBucketTargetRowNum(): number {
    return this.int('dynamicBucketTargetRowNum');
  }
  /** Upper bound of buckets per partition in dynamic-bucket mode; -1 for none. */
  get dynamicBucketMaxBuckets(): number {
    const spec = OPTIONS.dynamicBucketMaxBuckets;
    return parseIntValue(this.get('dynamicBucketMaxBuckets')!, spec.key, spec.kind as Extract<OptionKind, { type: 'int' }>);
  }
}

function splitList(v: string | null): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}
