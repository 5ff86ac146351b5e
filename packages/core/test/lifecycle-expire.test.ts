import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expireSnapshots } from '../src/table/expire-snapshots.js';
import { createTag } from '../src/table/tags.js';
import { ConsumerManager } from '../src/scan/stream-scan.js';
import { FileStoreTable } from '../src/table/table.js';
import { PaimonError } from '../src/errors.js';
import { fixturePath } from './fixtures.js';
import { cleanTempDirs } from './write-helpers.js';
import {
  appendTable,
  branchFromSnapshot,
  copyTable,
  CrashingFileIO,
  expectReferencedFilesExist,
  filesUnder,
  pkTable,
  read,
  readAll,
  rowsOf,
  write,
} from './lifecycle-helpers.js';

afterEach(cleanTempDirs);

/**
 * 1 append a, 2 append b, 3 append a, 4 INSERT OVERWRITE (everything before
 * becomes unreferenced), 5 append b, 6 append c.
 */
async function history(t: FileStoreTable): Promise<void> {
  await write(t, rowsOf(3, 1, 'a'));
  await write(t, rowsOf(3, 4, 'b'));
  await write(t, rowsOf(2, 7, 'a'));
  await write(t, rowsOf(2, 100, 'a', 'o'), true);
  await write(t, rowsOf(2, 200, 'b'));
  await write(t, rowsOf(1, 300, 'c'));
}

/** Every snapshot and tag that is left reads exactly as before. */
function expectSameReads(before: Map<string, string[]>, after: Map<string, string[]>): void {
  for (const [what, rows] of after) expect(rows, what).toEqual(before.get(what));
}

describe('expireSnapshots on an append table with INSERT OVERWRITE', () => {
  it('removes the oldest snapshots and exactly the files only they used', async () => {
    const t = await appendTable();
    await history(t);
    const before = await readAll(t);
    const filesBefore = filesUnder(t.path);
    const oldData = filesBefore.filter((f) => f.startsWith('dt=') && f.includes('/bucket-0/data-'));

    const r = await expireSnapshots(t, { retainMin: 2, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2, 3, 4]);
    expect(await t.snapshots.listIds()).toEqual([5, 6]);
    expect(await t.snapshots.earliestId()).toBe(5);
    expect(readFileSync(`${t.path}/snapshot/EARLIEST`, 'utf8')).toBe('5');
    expect(r.earliestSnapshot).toBe(5);

    const after = await readAll(t);
    expect([...after.keys()]).toEqual(['snapshot-5', 'snapshot-6']);
    expectSameReads(before, after);
    await expectReferencedFilesExist(t);

    const filesAfter = filesUnder(t.path);
    expect(filesAfter.length).toBeLessThan(filesBefore.length);
    // The data files of snapshots 1-3 were overwritten at 4: nothing needs them any more.
    const dataAfter = new Set(filesAfter.filter((f) => f.includes('/bucket-0/data-')));
    const gone = oldData.filter((f) => !dataAfter.has(f));
    expect(gone.length).toBe(3); // the three appends before the overwrite
    // Every deleted file is reported, and none of them is still on disk.
    for (const f of r.deletedFiles) expect(existsSync(f.path)).toBe(false);
    expect(r.deletedFiles.filter((f) => f.role === 'data').length).toBe(3);
    expect(new Set(r.deletedFiles.map((f) => f.path)).size).toBe(r.deletedFiles.length);

    // Writing continues from the retained state.
    await write(t, rowsOf(1, 400, 'c'));
    expect(await read(await t.reload())).toEqual([...before.get('snapshot-6')!, 'c|400|x400'].sort());
  });

  it('keeps the files a tag uses', async () => {
    const t = await appendTable();
    await history(t);
    await createTag(t, 'two', { snapshotId: 2 });
    const before = await readAll(t);
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2, 3, 4, 5]);
    const after = await readAll(t);
    expect([...after.keys()].sort()).toEqual(['snapshot-6', 'tag-two']);
    expectSameReads(before, after);
    await expectReferencedFilesExist(t);
    // Snapshot 3's own data file went, snapshot 2's stayed for the tag.
    expect(r.deletedFiles.filter((f) => f.role === 'data').length).toBe(1);
  });

  it('is a no-op inside the retention, and honours the table options by default', async () => {
    const t = await appendTable({ 'snapshot.num-retained.min': '2', 'snapshot.num-retained.max': '4', 'snapshot.expire.limit': '1' });
    await history(t);
    // 1 h time retention (default): all snapshots are young, but num-retained.max=4 still applies, one per call (expire.limit=1).
    let r = await expireSnapshots(t);
    expect(r.expiredSnapshots).toEqual([1]);
    r = await expireSnapshots(t);
    expect(r.expiredSnapshots).toEqual([2]);
    r = await expireSnapshots(t);
    expect(r.expiredSnapshots).toEqual([]);
    expect(await t.snapshots.listIds()).toEqual([3, 4, 5, 6]);
    // Younger than the time retention: kept even beyond num-retained.min.
    r = await expireSnapshots(t, { maxDeletes: 50 });
    expect(r.expiredSnapshots).toEqual([]);
    // Past it: down to num-retained.min.
    r = await expireSnapshots(t, { maxDeletes: 50, timeRetainedMillis: 0, now: Date.now() + 10 });
    expect(r.expiredSnapshots).toEqual([3, 4]);
    expect(await read(t)).toEqual(await read(t, { snapshot: 6 }));
  });

  it('stops at the first snapshot younger than the cut-off', async () => {
    const t = await appendTable();
    await history(t);
    const s4 = await t.snapshots.snapshot(4);
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: s4.timeMillis });
    expect(r.expiredSnapshots).toEqual([1, 2, 3]);
  });

  it('never expires the latest snapshot and rejects bad retention values', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([]);
    expect(await t.snapshots.listIds()).toEqual([1]);
    expect(readFileSync(`${t.path}/snapshot/EARLIEST`, 'utf8')).toBe('1');
    await expect(expireSnapshots(t, { retainMin: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(expireSnapshots(t, { retainMin: 5, retainMax: 2 })).rejects.toBeInstanceOf(PaimonError);
  });

  it('does nothing on a table without snapshots', async () => {
    const t = await appendTable();
    const r = await expireSnapshots(t, { retainMin: 1 });
    expect(r).toMatchObject({ expiredSnapshots: [], deletedFiles: [], latestSnapshot: null });
  });
});

