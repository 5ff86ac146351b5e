/**
 * first-row tables with `changelog-producer = lookup`: a later duplicate of a
 * stored key produces no changelog, a new key +I only, as Paimon's
 * FirstRowMergeFunctionWrapper does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { ROW_KIND_COLUMN } from '../src/read/split-reader.js';
import { cleanTempDirs, commitRows, scratchTable } from './write-helpers.js';
import { ROW_KIND_SHORT } from '../src/merge/merge-function.js';

afterEach(cleanTempDirs);

const KIND = ROW_KIND_SHORT;

describe('first-row with lookup changelog', () => {
  it('a duplicate of an existing key produces no changelog', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], {
      primaryKeys: ['k'],
      options: { bucket: '1', 'merge-engine': 'first-row', 'changelog-producer': 'lookup' },
    });
    await commitRows(t, [{ k: 1, v: 'a' }]);
    const first = (await (await t.reload()).snapshots.latestId())!;
    // larger than the existing file, so the compaction takes both runs
    await commitRows(t, [{ k: 1, v: 'b'.repeat(500) }]);
    const table = await t.reload();
    const seen: string[] = [];
    for await (const c of table.newStreamScan({ mode: 'from-snapshot', snapshotId: first + 1, endSnapshotId: (await table.snapshots.latestId())! }).changes()) {
      seen.push(...batchToRows(c.batch).map((r) => `${KIND[r[ROW_KIND_COLUMN] as number]} ${r['k']}=${r['v']}`));
    }
    expect(seen).toEqual([]);
    const rows = (await table.newScan().toArrow()).batches.flatMap(batchToRows);
    expect(rows.map((r) => r['v'])).toEqual(['a']);
  });
});
