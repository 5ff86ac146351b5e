/** Commit callbacks see every snapshot a commit publishes, with its entries, after it is published. */
import { afterEach, describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import type { Snapshot } from '../src/spec/snapshot.js';
import type { ManifestEntry } from '../src/spec/manifest-entry.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

describe('commit callbacks', () => {
  it('are called once per published snapshot (APPEND, then COMPACT), after the snapshot exists', async () => {
    const created = await scratchTable([['k', 'INT'], ['dt', 'STRING']], { primaryKeys: ['dt', 'k'], partitionKeys: ['dt'], options: { bucket: '1', 'num-sorted-run.compaction-trigger': '2' } });
    const seen: { snapshot: Snapshot; entries: readonly ManifestEntry[]; existed: boolean }[] = [];
    const table = await FileStoreTable.open(created.path, {
      commitCallbacks: [async (snapshot, entries) => void seen.push({ snapshot, entries, existed: (await table.snapshots.latestId()) === snapshot.id })],
    });
    for (let c = 0; c < 3; c++) {
      const w = (await table.reload()).newBatchWrite();
      await w.write([{ k: c, dt: '2024-01-0' + (c % 2) }, { k: 9, dt: '2024-01-00' }]);
      await w.commit();
    }
    expect(seen.map((s) => s.snapshot.commitKind)).toContain('COMPACT');
    expect(seen.every((s) => s.existed)).toBe(true);
    expect(seen.map((s) => s.snapshot.id)).toEqual(seen.map((_, i) => i + 1));
    const appended = seen.filter((s) => s.snapshot.commitKind === 'APPEND');
    expect(appended.length).toBe(3);
    expect(appended.every((s) => s.entries.length > 0 && s.entries.every((e) => e.kind === 0))).toBe(true);
  });

  it('report a failure to the committer while the snapshot stays', async () => {
    const created = await scratchTable([['k', 'INT']], {});
    const table = await FileStoreTable.open(created.path, { commitCallbacks: [async () => Promise.reject(new Error('metastore down'))] });
    const w = table.newBatchWrite();
    await w.write([{ k: 1 }]);
    await expect(w.commit()).rejects.toThrow(/metastore down/);
    expect(await table.snapshots.latestId()).toBe(1);
    expect((await table.newScan().toArrow()).numRows).toBe(1); // its manifests were kept

  });
});
