import { describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import { batchToRows } from '../src/read/rows.js';
import { fixturePath } from './fixtures.js';

const TABLE = fixturePath('append_table_with_rt_branch-orc');
const rowsOf = async (t: FileStoreTable) => (await t.newScan().toArrow()).batches.flatMap(batchToRows).map((r) => `${r['dt']}|${r['name']}|${r['amount']}`).sort();

describe('branches', () => {
  it('reads branch rt, a primary-key table since its schema 1 (TestReadWithPKRtBranch)', async () => {
    const rt = await FileStoreTable.open(TABLE, { branch: 'rt' });
    expect(rt.primaryKeys).toEqual(['dt', 'name']);
    expect(await rowsOf(rt)).toEqual(['20240725|apple|4', '20240725|peach|10', '20240726|cherry|3', '20240726|pear|6']);
  });

  it('main reads its own partitions and falls back to rt for the others (scan.fallback-branch, TestReadWithPKFallBackBranch)', async () => {
    const main = await FileStoreTable.open(TABLE);
    expect(main.schema.options['scan.fallback-branch']).toBe('rt');
    expect(await rowsOf(main)).toEqual(['20240725|apple|5', '20240725|banana|7', '20240726|cherry|3', '20240726|pear|6']);
    const plan = await main.newScan().plan();
    const fromRt = plan.splits.filter((s) => s.branch === 'rt');
    expect(fromRt.length).toBeGreaterThan(0);
    expect(fromRt.every((s) => s.partition[0] === '20240726')).toBe(true);
  });

  it('a time-travel read of main does not fall back', async () => {
    const main = await FileStoreTable.open(TABLE);
    const t = await main.newScan().atSnapshot(1).toArrow();
    expect(t.numRows).toBe(2);
  });
});
