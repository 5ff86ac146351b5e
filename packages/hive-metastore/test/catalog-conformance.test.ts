/**
 * One catalog contract, two catalogs: the same suite runs against the file
 * system catalog and the Hive catalog (over the in-process metastore), from
 * databases to writing and reading rows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Catalog, FileSystemCatalog, PaimonError, SchemaChange } from '@paimon-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Env, readRows, sortBy, startEnv, tempWarehouse, writeRows } from './helpers.js';

interface Subject {
  catalog: Catalog;
  warehouse: string;
  close(): Promise<void>;
}

const subjects: { name: string; make(): Promise<Subject> }[] = [
  {
    name: 'FileSystemCatalog',
    async make() {
      const wh = tempWarehouse();
      const catalog = new FileSystemCatalog(wh.path);
      return { catalog, warehouse: wh.path, close: async () => wh.remove() };
    },
  },
  {
    name: 'HiveCatalog',
    async make() {
      const env: Env = await startEnv();
      return { catalog: env.catalog(), warehouse: env.warehouse, close: () => env.close() };
    },
  },
];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof PaimonError) return e.code;
    throw e;
  }
}

describe.each(subjects)('catalog conformance: $name', ({ make }) => {
  let s: Subject;
  let c: Catalog;

  beforeEach(async () => {
    s = await make();
    c = s.catalog;
  });

  afterEach(async () => {
    await s.close();
  });

  it('creates, lists and drops databases with the contract error codes', async () => {
    await c.createDatabase('sales', false);
    await c.createDatabase('hr', false);
    expect(await c.databaseExists('sales')).toBe(true);
    expect(await c.databaseExists('nope')).toBe(false);
    const dbs = await c.listDatabases();
    expect(dbs).toEqual([...dbs].sort());
    expect(dbs).toEqual(expect.arrayContaining(['hr', 'sales']));
    expect(existsSync(join(s.warehouse, 'sales.db'))).toBe(true);

    expect(await code(c.createDatabase('sales', false))).toBe('DATABASE_ALREADY_EXISTS');
    expect(await code(c.createDatabase('sales', true))).toBe('ok');
    expect(await code(c.createDatabase('sys', true))).toBe('UNSUPPORTED');

    await c.createTable('sales.orders', { fields: [{ name: 'id', type: 'INT' }] }, false);
    expect(await code(c.dropDatabase('sales', false, false))).toBe('DATABASE_NOT_EMPTY');
    await c.dropDatabase('sales', false, true);
    expect(await c.databaseExists('sales')).toBe(false);
    expect(existsSync(join(s.warehouse, 'sales.db'))).toBe(false);
    expect(await c.listDatabases()).not.toContain('sales');

    expect(await code(c.dropDatabase('sales', false, false))).toBe('DATABASE_NOT_FOUND');
    expect(await code(c.dropDatabase('sales', true, false))).toBe('ok');
    await c.dropDatabase('hr', false, false);
    expect(await c.listDatabases()).not.toContain('hr');
  });

  it('creates, lists, opens and drops tables at <warehouse>/<db>.db/<table>', async () => {
    expect(await code(c.createTable('shop.t', { fields: [{ name: 'id', type: 'INT' }] }, false))).toBe('DATABASE_NOT_FOUND');
    expect(await code(c.listTables('shop'))).toBe('DATABASE_NOT_FOUND');
    await c.createDatabase('shop', false);
    expect(await c.listTables('shop')).toEqual([]);

    const spec = {
      fields: [
        { name: 'id', type: 'BIGINT NOT NULL' },
        { name: 'name', type: 'STRING', description: 'who' },
        { name: 'dt', type: 'STRING NOT NULL' },
      ],
      primaryKeys: ['dt', 'id'],
      partitionKeys: ['dt'],
      options: { bucket: '2' },
      comment: 'orders of the shop',
    };
    await c.createTable('shop.orders', spec, false);
    await c.createTable('shop.events', { fields: [{ name: 'id', type: 'INT' }] }, false);
    expect(await c.listTables('shop')).toEqual(['events', 'orders']);
    expect(await c.tableExists('shop.orders')).toBe(true);
    expect(await c.tableExists('shop.missing')).toBe(false);
    expect(existsSync(join(s.warehouse, 'shop.db', 'orders', 'schema', 'schema-0'))).toBe(true);

    const t = await c.getTable('shop.orders');
    expect(t.path).toBe(join(s.warehouse, 'shop.db', 'orders'));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'dt']);
    expect(t.primaryKeys).toEqual(['dt', 'id']);
    expect(t.partitionKeys).toEqual(['dt']);
    expect(t.schema.options['bucket']).toBe('2');
    expect(t.schema.comment).toBe('orders of the shop');

    expect(await code(c.createTable('shop.orders', spec, false))).toBe('TABLE_ALREADY_EXISTS');
    expect(await code(c.createTable('shop.orders', spec, true))).toBe('ok');
    expect(await code(c.createTable('shop.bad', { fields: [{ name: 'id', type: 'NOPE' }] }, false))).toBe('UNKNOWN_TYPE');
    expect(await code(c.createTable('shop.t$branch_b', spec, false))).toBe('INVALID_ARGUMENT');
    expect(await code(c.getTable('shop.missing'))).toBe('TABLE_NOT_FOUND');

    await c.dropTable('shop.events', false);
    expect(await c.listTables('shop')).toEqual(['orders']);
    expect(existsSync(join(s.warehouse, 'shop.db', 'events'))).toBe(false);
    expect(await code(c.dropTable('shop.events', false))).toBe('TABLE_NOT_FOUND');
    expect(await code(c.dropTable('shop.events', true))).toBe('ok');
  });

  it('writes rows with a batch write and reads them back, append and primary-key tables', async () => {
    await c.createDatabase('w', false);
    await c.createTable('w.log', { fields: [{ name: 'id', type: 'INT' }, { name: 'dt', type: 'STRING' }, { name: 'v', type: 'STRING' }], partitionKeys: ['dt'] }, false);
    await c.createTable('w.kv', { fields: [{ name: 'k', type: 'INT NOT NULL' }, { name: 'v', type: 'STRING' }], primaryKeys: ['k'], options: { bucket: '2' } }, false);

    const log = await c.getTable('w.log');
    expect(await writeRows(log, [{ id: 1, dt: 'd1', v: 'a' }, { id: 2, dt: 'd2', v: 'b' }])).toBe(1);
    expect(await writeRows(await log.reload(), [{ id: 3, dt: 'd1', v: 'c' }])).toBe(2);
    expect(sortBy(await readRows(await c.getTable('w.log')), 'id')).toEqual([
      { id: 1, dt: 'd1', v: 'a' },
      { id: 2, dt: 'd2', v: 'b' },
      { id: 3, dt: 'd1', v: 'c' },
    ]);

    const kv = await c.getTable('w.kv');
    await writeRows(kv, [{ k: 1, v: 'one' }, { k: 2, v: 'two' }]);
    await writeRows(await kv.reload(), [{ k: 2, v: 'TWO' }, { k: 3, v: 'three' }]);
    expect(sortBy(await readRows(await c.getTable('w.kv')), 'k')).toEqual([
      { k: 1, v: 'one' },
      { k: 2, v: 'TWO' },
      { k: 3, v: 'three' },
    ]);
  });

  it('alters a table: a new column and changed options are seen by the next getTable, and rows carry them', async () => {
    await c.createDatabase('a', false);
    await c.createTable('a.t', { fields: [{ name: 'id', type: 'INT' }], options: { 'write-buffer-size': '64 mb' } }, false);
    await writeRows(await c.getTable('a.t'), [{ id: 1 }]);
    await c.alterTable('a.t', [SchemaChange.addColumn('note', 'STRING', 'free text'), SchemaChange.setOption('snapshot.num-retained.max', '50'), SchemaChange.removeOption('write-buffer-size')]);

    const t = await c.getTable('a.t');
    expect(t.schema.id).toBe(1);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['id', 'note']);
    expect(t.schema.options['snapshot.num-retained.max']).toBe('50');
    expect(t.schema.options['write-buffer-size']).toBeUndefined();
    await writeRows(t, [{ id: 2, note: 'new' }]);
    expect(sortBy(await readRows(await c.getTable('a.t')), 'id')).toEqual([
      { id: 1, note: null },
      { id: 2, note: 'new' },
    ]);

    await c.alterTable('a.t', [SchemaChange.renameColumn('note', 'remark')]);
    expect((await c.getTable('a.t')).schema.fields.map((f) => f.name)).toEqual(['id', 'remark']);
    expect(await code(c.alterTable('a.t', [SchemaChange.addColumn('id', 'INT')]))).toBe('INVALID_SCHEMA');
    expect(await code(c.alterTable('a.missing', [SchemaChange.setOption('a', 'b')]))).toBe('TABLE_NOT_FOUND');
    expect(await code(c.alterTable('a.missing', [SchemaChange.setOption('a', 'b')], true))).toBe('ok');
    expect((await c.getTable('a.t')).schema.id).toBe(2);
  });

  it('of concurrent creators of one table exactly one wins', async () => {
    await c.createDatabase('race', false);
    const spec = { fields: [{ name: 'id', type: 'INT' }] };
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => code(c.createTable('race.t', spec, false))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'TABLE_ALREADY_EXISTS')).toHaveLength(3);
    expect(await c.listTables('race')).toEqual(['t']);
    expect(await readRows(await c.getTable('race.t'))).toEqual([]);
  });
});
