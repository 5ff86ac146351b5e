import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { batchToRows } from '../src/read/rows.js';
import { PaimonError } from '../src/errors.js';
import { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

async function rows(t: FileStoreTable, snapshot?: number) {
  const scan = (await t.reload()).newScan();
  if (snapshot) scan.atSnapshot(snapshot);
  return (await scan.toArrow()).batches.flatMap(batchToRows);
}

/** Every file under a folder with its hash: "byte for byte as it was". */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = `${d}/${name}`;
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('INSERT OVERWRITE', () => {
  const make = () => scratchTable([['id', 'INT'], ['dt', 'STRING']], { partitionKeys: ['dt'] });
  async function seed(t: FileStoreTable) {
    const w = t.newBatchWrite();
    await w.write([{ id: 1, dt: 'a' }, { id: 2, dt: 'b' }, { id: 3, dt: 'c' }]);
    await w.commit();
  }
  const ids = async (t: FileStoreTable) => (await rows(t)).map((r) => `${r['id']}${r['dt']}`).sort();

  it('overwrites the whole table', async () => {
    const t = await make();
    await seed(t);
    const w = (await t.reload()).newBatchWrite({ overwrite: true });
    await w.write([{ id: 9, dt: 'a' }]);
    const s = await w.commit();
    expect(s!.commitKind).toBe('OVERWRITE');
    expect(s!.totalRecordCount).toBe(1);
    expect(await ids(t)).toEqual(['9a']);
    expect((await rows(t, 1)).length).toBe(3); // the old snapshot still reads as it was
  });

  it('overwrites only the partitions in the data (dynamic)', async () => {
    const t = await make();
    await seed(t);
    const w = (await t.reload()).newBatchWrite({ overwrite: { mode: 'dynamic' } });
    await w.write([{ id: 8, dt: 'b' }, { id: 9, dt: 'd' }]);
    await w.commit();
    expect(await ids(t)).toEqual(['1a', '3c', '8b', '9d']);
  });

  it('overwrites a given partition (static), and an empty overwrite truncates it', async () => {
    const t = await make();
    await seed(t);
    let w = (await t.reload()).newBatchWrite({ overwrite: { mode: 'static', partition: { dt: 'c' } } });
    await w.write([{ id: 7, dt: 'c' }]);
    await w.commit();
    expect(await ids(t)).toEqual(['1a', '2b', '7c']);
    w = (await t.reload()).newBatchWrite({ overwrite: { mode: 'static', partition: { dt: 'a' } } });
    await w.commit();
    expect(await ids(t)).toEqual(['2b', '7c']);
    w = (await t.reload()).newBatchWrite({ overwrite: { mode: 'static', partition: { dt: 'a' } } });
    await w.write([{ id: 5, dt: 'b' }]);
    await expect(w.commit()).rejects.toThrow(/another partition/);
  });
});

describe('bad input is rejected and leaves the table as it was', () => {
  const cases: [string, () => unknown[], RegExp][] = [
    ['a NULL in a NOT NULL column', () => [{ id: 1, v: 'x' }, { id: null, v: 'y' }], /row 1, column id: NULL in a NOT NULL column/],
    ['a value of the wrong type', () => [{ id: 'one', v: 'x' }], /row 0, column id: "one" is not a INT/],
    ['an unknown column', () => [{ id: 1, nope: 2 }], /column nope: no such column/],
    ['an unparsable timestamp', () => [{ id: 1, ts: 'yesterday' }], /column ts: "yesterday" is not a timestamp/],
    ['an out-of-range integer', () => [{ id: 2 ** 31, v: 'x' }], /column id/],
    ['too many decimal digits', () => [{ id: 1, d: '12345.678' }], /column d/],
  ];
  for (const [what, input, message] of cases) {
    it(`rejects ${what}, naming row and column`, async () => {
      const t = await scratchTable([['id', 'INT NOT NULL'], ['v', 'STRING'], ['ts', 'TIMESTAMP(3)'], ['d', 'DECIMAL(5, 2)']], { primaryKeys: ['id'], options: { bucket: '1' } });
      const w0 = t.newBatchWrite();
      await w0.write([{ id: 100, v: 'kept' }]);
      await w0.commit();
      const before = fingerprint(t.path);
      const w = (await t.reload()).newBatchWrite();
      let err: unknown;
      try {
        await w.write(input() as never);
        await w.commit();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PaimonError);
      expect((err as Error).message).toMatch(message);
      expect(fingerprint(t.path)).toEqual(before);
      expect(await rows(t)).toEqual([{ id: 100, v: 'kept', ts: null, d: null }]);
    });
  }

  it('rejects -U/-D rows for an append table', async () => {
    const t = await scratchTable([['id', 'INT']]);
    await expect(t.newBatchWrite().write([{ id: 1 }], { kinds: ['-D'] })).rejects.toThrow(/append tables take only \+I rows/);
  });

  it('accepts Arrow batches with convertible column types (Int64 into INT, Utf8 into DATE)', async () => {
    const t = await scratchTable([['id', 'INT'], ['day', 'DATE']]);
    const batch = new arrow.Table({
      id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()),
      day: arrow.vectorFromArray(['2024-01-01', '1970-01-02'], new arrow.Utf8()),
    });
    const w = t.newBatchWrite();
    await w.write(batch);
    await w.commit();
    expect((await rows(t)).sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual([{ id: 1, day: 19723 }, { id: 2, day: 1 }]);
  });
});

describe('commit identifiers', () => {
  it('make a retried streaming commit idempotent', async () => {
    const t = await scratchTable([['id', 'INT']]);
    const write = t.newWrite('job-1');
    await write.write([{ id: 1 }]);
    const messages = await write.prepareCommit();
    const commit = t.newCommit('job-1');
    expect((await commit.commit(messages, { identifier: 1n }))?.id).toBe(1);
    expect(await commit.commit(messages, { identifier: 1n })).toBeNull(); // a retry after an unclear failure
    expect((await rows(t)).length).toBe(1);
    await write.write([{ id: 2 }]);
    expect((await commit.commit(await write.prepareCommit(), { identifier: 2n }))?.id).toBe(2);
    expect((await rows(t)).length).toBe(2);
  });
});

describe('conflicts and manifest housekeeping', () => {
  it('reports two commits deleting the same file as COMMIT_CONFLICT, keeping the first', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1' } });
    const w = t.newBatchWrite();
    await w.write([{ k: 1, v: 'a' }]);
    await w.commit();
    const fresh = await t.reload();
    const latest = (await fresh.snapshots.latest())!;
    const [entry] = await fresh.manifests.liveEntries(await fresh.manifests.dataManifests(latest));
    // Two "compactions" that both remove the same file, as two writers racing would.
    const remove = [{ partition: entry!.partition, bucket: entry!.bucket, totalBuckets: 1, newFiles: [], compactBefore: [entry!.file] }];
    const first = await fresh.newCommit('compactor-1').commit(remove);
    expect(first!.commitKind).toBe('COMPACT');
    const err = await fresh.newCommit('compactor-2').commit(remove).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaimonError);
    expect((err as PaimonError).code).toBe('COMMIT_CONFLICT');
    expect((err as Error).message).toContain(entry!.file.fileName);
    expect((await fresh.snapshots.latestId())).toBe(first!.id);
  });

  it('merges manifests once manifest.merge-min-count pile up, and still reads every row', async () => {
    const t = await scratchTable([['id', 'INT']], { options: { 'manifest.merge-min-count': '4' } });
    for (let i = 0; i < 9; i++) {
      const w = (await t.reload()).newBatchWrite();
      await w.write([{ id: i }]);
      await w.commit();
    }
    const fresh = await t.reload();
    const latest = (await fresh.snapshots.latest())!;
    const base = await fresh.manifests.manifestList(latest.baseManifestList);
    expect(base.length).toBeLessThan(4);
    expect((await rows(fresh)).map((r) => r['id']).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // partition stats and bucket ranges are written for pruning
    expect(base.every((m) => m.minBucket === 0 && m.maxBucket === 0 && m.numAddedFiles > 0)).toBe(true);
  });
});
