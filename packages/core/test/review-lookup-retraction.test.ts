/**
 * Review finding: lookups must stop at the first level holding a key, even
 * when that record is a retraction (Paimon's LookupLevels indexes every
 * record of a file, DELETE included; LookupChangelogMergeFunctionWrapper then
 * treats a non-add "before" as absent and emits +I). LookupLevels here leaves
 * retractions out of its index, so a lookup sees through a -D kept at an
 * intermediate level to the stale version below it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { ROW_KIND_COLUMN } from '../src/read/split-reader.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const KIND = ['+I', '-U', '+U', '-D'];

async function commit(t: FileStoreTable, rows: { k: number; v: string }[], kinds?: string[]): Promise<void> {
  const w = (await t.reload()).newBatchWrite();
  await w.write(rows, kinds ? { kinds } : {});
  await w.commit();
}

async function changesOfLatest(t: FileStoreTable, from: number): Promise<string[]> {
  const table = await t.reload();
  const latest = (await table.snapshots.latestId())!;
  const out: string[] = [];
  for await (const c of table.newStreamScan({ mode: 'from-snapshot', snapshotId: from, endSnapshotId: latest }).changes()) {
    out.push(...batchToRows(c.batch).map((r) => `${KIND[r[ROW_KIND_COLUMN] as number]} ${r['k']}=${r['v']}`));
  }
  return out;
}

describe('review: lookup changelog after a delete kept at an intermediate level', () => {
  it('re-inserting a deleted key is +I, not -U of the deleted row', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'changelog-producer': 'lookup' } });
    // a large top-level run, so the delete lands one level above it and keeps its retraction
    await commit(t, Array.from({ length: 5000 }, (_, i) => ({ k: i, v: `old-${i}-${'x'.repeat(20)}` })));
    await commit(t, [{ k: 1, v: 'gone' }], ['-D']);
    const afterDelete = (await (await t.reload()).snapshots.latestId())!;
    const rows = (await (await t.reload()).newScan().toArrow()).batches.flatMap(batchToRows);
    expect(rows.some((r) => r['k'] === 1)).toBe(false);
    await commit(t, [{ k: 1, v: 'new' }]);
    const changes = await changesOfLatest(t, afterDelete + 1);
    // Paimon: the -D at the intermediate level is the "before"; not an add, so the change is +I
    expect(changes).toEqual(['+I 1=new']);
  });
});
