/**
 * Batch scan planning (spec 4.9, 11): snapshot -> manifest lists -> manifests
 * -> live files, pruned by partition, bucket and statistics -> one split per
 * (partition, bucket).
 */
import { PaimonError } from '../errors.js';
import { bucketOf, deserializeBinaryRow, rowKey } from '../spec/binary-row.js';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import { DELETION_VECTORS_INDEX } from '../spec/index-manifest-entry.js';
import type { ManifestEntry } from '../spec/manifest-entry.js';
import type { ManifestFileMeta } from '../spec/manifest-file-meta.js';
import { FileKind } from '../spec/manifest-entry.js';
import type { Snapshot } from '../spec/snapshot.js';
import { bucketKeys, fieldsByName, type TableSchema } from '../spec/table-schema.js';
import type { DataField } from '../types/data-type.js';
import type { Value } from '../types/values.js';
import { CoreOptions } from '../table/options.js';
import { indexPath } from '../table/paths.js';
import { bucketDirectory } from '../table/data-paths.js';
import { FileStoreTable } from '../table/table.js';
import { combineStats, dataFileStats, manifestPartitionStats, parquetFooterStats, partitionValueStats } from './file-stats.js';
import { bindPredicate, fieldsOf, mayMatch, negationNormalForm, type Predicate } from './predicate.js';
import type { DataSplit, DeletionFile, ScanPlan } from './split.js';

export type SnapshotSelector =
  | { kind: 'latest' }
  | { kind: 'id'; id: number }
  | { kind: 'tag'; name: string }
  | { kind: 'timestamp'; millis: number };


export interface PlanOptions {
  snapshot: SnapshotSelector;
  /** Already bound to the schema that will be read. */
  filter: Predicate | null;
  buckets: Set<number> | null;
}

export async function resolveSnapshot(table: FileStoreTable, selector: SnapshotSelector): Promise<Snapshot | null> {
  switch (selector.kind) {
    case 'latest':
      return table.snapshots.latest();
    case 'id':
      return table.snapshots.snapshot(selector.id);
    case 'tag':
      return table.tags.snapshot(selector.name);
    case 'timestamp': {
      const s = await table.snapshots.earlierOrEqualTime(selector.millis);
      if (!s) {
        throw new PaimonError('SNAPSHOT_NOT_FOUND', `table ${table.name} has no snapshot at or before ${new Date(selector.millis).toISOString()}`);
      }
      return s;
    }
  }
}

/**
 * The schema rows of `snapshot` are read with: for a time travel the
 * snapshot's own (the table as it was); for the latest snapshot the table's
 * schema, so a schema change shows before the next commit (unless that
 * snapshot was written with a newer schema than the table was opened with).
 */
export async function schemaFor(table: FileStoreTable, snapshot: Snapshot | null, latest = false): Promise<TableSchema> {
  if (!snapshot || (latest && snapshot.schemaId <= table.schema.id)) return table.schema;
  return table.schemas.schema(snapshot.schemaId);
}

/** Buckets an equality/IN filter on every bucket-key column allows, or null for "any". */
export function bucketsForFilter(filter: Predicate | null, schema: TableSchema, numBuckets: number): Set<number> | null {
  if (!filter || numBuckets <= 0) return null;
  const options = new CoreOptions(schema.options);
  if ((options.get('bucketFunctionType') ?? 'default') !== 'default') return null;
  const keys = bucketKeys(schema);
  if (keys.length === 0) return null;
  const conjuncts = filter.op === 'and' ? filter.children : [filter];
  const choices: Value[][] = [];
  for (const key of keys) {
    const c = conjuncts.find((p) => (p.op === '=' || p.op === 'in') && p.field === key);
    if (!c) return null;
    const values = c.op === '=' ? [c.literal] : c.op === 'in' ? c.literals : [];
    if (values.some((v) => v === null)) return null;
    choices.push(values);
  }
  const types = fieldsByName(schema, keys, 'bucket key').map((f) => f.type);
  const out = new Set<number>();
  const walk = (i: number, acc: Value[]): void => {
    if (out.size > numBuckets) return;
    if (i === choices.length) {
      out.add(bucketOf(acc, types, numBuckets));
      return;
    }
    for (const v of choices[i]!) walk(i + 1, [...acc, v]);
  };
  walk(0, []);
  return out;
}

/**
 * Whether an entry's bucket can hold rows an equality filter on the bucket
 * key asks for. Each entry is judged by its own `totalBuckets`: after a
 * bucket rescale, partitions written with the old count keep it.
 */
function bucketFilterOf(filter: Predicate | null, schema: TableSchema): ((bucket: number, totalBuckets: number) => boolean) | null {
  if (!filter) return null;
  const byCount = new Map<number, Set<number> | null>();
  return (bucket, totalBuckets) => {
    let allowed = byCount.get(totalBuckets);
    if (allowed === undefined) {
      allowed = bucketsForFilter(filter, schema, totalBuckets);
      byCount.set(totalBuckets, allowed);
    }
    return allowed === null || allowed.has(bucket);
  };
}

