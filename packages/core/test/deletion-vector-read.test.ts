import { describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import { fixturePath } from './fixtures.js';

const DV_TABLE = fixturePath('pk_table_with_dv_cardinality-parquet');

async function rows(snapshot?: number): Promise<string[]> {
  const scan = (await FileStoreTable.open(DV_TABLE)).newScan();
  if (snapshot !== undefined) scan.atSnapshot(snapshot);
  const t = await scan.toArrow();
  return t.toArray().map((r) => `${r.f0}|${r.f3}`).sort();
}

describe('primary-key table with deletion vectors (batch semantics)', () => {
  it('reads compacted files with their deletion vectors applied, no merge', async () => {
    // Generation log: 9 adds, then -D Tony, +U Alice 19.1, -D Lily, compacted.
    expect(await rows()).toEqual(
      [
        'Alex|16.1',
        'Alice|19.1',
        'Bob|12.1',
        'David|17.1',
        'Emily|13.1',
        'Two roads diverged in a wood, and I took the one less traveled by, And that has made all the difference.|11',
        'Whether I shall turn out to be the hero of my own life.|19.1',
      ].sort(),
    );
  });

  it('skips level-0 files: snapshot 1, before any compaction, has no splits', async () => {
    const table = await FileStoreTable.open(DV_TABLE);
    const plan = await table.newScan().atSnapshot(1).plan();
    expect(plan.splits).toEqual([]);
    expect(await rows(2)).toHaveLength(9);
  });

  it('attaches each data file its deletion vector in the plan', async () => {
    const plan = await (await FileStoreTable.open(DV_TABLE)).newScan().plan();
    const withDv = plan.splits.flatMap((s) => s.deletionFiles.filter((d) => d !== null));
    expect(withDv.map((d) => d!.cardinality).sort()).toEqual([1, 2]);
  });
});
