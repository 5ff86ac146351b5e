/**
 * Compacting an append table that has deletion vectors (rows deleted by a
 * Spark/Flink DELETE on a `deletion-vectors.enabled` append table) reads
 * through the vectors, so deleted rows stay deleted, and retires the vectors
 * with the compacted files, as Paimon's append compaction does
 * (BaseAppendDeleteFileMaintainer / AppendCompactTask).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compactTable } from '../src/compact/compact-table.js';
import { BitmapDeletionVector, writeDeletionVectorIndexFile } from '../src/spec/deletion-vector.js';
import { DELETION_VECTORS_INDEX } from '../src/spec/index-manifest-entry.js';
import { indexPath } from '../src/table/paths.js';
import { batchToRows } from '../src/read/rows.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

describe('append compaction and deletion vectors', () => {
  it('a row deleted by a deletion vector stays deleted after compact', async () => {
    const t = await scratchTable([['id', 'INT'], ['v', 'STRING']], { options: { 'deletion-vectors.enabled': 'true' } });
    for (const id of [1, 2, 3]) {
      const w = (await t.reload()).newBatchWrite();
      await w.write([{ id, v: `r${id}` }]);
      await w.commit();
    }
    let table = await t.reload();
    const latest = (await table.snapshots.latest())!;
    const entries = await table.manifests.liveEntries(await table.manifests.dataManifests(latest));
    const first = entries.find((e) => e.file.minSequenceNumber === entries.reduce((m, x) => (x.file.minSequenceNumber < m ? x.file.minSequenceNumber : m), entries[0]!.file.minSequenceNumber))!;
    // delete row 0 of the first file, as a DELETE from another engine would
    const { bytes, ranges } = writeDeletionVectorIndexFile(new Map([[first.file.fileName, BitmapDeletionVector.of([0], false)]]));
    const indexName = 'index-review-dv-0';
    await table.fileIO.writeFile(indexPath(table.path, indexName), bytes, false);
    await table.newCommit('review').commit([
      {
        partition: first.partition,
        bucket: first.bucket,
        totalBuckets: first.totalBuckets,
        newFiles: [],
        newIndexFiles: [
          {
            indexType: DELETION_VECTORS_INDEX,
            fileName: indexName,
            fileSize: bytes.length,
            rowCount: ranges.length,
            dvRanges: ranges.map((r) => ({ dataFileName: r.fileName, offset: r.offset, length: r.length, cardinality: r.cardinality })),
            externalPath: null,
          },
        ],
      },
    ]);
    const ids = async () => ((await (await t.reload()).newScan().toArrow()).batches.flatMap(batchToRows).map((r) => r['id'] as number)).sort();
    expect(await ids()).toEqual([2, 3]);
    table = await t.reload();
    await compactTable(table, { full: true });
    expect(await ids()).toEqual([2, 3]);
  });
});