/**
 * The live entries of a snapshot. Manifests, and entries, of partitions and
 * buckets the filter excludes are skipped before merging: an ADD and its
 * DELETE share partition and bucket, so they are skipped together.
 * `buckets` (asked for explicitly) also prunes manifests; buckets derived
 * from the filter prune entries only, by each entry's bucket count.
 */
async function liveEntries(
  table: FileStoreTable,
  snapshot: Snapshot,
  schema: TableSchema,
  filter: Predicate | null,
  buckets: Set<number> | null,
): Promise<ManifestEntry[]> {
  const filterBuckets = buckets ? null : bucketFilterOf(filter, schema);
  const partitionFields = fieldsByName(schema, schema.partitionKeys, `table ${table.name}`);
  const partitionTypes = partitionFields.map((f) => f.type);
  const byPartition = filter && partitionFields.length > 0;
  const partitionMatches = new Map<string, boolean>();
  const keepEntry = (e: ManifestEntry): boolean => {
    if (buckets && !buckets.has(e.bucket)) return false;
    if (filterBuckets && !filterBuckets(e.bucket, e.totalBuckets)) return false;
    if (!byPartition) return true;
    const key = rowKey(e.partition);
    let matches = partitionMatches.get(key);
    if (matches === undefined) {
      matches = mayMatch(filter, partitionValueStats(deserializeBinaryRow(e.partition, partitionTypes), partitionFields));
      partitionMatches.set(key, matches);
    }
    return matches;
  };
  const keepManifest = (meta: ManifestFileMeta): boolean => {
    if (byPartition && !mayMatch(filter, manifestPartitionStats(meta, partitionFields))) return false;
    if (buckets && meta.minBucket !== null && meta.maxBucket !== null && ![...buckets].some((b) => b >= meta.minBucket! && b <= meta.maxBucket!)) return false;
    return true;
  };
  return table.manifests.liveEntries(await table.manifests.dataManifests(snapshot), { manifest: keepManifest, entry: keepEntry }, `snapshot ${snapshot.id} of table ${table.name}`);
}

async function deletionFiles(table: FileStoreTable, snapshot: Snapshot, options: CoreOptions): Promise<Map<string, DeletionFile>> {
  const out = new Map<string, DeletionFile>();
  if (!snapshot.indexManifest) return out;
  const inDataDir = table.schema.options['index-file-in-data-file-dir'] === 'true';
  for (const e of await table.manifests.indexManifest(snapshot.indexManifest)) {
    if (e.kind !== FileKind.ADD || e.indexType !== DELETION_VECTORS_INDEX || !e.dvRanges) continue;
    const partitionText = rowKey(e.partition);
    let path = e.externalPath ?? indexPath(table.path, e.fileName);
    if (!e.externalPath && inDataDir) {
      const values = deserializeBinaryRow(e.partition, fieldsByName(table.schema, table.schema.partitionKeys, 'partition').map((f) => f.type));
      path = `${bucketDirectory(table.path, table.schema, values, e.bucket)}/${e.fileName}`;
    }
    for (const r of e.dvRanges) {
      out.set(`${partitionText}/${e.bucket}/${r.dataFileName}`, { path, offset: r.offset, length: r.length, cardinality: r.cardinality });
    }
  }
  return out;
}