describe('expireSnapshots and consumers', () => {
  it('keeps every snapshot from the smallest nextSnapshot of the consumers on', async () => {
    const t = await appendTable();
    await history(t);
    const consumers = new ConsumerManager(t);
    await consumers.record('slow', 3);
    await consumers.record('fast', 6);
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2]);
    expect(await read(t, { snapshot: 3 })).toEqual(['a|1|x1', 'a|2|x2', 'a|3|x3', 'a|7|x7', 'a|8|x8', 'b|4|x4', 'b|5|x5', 'b|6|x6']);
  });

  it('consumer.expiration-time drops stale consumers, which then protect nothing', async () => {
    const t = await appendTable({ 'consumer.expiration-time': '1 h' });
    await history(t);
    const consumers = new ConsumerManager(t);
    await consumers.record('stale', 2);
    await consumers.record('recent', 5);
    const stale = `${t.path}/consumer/consumer-stale`;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredConsumers).toEqual(['stale']);
    expect(existsSync(stale)).toBe(false);
    expect(r.expiredSnapshots).toEqual([1, 2, 3, 4]);
    expect(await consumers.nextSnapshot('recent')).toBe(5);
  });
});

describe('expireSnapshots on primary-key tables', () => {
  it('keeps every data file while they are still referenced (no compaction), deleting only old metadata', async () => {
    const t = await pkTable();
    await write(t, rowsOf(4, 1, 'a'));
    await write(t, [{ id: 1, dt: 'a', v: 'updated' }, { id: 9, dt: 'b', v: 'new' }]);
    await write(t, [{ id: 2, dt: 'a', v: 'again' }]);
    const before = await readAll(t);
    const dataBefore = filesUnder(t.path).filter((f) => f.includes('/data-'));
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2]);
    expect(r.deletedFiles.every((f) => f.role === 'manifest-list' || f.role === 'manifest')).toBe(true);
    expect(r.deletedFiles.length).toBeGreaterThan(0);
    expect(filesUnder(t.path).filter((f) => f.includes('/data-'))).toEqual(dataBefore);
    expectSameReads(before, await readAll(t));
    await expectReferencedFilesExist(t);
  });

  it('deletes the level-0 files a compaction replaced', async () => {
    const t = await pkTable();
    await write(t, rowsOf(4, 1, 'a'));
    await write(t, [{ id: 1, dt: 'a', v: 'updated' }, { id: 9, dt: 'b', v: 'new' }]);
    await write(t, [{ id: 2, dt: 'a', v: 'again' }]);
    const compacted = await (await t.reload()).compact({ full: true });
    expect(compacted?.commitKind).toBe('COMPACT');
    await write(t, [{ id: 3, dt: 'a', v: 'after' }]);
    const before = await readAll(t);
    const dataBefore = filesUnder(t.path).filter((f) => f.includes('/data-'));
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2, 3, 4]);
    const deletedData = r.deletedFiles.filter((f) => f.role === 'data');
    expect(deletedData.length).toBeGreaterThanOrEqual(3); // every file written before the compaction
    expect(filesUnder(t.path).filter((f) => f.includes('/data-')).length).toBe(dataBefore.length - deletedData.length);
    expectSameReads(before, await readAll(t));
    await expectReferencedFilesExist(t);
  });

  it('deletes the files an INSERT OVERWRITE replaced', async () => {
    const t = await pkTable();
    await write(t, rowsOf(4, 1, 'a'));
    await write(t, rowsOf(4, 1, 'b'));
    await write(t, rowsOf(2, 50, 'a', 'o'), true);
    await write(t, [{ id: 50, dt: 'a', v: 'u' }]);
    const before = await readAll(t);
    const filesBefore = filesUnder(t.path);
    const r = await expireSnapshots(t, { retainMin: 2, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2]);
    expect(r.deletedFiles.filter((f) => f.role === 'data').length).toBeGreaterThanOrEqual(2);
    expect(filesUnder(t.path).length).toBeLessThan(filesBefore.length);
    expectSameReads(before, await readAll(t));
    await expectReferencedFilesExist(t);
  });
});

