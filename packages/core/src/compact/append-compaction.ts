/**
 * Small-file compaction of one append bucket (Paimon's
 * BucketedAppendCompactManager): files below the compaction file size queue
 * up in sequence order; once `compaction.min.file-num` of them are in a
 * window (or the window holds twice the target size), they are rewritten as
 * one file, keeping row order.
 */
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { TableSchema } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { readSplit, type ReadContext } from '../read/split-reader.js';
import type { DataFileNamer } from '../write/data-file-writer.js';
import { CompactFileWriter } from './compact-file-writer.js';
import { filterBatch } from '../read/gather.js';
import type { DeletionVectorMaintainer } from './deletion-vector-maintainer.js';
import type { CompactResult } from './merge-tree-compaction.js';
import { bucketSplit, type BucketLocation } from './bucket-location.js';

/** The first window of queued files worth compacting, or null. */
export function pickAppendCompaction(queue: readonly DataFileMeta[], minFileNum: number, targetFileSize: number): DataFileMeta[] | null {
  const window: DataFileMeta[] = [];
  let size = 0;
  for (const f of queue) {
    window.push(f);
    size += f.fileSize;
    if (window.length >= minFileNum) return window;
    if (size >= targetFileSize * 2) size -= window.shift()!.fileSize;
  }
  return null;
}

/**
 * Rewrites append files (in sequence order) as files of the target size;
 * rows their deletion vectors delete are left out, and the vectors retire.
 */
export async function rewriteAppendFiles(
  table: FileStoreTable,
  schema: TableSchema,
  where: BucketLocation,
  namer: DataFileNamer,
  files: readonly DataFileMeta[],
  dv: DeletionVectorMaintainer | null = null,
): Promise<DataFileMeta[]> {
  const ordered = [...files].sort((a, b) => (a.minSequenceNumber < b.minSequenceNumber ? -1 : a.minSequenceNumber > b.minSequenceNumber ? 1 : 0));
  // output files count up from the first input's sequence number, as Paimon's append compaction does
  const writer = new CompactFileWriter(table, schema, where.dir, 0, namer, ordered[0]!.minSequenceNumber);
  const ctx: ReadContext = { table, schema, projection: schema.fields, filter: null };
  for (const file of ordered) {
    const split = bucketSplit(where, [file], true);
    const vector = dv?.vectorOf(file.fileName);
    let position = 0;
    for await (const batch of readSplit(ctx, split)) {
      await writer.write(vector ? filterBatch(batch, vector.keepMask(position, batch.numRows)) : batch);
      position += batch.numRows;
    }
    dv?.removeFile(file.fileName);
  }
  return writer.close();
}

export class AppendCompactManager {
  private queue: DataFileMeta[];
  private pending: Pick<CompactResult, 'before' | 'after'> = { before: [], after: [] };
  private readonly smallFile: number;

  constructor(
    private readonly table: FileStoreTable,
    private readonly schema: TableSchema,
    private readonly where: BucketLocation,
    private readonly namer: DataFileNamer,
    restored: readonly DataFileMeta[],
    private readonly dv: DeletionVectorMaintainer | null = null,
  ) {
    this.smallFile = table.options.compactionFileSize(false);
    this.queue = restored.filter((f) => f.fileSize < this.smallFile);
    this.sortQueue();
  }

  private sortQueue(): void {
    this.queue.sort((a, b) => (a.minSequenceNumber < b.minSequenceNumber ? -1 : a.minSequenceNumber > b.minSequenceNumber ? 1 : 0));
  }

  addNewFile(file: DataFileMeta): void {
    this.queue.push(file);
    this.sortQueue();
  }

  /** Compacts the first due window, if any (inline: append writers hold no merge state to overlap with). */
  async triggerCompaction(): Promise<void> {
    const o = this.table.options;
    const picked = pickAppendCompaction(this.queue, o.compactionMinFileNum, o.targetFileSize(false));
    if (!picked) return;
    const after = await rewriteAppendFiles(this.table, this.schema, this.where, this.namer, picked, this.dv);
    const gone = new Set(picked.map((f) => f.fileName));
    this.queue = this.queue.filter((f) => !gone.has(f.fileName));
    const last = after[after.length - 1];
    if (last && last.fileSize < this.smallFile) this.addNewFile(last);
    // An uncommitted compaction output compacted again never reaches a snapshot.
    for (const f of picked) {
      const i = this.pending.after.findIndex((a) => a.fileName === f.fileName);
      if (i >= 0) {
        this.pending.after.splice(i, 1);
        await this.table.fileIO.delete(`${this.where.dir}/${f.fileName}`, false).catch(() => undefined);
      } else this.pending.before.push(f);
    }
    this.pending.after.push(...after);
  }

  drain(): Pick<CompactResult, 'before' | 'after'> {
    const out = this.pending;
    this.pending = { before: [], after: [] };
    return out;
  }
}