/** Splits of the given entries grouped by (partition, bucket), files in sequence order; no deletion vectors. */
export function entriesToSplits(table: FileStoreTable, schema: TableSchema, snapshotId: number, entries: readonly ManifestEntry[]): DataSplit[] {
  const partitionTypes = fieldsByName(schema, schema.partitionKeys, `table ${table.name}`).map((f) => f.type);
  const groups = new Map<string, ManifestEntry[]>();
  for (const e of entries) {
    const key = `${rowKey(e.partition)}/${e.bucket}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    const partition = deserializeBinaryRow(first.partition, partitionTypes);
    const files = g.map((e) => e.file).sort((a, b) => (a.minSequenceNumber < b.minSequenceNumber ? -1 : a.minSequenceNumber > b.minSequenceNumber ? 1 : 0));
    return {
      snapshotId,
      partition,
      partitionBytes: first.partition,
      bucket: first.bucket,
      totalBuckets: first.totalBuckets,
      bucketPath: bucketDirectory(table.path, schema, partition, first.bucket),
      files,
      deletionFiles: files.map(() => null),
      rawConvertible: true,
    };
  });
}

export async function planScan(table: FileStoreTable, opts: PlanOptions): Promise<ScanPlan> {
  const snapshot = await resolveSnapshot(table, opts.snapshot);
  const schema = await schemaFor(table, snapshot, opts.snapshot.kind === 'latest');
  if (!snapshot) return { snapshot, schema, splits: [] };
  const options = new CoreOptions(schema.options);
  const filter = opts.filter ? negationNormalForm(bindPredicate(opts.filter, schema.fields, table.name)) : null;
  const isPk = schema.primaryKeys.length > 0;
  const dvEnabled = options.deletionVectorsEnabled;
  // DV tables (and first-row, whose compaction keeps level 1+ unique) read no level-0 files in batch.
  const skipLevel0 = isPk && (dvEnabled || options.mergeEngine === 'first-row');
  const partitionFields: DataField[] = fieldsByName(schema, schema.partitionKeys, `table ${table.name}`);
  const partitionTypes = partitionFields.map((f) => f.type);
  const buckets = opts.buckets;
  const dvs = dvEnabled ? await deletionFiles(table, snapshot, options) : new Map<string, DeletionFile>();
  const filterFields = filter ? fieldsOf(filter) : new Set<string>();

  const groups = new Map<string, { entry: ManifestEntry; partition: Value[]; files: DataFileMeta[] }>();
  const partitionCache = new Map<string, Value[]>();
  for (const entry of await liveEntries(table, snapshot, schema, filter, buckets)) {
    if (skipLevel0 && entry.file.level === 0) continue;
    const pkey = rowKey(entry.partition);
    let values = partitionCache.get(pkey);
    if (!values) {
      values = deserializeBinaryRow(entry.partition, partitionTypes);
      partitionCache.set(pkey, values);
    }
    if (filter) {
      const fileSchema = await table.schemas.schema(entry.file.schemaId);
      const partitionStats = partitionValueStats(values, partitionFields);
      // Value stats prune only where files are read without merging (append, DV);
      // in a merge they could hide the newer version of a row. Key stats always can.
      let stats = isPk && !dvEnabled
        ? combineStats(partitionStats, dataFileStats(entry.file, fileSchema, schema, true))
        : combineStats(partitionStats, dataFileStats(entry.file, fileSchema, schema, false));
      if (!mayMatch(filter, stats)) continue;
      const unknown = [...filterFields].filter((f) => stats(f) === null);
      if ((!isPk || dvEnabled) && unknown.length > 0 && entry.file.fileName.endsWith('.parquet')) {
        const path = entry.file.externalPath ?? `${bucketDirectory(table.path, schema, values, entry.bucket)}/${entry.file.fileName}`;
        stats = combineStats(stats, await parquetFooterStats(table.fileIO, path, entry.file, fileSchema, schema, unknown));
        if (!mayMatch(filter, stats)) continue;
      }
    }
    const gkey = `${pkey}/${entry.bucket}`;
    let g = groups.get(gkey);
    if (!g) {
      g = { entry, partition: values, files: [] };
      groups.set(gkey, g);
    }
    g.files.push(entry.file);
  }

  const splits: DataSplit[] = [];
  for (const [gkey, g] of groups) {
    const files = g.files.sort((a, b) => (a.minSequenceNumber < b.minSequenceNumber ? -1 : a.minSequenceNumber > b.minSequenceNumber ? 1 : 0));
    const single = files.length === 1 && files[0]!.level > 0 && (files[0]!.deleteRowCount ?? 1) === 0;
    splits.push({
      snapshotId: snapshot.id,
      partition: g.partition,
      partitionBytes: g.entry.partition,
      bucket: g.entry.bucket,
      totalBuckets: g.entry.totalBuckets,
      bucketPath: bucketDirectory(table.path, schema, g.partition, g.entry.bucket),
      files,
      deletionFiles: files.map((f) => dvs.get(`${gkey}/${f.fileName}`) ?? null),
      rawConvertible: !isPk || skipLevel0 || single,
    });
  }
  splits.sort((a, b) => a.bucketPath.localeCompare(b.bucketPath));
  const fallback = schema.options['scan.fallback-branch'];
  if (fallback && table.branch !== fallback && opts.snapshot.kind === 'latest') {
    splits.push(...(await fallbackSplits(table, snapshot, fallback, opts)));
  }
  return { snapshot, schema, splits };
}

/**
 * `scan.fallback-branch`: partitions the main branch does not have are read
 * from the fallback branch (FallbackReadFileStoreTable).
 */
async function fallbackSplits(table: FileStoreTable, snapshot: Snapshot, branch: string, opts: PlanOptions): Promise<DataSplit[]> {
  const mainPartitions = new Set((await table.manifests.liveEntries(await table.manifests.dataManifests(snapshot))).map((e) => rowKey(e.partition)));
  const other = await FileStoreTable.open(table.path, { fileIO: table.fileIO, branch });
  const plan = await planScan(other, { ...opts, snapshot: { kind: 'latest' } });
  return plan.splits.filter((s) => !mainPartitions.has(rowKey(s.partitionBytes))).map((s) => ({ ...s, branch }));
}