describe('expireSnapshots on tables Paimon wrote', () => {
  it('keeps the deletion-vector index files the latest snapshot uses', async () => {
    const t = await copyTable(fixturePath('pk_table_with_dv_cardinality-parquet'));
    const latest = await read(t);
    const filesBefore = filesUnder(t.path);
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() });
    expect(r.expiredSnapshots).toEqual([1, 2, 3]);
    expect(await read(t)).toEqual(latest);
    const n = await expectReferencedFilesExist(t);
    expect(n).toBeGreaterThan(0);
    expect(filesUnder(t.path).length).toBeLessThan(filesBefore.length);
    const snapshot4 = await t.snapshots.snapshot(4);
    expect(snapshot4.indexManifest).toBeTruthy();
    expect(filesUnder(t.path).some((f) => f.startsWith('index/'))).toBe(true);
  });

  it('keeps index files stored in the bucket folders (index-file-in-data-file-dir)', async () => {
    const t = await copyTable(fixturePath('pk_dv_index_in_data_no_external-orc'));
    const latest = await read(t);
    await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() });
    expect(await read(t)).toEqual(latest);
    await expectReferencedFilesExist(t);
  });

  it('keeps extra files (_EXTRA_FILES) with their data file', async () => {
    const t = await copyTable(fixturePath('pk_compact_lookup-parquet'));
    const latest = await read(t);
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() });
    expect(r.expiredSnapshots).toEqual([1, 2, 3, 4]);
    expect(await read(t)).toEqual(latest);
    await expectReferencedFilesExist(t);
    expect(filesUnder(t.path).some((f) => f.endsWith('.lookup'))).toBe(true);
  });

  it('keeps what another branch uses', async () => {
    const t = await appendTable();
    await history(t);
    branchFromSnapshot(t, 'b', 2);
    const b = await FileStoreTable.open(t.path, { branch: 'b' });
    const branchRows = await read(b);
    expect(branchRows).toEqual(await read(t, { snapshot: 2 }));
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([1, 2, 3, 4, 5]);
    expect(await read(b)).toEqual(branchRows);
    await expectReferencedFilesExist(b);
    expect(r.deletedFiles.filter((f) => f.role === 'data').length).toBe(1); // snapshot 3's file only
  });

  it('keeps what a branch of a table Paimon wrote uses', async () => {
    const t = await copyTable(fixturePath('append_table_with_rt_branch-orc'));
    const rt = await FileStoreTable.open(t.path, { branch: 'rt' });
    const rtRows = await read(rt);
    await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() });
    expect(await read(rt)).toEqual(rtRows);
    await expectReferencedFilesExist(rt);
  });
});

