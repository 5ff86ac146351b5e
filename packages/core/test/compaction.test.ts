import { afterEach, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { batchToRows } from '../src/read/rows.js';
import { FileStoreTable } from '../src/table/table.js';
import { fixturePath } from './fixtures.js';
import { cleanTempDirs, scratchTable, tempDir } from './write-helpers.js';

afterEach(cleanTempDirs);

const sorted = async (t: FileStoreTable) =>
  (await (await t.reload()).newScan().toArrow()).batches.flatMap(batchToRows).map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();

describe('full compaction', () => {
  it('rewrites each bucket as one top-level file and reads the same rows (primary key, Paimon-written table)', async () => {
    const path = `${tempDir()}/t`;
    cpSync(fixturePath('pk_table_scan_and_read_mor-parquet'), path, { recursive: true });
    const table = await FileStoreTable.open(path);
    const before = await sorted(table);
    const oldFiles = new Set((await table.newScan().plan()).splits.flatMap((s) => s.files.map((f) => f.fileName)));
    const snap = await table.compact({ full: true });
    expect(snap!.commitKind).toBe('COMPACT');
    expect(await sorted(table)).toEqual(before);
    const plan = await (await table.reload()).newScan().plan();
    for (const split of plan.splits) {
      expect(split.files).toHaveLength(1);
      expect(split.files[0]!.level).toBe(5);
      if (!oldFiles.has(split.files[0]!.fileName)) expect(split.files[0]!.fileSource).toBe(1); // ours: COMPACT
    }
    // the deletes are gone from the files: stored rows equal live rows
    expect(plan.splits.reduce((n, s) => n + s.files[0]!.rowCount, 0)).toBe(before.length);
    expect(await (await table.reload()).compact({ full: true })).toBeNull(); // nothing left to do
    // and writing continues on top of the compacted run
    const w = (await table.reload()).newBatchWrite();
    await w.write([{ f0: 'Bob', f1: 10, f2: 0, f3: 1.0 }]);
    await w.commit();
    expect((await sorted(table)).filter((r) => r.includes('"Bob"'))).toEqual(['{"f0":"Bob","f1":10,"f2":0,"f3":1}']);
  });

  it('concatenates an append table bucket into one file, rows in order', async () => {
    const t = await scratchTable([['id', 'INT']]);
    for (let i = 0; i < 4; i++) {
      const w = (await t.reload()).newBatchWrite();
      await w.write([{ id: i * 2 }, { id: i * 2 + 1 }]);
      await w.commit();
    }
    await (await t.reload()).compact({ full: true });
    const scan = (await t.reload()).newScan();
    const plan = await scan.plan();
    expect(plan.splits[0]!.files).toHaveLength(1);
    const ids = (await scan.toArrow()).getChild('id')!.toArray();
    expect([...ids]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
