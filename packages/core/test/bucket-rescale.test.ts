/**
 * Bucket rescale (Paimon's semantics): `bucket` changes by a schema change;
 * partitions written with the old count refuse plain writes until an INSERT
 * OVERWRITE rewrites them with the new count; the others keep their count
 * and read (and prune by key) correctly because entries carry totalBuckets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import { batchToRows } from '../src/read/rows.js';
import { eq } from '../src/scan/predicate.js';
import { rescaleBuckets } from '../src/table/rescale.js';
import { SchemaChange } from '../src/table/schema-change.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

type Row = Record<string, unknown>;

async function rows(table: FileStoreTable, filter = null as ReturnType<typeof eq> | null): Promise<Row[]> {
  const t = await (await table.reload()).newScan().filter(filter).toArrow();
  return t.batches.flatMap(batchToRows).sort((a, b) => String(a['dt']).localeCompare(String(b['dt'])) || Number(a['k']) - Number(b['k']));
}

/** Bucket count per partition, and the buckets in use, from the latest snapshot's splits. */
async function layout(table: FileStoreTable): Promise<Record<string, { total: number[]; buckets: number[] }>> {
  const plan = await (await table.reload()).newScan().plan();
  const out: Record<string, { total: number[]; buckets: number[] }> = {};
  for (const s of plan.splits) {
    const p = (out[String(s.partition[0])] ??= { total: [], buckets: [] });
    if (!p.total.includes(s.totalBuckets)) p.total.push(s.totalBuckets);
    p.buckets.push(s.bucket);
  }
  for (const p of Object.values(out)) p.buckets.sort((a, b) => a - b);
  return out;
}

async function write(table: FileStoreTable, input: Row[], kinds?: string[]): Promise<void> {
  const w = (await table.reload()).newBatchWrite();
  await w.write(input, kinds ? { kinds } : {});
  await w.commit();
}

const keys = (n: number, dt: string, v: string) => Array.from({ length: n }, (_, k) => ({ dt, k, v: `${v}${k}` }));

