/**
 * Primary-key tables with `bucket = -1` (dynamic bucket, Paimon's default):
 * keys are assigned to buckets as Paimon's single assigner does (each new key
 * of a partition to the current bucket until it holds
 * `dynamic-bucket.target-row-num` keys, then the next bucket id), the
 * assignment survives writer restarts through the HASH index files, and
 * compaction, changelog and deletion vectors keep working per bucket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compactTable } from '../src/compact/compact-table.js';
import { readDataFile } from '../src/read/data-file-reader.js';
import { batchToRows } from '../src/read/rows.js';
import { ROW_KIND_COLUMN } from '../src/read/split-reader.js';
import { deserializeBinaryRow, encodeBinaryRow, hashBinaryRowBytes, rowKey } from '../src/spec/binary-row.js';
import { decodeHashIndex, encodeHashIndex } from '../src/spec/hash-index-file.js';
import { DELETION_VECTORS_INDEX, HASH_INDEX, type IndexManifestEntry } from '../src/spec/index-manifest-entry.js';
import type { ManifestEntry } from '../src/spec/manifest-entry.js';
import { keyFields } from '../src/spec/table-schema.js';
import { bucketDirectory } from '../src/table/data-paths.js';
import { indexPath } from '../src/table/paths.js';
import { SchemaChange } from '../src/table/schema-change.js';
import type { FileStoreTable } from '../src/table/table.js';
import { TableCommit } from '../src/write/table-commit.js';
import type { DataType } from '../src/types/data-type.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const INT: DataType = { kind: 'INT', nullable: false };
const KIND = ['+I', '-U', '+U', '-D'];

type Op = { dt: string; id: number; v: string; kind: '+I' | '+U' | '-D' };

/** What the table must hold, and which bucket each key must be in (by first appearance, `target` keys per bucket). */
class Model {
  readonly rows = new Map<string, string>();
  /** Distinct keys per partition in the order the assigner first saw them. */
  readonly arrivals = new Map<string, number[]>();

  constructor(private readonly target: number) {}

  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      const seen = this.arrivals.get(op.dt) ?? [];
      this.arrivals.set(op.dt, seen);
      if (!seen.includes(op.id)) seen.push(op.id);
      if (op.kind === '-D') this.rows.delete(`${op.dt}/${op.id}`);
      else this.rows.set(`${op.dt}/${op.id}`, op.v);
    }
  }

  bucketOf(dt: string, id: number): number {
    return Math.floor(this.arrivals.get(dt)!.indexOf(id) / this.target);
  }

  /** Expected key hashes per `dt/bucket`. */
  hashes(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [dt, ids] of this.arrivals) {
      for (const id of ids) {
        const k = `${dt}/${this.bucketOf(dt, id)}`;
        out.set(k, [...(out.get(k) ?? []), keyHash(id)]);
      }
    }
    return out;
  }
}

/** The trimmed primary key's BinaryRow hash, through the generic encoder (not the writer's fast path). */
const keyHash = (id: number) => hashBinaryRowBytes(encodeBinaryRow([id], [INT]));

const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

async function table(options: Record<string, string>): Promise<FileStoreTable> {
  return scratchTable([['dt', 'STRING'], ['id', 'INT'], ['v', 'STRING']], { primaryKeys: ['dt', 'id'], partitionKeys: ['dt'], options: { bucket: '-1', ...options } });
}

/** One batch write (a writer started afresh), committed. */
async function commitOps(t: FileStoreTable, ops: readonly Op[], model?: Model): Promise<void> {
  const w = (await t.reload()).newBatchWrite();
  await w.write(ops.map(({ dt, id, v }) => ({ dt, id, v })), { kinds: ops.map((o) => o.kind) });
  await w.commit();
  model?.apply(ops);
}

async function readRows(t: FileStoreTable): Promise<Map<string, string>> {
  const rows = (await (await t.reload()).newScan().toArrow()).batches.flatMap(batchToRows);
  const out = new Map<string, string>();
  for (const r of rows) {
    const k = `${r['dt']}/${r['id']}`;
    expect(out.has(k), `key ${k} read twice`).toBe(false);
    out.set(k, r['v'] as string);
  }
  return out;
}

