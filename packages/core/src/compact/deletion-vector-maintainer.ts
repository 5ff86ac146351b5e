/**
 * The deletion vectors of one bucket while it is written (Paimon's
 * BucketedDvMaintainer): restored from the bucket's index file, updated as
 * compactions supersede rows in older files, and written back as one new
 * index file (the old one retired) when anything changed.
 */
import { randomUUID } from 'node:crypto';
import { PaimonError } from '../errors.js';
import { BitmapDeletionVector, readDeletionVector, writeDeletionVectorIndexFile } from '../spec/deletion-vector.js';
import { DELETION_VECTORS_INDEX, type IndexManifestEntry } from '../spec/index-manifest-entry.js';
import type { FileStoreTable } from '../table/table.js';
import { indexFileName, indexPath } from '../table/paths.js';

/** An index file as a commit message carries it (an index manifest entry without kind, partition, bucket). */
export type IndexFileMeta = Omit<IndexManifestEntry, 'kind' | 'partition' | 'bucket'>;

export class DeletionVectorMaintainer {
  private changed = false;

  private constructor(
    private readonly table: FileStoreTable,
    private readonly vectors: Map<string, BitmapDeletionVector>,
    /** The bucket's index files in the snapshot it was restored from. */
    private restoredFiles: IndexFileMeta[],
  ) {}

  /** The bucket's vectors from its index entries (ADD entries of the latest snapshot's index manifest). */
  static async restore(table: FileStoreTable, entries: readonly IndexManifestEntry[]): Promise<DeletionVectorMaintainer> {
    const vectors = new Map<string, BitmapDeletionVector>();
    const files: IndexFileMeta[] = [];
    for (const e of entries) {
      if (e.indexType !== DELETION_VECTORS_INDEX) continue;
      if (e.externalPath || table.schema.options['index-file-in-data-file-dir'] === 'true') {
        throw new PaimonError('UNSUPPORTED', `table ${table.name}: updating deletion vectors kept outside ${table.path}/index is not supported`);
      }
      const { kind: _k, partition: _p, bucket: _b, ...meta } = e;
      files.push(meta);
      const path = indexPath(table.path, e.fileName);
      const bytes = await table.fileIO.readFile(path);
      for (const r of e.dvRanges ?? []) vectors.set(r.dataFileName, readDeletionVector(bytes, r.offset, r.length, path));
    }
    return new DeletionVectorMaintainer(table, vectors, files);
  }

  vectorOf(fileName: string): BitmapDeletionVector | undefined {
    return this.vectors.get(fileName);
  }

  /** Snapshot of all vectors, for readers of this bucket's files. */
  all(): ReadonlyMap<string, BitmapDeletionVector> {
    return this.vectors;
  }

  markDeleted(fileName: string, position: number): void {
    let dv = this.vectors.get(fileName);
    if (!dv) {
      dv = BitmapDeletionVector.of([], this.table.options.deletionVectorsBitmap64);
      this.vectors.set(fileName, dv);
    }
    if (dv.delete(position)) this.changed = true;
  }

  /** A file compacted away takes its vector with it. */
  removeFile(fileName: string): void {
    if (this.vectors.delete(fileName)) this.changed = true;
  }

  /**
   * Writes the bucket's vectors as one new index file if they changed since
   * the last call; returns the index files to add and to retire.
   */
  async flush(): Promise<{ added: IndexFileMeta[]; deleted: IndexFileMeta[] }> {
    if (!this.changed) return { added: [], deleted: [] };
    this.changed = false;
    const deleted = this.restoredFiles;
    const live = new Map([...this.vectors].filter(([, dv]) => dv.cardinality > 0));
    if (live.size === 0) {
      this.restoredFiles = [];
      return { added: [], deleted };
    }
    const { bytes, ranges } = writeDeletionVectorIndexFile(live, { bitmap64: this.table.options.deletionVectorsBitmap64 });
    const fileName = indexFileName(randomUUID(), 0);
    await this.table.fileIO.writeFile(indexPath(this.table.path, fileName), bytes, false);
    const meta: IndexFileMeta = {
      indexType: DELETION_VECTORS_INDEX,
      fileName,
      fileSize: bytes.length,
      rowCount: ranges.length,
      dvRanges: ranges.map((r) => ({ dataFileName: r.fileName, offset: r.offset, length: r.length, cardinality: r.cardinality })),
      externalPath: null,
    };
    this.restoredFiles = [meta];
    return { added: [meta], deleted };
  }
}