describe('expireSnapshots crash safety', () => {
  it.each([
    ['with a tag', true],
    ['without tags', false],
  ])('interrupted after any number of deletions leaves every retained snapshot and tag readable, and a rerun finishes the job (%s)', async (_, withTag) => {
    const template = await appendTable();
    await history(template);
    if (withTag) await createTag(template, 'three', { snapshotId: 3 });
    const before = await readAll(template);
    const options = { retainMin: 2, olderThanMillis: Date.now() + 1 };

    const reference = await copyTable(template.path);
    const full = await expireSnapshots(reference, options);
    const finalFiles = filesUnder(reference.path).filter((f) => f !== 'snapshot/EARLIEST');
    const totalDeletes = full.deletedFiles.length + full.expiredSnapshots.length;
    expect(totalDeletes).toBeGreaterThan(5);

    for (let k = 0; k < totalDeletes; k++) {
      const io = new CrashingFileIO(k);
      const t = await copyTable(template.path, io);
      await expect(expireSnapshots(t, options)).rejects.toThrow(/crash/);
      expect(io.deletions).toBe(k);
      const survivors = await t.snapshots.listIds();
      // Every snapshot left reads as before, except at most the oldest one, whose removal was cut short.
      for (const id of survivors.slice(1)) expect(await read(t, { snapshot: id }), `k=${k} snapshot ${id}`).toEqual(before.get(`snapshot-${id}`));
      for (const id of [5, 6]) expect(survivors).toContain(id);
      if (withTag) expect(await read(t, { tag: 'three' })).toEqual(before.get('tag-three'));
      expect(await read(t)).toEqual(before.get('snapshot-6'));

      // Finishing the job gives the same table as an uninterrupted run.
      const again = await FileStoreTable.open(t.path);
      await expireSnapshots(again, options);
      expect(filesUnder(t.path).filter((f) => f !== 'snapshot/EARLIEST'), `k=${k}`).toEqual(finalFiles);
    }
  });
});

describe('expireSnapshots refuses what it cannot do faithfully', () => {
  it('a decoupled changelog lifecycle (changelog kept longer than snapshots)', async () => {
    const t = await appendTable({ 'changelog.num-retained.max': '100', 'snapshot.num-retained.max': '50' });
    await write(t, rowsOf(1, 1, 'a'));
    await expect(expireSnapshots(t, { retainMin: 1 })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    const same = await appendTable({ 'changelog.time-retained': '1 h' });
    await write(same, rowsOf(1, 1, 'a'));
    await expect(expireSnapshots(same, { retainMin: 1 })).resolves.toMatchObject({ expiredSnapshots: [] });
  });
});

describe('expireSnapshots with a gap in the snapshot ids', () => {
  it('expires from the gap on and still protects the snapshots before it', async () => {
    const t = await appendTable();
    await history(t);
    const before = await readAll(t);
    const { rmSync } = await import('node:fs');
    rmSync(`${t.path}/snapshot/snapshot-3`); // as if a crash left a hole
    const r = await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(r.expiredSnapshots).toEqual([4, 5]);
    expect(await t.snapshots.listIds()).toEqual([1, 2, 6]);
    for (const id of [1, 2, 6]) expect(await read(t, { snapshot: id })).toEqual(before.get(`snapshot-${id}`));
    await expectReferencedFilesExist(t);
  });
});
