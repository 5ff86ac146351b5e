/**
 * Lookup compaction without deletion vectors (`changelog-producer = lookup`):
 *
 * 1. A -D compacted from level 0 into a level below the top, while the key's
 *    old version sits in a higher level outside the compaction, is kept at
 *    its output level to hide the old row (Paimon drops deletes only at the
 *    highest non-empty level or with deletion vectors).
 * 2. Lookups stop at the first level holding a key even when its record is a
 *    retraction (Paimon's LookupLevels indexes every record), so re-inserting
 *    a deleted key is +I, not -U/+U of the deleted row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { ROW_KIND_COLUMN } from '../src/read/split-reader.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, commitRows, scratchTable } from './write-helpers.js';
import { ROW_KIND_SHORT } from '../src/merge/merge-function.js';

afterEach(cleanTempDirs);

const KIND = ROW_KIND_SHORT;

async function changesFrom(t: FileStoreTable, from: number): Promise<string[]> {
  const table = await t.reload();
  const latest = (await table.snapshots.latestId())!;
  const out: string[] = [];
  for await (const c of table.newStreamScan({ mode: 'from-snapshot', snapshotId: from, endSnapshotId: latest }).changes()) {
    out.push(...batchToRows(c.batch).map((r) => `${KIND[r[ROW_KIND_COLUMN] as number]} ${r['k']}=${r['v']}`));
  }
  return out;
}

async function valueOf(t: FileStoreTable, k: number): Promise<unknown[]> {
  const rows = (await (await t.reload()).newScan().toArrow()).batches.flatMap(batchToRows);
  return rows.filter((r) => r['k'] === k).map((r) => r['v']);
}

const big = Array.from({ length: 5000 }, (_, i) => ({ k: i, v: `old-${i}-${'x'.repeat(20)}` }));

describe('lookup compaction without deletion vectors', () => {
  it('a deleted key stays deleted when its old version is at the top level', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'changelog-producer': 'lookup' } });
    await commitRows(t, big); // one large run at the top level
    await commitRows(t, [{ k: 1, v: 'gone' }], ['-D']); // compacted to level 4 with the old row still at level 5
    expect(await valueOf(t, 1)).toEqual([]);
  });

  it('re-inserting a key deleted at an intermediate level is +I, not -U/+U of the deleted row', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'changelog-producer': 'lookup' } });
    await commitRows(t, big); // level 5
    await commitRows(t, [{ k: 1, v: 'mid' }]); // level 4
    // a delete whose level-0 file is larger than the level-4 file joins it: -D is kept at level 4
    await commitRows(t, [{ k: 1, v: 'g'.repeat(400) }], ['-D']);
    expect(await valueOf(t, 1)).toEqual([]);
    const before = (await (await t.reload()).snapshots.latestId())!;
    await commitRows(t, [{ k: 1, v: 'new' }]);
    expect(await changesFrom(t, before + 1)).toEqual(['+I 1=new']);
  });
});
