/**
 * Compaction on demand (`paimon-ts compact`, Paimon's compact procedure):
 * each bucket of the latest snapshot gets one compaction. Full: every sorted
 * run to the top level, where retractions are dropped (append buckets: all
 * files rewritten into files of the target size). Otherwise what universal
 * compaction (primary keys) or small-file compaction (append) would pick.
 * Committed as one COMPACT snapshot, so readers see the same rows.
 */
import { randomUUID } from 'node:crypto';
import { deserializeBinaryRow, rowKey } from '../spec/binary-row.js';
import type { IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { DeletionVectorMaintainer, type IndexFileMeta } from './deletion-vector-maintainer.js';
import type { ManifestEntry } from '../spec/manifest-entry.js';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { Snapshot } from '../spec/snapshot.js';
import { fieldsByName } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { compareValues } from '../types/values.js';
import { typedPartition } from '../table/rescale.js';
import { DataFileNamer } from '../write/data-file-writer.js';
import { CompactionConflict, type CommitMessage } from '../write/table-commit.js';
import { entriesToSplits } from '../scan/table-scan.js';
import { pickAppendCompaction, rewriteAppendFiles } from './append-compaction.js';
import { MergeTreeCompactManager, type BucketLocation } from './merge-tree-compaction.js';

export interface CompactOptions {
  /** Rewrite every bucket as one sorted run (default false: compact what is due). */
  full?: boolean;
  /** Only buckets of the partitions matching these partition values (typed values or their text). */
  partition?: Record<string, unknown>;
  commitUser?: string;
  /** Called after each bucket with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export async function compactTable(table: FileStoreTable, options: CompactOptions = {}): Promise<Snapshot | null> {
  const latest = await table.snapshots.latest();
  if (!latest) return null;
  const schema = table.schema;
  const opts = table.options;
  const isPk = schema.primaryKeys.length > 0;
  const partitionTypes = fieldsByName(schema, schema.partitionKeys, `table ${table.name}`).map((f) => f.type);
  const wanted = options.partition ? typedPartition(table, options.partition) : null;
  const inPartition = (e: ManifestEntry): boolean => {
    if (!wanted) return true;
    const values = deserializeBinaryRow(e.partition, partitionTypes);
    return schema.partitionKeys.every((k, i) => !(k in wanted) || compareValues(wanted[k]!, values[i]!) === 0);
  };
  // All live files, every level (a plan would skip level 0 for deletion-vector and first-row tables).
  const entries = (await table.manifests.liveEntries(await table.manifests.dataManifests(latest))).filter(inPartition);
  const splits = entriesToSplits(table, schema, latest.id, entries);
  const namer = new DataFileNamer(opts.dataFilePrefix, `.${opts.fileFormat}`);
  const indexes = new Map<string, IndexManifestEntry[]>();
  if (opts.deletionVectorsEnabled) {
    for (const e of await table.manifests.liveIndexFiles(latest)) {
      const key = `${rowKey(e.partition)}/${e.bucket}`;
      indexes.set(key, [...(indexes.get(key) ?? []), e]);
    }
  }
  const messages: CommitMessage[] = [];
  let done = 0;
  for (const split of splits) {
    const where: BucketLocation = { partition: split.partition, partitionBytes: split.partitionBytes, bucket: split.bucket, totalBuckets: split.totalBuckets, dir: split.bucketPath };
    let before = split.files;
    let after = split.files;
    let index: { added: IndexFileMeta[]; deleted: IndexFileMeta[] } = { added: [], deleted: [] };
    let changelog: DataFileMeta[] = [];
    const dv = opts.deletionVectorsEnabled ? await DeletionVectorMaintainer.restore(table, indexes.get(`${rowKey(split.partitionBytes)}/${split.bucket}`) ?? []) : null;
    if (isPk) {
      const manager = new MergeTreeCompactManager(table, schema, where, namer, split.files, dv);
      manager.triggerCompaction(options.full === true);
      const result = await manager.drain();
      before = result.before;
      after = result.after;
      changelog = result.changelog;
    } else if (options.full) {
      // a single file is rewritten too when its deletion vector has rows to drop
      if (split.files.length > 1 || (dv && dv.vectorOf(split.files[0]!.fileName))) after = await rewriteAppendFiles(table, schema, where, namer, split.files, dv);
    } else {
      const small = split.files.filter((f) => f.fileSize < opts.compactionFileSize(false));
      small.sort((a, b) => (a.minSequenceNumber < b.minSequenceNumber ? -1 : 1));
      const picked = pickAppendCompaction(small, opts.compactionMinFileNum, opts.targetFileSize(false));
      if (picked) {
        before = picked;
        after = await rewriteAppendFiles(table, schema, where, namer, picked, dv);
      }
    }
    if (dv) index = await dv.flush();
    if (after !== split.files && before.length + after.length + index.added.length + index.deleted.length > 0) {
      messages.push({
        partition: split.partitionBytes,
        bucket: split.bucket,
        totalBuckets: split.totalBuckets,
        newFiles: [],
        compactBefore: before,
        compactAfter: after,
        compactChangelog: changelog,
        compactNewIndexFiles: index.added,
        compactDeletedIndexFiles: index.deleted,
      });
    }
    options.onProgress?.(++done, splits.length);
  }
  if (messages.length === 0) return null;
  const commit = table.newCommit(options.commitUser ?? `compact-${randomUUID()}`);
  try {
    return await commit.commit(messages);
  } catch (e) {
    // compaction on demand does not retry: its outputs go
    if (e instanceof CompactionConflict) await commit.abort(messages, 'compaction').catch(() => undefined);
    throw e;
  }
}
