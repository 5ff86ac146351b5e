/**
 * The key hashes of one bucket of a dynamic-bucket table while it is written
 * (Paimon's DynamicBucketIndexMaintainer): restored from the bucket's HASH
 * index file, grown by every record written to the bucket (deletes too), and
 * written back whole as one new index file, the old one retired, at each
 * commit that added a hash. Hashes are never removed, as in Paimon.
 */
import { PaimonError } from '../errors.js';
import { decodeHashIndex, encodeHashIndex } from '../spec/hash-index-file.js';
import { HASH_INDEX, type IndexManifestEntry } from '../spec/index-manifest-entry.js';
import type { IndexFileMeta } from '../compact/deletion-vector-maintainer.js';
import type { FileStoreTable } from '../table/table.js';
import { indexPath } from '../table/paths.js';
import { IntHashSet } from './int-hash-tables.js';

/** The hashes of a HASH index file (an entry of the table's index manifest). */
export async function readHashIndex(table: FileStoreTable, entry: Pick<IndexManifestEntry, 'fileName' | 'externalPath'>): Promise<Int32Array> {
  if (entry.externalPath) {
    throw new PaimonError('UNSUPPORTED', `table ${table.name}: hash index ${entry.fileName} is kept outside ${table.path}/index (${entry.externalPath}); writing such dynamic-bucket tables is not supported`);
  }
  const path = indexPath(table.path, entry.fileName);
  return decodeHashIndex(await table.fileIO.readFile(path), path);
}

export class HashIndexMaintainer {
  private modified = false;

  private constructor(
    private readonly table: FileStoreTable,
    private readonly hashes: IntHashSet,
    /** The bucket's HASH index file in the snapshot last restored from or written. */
    private current: IndexFileMeta | null,
  ) {}

  /** From the bucket's ADD entries of the latest index manifest (none for a new bucket or an overwrite). */
  static async restore(table: FileStoreTable, entries: readonly IndexManifestEntry[], where: string): Promise<HashIndexMaintainer> {
    const files = entries.filter((e) => e.indexType === HASH_INDEX);
    if (files.length > 1) {
      throw new PaimonError('CORRUPT_FILE', `table ${table.name}, ${where}: the index manifest lists ${files.length} hash index files (${files.map((f) => f.fileName).join(', ')}); a bucket has at most one`);
    }
    const file = files[0];
    if (!file) return new HashIndexMaintainer(table, new IntHashSet(), null);
    const restored = await readHashIndex(table, file);
    const hashes = new IntHashSet(restored.length);
    for (const h of restored) hashes.add(h);
    const { kind: _k, partition: _p, bucket: _b, ...meta } = file;
    return new HashIndexMaintainer(table, hashes, meta);
  }

  /** Notes the key hash of a record written to the bucket. */
  add(hash: number): void {
    if (this.hashes.add(hash)) this.modified = true;
  }

  /** The index file to add and the one to retire when hashes were added since the last call. */
  async flush(newFileName: () => string): Promise<{ added: IndexFileMeta[]; deleted: IndexFileMeta[] }> {
    if (!this.modified) return { added: [], deleted: [] };
    this.modified = false;
    const bytes = encodeHashIndex(this.hashes.toArray());
    const fileName = newFileName();
    await this.table.fileIO.writeFile(indexPath(this.table.path, fileName), bytes, false);
    const meta: IndexFileMeta = { indexType: HASH_INDEX, fileName, fileSize: bytes.length, rowCount: bytes.length / 4, dvRanges: null, externalPath: null };
    const deleted = this.current ? [this.current] : [];
    this.current = meta;
    return { added: [meta], deleted };
  }
}
