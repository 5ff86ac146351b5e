import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expireSnapshots } from '../src/table/expire-snapshots.js';
import { createTag, deleteTag, listTags } from '../src/table/tags.js';
import { cleanTempDirs } from './write-helpers.js';
import { appendTable, expectReferencedFilesExist, filesUnder, read, readAll, rowsOf, write } from './lifecycle-helpers.js';

afterEach(cleanTempDirs);

describe('tags', () => {
  it('tags the latest snapshot by default; the tag file is the snapshot JSON', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    await write(t, rowsOf(2, 3, 'b'));
    const tag = await createTag(t, 'nightly');
    expect(tag.snapshot.id).toBe(2);
    expect(tag.createTime).toBeNull();
    expect(tag.timeRetainedMillis).toBeNull();
    expect(readFileSync(`${t.path}/tag/tag-nightly`, 'utf8')).toBe(readFileSync(`${t.path}/snapshot/snapshot-2`, 'utf8'));
    expect(await read(t, { tag: 'nightly' })).toEqual(await read(t, { snapshot: 2 }));
  });

  it('tags a given snapshot, refuses duplicates and unknown snapshots, validates names', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    await write(t, rowsOf(2, 3, 'b'));
    await createTag(t, 'first', { snapshotId: 1 });
    expect(await read(t, { tag: 'first' })).toEqual(['a|1|x1', 'a|2|x2']);
    await expect(createTag(t, 'first')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await createTag(t, 'first', { ignoreIfExists: true })).snapshot.id).toBe(1);
    await expect(createTag(t, 'x', { snapshotId: 9 })).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
    for (const bad of ['', '  ', 'a/b', '.hidden']) await expect(createTag(t, bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const empty = await appendTable();
    await expect(createTag(empty, 'x')).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
  });

  it('writes tagCreateTime and tagTimeRetained as Paimon does when the tag has a TTL', async () => {
    const t = await appendTable();
    await write(t, rowsOf(1, 1, 'a'));
    const tag = await createTag(t, 'ttl', { timeRetainedMillis: 3_600_000 });
    const text = readFileSync(`${t.path}/tag/tag-ttl`, 'utf8');
    expect(text).toMatch(/"tagCreateTime" : \[ \d{4}, \d{1,2}, \d{1,2}, \d{1,2}, \d{1,2}(, \d+){0,2} \]/);
    expect(text).toContain('"tagTimeRetained" : 3600.000000000\n}');
    expect(tag.timeRetainedMillis).toBe(3_600_000);
    expect(tag.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(tag.snapshot).not.toHaveProperty('tagCreateTime');
    expect(await read(t, { tag: 'ttl' })).toEqual(['a|1|x1']);
  });

  it('lists tags by snapshot id', async () => {
    const t = await appendTable();
    await write(t, rowsOf(1, 1, 'a'));
    await write(t, rowsOf(1, 2, 'a'));
    await createTag(t, 'zeta', { snapshotId: 1 });
    await createTag(t, 'alpha', { snapshotId: 2 });
    await createTag(t, 'beta', { snapshotId: 1 });
    expect((await listTags(t)).map((x) => `${x.name}@${x.snapshot.id}`)).toEqual(['beta@1', 'zeta@1', 'alpha@2']);
  });

  it('deleting a tag whose snapshot exists leaves the files to snapshot expiration', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    await write(t, rowsOf(2, 1, 'a', 'o'), true);
    await createTag(t, 'one', { snapshotId: 1 });
    const files = filesUnder(t.path);
    const r = await deleteTag(t, 'one');
    expect(r.deletedFiles).toEqual([]);
    expect(filesUnder(t.path)).toEqual(files.filter((f) => f !== 'tag/tag-one'));
    await expect(deleteTag(t, 'one')).rejects.toMatchObject({ code: 'TAG_NOT_FOUND' });
  });

  it('deleting the last tag of an expired snapshot deletes the files only it kept', async () => {
    const t = await appendTable();
    await write(t, rowsOf(2, 1, 'a'));
    await write(t, rowsOf(2, 3, 'b'));
    await write(t, rowsOf(1, 9, 'a', 'o'), true);
    await write(t, rowsOf(1, 10, 'b'));
    await createTag(t, 'one', { snapshotId: 1 });
    await createTag(t, 'also-one', { snapshotId: 1 });
    await createTag(t, 'two', { snapshotId: 2 });
    await expireSnapshots(t, { retainMin: 1, olderThanMillis: Date.now() + 1 });
    const before = await readAll(t);
    expect([...before.keys()].sort()).toEqual(['snapshot-4', 'tag-also-one', 'tag-one', 'tag-two']);

    // Another tag on the same snapshot: nothing to delete.
    expect((await deleteTag(t, 'also-one')).deletedFiles).toEqual([]);
    // Tag two still uses snapshot 1's data file: only tag one's manifest list etc. go.
    const files = filesUnder(t.path);
    let r = await deleteTag(t, 'one');
    expect(r.deletedFiles.filter((f) => f.role === 'data')).toEqual([]);
    expect(r.deletedFiles.length).toBeGreaterThan(0);
    expect(filesUnder(t.path).length).toBeLessThan(files.length - 1);
    // The last tag: its data files go too, snapshot 4 and its files stay.
    r = await deleteTag(t, 'two');
    expect(r.deletedFiles.filter((f) => f.role === 'data').length).toBe(2);
    for (const f of r.deletedFiles) expect(existsSync(f.path)).toBe(false);
    expect(await read(t)).toEqual(before.get('snapshot-4'));
    await expectReferencedFilesExist(t);
  });
});
