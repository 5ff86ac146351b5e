/**
 * Metastore partitions (`metastore.partitioned-table=true`): every commit
 * through the Hive catalog adds the partitions its files went to, once, at
 * the folders the files are really in; `registerTable` / `syncWarehouse`
 * add the partitions of existing tables; the in-memory metastore enforces
 * the metastore's partition rules.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileSystemCatalog, PaimonError } from '@paimon-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HiveMetastoreError, MetastoreClient, MetastoreException, type Partition } from '../src/index.js';
import { type Env, readRows, startEnv, writeRows } from './helpers.js';

let env: Env;

beforeEach(async () => {
  env = await startEnv();
});

afterEach(async () => {
  await env.close();
});

const EVENTS = {
  fields: [
    { name: 'id', type: 'BIGINT' },
    { name: 'dt', type: 'STRING' },
    { name: 'hr', type: 'INT' },
  ],
  partitionKeys: ['dt', 'hr'],
  options: { bucket: '-1', 'metastore.partitioned-table': 'true' },
};

const count = (name: string): number => env.hms.calls.filter((c) => c === name).length;
const values = (parts: Partition[]): string[][] => parts.map((p) => p.values).sort((a, b) => a.join('/').localeCompare(b.join('/')));
const localPath = (location: string): string => location.replace(/^file:/, '');

describe('partitions added on commit', () => {
  it('adds the new partitions of each commit, at the folders the files are in, once', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.events', EVENTS, false);
    const table = await catalog.getTable('shop.events');
    const hmsTable = env.hms.table('shop', 'events')!;
    const before = Math.floor(Date.now() / 1000);

    await writeRows(table, [
      { id: 1n, dt: '2024-06-01', hr: 1 },
      { id: 2n, dt: '2024-06-01', hr: 2 },
      { id: 3n, dt: '2024-06-02 10:00', hr: null }, // ':' is escaped in the folder name, null is the default partition
    ]);
    let parts = env.hms.partitions('shop', 'events');
    expect(values(parts)).toEqual([
      ['2024-06-01', '1'],
      ['2024-06-01', '2'],
      ['2024-06-02 10:00', '__DEFAULT_PARTITION__'],
    ]);
    const root = join(env.warehouse, 'shop.db', 'events');
    const byValues = new Map(parts.map((p) => [p.values.join('|'), p]));
    expect(byValues.get('2024-06-01|1')!.sd!.location).toBe(`file:${root}/dt=2024-06-01/hr=1/`);
    expect(byValues.get('2024-06-02 10:00|__DEFAULT_PARTITION__')!.sd!.location).toBe(`file:${root}/dt=2024-06-02 10%3A00/hr=__DEFAULT_PARTITION__/`);
    for (const p of parts) {
      // Each location is the folder core wrote the partition's buckets to.
      expect(readdirSync(localPath(p.sd!.location!))).toContain('bucket-0');
      expect(p.dbName).toBe('shop');
      expect(p.tableName).toBe('events');
      expect(p.createTime).toBeGreaterThanOrEqual(before);
      // The table's storage descriptor, copied: Paimon's formats and SerDe, the non-partition columns.
      expect(p.sd!.inputFormat).toBe(hmsTable.sd!.inputFormat);
      expect(p.sd!.outputFormat).toBe(hmsTable.sd!.outputFormat);
      expect(p.sd!.serdeInfo).toEqual(hmsTable.sd!.serdeInfo);
      expect(p.sd!.cols).toEqual([{ name: 'id', type: 'bigint' }]);
    }
    expect(count('add_partitions_req')).toBe(1);

    // One known and one new partition: only the new one is sent.
    await writeRows(table, [{ id: 4n, dt: '2024-06-01', hr: 1 }, { id: 5n, dt: '2024-06-03', hr: 0 }]);
    parts = env.hms.partitions('shop', 'events');
    expect(parts.length).toBe(4);
    expect(values(parts)).toContainEqual(['2024-06-03', '0']);
    expect(count('add_partitions_req')).toBe(2);

    // Only known partitions: no metastore call at all.
    const calls = env.hms.calls.length;
    await writeRows(table, [{ id: 6n, dt: '2024-06-01', hr: 2 }, { id: 7n, dt: '2024-06-03', hr: 0 }]);
    expect(env.hms.calls.length).toBe(calls);
    expect(env.hms.partitions('shop', 'events').length).toBe(4);

    // Another catalog does not know them: it asks with ifNotExists and nothing is duplicated.
    const other = env.catalog();
    await writeRows(await other.getTable('shop.events'), [{ id: 8n, dt: '2024-06-01', hr: 1 }]);
    expect(count('add_partitions_req')).toBe(3);
    expect(env.hms.partitions('shop', 'events').length).toBe(4);
    expect((await readRows(table)).length).toBe(8);
  });

  it('adds none for a table without metastore.partitioned-table', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.plain', { ...EVENTS, options: { bucket: '-1' } }, false);
    expect(env.hms.table('shop', 'plain')!.partitionKeys).toEqual([]);
    await writeRows(await catalog.getTable('shop.plain'), [{ id: 1n, dt: '2024-06-01', hr: 1 }]);
    expect(count('add_partitions_req')).toBe(0);
    expect(env.hms.partitions('shop', 'plain')).toEqual([]);
  });

  it('follows location-in-properties and data-file.path-directory', async () => {
    const catalog = env.catalog({ options: { 'location-in-properties': 'true' } });
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.events', { ...EVENTS, options: { ...EVENTS.options, 'data-file.path-directory': 'data' } }, false);
    await writeRows(await catalog.getTable('shop.events'), [{ id: 1n, dt: '2024-06-01', hr: 1 }]);
    const [p] = env.hms.partitions('shop', 'events');
    const location = `file:${join(env.warehouse, 'shop.db', 'events')}/data/dt=2024-06-01/hr=1/`;
    expect(p!.parameters!['paimon_location']).toBe(location);
    expect(existsSync(join(localPath(location), 'bucket-0'))).toBe(true);
  });

  it('a metastore failure fails the commit with a typed error, keeps the snapshot, and the next commit adds the partition', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.events', EVENTS, false);
    const table = await catalog.getTable('shop.events');
    env.hms.beforeCall = (method) => {
      if (method === 'add_partitions_req') throw new MetastoreException('MetaException', 'partition store is read-only');
    };
    const w = table.newBatchWrite();
    await w.write([{ id: 1n, dt: '2024-06-01', hr: 1 }]);
    const err = await w.commit().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(PaimonError);
    expect((err as PaimonError).code).toBe('COMMIT_CALLBACK_FAILED');
    expect((err as Error).message).toMatch(/shop\.events.*not added to the metastore.*partition store is read-only/);
    const cause = (err as Error & { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(HiveMetastoreError);
    expect((cause as HiveMetastoreError).exceptionType).toBe('MetaException');
    expect(await table.snapshots.latestId()).toBe(1);
    expect(await readRows(table)).toEqual([{ id: 1n, dt: '2024-06-01', hr: 1 }]);
    expect(env.hms.partitions('shop', 'events')).toEqual([]);

    env.hms.beforeCall = undefined;
    await writeRows(table, [{ id: 2n, dt: '2024-06-01', hr: 1 }]);
    expect(values(env.hms.partitions('shop', 'events'))).toEqual([['2024-06-01', '1']]);
  });
});

describe('partitions of existing tables: register and sync', () => {
  it('registerTable adds the partitions of files written elsewhere, idempotently', async () => {
    const fs = new FileSystemCatalog(env.warehouse);
    await fs.createDatabase('shop', false);
    await fs.createTable('shop.events', EVENTS, false);
    const files = await fs.getTable('shop.events');
    await writeRows(files, [{ id: 1n, dt: '2024-06-01', hr: 1 }, { id: 2n, dt: '2024-06-02', hr: 1 }]);

    const catalog = env.catalog();
    const first = await catalog.registerTable('shop.events');
    expect(first).toMatchObject({ action: 'created', partitionsAdded: 2 });
    expect(values(env.hms.partitions('shop', 'events'))).toEqual([['2024-06-01', '1'], ['2024-06-02', '1']]);

    await writeRows(files, [{ id: 3n, dt: '2024-06-03', hr: 1 }]); // not through the Hive catalog: no partition added
    expect(env.hms.partitions('shop', 'events').length).toBe(2);
    expect(await catalog.registerTable('shop.events')).toMatchObject({ action: 'unchanged', partitionsAdded: 1 });
    expect(await catalog.registerTable('shop.events')).toMatchObject({ action: 'unchanged', partitionsAdded: 0 });
    const parts = env.hms.partitions('shop', 'events');
    expect(values(parts)).toEqual([['2024-06-01', '1'], ['2024-06-02', '1'], ['2024-06-03', '1']]);
    expect(parts.find((p) => p.values[0] === '2024-06-03')!.sd!.location).toBe(`file:${join(env.warehouse, 'shop.db', 'events')}/dt=2024-06-03/hr=1/`);
  });

  it('syncWarehouse adds the partitions of every partitioned-table table, and none for others', async () => {
    const fs = new FileSystemCatalog(env.warehouse);
    await fs.createDatabase('a', false);
    await fs.createDatabase('b', false);
    await fs.createTable('a.events', EVENTS, false);
    await fs.createTable('b.plain', { ...EVENTS, options: { bucket: '-1' } }, false);
    await fs.createTable('b.empty', EVENTS, false);
    await writeRows(await fs.getTable('a.events'), [{ id: 1n, dt: 'x', hr: 1 }, { id: 2n, dt: 'y', hr: 2 }]);
    await writeRows(await fs.getTable('b.plain'), [{ id: 1n, dt: 'x', hr: 1 }]);

    const catalog = env.catalog();
    const results = await catalog.syncWarehouse();
    const byName = new Map(results.map((r) => [`${r.database}.${r.table}`, r]));
    expect(byName.get('a.events')).toMatchObject({ action: 'created', partitionsAdded: 2 });
    expect(byName.get('b.empty')).toMatchObject({ action: 'created', partitionsAdded: 0 });
    expect(byName.get('b.plain')!.partitionsAdded).toBeUndefined();
    expect(values(env.hms.partitions('a', 'events'))).toEqual([['x', '1'], ['y', '2']]);
    expect(env.hms.partitions('b', 'plain')).toEqual([]);

    const again = await catalog.syncWarehouse();
    expect(again.map((r) => [r.action, r.partitionsAdded ?? null])).toEqual(results.map((r) => ['unchanged', r.partitionsAdded === undefined ? null : 0]));
    expect(env.hms.partitions('a', 'events').length).toBe(2);
  });
});

describe('the metastore partition rules (in-memory metastore, over Thrift)', () => {
  const part = (vals: string[], table = 'events'): Partition => ({ values: vals, dbName: 'shop', tableName: table, sd: {} });

  it('adds to an existing partitioned table only, one value per key, all or nothing', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.events', EVENTS, false);
    await catalog.createTable('shop.plain', { ...EVENTS, options: { bucket: '-1' } }, false);
    const client = new MetastoreClient({ uri: env.uri });
    try {
      const rejects = async (p: Promise<unknown>, type: string): Promise<void> => {
        const e = await p.then(() => null, (x: unknown) => x);
        expect(e).toBeInstanceOf(HiveMetastoreError);
        expect((e as HiveMetastoreError).exceptionType).toBe(type);
      };
      const add = (parts: Partition[], ifNotExists: boolean, tblName = 'events') => client.addPartitions({ dbName: 'shop', tblName, parts, ifNotExists });
      await rejects(add([part(['a', '1'], 'nope')], false, 'nope'), 'InvalidObjectException');
      await rejects(add([part(['a', '1'], 'plain')], false, 'plain'), 'MetaException');
      await rejects(add([part(['a'])], false), 'MetaException');
      await rejects(add([part(['a', '1'], 'plain')], false), 'MetaException'); // another table's partition

      const added = await add([part(['a', '1']), part(['b', '2'])], false);
      expect(values(added.partitions!)).toEqual([['a', '1'], ['b', '2']]);
      // The metastore gives a partition without a location one under the table's.
      expect(added.partitions!.find((p) => p.values[0] === 'a')!.sd!.location).toBe(`file:${join(env.warehouse, 'shop.db', 'events')}/dt=a/hr=1`);

      await rejects(add([part(['c', '3']), part(['a', '1'])], false), 'AlreadyExistsException');
      await rejects(add([part(['c', '3']), part(['c', '3'])], true), 'MetaException');
      expect(values(await client.getPartitions('shop', 'events'))).toEqual([['a', '1'], ['b', '2']]); // nothing of the failed requests

      const skipped = await add([part(['a', '1']), part(['c', '3'])], true);
      expect(values(skipped.partitions!)).toEqual([['c', '3']]);
      expect((await client.getPartitions('shop', 'events', 2)).length).toBe(2);
      expect(await client.addPartitions({ dbName: 'shop', tblName: 'events', parts: [part(['d', '4'])], ifNotExists: true, needResult: false })).toEqual({});

      await rejects(client.getPartitions('shop', 'nope'), 'NoSuchObjectException');
      await catalog.dropTable('shop.events', false);
      await catalog.createTable('shop.events', EVENTS, false);
      expect(await client.getPartitions('shop', 'events')).toEqual([]); // partitions go with their table
    } finally {
      client.close();
    }
  });
});