describe('bucket rescale', () => {
  it('a primary-key table: refuse, rescale one partition, keep the other, write both layouts, read everything', async () => {
    const table = await scratchTable([['dt', 'STRING'], ['k', 'INT'], ['v', 'STRING']], {
      primaryKeys: ['dt', 'k'],
      partitionKeys: ['dt'],
      options: { bucket: '2' },
    });
    await write(table, [...keys(20, 'a', 'a'), ...keys(20, 'b', 'b')]);
    await write(table, [{ dt: 'a', k: 3, v: 'A3' }, { dt: 'b', k: 4, v: null }], ['+U', '-D']);
    const before = await rows(table);
    expect(before).toHaveLength(39);
    expect(await layout(table)).toEqual({ a: { total: [2], buckets: [0, 1] }, b: { total: [2], buckets: [0, 1] } });

    const altered = await table.alter([SchemaChange.setOption('bucket', '4')]);
    expect(altered.options.bucket).toBe(4);
    // plain writes to a partition of the old layout fail, naming it and the way out
    let error: unknown;
    try {
      await write(altered, [{ dt: 'a', k: 1, v: 'x' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PaimonError);
    expect((error as PaimonError).message).toMatch(/cannot write partition dt=a with bucket = 4: its files have 2 buckets; rescale it first with an INSERT OVERWRITE of partition dt=a/);
    // a new partition takes the new count
    await write(altered, keys(12, 'c', 'c'));
    expect((await layout(table))['c']).toEqual({ total: [4], buckets: [0, 1, 2, 3] });
    expect(await rows(table)).toEqual([...before, ...keys(12, 'c', 'c')]);

    // INSERT OVERWRITE of dt=a rewrites it with 4 buckets; dt=b keeps 2
    const result = await rescaleBuckets(altered, { bucket: 4, partition: { dt: 'a' } });
    expect(result.schemaChanged).toBe(false);
    expect(result.previousBuckets).toEqual([2]);
    expect(result.rows).toBe(20);
    expect(result.snapshot?.commitKind).toBe('OVERWRITE');
    expect(await layout(table)).toEqual({
      a: { total: [4], buckets: [0, 1, 2, 3] },
      b: { total: [2], buckets: [0, 1] },
      c: { total: [4], buckets: [0, 1, 2, 3] },
    });
    expect(await rows(table)).toEqual([...before, ...keys(12, 'c', 'c')]);

    // dt=a now takes plain writes (the update meets its old row in the new layout); dt=b still refuses
    await write(result.table, [{ dt: 'a', k: 5, v: 'five' }, { dt: 'a', k: 6, v: null }], ['+U', '-D']);
    await expect(write(result.table, [{ dt: 'b', k: 1, v: 'x' }])).rejects.toThrow(/partition dt=b/);
    const after = await rows(table);
    expect(after.filter((r) => r['dt'] === 'a')).toEqual(
      keys(20, 'a', 'a')
        .map((r) => (r.k === 3 ? { ...r, v: 'A3' } : r.k === 5 ? { ...r, v: 'five' } : r))
        .filter((r) => r.k !== 6),
    );

    // key lookups prune buckets by each partition's own count
    for (const k of [0, 4, 7, 11]) {
      const found = await rows(table, eq('k', k));
      expect(found).toEqual(after.filter((r) => r['k'] === k));
    }
  });

  it('rescales every partition of an append table with a bucket key in one overwrite commit, rows unchanged', async () => {
    const table = await scratchTable([['dt', 'STRING'], ['id', 'INT'], ['x', 'DOUBLE']], {
      partitionKeys: ['dt'],
      options: { bucket: '3', 'bucket-key': 'id' },
    });
    const input = ['p', 'q'].flatMap((dt) => Array.from({ length: 30 }, (_, id) => ({ dt, id, x: id / 4 })));
    await write(table, input.slice(0, 25));
    await write(table, input.slice(25));
    const before = await rows(table);
    const progress: [number, number][] = [];
    const result = await rescaleBuckets(table, { bucket: 5, onProgress: (done, total) => progress.push([done, total]) });
    expect(result.schemaChanged).toBe(true);
    expect(result.table.schema.id).toBe(1);
    expect(result.rows).toBe(60);
    expect(progress[0]).toEqual([0, 6]);
    expect(progress[progress.length - 1]).toEqual([6, 6]);
    expect(await layout(table)).toEqual({ p: { total: [5], buckets: [0, 1, 2, 3, 4] }, q: { total: [5], buckets: [0, 1, 2, 3, 4] } });
    expect((await rows(table)).map((r) => JSON.stringify(r)).sort()).toEqual(before.map((r) => JSON.stringify(r)).sort());
    // every row sits in the bucket its key hashes to under 5 buckets: a key lookup finds each
    for (const id of [0, 9, 17, 29]) expect((await rows(table, eq('id', id))).map((r) => r['dt'])).toEqual(['p', 'q']);
    const snapshots = await (await table.reload()).snapshots.all();
    expect(snapshots.map((s) => s.commitKind)).toEqual(['APPEND', 'APPEND', 'OVERWRITE']);
  });

  it('refuses a bucket of -1, a bad count, and a partition that is not one', async () => {
    const table = await scratchTable([['dt', 'STRING'], ['k', 'INT']], { primaryKeys: ['dt', 'k'], partitionKeys: ['dt'], options: { bucket: '2' } });
    await write(table, [{ dt: 'a', k: 1 }]);
    await expect(table.alter([SchemaChange.setOption('bucket', '-1')])).rejects.toThrow(/bucket cannot be changed to -1/);
    await expect(rescaleBuckets(table, { bucket: 0 })).rejects.toThrow(/must be an integer > 0/);
    await expect(rescaleBuckets(table, { bucket: 3, partition: { k: '1' } })).rejects.toThrow(/k is not a partition column/);
    const unaware = await scratchTable([['a', 'INT']]);
    await write(unaware, [{ a: 1 }]);
    await expect(rescaleBuckets(unaware, { bucket: 2 })).rejects.toThrow(/bucket cannot be changed when it is -1/);
  });
});