async function liveEntries(t: FileStoreTable): Promise<ManifestEntry[]> {
  const table = await t.reload();
  const latest = (await table.snapshots.latest())!;
  return table.manifests.liveEntries(await table.manifests.dataManifests(latest));
}

const dtOf = (partition: Uint8Array) => deserializeBinaryRow(partition, [{ kind: 'VARCHAR', nullable: true, length: 2147483647 } as DataType])[0] as string;

/** The buckets each key's records sit in, read from every live data file (all levels). */
async function bucketsOfKeys(t: FileStoreTable): Promise<Map<string, Set<number>>> {
  const table = await t.reload();
  const out = new Map<string, Set<number>>();
  for (const e of await liveEntries(table)) {
    const dt = dtOf(e.partition);
    const path = `${bucketDirectory(table.path, table.schema, [dt], e.bucket)}/${e.file.fileName}`;
    for (const batch of await readDataFile(table.fileIO, path, keyFields(table.schema))) {
      for (const r of batchToRows(batch)) {
        const k = `${dt}/${r['_KEY_id']}`;
        out.set(k, (out.get(k) ?? new Set()).add(e.bucket));
      }
    }
  }
  return out;
}

async function indexEntries(t: FileStoreTable): Promise<IndexManifestEntry[]> {
  const table = await t.reload();
  const latest = (await table.snapshots.latest())!;
  return latest.indexManifest ? table.manifests.indexManifest(latest.indexManifest) : [];
}

/** Decoded HASH index files of the latest snapshot, by `dt/bucket`. */
async function hashIndexes(t: FileStoreTable): Promise<Map<string, number[]>> {
  const table = await t.reload();
  const out = new Map<string, number[]>();
  for (const e of (await indexEntries(table)).filter((x) => x.indexType === HASH_INDEX)) {
    const key = `${dtOf(e.partition)}/${e.bucket}`;
    expect(out.has(key), `two hash index files for ${key}`).toBe(false);
    const path = indexPath(table.path, e.fileName);
    const bytes = await table.fileIO.readFile(path);
    const hashes = decodeHashIndex(bytes, path);
    expect(e.rowCount).toBe(hashes.length);
    expect(e.fileSize).toBe(bytes.length);
    expect(e.fileName).toMatch(/^index-[0-9a-f-]{36}-\d+$/);
    out.set(key, sorted(hashes));
  }
  return out;
}

/** The table agrees with the model: rows, the bucket of every key, and the hash index of every bucket. */
async function expectMatches(t: FileStoreTable, model: Model): Promise<void> {
  expect(await readRows(t)).toEqual(model.rows);
  for (const [key, buckets] of await bucketsOfKeys(t)) {
    const [dt, id] = key.split('/');
    expect([...buckets], `buckets of ${key}`).toEqual([model.bucketOf(dt!, Number(id))]);
  }
  const expected = new Map([...model.hashes()].map(([k, v]) => [k, sorted(v)]));
  expect(await hashIndexes(t)).toEqual(expected);
  expect((await liveEntries(t)).every((e) => e.totalBuckets === -1)).toBe(true);
}

/** Deterministic pseudo-random ops (xorshift), so a failure reproduces. */
function randomOps(seed: number, count: number, dts: string[], maxId: number): Op[] {
  let s = seed;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const r = next();
    ops.push({ dt: dts[Math.floor(next() * dts.length)]!, id: Math.floor(next() * maxId), v: `v${seed}-${i}`, kind: r < 0.2 ? '-D' : r < 0.5 ? '+U' : '+I' });
  }
  return ops;
}

