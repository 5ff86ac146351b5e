/**
 * Changelog producers: what a streaming reader sees of a primary-key table
 * when the writer keeps a changelog (`input`), or derives one at compaction
 * from the old and new value of each key (`full-compaction`, `lookup`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { ROW_KIND_COLUMN } from '../src/read/split-reader.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, commitRows, scratchTable } from './write-helpers.js';
import { ROW_KIND_SHORT } from '../src/merge/merge-function.js';

afterEach(cleanTempDirs);

const KIND = ROW_KIND_SHORT;

/** Every change from the first snapshot to the latest, as "kind k=v" lines per snapshot. */
async function changes(t: FileStoreTable): Promise<string[][]> {
  const table = await t.reload();
  const latest = (await table.snapshots.latestId())!;
  const bySnapshot = new Map<number, string[]>();
  for await (const c of table.newStreamScan({ mode: 'from-snapshot', snapshotId: 1, endSnapshotId: latest }).changes()) {
    const lines = batchToRows(c.batch).map((r) => `${KIND[r[ROW_KIND_COLUMN] as number]} ${r['k']}=${r['v']}`);
    bySnapshot.set(c.snapshotId, [...(bySnapshot.get(c.snapshotId) ?? []), ...lines]);
  }
  return [...bySnapshot.values()];
}

async function files(t: FileStoreTable): Promise<string[]> {
  const table = await t.reload();
  const out: string[] = [];
  for (let id = 1; id <= (await table.snapshots.latestId())!; id++) {
    const s = await table.snapshots.snapshot(id);
    if (!s.changelogManifestList) continue;
    for (const m of await table.manifests.manifestList(s.changelogManifestList)) out.push(...(await table.manifests.manifest(m.fileName)).map((e) => e.file.fileName));
  }
  return out;
}

const scenario = async (t: FileStoreTable) => {
  await commitRows(t, [{ k: 1, v: 'a' }, { k: 2, v: 'b' }]);
  await commitRows(t, [{ k: 1, v: 'a2' }, { k: 2, v: 'b' }, { k: 3, v: 'c' }], ['+U', '-D', '+I']);
  await commitRows(t, [{ k: 1, v: 'a3' }, { k: 1, v: 'a4' }]);
  await commitRows(t, [{ k: 3, v: 'c' }], ['+U']);
};

describe('changelog producers', () => {
  it('input: the rows as written, per commit, in key order', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'changelog-producer': 'input' } });
    await scenario(t);
    expect(await changes(t)).toEqual([
      ['+I 1=a', '+I 2=b'],
      ['+U 1=a2', '-D 2=b', '+I 3=c'],
      ['+I 1=a3', '+I 1=a4'],
      ['+U 3=c'],
    ]);
    const names = await files(t);
    expect(names.length).toBe(4);
    expect(names.every((n) => n.startsWith('changelog-') && n.endsWith('.parquet'))).toBe(true);
  });

  for (const producer of ['full-compaction', 'lookup']) {
    it(`${producer}: before and after of each key at compaction (-U/+U, +I, -D)`, async () => {
      const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'changelog-producer': producer } });
      await scenario(t);
      expect(await changes(t)).toEqual([
        ['+I 1=a', '+I 2=b'],
        ['-U 1=a', '+U 1=a2', '-D 2=b', '+I 3=c'],
        ['-U 1=a2', '+U 1=a4'],
        // an update to the same value is still an update unless changelog-producer.row-deduplicate
        ['-U 3=c', '+U 3=c'],
      ]);
      expect((await files(t)).every((n) => n.startsWith('changelog-'))).toBe(true);
      // the batch read agrees with the stream
      const rows = (await (await t.reload()).newScan().toArrow()).batches.flatMap(batchToRows).map((r) => `${r['k']}=${r['v']}`);
      expect(rows).toEqual(['1=a4', '3=c']);
    });
  }

  it('row-deduplicate drops updates that change nothing', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], {
      primaryKeys: ['k'],
      options: { bucket: '1', 'changelog-producer': 'lookup', 'changelog-producer.row-deduplicate': 'true' },
    });
    await scenario(t);
    expect((await changes(t)).flat()).not.toContain('+U 3=c');
  });

  it('lookup with aggregation: the changelog carries the aggregated values, and reads do not count old versions twice', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'INT']], {
      primaryKeys: ['k'],
      options: { bucket: '1', 'changelog-producer': 'lookup', 'merge-engine': 'aggregation', 'fields.v.aggregate-function': 'sum' },
    });
    for (const v of [1, 2, 3]) {
      const w = (await t.reload()).newBatchWrite();
      await w.write([{ k: 7, v }]);
      await w.commit();
    }
    const table = await t.reload();
    const seen: string[] = [];
    for await (const c of table.newStreamScan({ mode: 'from-snapshot', snapshotId: 1, endSnapshotId: (await table.snapshots.latestId())! }).changes()) {
      seen.push(...batchToRows(c.batch).map((r) => `${KIND[r[ROW_KIND_COLUMN] as number]} ${r['v']}`));
    }
    expect(seen).toEqual(['+I 1', '-U 1', '+U 3', '-U 3', '+U 6']);
    const rows = (await table.newScan().toArrow()).batches.flatMap(batchToRows);
    expect(rows.map((r) => r['v'])).toEqual([6]);
  });
});
