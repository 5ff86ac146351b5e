import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expireSnapshots } from '../src/table/expire-snapshots.js';
import { parseRollbackTarget, rollbackTo } from '../src/table/rollback.js';
import { createTag } from '../src/table/tags.js';
import { cleanTempDirs } from './write-helpers.js';
import { appendTable, expectReferencedFilesExist, filesUnder, pkTable, read, readAll, rowsOf, write } from './lifecycle-helpers.js';
import type { FileStoreTable } from '../src/table/table.js';

afterEach(cleanTempDirs);

/** 1 append a, 2 append b, 3 overwrite, 4 append c, 5 append a. */
async function history(t: FileStoreTable): Promise<void> {
  await write(t, rowsOf(2, 1, 'a'));
  await write(t, rowsOf(2, 3, 'b'));
  await write(t, rowsOf(2, 10, 'a', 'o'), true);
  await write(t, rowsOf(1, 20, 'c'));
  await write(t, rowsOf(1, 30, 'a'));
}

describe('rollbackTo', () => {
  it('rolls back to a snapshot: newer snapshots, newer tags and the files only they used go; writes continue from there', async () => {
    const t = await appendTable();
    await history(t);
    await createTag(t, 'two', { snapshotId: 2 });
    await createTag(t, 'four', { snapshotId: 4 });
    const before = await readAll(t);
    const filesBefore = filesUnder(t.path);

    const r = await rollbackTo(t, { snapshot: 2 });
    expect(r).toMatchObject({ snapshot: 2, deletedSnapshots: [3, 4, 5], deletedTags: ['four'], restoredFromTag: false });
    expect(await t.snapshots.listIds()).toEqual([1, 2]);
    expect(await t.snapshots.latestId()).toBe(2);
    expect(readFileSync(`${t.path}/snapshot/LATEST`, 'utf8')).toBe('2');
    expect(await t.tags.list()).toEqual(['two']);
    const after = await readAll(t);
    for (const [what, rows] of after) expect(rows, what).toEqual(before.get(what));
    expect(await read(t)).toEqual(before.get('snapshot-2'));
    await expectReferencedFilesExist(t);
    expect(r.deletedFiles.filter((f) => f.role === 'data').length).toBe(3); // written by 3, 4 and 5
    expect(filesUnder(t.path).length).toBeLessThan(filesBefore.length);
    for (const f of r.deletedFiles) expect(existsSync(f.path)).toBe(false);

    const id = await write(t, rowsOf(1, 40, 'd'));
    expect(id).toBe(3);
    expect(await read(await t.reload())).toEqual([...before.get('snapshot-2')!, 'd|40|x40'].sort());
  });

  it('rolls back a primary-key table', async () => {
    const t = await pkTable();
    await write(t, rowsOf(3, 1, 'a'));
    await write(t, [{ id: 1, dt: 'a', v: 'changed' }]);
    await write(t, [{ id: 2, dt: 'a', v: 'changed' }]);
    const at1 = await read(t, { snapshot: 1 });
    await rollbackTo(t, parseRollbackTarget('snapshot:1'));
    expect(await read(t)).toEqual(at1);
    await expectReferencedFilesExist(t);
    await write(t, [{ id: 3, dt: 'a', v: 'later' }]);
    expect(await read(await t.reload())).toEqual(['a|1|x1', 'a|2|x2', 'a|3|later']);
  });

  it('rolls back to a tag whose snapshot expired by re-creating that snapshot', async () => {
    const t = await appendTable();
    await history(t);
    await createTag(t, 'first', { snapshotId: 1 });
    const rows1 = await read(t, { snapshot: 1 });
    await expireSnapshots(t, { retainMin: 2, olderThanMillis: Date.now() + 1 });
    expect(await t.snapshots.listIds()).toEqual([4, 5]);

    const r = await rollbackTo(t, { tag: 'first' });
    expect(r).toMatchObject({ snapshot: 1, tag: 'first', restoredFromTag: true, deletedSnapshots: [4, 5] });
    expect(await t.snapshots.listIds()).toEqual([1]);
    expect(await t.snapshots.earliestId()).toBe(1);
    expect(await read(t)).toEqual(rows1);
    expect(await read(t, { tag: 'first' })).toEqual(rows1);
    await expectReferencedFilesExist(t);
    // Only snapshot 1's data is left: everything written later went.
    expect(filesUnder(t.path).filter((f) => f.includes('/data-')).length).toBe(1);

    expect(await write(t, rowsOf(1, 50, 'e'))).toBe(2);
    expect(await read(await t.reload())).toEqual([...rows1, 'e|50|x50'].sort());
  });

  it('rolls back to a tag whose snapshot still exists', async () => {
    const t = await appendTable();
    await history(t);
    await createTag(t, 'mid', { snapshotId: 3 });
    const rows3 = await read(t, { snapshot: 3 });
    const r = await rollbackTo(t, { tag: 'mid' });
    expect(r).toMatchObject({ snapshot: 3, restoredFromTag: false, deletedSnapshots: [4, 5] });
    expect(await read(t)).toEqual(rows3);
    expect(await t.tags.list()).toEqual(['mid']);
  });

  it('rejects unknown targets without touching anything', async () => {
    const t = await appendTable();
    await history(t);
    const files = filesUnder(t.path);
    await expect(rollbackTo(t, { snapshot: 9 })).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
    await expect(rollbackTo(t, { tag: 'nope' })).rejects.toMatchObject({ code: 'TAG_NOT_FOUND' });
    expect(() => parseRollbackTarget('yesterday')).toThrow(/snapshot:N or tag:NAME/);
    expect(parseRollbackTarget('tag:a:b')).toEqual({ tag: 'a:b' });
    expect(parseRollbackTarget('7')).toEqual({ snapshot: 7 });
    expect(filesUnder(t.path)).toEqual(files);
  });
});