describe('dynamic bucket primary-key writes', () => {
  it('upserts and deletes over several commits read back as the model, each key in the bucket Paimon assigns', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '3' });
    const model = new Model(3);
    await commitOps(
      t,
      [1, 2, 3, 4, 5].map((id) => ({ dt: 'a', id, v: `a${id}`, kind: '+I' as const })).concat([{ dt: 'b', id: 1, v: 'b1', kind: '+I' }, { dt: 'b', id: 2, v: 'b2', kind: '+I' }]),
      model,
    );
    // two buckets in a (3 + 2 keys), one in b
    expect(sorted(new Set((await liveEntries(t)).filter((e) => dtOf(e.partition) === 'a').map((e) => e.bucket)))).toEqual([0, 1]);
    await expectMatches(t, model);
    await commitOps(
      t,
      [
        { dt: 'a', id: 2, v: 'a2*', kind: '+U' },
        { dt: 'a', id: 4, v: '', kind: '-D' },
        { dt: 'a', id: 6, v: 'a6', kind: '+I' },
        { dt: 'a', id: 7, v: 'a7', kind: '+I' },
        { dt: 'b', id: 1, v: '', kind: '-D' },
        { dt: 'b', id: 3, v: 'b3', kind: '+I' },
        { dt: 'b', id: 9, v: '', kind: '-D' }, // a delete of an unknown key still takes a place in a bucket
      ],
      model,
    );
    await expectMatches(t, model);
    // a deleted key comes back to its old bucket
    await commitOps(t, [{ dt: 'a', id: 4, v: 'a4 again', kind: '+I' }], model);
    await expectMatches(t, model);
    expect(model.bucketOf('a', 7)).toBe(2);
  });

  it('keeps keys in their buckets across many random commits, restarts and a long-lived writer', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '7' });
    const model = new Model(7);
    const dts = ['x', 'y', 'z'];
    for (let round = 0; round < 3; round++) {
      await commitOps(t, randomOps(round + 1, 120, dts, 60), model);
      await expectMatches(t, model);
    }
    // one writer across two commits: its assignment state and hash sets continue
    const reloaded = await t.reload();
    const writer = reloaded.newWrite();
    const commit = new TableCommit(reloaded, writer.commitUser);
    for (let round = 3; round < 5; round++) {
      const ops = randomOps(round + 1, 120, dts, 80);
      await writer.write(ops.map(({ dt, id, v }) => ({ dt, id, v })), { kinds: ops.map((o) => o.kind) });
      const messages = await writer.prepareCommit();
      // the hash index changes travel with the new files, not as a compaction
      expect(messages.some((m) => (m.newIndexFiles ?? []).length > 0)).toBe(true);
      expect(messages.every((m) => (m.newIndexFiles ?? []).every((f) => f.indexType === HASH_INDEX))).toBe(true);
      const snapshot = await commit.commit(messages, { identifier: BigInt(round) });
      expect(snapshot).not.toBeNull();
      model.apply(ops);
      await expectMatches(t, model);
    }
    const table2 = await t.reload();
    for (let id = 1; id <= (await table2.snapshots.latestId())!; id++) {
      const s = await table2.snapshots.snapshot(id);
      expect(['APPEND', 'COMPACT']).toContain(s.commitKind);
    }
  });

  it('a table that already has hash indexes picks up where the last writer stopped (restored bucket counts)', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '4' });
    const model = new Model(4);
    await commitOps(t, [1, 2, 3, 4, 5, 6].map((id) => ({ dt: 'a', id, v: `${id}`, kind: '+I' as const })), model);
    // bucket 0 is full, bucket 1 holds two keys: the next two new keys fill bucket 1, the one after opens bucket 2
    await commitOps(t, [7, 8, 9].map((id) => ({ dt: 'a', id, v: `${id}`, kind: '+I' as const })), model);
    expect([7, 8, 9].map((id) => model.bucketOf('a', id))).toEqual([1, 1, 2]);
    await expectMatches(t, model);
  });

  it('after target-row-num is raised, new keys fill the partly full buckets in bucket order before opening another', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '2' });
    await commitOps(t, [1, 2, 3, 4, 5].map((id) => ({ dt: 'a', id, v: `${id}`, kind: '+I' as const })));
    await (await t.reload()).alter([SchemaChange.setOption('dynamic-bucket.target-row-num', '4')]);
    await commitOps(t, [6, 7, 8, 9, 10, 11, 12, 13].map((id) => ({ dt: 'a', id, v: `${id}`, kind: '+I' as const })));
    const buckets = await bucketsOfKeys(t);
    const bucketOf = (id: number) => [...buckets.get(`a/${id}`)!];
    // before: 0 = {1, 2}, 1 = {3, 4}, 2 = {5}
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map(bucketOf)).toEqual([[0], [0], [1], [1], [2], [0], [0], [1], [1], [2], [2], [2], [3]]);
    const index = await hashIndexes(t);
    expect(index.get('a/2')).toEqual(sorted([5, 10, 11, 12].map(keyHash)));
    expect(index.get('a/3')).toEqual([keyHash(13)]);
  });

  it('opens no more than dynamic-bucket.max-buckets buckets, and keeps each key where it went', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '2', 'dynamic-bucket.max-buckets': '2' });
    const rows = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      const ops = randomOps(round + 11, 40, ['a'], 30);
      await commitOps(t, ops);
      for (const op of ops) {
        if (op.kind === '-D') rows.delete(`${op.dt}/${op.id}`);
        else rows.set(`${op.dt}/${op.id}`, op.v);
      }
      expect(await readRows(t)).toEqual(rows);
      const buckets = await bucketsOfKeys(t);
      for (const [key, b] of buckets) expect(b.size, `buckets of ${key}`).toBe(1);
      // every hash sits in the bucket its key's records are in
      const index = await hashIndexes(t);
      expect(sorted(new Set([...index.keys()].map((k) => Number(k.split('/')[1]))))).toEqual([0, 1]);
      for (const [key, b] of buckets) expect(index.get(`a/${[...b][0]}`)).toContain(keyHash(Number(key.split('/')[1])));
    }
  });

  it('an overwrite replaces the partition and its hash indexes, and later writes continue from the new ones', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '2' });
    await commitOps(t, [1, 2, 3, 4, 5, 6].map((id) => ({ dt: 'a', id, v: `old${id}`, kind: '+I' as const })).concat([{ dt: 'b', id: 1, v: 'b1', kind: '+I' }]));
    const before = await indexEntries(t);
    const w = (await t.reload()).newBatchWrite({ overwrite: { mode: 'dynamic' } });
    await w.write([10, 11, 12].map((id) => ({ dt: 'a', id, v: `new${id}` })));
    const snapshot = await w.commit();
    expect(snapshot?.commitKind).toBe('OVERWRITE');
    const model = new Model(2);
    model.apply([10, 11, 12].map((id) => ({ dt: 'a', id, v: `new${id}`, kind: '+I' as const })).concat([{ dt: 'b', id: 1, v: 'b1', kind: '+I' }]));
    await expectMatches(t, model);
    const after = await indexEntries(t);
    // the old files of partition a retired, b's kept
    const names = (es: IndexManifestEntry[], dt: string) => es.filter((e) => dtOf(e.partition) === dt).map((e) => e.fileName);
    expect(names(after, 'a').some((n) => names(before, 'a').includes(n))).toBe(false);
    expect(names(after, 'b')).toEqual(names(before, 'b'));
    // bucket 1 holds one key after the overwrite, so the next new key joins it
    await commitOps(t, [{ dt: 'a', id: 1, v: 'back', kind: '+I' }], model);
    expect(model.bucketOf('a', 1)).toBe(1);
    await expectMatches(t, model);
  });

  it('compaction and deletion vectors work per dynamic bucket; hash and deletion-vector indexes live side by side', async () => {
    const t = await table({ 'dynamic-bucket.target-row-num': '5', 'deletion-vectors.enabled': 'true' });
    const model = new Model(5);
    const indexTypes = async () => [...new Set((await indexEntries(t)).map((e) => e.indexType))].sort();
    await commitOps(t, randomOps(21, 60, ['a', 'b'], 25), model);
    await compactTable(await t.reload(), { full: true });
    await expectMatches(t, model);
    for (let round = 0; round < 3; round++) {
      // the writers' compactions mark superseded rows in deletion vectors of the buckets' older files
      await commitOps(t, randomOps(22 + round, 60, ['a', 'b'], 30), model);
      expect(await indexTypes()).toEqual([DELETION_VECTORS_INDEX, HASH_INDEX]);
      expect(await hashIndexes(t)).toEqual(new Map([...model.hashes()].map(([k, v]) => [k, sorted(v)])));
      await compactTable(await t.reload());
    }
    // batch reads of deletion-vector tables skip level 0: compare once everything is compacted
    await compactTable(await t.reload(), { full: true });
    await expectMatches(t, model);
  });

  it('lookup changelog per dynamic bucket', async () => {
    const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '-1', 'changelog-producer': 'lookup', 'dynamic-bucket.target-row-num': '1' } });
    const commit = async (rows: { k: number; v: string }[], kinds?: string[]) => {
      const w = (await t.reload()).newBatchWrite();
      await w.write(rows, kinds ? { kinds } : {});
      await w.commit();
    };
    await commit([{ k: 1, v: 'a' }, { k: 2, v: 'b' }]);
    await commit([{ k: 1, v: 'a2' }, { k: 2, v: 'b' }, { k: 3, v: 'c' }], ['+U', '-D', '+I']);
    await commit([{ k: 1, v: 'a3' }, { k: 1, v: 'a4' }]);
    const table2 = await t.reload();
    const seen: string[][] = [];
    let last = -1;
    for await (const c of table2.newStreamScan({ mode: 'from-snapshot', snapshotId: 1, endSnapshotId: (await table2.snapshots.latestId())! }).changes()) {
      if (c.snapshotId !== last) seen.push([]);
      last = c.snapshotId;
      seen[seen.length - 1]!.push(...batchToRows(c.batch).map((r) => `${KIND[r[ROW_KIND_COLUMN] as number]} ${r['k']}=${r['v']}`));
    }
    expect(seen).toEqual([['+I 1=a', '+I 2=b'], ['-U 1=a', '+U 1=a2', '-D 2=b', '+I 3=c'], ['-U 1=a2', '+U 1=a4']]);
    // one key per bucket (target-row-num 1); key 2's bucket has no live file left, but keeps its hash
    expect(sorted(new Set((await liveEntries(t)).map((e) => e.bucket)))).toEqual([0, 2]);
    const table3 = await t.reload();
    const hashes = new Map<number, number[]>();
    for (const e of await indexEntries(table3)) hashes.set(e.bucket, [...decodeHashIndex(await table3.fileIO.readFile(indexPath(table3.path, e.fileName)), e.fileName)]);
    expect(new Map([...hashes].sort((x, y) => x[0] - y[0]))).toEqual(new Map([[0, [keyHash(1)]], [1, [keyHash(2)]], [2, [keyHash(3)]]]));
  });

  it('refuses two hash index files for one bucket (a concurrent writer) instead of committing them', async () => {
    const t = await table({});
    const a = (await t.reload()).newBatchWrite({ commitUser: 'a' });
    const b = (await t.reload()).newBatchWrite({ commitUser: 'b' });
    await a.write([{ dt: 'p', id: 1, v: 'x' }]);
    await b.write([{ dt: 'p', id: 2, v: 'y' }]);
    await a.commit();
    await expect(b.commit()).rejects.toMatchObject({ code: 'COMMIT_CONFLICT' });
    expect(await readRows(t)).toEqual(new Map([['p/1', 'x']]));
  });

  it('hash index files are plain big-endian int32s', () => {
    const bytes = encodeHashIndex([1, -1, 0x12345678]);
    expect([...bytes]).toEqual([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x12, 0x34, 0x56, 0x78]);
    expect([...decodeHashIndex(bytes, 'x')]).toEqual([1, -1, 0x12345678]);
    expect(() => decodeHashIndex(bytes.subarray(0, 5), 'idx')).toThrow(expect.objectContaining({ code: 'CORRUPT_FILE' }));
  });

  it('still refuses what it cannot write: postpone buckets and cross-partition upserts', async () => {
    const postpone = await scratchTable([['id', 'INT']], { primaryKeys: ['id'], options: { bucket: '-2' } });
    expect(() => postpone.newWrite()).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    const cross = await scratchTable([['dt', 'STRING'], ['id', 'INT']], { primaryKeys: ['id'], partitionKeys: ['dt'] });
    expect(() => cross.newWrite()).toThrow(/cross-partition upsert/);
  });

  it('rejects a bad dynamic-bucket.max-buckets when the table is created', async () => {
    await expect(table({ 'dynamic-bucket.max-buckets': '0' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('hash index entries carry the partition and bucket of their data files', async () => {
    const t = await table({});
    await commitOps(t, [{ dt: 'q', id: 5, v: 'v', kind: '+I' }]);
    const [entry] = await indexEntries(t);
    const [data] = await liveEntries(t);
    expect(rowKey(entry!.partition)).toBe(rowKey(data!.partition));
    expect(entry!.bucket).toBe(data!.bucket);
  });
});
