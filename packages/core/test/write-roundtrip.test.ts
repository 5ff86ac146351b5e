import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

async function readAll(table: Awaited<ReturnType<typeof scratchTable>>) {
  const t = await (await table.reload()).newScan().toArrow();
  return t.batches.flatMap(batchToRows);
}

describe('append table writes', () => {
  it('writes rows and reads them back, across partitions and commits', async () => {
    const table = await scratchTable([['id', 'INT'], ['name', 'STRING'], ['dt', 'STRING']], { partitionKeys: ['dt'] });
    const w = table.newBatchWrite();
    await w.write([{ id: 1, name: 'a', dt: '2024-01-01' }, { id: 2, name: null, dt: '2024-01-02' }]);
    const s1 = await w.commit();
    expect(s1?.id).toBe(1);
    expect(s1?.commitKind).toBe('APPEND');
    const w2 = table.newBatchWrite();
    await w2.write([{ id: 3, name: 'c', dt: '2024-01-01' }]);
    expect((await w2.commit())?.id).toBe(2);
    const rows = await readAll(table);
    expect(rows.sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual([
      { id: 1, name: 'a', dt: '2024-01-01' },
      { id: 2, name: null, dt: '2024-01-02' },
      { id: 3, name: 'c', dt: '2024-01-01' },
    ]);
  });
});

describe('primary-key table writes', () => {
  it('upserts and deletes by key, reading the latest value', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '2' } });
    let w = table.newBatchWrite();
    await w.write([{ k: 1, v: 'one' }, { k: 2, v: 'two' }, { k: 3, v: 'three' }]);
    await w.commit();
    w = (await table.reload()).newBatchWrite();
    await w.write([{ k: 2, v: 'TWO' }, { k: 3, v: 'three' }, { k: 4, v: 'four' }], { kinds: ['+U', '-D', '+I'] });
    await w.commit();
    const rows = (await readAll(table)).sort((a, b) => Number(a['k']) - Number(b['k']));
    expect(rows).toEqual([{ k: 1, v: 'one' }, { k: 2, v: 'TWO' }, { k: 4, v: 'four' }]);
  });
});
