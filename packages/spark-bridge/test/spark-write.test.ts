import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { listTags, removeOrphanFiles, type FileSystemCatalog } from '@paimon-ts/core';
import { FlightClient, startFlightServer, type FlightDescriptor, type FlightServer } from '@paimon-ts/flight';
import { createSparkHandler } from '../src/index.js';
import { shopWarehouse } from './warehouse.js';

let shop: Awaited<ReturnType<typeof shopWarehouse>>;
let catalog: FileSystemCatalog;
let server: FlightServer;
let client: FlightClient;

const EVENTS: FlightDescriptor = { type: 'PATH', path: ['shop', 'events'] };
const USERS: FlightDescriptor = { type: 'PATH', path: ['shop', 'users'] };

function events(ids: number[], dt: string): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    dt: arrow.vectorFromArray(ids.map(() => dt), new arrow.Utf8()),
    amount: arrow.vectorFromArray(ids.map((i) => i * 1.5), new arrow.Float64()),
    // Spark sends microseconds; the table stores TIMESTAMP(3).
    at: arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond(), data: BigInt64Array.from(ids.map((i) => BigInt(1_700_000_000_000_000 + i * 1000))) })),
  });
}

function users(rows: [number, string | null, number | null][], kinds?: (number | string)[]): arrow.Table {
  const columns: Record<string, arrow.Vector> = {
    id: arrow.vectorFromArray(rows.map((r) => r[0]), new arrow.Int32()),
    name: arrow.vectorFromArray(rows.map((r) => r[1]), new arrow.Utf8()),
    score: arrow.vectorFromArray(rows.map((r) => r[2]), new arrow.Int32()),
  };
  if (kinds) columns._ROW_KIND = typeof kinds[0] === 'number' ? arrow.vectorFromArray(kinds as number[], new arrow.Int8()) : arrow.vectorFromArray(kinds as string[], new arrow.Utf8());
  return new arrow.Table(columns);
}

async function readRows(descriptor: FlightDescriptor): Promise<Record<string, unknown>[]> {
  const t = await client.readAll(await client.getFlightInfo(descriptor));
  return t.toArray().map((r) => JSON.parse(JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v))));
}

beforeAll(async () => {
  shop = await shopWarehouse();
  catalog = shop.catalog;
  server = await startFlightServer({ handlers: [createSparkHandler(catalog)] });
  client = new FlightClient(server.url);
});

afterAll(async () => {
  client.close();
  await server.close();
  shop.cleanup();
});

