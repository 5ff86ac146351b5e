import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { removeOrphanFiles } from '../src/table/orphan-files.js';
import { expireSnapshots } from '../src/table/expire-snapshots.js';
import { createTag } from '../src/table/tags.js';
import { FileStoreTable } from '../src/table/table.js';
import { fixturePath } from './fixtures.js';
import { cleanTempDirs } from './write-helpers.js';
import { appendTable, branchFromSnapshot, copyTable, expectReferencedFilesExist, filesUnder, pkTable, readAll, rowsOf, write } from './lifecycle-helpers.js';

afterEach(cleanTempDirs);

const DAY = 86_400_000;

function plant(path: string, ageMillis: number, content = 'x'): string {
  mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  writeFileSync(path, content);
  const when = new Date(Date.now() - ageMillis);
  utimesSync(path, when, when);
  return path;
}

/** Makes every file look old, so only references protect them. */
function age(dir: string): void {
  const when = new Date(Date.now() - 3 * DAY);
  for (const f of filesUnder(dir)) utimesSync(`${dir}/${f}`, when, when);
}

describe('removeOrphanFiles', () => {
  it('removes unreferenced files older than the guard, keeps fresh ones and everything referenced', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    await write(t, rowsOf(2, 3, 'b'));
    await write(t, rowsOf(1, 9, 'a', 'o'), true);
    await createTag(t, 'first', { snapshotId: 1 });
    age(t.path);
    const before = await readAll(t);
    const oldData = plant(`${t.path}/dt=a/bucket-0/data-00000000-0000-0000-0000-000000000000-0.parquet`, 2 * DAY);
    const freshData = plant(`${t.path}/dt=a/bucket-0/data-11111111-1111-1111-1111-111111111111-0.parquet`, 0);
    const oldManifest = plant(`${t.path}/manifest/manifest-22222222-2222-2222-2222-222222222222-0`, 2 * DAY);
    const oldIndex = plant(`${t.path}/index/index-33333333-3333-3333-3333-333333333333-0`, 2 * DAY);
    const tmpSnapshot = plant(`${t.path}/snapshot/.snapshot-9.44444444-4444-4444-4444-444444444444.tmp`, 2 * DAY);
    const tmpSchema = plant(`${t.path}/schema/.schema-1.55555555-5555-5555-5555-555555555555.tmp`, 2 * DAY);
    const notOurs = plant(`${t.path}/README.txt`, 2 * DAY); // outside the folders Paimon manages
    const filesBefore = filesUnder(t.path);

    const dry = await removeOrphanFiles(t, { dryRun: true });
    expect(dry.deleted).toBe(false);
    expect(dry.orphans.map((o) => o.path)).toEqual([oldData, oldIndex, oldManifest, tmpSchema, tmpSnapshot].sort());
    expect(dry.orphans.find((o) => o.path === tmpSnapshot)!.kind).toBe('leftover');
    expect(filesUnder(t.path)).toEqual(filesBefore);

    const r = await removeOrphanFiles(t);
    expect(r.orphans.length).toBe(5);
    expect(r.deletedBytes).toBe(5);
    for (const p of [oldData, oldManifest, oldIndex, tmpSnapshot, tmpSchema]) expect(existsSync(p)).toBe(false);
    for (const p of [freshData, notOurs]) expect(existsSync(p)).toBe(true);
    expect(filesUnder(t.path).length).toBe(filesBefore.length - 5);
    const after = await readAll(t);
    expect(after).toEqual(before);
    await expectReferencedFilesExist(t);

    // The guard is a parameter: with 0 the fresh planted file goes too.
    const r0 = await removeOrphanFiles(t, { olderThanMillis: 0, now: Date.now() + 1000 });
    expect(r0.orphans.map((o) => o.path)).toEqual([freshData]);
    expect(await readAll(t)).toEqual(before);
  });

  it('finds the files of a commit that never happened and nothing else', async () => {
    const t = await pkTable();
    await write(t, rowsOf(4, 1, 'a'));
    await write(t, [{ id: 2, dt: 'a', v: 'b' }]);
    const writer = t.newWrite();
    await writer.write(rowsOf(3, 100, 'b'));
    const uncommitted = (await writer.prepareCommit()).flatMap((m) => m.newFiles.map((f) => f.fileName));
    expect(uncommitted.length).toBeGreaterThan(0);
    age(t.path);
    const before = await readAll(t);
    const r = await removeOrphanFiles(t);
    expect(r.orphans.map((o) => o.path.slice(o.path.lastIndexOf('/') + 1)).sort()).toEqual(uncommitted.sort());
    expect(await readAll(t)).toEqual(before);
  });

  it('cleans what an interrupted expiration left behind', async () => {
    const t = await appendTable();
    for (let i = 0; i < 4; i++) await write(t, rowsOf(1, i, 'a'), i === 2);
    // Drop snapshot 1's file without its data, as a crash after deleting the snapshot file would.
    const { rmSync } = await import('node:fs');
    rmSync(`${t.path}/snapshot/snapshot-1`);
    age(t.path);
    const before = await readAll(t);
    const r = await removeOrphanFiles(t);
    expect(r.orphans.length).toBeGreaterThan(0);
    expect(r.orphans.some((o) => o.path.includes('/data-'))).toBe(false); // snapshot 1's file is still in snapshot 2
    expect(await readAll(t)).toEqual(before);
    await expectReferencedFilesExist(t);
    await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    expect(await readAll(t)).toEqual(new Map([['snapshot-4', before.get('snapshot-4')]]));
    expect((await removeOrphanFiles(t)).orphans).toEqual([]);
  });

  it('keeps the files of every branch', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    await write(t, rowsOf(1, 5, 'a', 'o'), true);
    branchFromSnapshot(t, 'b', 1);
    await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    age(t.path);
    const b = await FileStoreTable.open(t.path, { branch: 'b' });
    const r = await removeOrphanFiles(t);
    expect(r.orphans).toEqual([]);
    await expectReferencedFilesExist(b);
  });

  it('finds nothing to remove in tables Paimon wrote', async () => {
    for (const name of ['pk_table_with_dv_cardinality-parquet', 'pk_dv_index_in_data_no_external-orc', 'pk_compact_lookup-parquet', 'append_table_with_rt_branch-orc', 'pk_09_with_dv-orc']) {
      const t = await copyTable(fixturePath(name));
      age(t.path);
      const r = await removeOrphanFiles(t, { dryRun: true });
      expect(r.orphans.map((o) => o.path.slice(t.path.length + 1)), name).toEqual([]);
      expect(r.referencedFiles).toBeGreaterThan(0);
    }
  });
});
