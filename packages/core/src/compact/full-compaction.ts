/**
 * Full compaction: every bucket's files rewritten as one sorted run.
 * Primary-key buckets are merged with the table's merge engine and written
 * to the top level (num-levels - 1), where retractions are dropped and each
 * key keeps its record's sequence number; append buckets are concatenated
 * into files of the target size. Committed as one COMPACT snapshot (DELETE
 * the old files, ADD the new), so readers see the same rows before and after.
 */
import { randomUUID } from 'node:crypto';
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { FileSource, type DataFileMeta } from '../spec/data-file-meta.js';
import type { ManifestEntry } from '../spec/manifest-entry.js';
import type { Snapshot } from '../spec/snapshot.js';
import { keyFields, trimmedPrimaryKeys } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { getValue } from '../types/arrow-values.js';
import { toStatsMode } from '../write/stats-collector.js';
import { DataFileNamer, writeDataFile } from '../write/data-file-writer.js';
import { batchBytes, kvBatch } from '../write/bucket-writers.js';
import type { CommitMessage } from '../write/table-commit.js';
import { readMerged, readSplit, type ReadContext } from '../read/split-reader.js';
import { entriesToSplits } from '../scan/table-scan.js';
import type { DataSplit } from '../scan/split.js';
import { concatBatches, selectColumns } from '../read/gather.js';

export interface CompactOptions {
  /** Rewrite every bucket with more than one file (or any file below the top level). */
  full?: boolean;
  commitUser?: string;
}

function needsCompaction(split: DataSplit, topLevel: number, isPk: boolean): boolean {
  if (split.files.length > 1) return true;
  const only = split.files[0];
  return !!only && isPk && (only.level !== topLevel || (only.deleteRowCount ?? 0) > 0);
}

export async function compactTable(table: FileStoreTable, options: CompactOptions = {}): Promise<Snapshot | null> {
  if (!options.full) throw new PaimonError('UNSUPPORTED', `table ${table.name}: only full compaction is supported yet (pass full: true)`);
  const latest = await table.snapshots.latest();
  if (!latest) return null;
  if (latest.schemaId !== table.schema.id) {
    throw new PaimonError('UNSUPPORTED', `table ${table.name}: compacting after a schema change is not supported yet`);
  }
  const schema = table.schema;
  const opts = table.options;
  const isPk = schema.primaryKeys.length > 0;
  const topLevel = isPk ? opts.numLevels - 1 : 0;
  // All live files, every level (a plan would skip level 0 for DV and first-row tables).
  const entries: ManifestEntry[] = await table.manifests.liveEntries(await table.manifests.dataManifests(latest));
  const splits = entriesToSplits(table, schema, latest.id, entries).filter((s) => needsCompaction(s, topLevel, isPk));
  if (splits.length === 0) return null;
  const ctx: ReadContext = { table, schema, projection: schema.fields, filter: null };
  const namer = new DataFileNamer(opts.dataFilePrefix, `.${opts.fileFormat}`);
  const statsModes = schema.fields.map((f) => toStatsMode(opts.statsMode(f.name)));
  const keyFieldList = isPk ? keyFields(schema) : [];
  const keyIdx = trimmedPrimaryKeys(schema).map((k) => schema.fields.findIndex((f) => f.name === k));
  const target = opts.targetFileSize(isPk);
  const messages: CommitMessage[] = [];

  for (const split of splits) {
    const written: DataFileMeta[] = [];
    let pending: arrow.RecordBatch[] = [];
    let bytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const rows = pending.reduce((n, b) => n + b.numRows, 0);
      if (rows === 0) return;
      let fileBatch: arrow.RecordBatch;
      let fields = schema.fields;
      let minSeq: bigint;
      let maxSeq: bigint;
      let minKey: unknown[] = [];
      let maxKey: unknown[] = [];
      let deleteRows = 0;
      if (isPk) {
        // pending batches are [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields], sorted by key
        const seqs: bigint[] = [];
        const kinds: number[] = [];
        const values: arrow.RecordBatch[] = [];
        for (const b of pending) {
          const s = b.data.children[0]!.values as BigInt64Array;
          const k = b.data.children[1]!.values as Int8Array;
          for (let r = 0; r < b.numRows; r++) {
            seqs.push(s[r]!);
            kinds.push(k[r]!);
          }
          values.push(selectColumns(b, schema.fields.map((f) => f.name)));
        }
        const merged = concatBatches(values);
        const kv = kvBatch(schema, merged, seqs, kinds);
        fileBatch = kv.batch;
        fields = kv.fields;
        minSeq = seqs.reduce((m, x) => (x < m ? x : m), seqs[0]!);
        maxSeq = seqs.reduce((m, x) => (x > m ? x : m), seqs[0]!);
        const firstRow = merged.data.children;
        minKey = keyIdx.map((i) => getValue(firstRow[i]!, 0));
        maxKey = keyIdx.map((i) => getValue(firstRow[i]!, merged.numRows - 1));
        deleteRows = kinds.filter((k) => k === 1 || k === 3).length;
      } else {
        fileBatch = concatBatches(pending);
        const first = split.files[0]!;
        minSeq = first.minSequenceNumber;
        maxSeq = split.files.reduce((m, f) => (f.maxSequenceNumber > m ? f.maxSequenceNumber : m), first.maxSequenceNumber);
      }
      const k = keyFieldList.length;
      written.push(
        await writeDataFile(
          table.fileIO,
          {
            dir: split.bucketPath,
            fileName: namer.next(),
            fields,
            batches: [fileBatch],
            valueColumns: schema.fields.map((_, i) => (isPk ? k + 2 + i : i)),
            keyColumns: keyFieldList.map((_, i) => i),
            statsModes,
            keyStatsModes: keyIdx.map((i) => statsModes[i]!),
            minSequenceNumber: minSeq,
            maxSequenceNumber: maxSeq,
            minKey: minKey as never,
            maxKey: maxKey as never,
            deleteRowCount: deleteRows,
            schemaId: schema.id,
            level: topLevel,
            compression: opts.fileCompression,
            fileSource: FileSource.COMPACT,
          },
          keyFieldList,
        ),
      );
      pending = [];
      bytes = 0;
    };
    const source = isPk ? readMerged(ctx, { ...split, rawConvertible: false }) : readSplit(ctx, split);
    for await (const batch of source) {
      pending.push(batch);
      bytes += batchBytes(batch);
      if (bytes >= target) await flush();
    }
    await flush();
    messages.push({ partition: split.partitionBytes, bucket: split.bucket, totalBuckets: split.totalBuckets, newFiles: written, deletedFiles: split.files });
  }
  const commit = table.newCommit(options.commitUser ?? `compact-${randomUUID()}`);
  return commit.commit(messages, { kind: 'COMPACT' });
}