describe('DoPut', () => {
  it('appends an upload as one commit and answers its snapshot id', async () => {
    const first = JSON.parse((await client.doPut(EVENTS, events([1, 2, 3], '2024-01-01'))).toString());
    expect(first).toEqual({ table: 'shop.events', snapshotId: 1, rows: 3, kinds: { '+I': 3, '-U': 0, '+U': 0, '-D': 0 } });
    // several batches, two partitions, still one snapshot
    const batches = [...events([4, 5], '2024-01-02').batches, ...events([6], '2024-01-01').batches];
    const second = JSON.parse((await client.doPut(EVENTS, batches)).toString());
    expect(second.snapshotId).toBe(2);
    expect(await (await catalog.getTable('shop.events')).snapshots.latestId()).toBe(2);
    const rows = await readRows(EVENTS);
    expect(rows.map((r) => r.id).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const four = rows.find((r) => r.id === 4)!;
    expect(four.dt).toBe('2024-01-02');
    // TIMESTAMP(3) keeps milliseconds; Spark gets them back as microseconds
    const t = await client.readAll(await client.getFlightInfo(EVENTS));
    const at = t.getChild('at')!;
    expect((at.type as arrow.Timestamp).unit).toBe(arrow.TimeUnit.MICROSECOND);
    const micros = at.data.flatMap((d) => [...(d.values as BigInt64Array).subarray(0, d.length)]);
    expect(micros.sort()).toContain(1_700_000_000_004_000n);
  });

  it('upserts and deletes by primary key with a _ROW_KIND column', async () => {
    await client.doPut(USERS, users([[1, 'ann', 10], [2, 'bob', 20], [3, 'cy', 30]]));
    const res = JSON.parse((await client.doPut(USERS, users([[1, 'ann', 11], [2, 'bob', 20], [4, 'dee', 40]], ['+U', '-D', '+I']))).toString());
    expect(res.kinds).toEqual({ '+I': 1, '-U': 0, '+U': 1, '-D': 1 });
    // kinds as bytes, and a plain +I on an existing key replaces the row
    await client.doPut(USERS, users([[3, 'cyd', 31]], [0]));
    const rows = (await readRows(USERS)).sort((a, b) => (a.id as number) - (b.id as number));
    expect(rows).toEqual([
      { id: 1, name: 'ann', score: 11 },
      { id: 3, name: 'cyd', score: 31 },
      { id: 4, name: 'dee', score: 40 },
    ]);
  });

  it('overwrites through a CMD upload request', async () => {
    await client.doPut({ type: 'CMD', cmd: Buffer.from(JSON.stringify({ table: 'shop.events', overwrite: true })) }, events([9], '2024-01-02'));
    const rows = await readRows(EVENTS);
    // dynamic partition overwrite: 2024-01-02 replaced, 2024-01-01 kept
    expect(rows.map((r) => `${r.dt}:${r.id}`).sort()).toEqual(['2024-01-01:1', '2024-01-01:2', '2024-01-01:3', '2024-01-01:6', '2024-01-02:9']);
  });

  it('refuses bad uploads without committing anything', async () => {
    const table = await catalog.getTable('shop.events');
    const before = await table.snapshots.latestId();
    const extra = new arrow.Table({ id: arrow.vectorFromArray([1n], new arrow.Int64()), nope: arrow.vectorFromArray([1], new arrow.Int32()) });
    await expect(client.doPut(EVENTS, extra)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('nope') });
    await expect(client.doPut(EVENTS, users([[1, 'x', 1]], ['-D']))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.doPut(USERS, users([[1, 'x', 1]], [7]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('row kind 7') });
    await expect(client.doPut({ type: 'PATH', path: ['shop', 'missing'] }, events([1], 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await (await catalog.getTable('shop.events')).snapshots.latestId()).toBe(before);
  });

  it('an upload that fails part-way commits nothing and leaves no files behind', async () => {
    await catalog.createTable(
      'shop.staging',
      { fields: [{ name: 'id', type: 'INT NOT NULL' }, { name: 'name', type: 'STRING' }, { name: 'score', type: 'INT' }], primaryKeys: ['id'], options: { bucket: '1', 'write-buffer-size': '4 kb' } },
      false,
    );
    const good = users(Array.from({ length: 3000 }, (_, i): [number, string, number] => [i, 'n'.repeat(10), i]), Array(3000).fill(0));
    const bad = users([[1, 'x', 1]], [7]);
    await expect(client.doPut({ type: 'PATH', path: ['shop', 'staging'] }, new arrow.Table([...good.batches, ...bad.batches]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const table = await catalog.getTable('shop.staging');
    expect(await table.snapshots.latestId()).toBeNull();
    expect((await removeOrphanFiles(table, { dryRun: true, olderThanMillis: 0 })).orphans).toEqual([]);
  });
});

describe('DoAction', () => {
  it('lists compact, expire and create-tag', async () => {
    expect((await client.listActions()).map((a) => a.type)).toEqual(['compact', 'expire', 'create-tag']);
  });

  it('tags a snapshot, and a scan request reads the tag', async () => {
    const latest = (await (await catalog.getTable('shop.users')).snapshots.latestId())!;
    const [res] = await client.doAction('create-tag', { table: 'shop.users', tag: 'before-compact', snapshot: latest - 1 });
    expect(JSON.parse(res!.toString())).toEqual({ table: 'shop.users', tag: 'before-compact', snapshotId: latest - 1 });
    expect((await listTags(await catalog.getTable('shop.users'))).map((t) => t.name)).toEqual(['before-compact']);
    const tagged = await readRows({ type: 'CMD', cmd: Buffer.from(JSON.stringify({ table: 'shop.users', tag: 'before-compact' })) });
    expect(tagged.find((r) => r.id === 3)!.name).toBe('cy');
  });

  it('compacts as one COMPACT snapshot with the same rows', async () => {
    const before = await readRows(USERS);
    const [res] = await client.doAction('compact', { table: 'shop.users' });
    const { snapshotId } = JSON.parse(res!.toString());
    const table = await catalog.getTable('shop.users');
    expect((await table.snapshots.snapshot(snapshotId)).commitKind).toBe('COMPACT');
    const plan = await table.newScan().plan();
    expect(plan.splits.every((s) => s.files.length === 1)).toBe(true);
    const sort = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sort(await readRows(USERS))).toEqual(sort(before));
  });

  it('expires old snapshots', async () => {
    await new Promise((r) => setTimeout(r, 20));
    const [res] = await client.doAction('expire', { table: 'shop.events', retainMin: 1, retainMax: 1, olderThan: '1 ms' });
    const out = JSON.parse(res!.toString());
    expect(out.expiredSnapshots).toEqual([1, 2]);
    expect(out.earliestSnapshot).toBe(3);
    expect((await readRows(EVENTS)).length).toBe(5);
  });

  it('refuses malformed action bodies', async () => {
    await expect(client.doAction('compact', 'not json')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.doAction('compact', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"table"') });
    await expect(client.doAction('expire', { table: 'shop.events', retainMax: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.doAction('create-tag', { table: 'shop.users' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('read-only server', () => {
  it('serves reads but refuses DoPut and every action, writing nothing', async () => {
    const ro = await startFlightServer({ handlers: [createSparkHandler(catalog)], readOnly: true });
    const c = new FlightClient(ro.url);
    const table = await catalog.getTable('shop.users');
    const before = await table.snapshots.latestId();
    expect((await c.readAll(await c.getFlightInfo(USERS))).numRows).toBe(3);
    await expect(c.doPut(USERS, users([[9, 'z', 9]]))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(c.doAction('compact', { table: 'shop.users' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(c.doAction('expire', { table: 'shop.users' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(c.doAction('create-tag', { table: 'shop.users', tag: 'ro' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const after = await catalog.getTable('shop.users');
    expect(await after.snapshots.latestId()).toBe(before);
    expect((await listTags(after)).map((t) => t.name)).toEqual(['before-compact']);
    c.close();
    await ro.close();
  });
});
