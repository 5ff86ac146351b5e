/**
 * What lands in the metastore: the table object Paimon's HiveCatalog writes
 * (spec section 10), checked field by field in the metastore's own store,
 * plus the files (identical to the file system catalog's), the Hive type
 * mapping, schema changes, and `registerTable`/`syncWarehouse`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DataType, FileSystemCatalog, parseTypeString, PaimonError, SchemaChange } from '@paimon-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeColumnComment, PAIMON_HMS, toHiveType } from '../src/index.js';
import { type Env, readRows, startEnv, tempWarehouse, writeRows } from './helpers.js';

let env: Env;

beforeEach(async () => {
  env = await startEnv();
});

afterEach(async () => {
  await env.close();
});

const ORDERS = {
  fields: [
    { name: 'id', type: 'BIGINT NOT NULL' },
    { name: 'customer', type: 'VARCHAR(100)', description: 'who\nordered' },
    { name: 'items', type: 'ARRAY<ROW<sku STRING, qty INT>>' },
    { name: 'total', type: 'DECIMAL(10, 2)' },
    { name: 'dt', type: 'STRING NOT NULL', description: 'day' },
  ],
  primaryKeys: ['dt', 'id'],
  partitionKeys: ['dt'],
  options: { bucket: '4', 'file.format': 'parquet' },
  comment: 'all orders',
};

describe('registration of a new table', () => {
  it('writes the table object Paimon writes: type, parameters, storage handler, formats, SerDe, columns, location', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false, { comment: 'the shop', owner: 'alice', team: 'data' });
    const db = env.hms.database('shop')!;
    expect(db.description).toBe('the shop');
    expect(db.ownerName).toBe('alice');
    expect(db.parameters).toEqual({ team: 'data' });
    expect(db.locationUri).toBe(`file:${join(env.warehouse, 'shop.db')}`);

    const before = Math.floor(Date.now() / 1000);
    await catalog.createTable('shop.orders', ORDERS, false);
    const t = env.hms.table('shop', 'orders')!;
    expect(t.tableName).toBe('orders');
    expect(t.dbName).toBe('shop');
    expect(t.tableType).toBe('MANAGED_TABLE');
    expect(t.retention).toBe(2147483647);
    expect(t.createTime).toBeGreaterThanOrEqual(before);
    expect(t.lastAccessTime).toBe(t.createTime);
    expect(t.owner).toBeTruthy();
    expect(t.sd!.inputFormat).toBe('org.apache.paimon.hive.mapred.PaimonInputFormat');
    expect(t.sd!.outputFormat).toBe('org.apache.paimon.hive.mapred.PaimonOutputFormat');
    expect(t.sd!.serdeInfo).toEqual({ serializationLib: 'org.apache.paimon.hive.PaimonSerDe', parameters: {} });
    expect(t.sd!.location).toBe(`file:${join(env.warehouse, 'shop.db', 'orders')}`);
    // metastore.partitioned-table is false by default: unpartitioned in the metastore, every column in cols.
    expect(t.partitionKeys).toEqual([]);
    expect(t.sd!.cols).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'customer', type: 'varchar(100)', comment: 'who ordered' },
      { name: 'items', type: 'array<struct<sku:string,qty:int>>' },
      { name: 'total', type: 'decimal(10,2)' },
      { name: 'dt', type: 'string', comment: 'day' },
    ]);
    const { transient_lastDdlTime: ddlTime, ...params } = t.parameters!;
    expect(Number(ddlTime)).toBeGreaterThanOrEqual(before);
    expect(params).toEqual({
      table_type: 'PAIMON',
      storage_handler: 'org.apache.paimon.hive.PaimonStorageHandler',
      bucket: '4',
      'file.format': 'parquet',
      'primary-key': 'dt,id',
      partition: 'dt',
      'bucket-key': 'id',
      comment: 'all orders',
    });
  });

  it('writes the same schema file as the file system catalog', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.orders', ORDERS, false);
    const other = tempWarehouse();
    try {
      const fs = new FileSystemCatalog(other.path);
      await fs.createDatabase('shop', false);
      await fs.createTable('shop.orders', ORDERS, false);
      const strip = (text: string): string => text.replace(/"timeMillis" : \d+/, '"timeMillis" : 0');
      const viaHive = readFileSync(join(env.warehouse, 'shop.db', 'orders', 'schema', 'schema-0'), 'utf8');
      const viaFs = readFileSync(join(other.path, 'shop.db', 'orders', 'schema', 'schema-0'), 'utf8');
      expect(strip(viaHive)).toBe(strip(viaFs));
    } finally {
      other.remove();
    }
  });

  it('registers partition keys with metastore.partitioned-table, keeping their comments whole', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    const long = 'x'.repeat(300);
    await catalog.createTable('shop.p', { fields: [{ name: 'v', type: 'INT', description: long }, { name: 'dt', type: 'DATE', description: long }], partitionKeys: ['dt'], options: { 'metastore.partitioned-table': 'true' } }, false);
    const t = env.hms.table('shop', 'p')!;
    expect(t.sd!.cols).toEqual([{ name: 'v', type: 'int', comment: `${'x'.repeat(252)}...` }]);
    expect(t.partitionKeys).toEqual([{ name: 'dt', type: 'date', comment: long }]);
    expect(t.parameters!['metastore.partitioned-table']).toBe('true');
    expect(t.parameters!['partition']).toBe('dt');
  });

  it('follows the catalog options table.type, sync-all-properties and location-in-properties', async () => {
    const catalog = env.catalog({ options: { 'table.type': 'external', 'sync-all-properties': 'false', 'location-in-properties': 'true' } });
    await catalog.createDatabase('ext', false);
    // Paimon sends no locationUri then; the metastore fills in its default.
    expect(env.hms.database('ext')!.locationUri).toBe(`${env.hms.warehouse}/ext.db`);
    expect(env.hms.database('ext')!.parameters!['paimon_location']).toBe(`file:${join(env.warehouse, 'ext.db')}`);
    await catalog.createTable('ext.t', { fields: [{ name: 'id', type: 'INT' }, { name: 'dt', type: 'STRING' }], partitionKeys: ['dt'], options: { 'hive.serde.quirk': 'on', 'partition.expiration-time': '7 d', bucket: '-1' } }, false);
    const t = env.hms.table('ext', 't')!;
    expect(t.tableType).toBe('EXTERNAL_TABLE');
    expect(t.sd!.location).toBeUndefined();
    const { transient_lastDdlTime: _ddl, ...params } = t.parameters!;
    expect(params).toEqual({
      table_type: 'PAIMON',
      storage_handler: 'org.apache.paimon.hive.PaimonStorageHandler',
      EXTERNAL: 'TRUE',
      'serde.quirk': 'on',
      'partition.expiration-time': '7 d',
      paimon_location: `file:${join(env.warehouse, 'ext.db', 't')}`,
    });
    // An external table's files outlive the registration.
    await writeRows(await catalog.getTable('ext.t'), [{ id: 7, dt: 'd' }]);
    await catalog.dropTable('ext.t', false);
    expect(env.hms.table('ext', 't')).toBeUndefined();
    expect(env.hms.calls).toContain('drop_table_with_environment_context');
    const fs = new FileSystemCatalog(env.warehouse);
    expect(await readRows(await fs.getTable('ext.t'))).toEqual([{ id: 7, dt: 'd' }]);
  });

  it('keeps databases in the warehouse layout: another location is refused, for databases and their tables', async () => {
    const catalog = env.catalog();
    const e = await catalog.createDatabase('away', false, { location: '/somewhere/else' }).catch((x: unknown) => x);
    expect((e as PaimonError).code).toBe('UNSUPPORTED');
    await catalog.createDatabase('here', false, { location: `file://${join(env.warehouse, 'here.db')}` });
    await catalog.client.createDatabase({ name: 'hive_made', locationUri: 'hdfs://nn/warehouse/hive_made.db', parameters: {} });
    const t = await catalog.createTable('hive_made.t', { fields: [{ name: 'id', type: 'INT' }] }, false).catch((x: unknown) => x);
    expect((t as PaimonError).code).toBe('UNSUPPORTED');
    expect((t as Error).message).toContain('hdfs://nn/warehouse/hive_made.db');
  });

  it('lower-cases database and table names, as the metastore stores them', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('Sales', false);
    await catalog.createTable('Sales.Orders', { fields: [{ name: 'Id', type: 'INT' }] }, false);
    expect(await catalog.listTables('SALES')).toEqual(['orders']);
    expect((await catalog.getTable('sales.ORDERS')).path).toBe(join(env.warehouse, 'sales.db', 'orders'));
    expect(env.hms.table('sales', 'orders')!.sd!.cols).toEqual([{ name: 'Id', type: 'int' }]);
  });

  it('rejects a name the metastore refuses and leaves no files behind', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    const err = await catalog.createTable('shop.bad-name', { fields: [{ name: 'id', type: 'INT' }] }, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaimonError);
    expect((err as PaimonError).code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toContain('not a valid object name');
    expect(await new FileSystemCatalog(env.warehouse).listTables('shop')).toEqual([]);
  });

  it('lists only Paimon tables of a database that also holds Hive tables', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('mixed', false);
    await catalog.createTable('mixed.p', { fields: [{ name: 'id', type: 'INT' }] }, false);
    await catalog.client.createTable({ tableName: 'hive_csv', dbName: 'mixed', sd: { cols: [{ name: 'a', type: 'string' }], inputFormat: 'org.apache.hadoop.mapred.TextInputFormat', outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' }, partitionKeys: [], parameters: {}, tableType: 'MANAGED_TABLE' });
    expect(await catalog.client.getAllTables('mixed')).toEqual(['hive_csv', 'p']);
    expect(await catalog.listTables('mixed')).toEqual(['p']);
    expect(await catalog.tableExists('mixed.hive_csv')).toBe(false);
    const e = await catalog.createTable('mixed.hive_csv', { fields: [{ name: 'id', type: 'INT' }] }, true).catch((x: unknown) => x);
    expect((e as PaimonError).code).toBe('TABLE_ALREADY_EXISTS');
    expect((e as Error).message).toContain('not a Paimon table');
    const err = await catalog.dropDatabase('mixed', false, false).catch((x: unknown) => x);
    expect((err as PaimonError).code).toBe('DATABASE_NOT_EMPTY');
  });
});

describe('Hive types', () => {
  const cases: [string, string][] = [
    ['BOOLEAN', 'boolean'],
    ['TINYINT', 'tinyint'],
    ['SMALLINT', 'smallint'],
    ['INT NOT NULL', 'int'],
    ['BIGINT', 'bigint'],
    ['FLOAT', 'float'],
    ['DOUBLE', 'double'],
    ['DECIMAL(38, 18)', 'decimal(38,18)'],
    ['CHAR(255)', 'char(255)'],
    ['CHAR(256)', 'string'],
    ['VARCHAR(65535)', 'varchar(65535)'],
    ['VARCHAR(65536)', 'string'],
    ['STRING', 'string'],
    ['BINARY(16)', 'binary'],
    ['BYTES', 'binary'],
    ['DATE', 'date'],
    ['TIME(3)', 'string'],
    ['TIMESTAMP(6)', 'timestamp'],
    ['TIMESTAMP(3) WITH LOCAL TIME ZONE', 'timestamp with local time zone'],
    ['ARRAY<INT>', 'array<int>'],
    ['MULTISET<STRING>', 'map<string,int>'],
    ['MAP<STRING, ARRAY<DOUBLE>>', 'map<string,array<double>>'],
    ['ROW<a INT, b ROW<c STRING>>', 'struct<a:int,b:struct<c:string>>'],
    ['VARIANT', 'struct<value:binary,metadata:binary>'],
  ];
  it.each(cases)('%s is %s', (paimon, hive) => {
    expect(toHiveType(parseTypeString(paimon))).toBe(hive);
  });

  it('maps TIMESTAMP_LTZ to timestamp for Hive 2, and VECTOR and BLOB like Paimon', () => {
    expect(toHiveType(parseTypeString('TIMESTAMP(3) WITH LOCAL TIME ZONE'), { timestampLtz: 'timestamp' })).toBe('timestamp');
    const vector: DataType = { kind: 'VECTOR', element: { kind: 'FLOAT', nullable: false }, length: 4, nullable: true };
    expect(toHiveType(vector)).toBe('array<float>');
    expect(toHiveType({ kind: 'BLOB', nullable: true })).toBe('binary');
  });

  it('normalizes column comments to one line of at most 255 characters', () => {
    expect(normalizeColumnComment('a\r\nb')).toBe('a  b');
    expect(normalizeColumnComment('y'.repeat(255))).toBe('y'.repeat(255));
    expect(normalizeColumnComment('y'.repeat(256))).toBe(`${'y'.repeat(252)}...`);
    expect(normalizeColumnComment(undefined)).toBeUndefined();
  });
});

describe('schema changes and registration of existing tables', () => {
  it('alterTable mirrors a new column, changed and removed options into the metastore', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('shop', false);
    await catalog.createTable('shop.t', { fields: [{ name: 'id', type: 'INT' }], options: { 'write-buffer-size': '64 mb', 'snapshot.num-retained.min': '5' } }, false);
    const createTime = env.hms.table('shop', 't')!.createTime;
    await catalog.alterTable('shop.t', [
      SchemaChange.addColumn('amount', 'DECIMAL(12, 4)', 'paid'),
      SchemaChange.setOption('snapshot.num-retained.min', '7'),
      SchemaChange.removeOption('write-buffer-size'),
      SchemaChange.updateComment('now with amounts'),
    ]);
    expect((await catalog.getTable('shop.t')).schema.id).toBe(1);
    const t = env.hms.table('shop', 't')!;
    expect(t.createTime).toBe(createTime);
    expect(t.sd!.cols).toEqual([{ name: 'id', type: 'int' }, { name: 'amount', type: 'decimal(12,4)', comment: 'paid' }]);
    expect(t.parameters!['snapshot.num-retained.min']).toBe('7');
    expect(t.parameters!['write-buffer-size']).toBeUndefined();
    expect(t.parameters!['comment']).toBe('now with amounts');
    expect(t.parameters!['table_type']).toBe('PAIMON');
    expect(env.hms.calls).toContain('alter_table_with_environment_context');

    // A change made on the files behind the metastore's back: registerTable brings the registration up to date.
    const calls = env.hms.calls.length;
    await catalog.files.alterTable('shop.t', [SchemaChange.dropColumn('amount')]);
    expect((await catalog.registerTable('shop.t')).action).toBe('updated');
    expect(env.hms.table('shop', 't')!.sd!.cols!.map((c) => c.name)).toEqual(['id']);
    expect(env.hms.calls.length).toBeGreaterThan(calls);
  });

  it('registerTable registers files written by another catalog, then updates and leaves alone idempotently', async () => {
    const fs = new FileSystemCatalog(env.warehouse);
    await fs.createDatabase('lake', false);
    await fs.createTable('lake.events', { fields: [{ name: 'id', type: 'INT' }, { name: 'kind', type: 'STRING' }] }, false);
    await writeRows(await fs.getTable('lake.events'), [{ id: 1, kind: 'click' }]);

    const catalog = env.catalog();
    await catalog.createDatabase('lake', true); // the folder exists; the metastore database is new
    const e = await catalog.createTable('lake.events', { fields: [{ name: 'id', type: 'INT' }] }, false).catch((x: unknown) => x);
    expect((e as PaimonError).code).toBe('TABLE_ALREADY_EXISTS');
    expect((e as Error).message).toContain('hms register');
    expect(await new FileSystemCatalog(env.warehouse).tableExists('lake.events')).toBe(true); // not deleted

    expect((await catalog.registerTable('lake.events')).action).toBe('created');
    expect(await readRows(await catalog.getTable('lake.events'))).toEqual([{ id: 1, kind: 'click' }]);
    expect((await catalog.registerTable('lake.events')).action).toBe('unchanged');

    await fs.alterTable('lake.events', [SchemaChange.addColumn('ts', 'TIMESTAMP(3)')]); // a schema change by another writer
    expect((await catalog.registerTable('lake.events')).action).toBe('updated');
    expect(env.hms.table('lake', 'events')!.sd!.cols!.map((c) => `${c.name} ${c.type}`)).toEqual(['id int', 'kind string', 'ts timestamp']);
    expect((await catalog.registerTable('lake.events')).action).toBe('unchanged');

    const missing = await catalog.registerTable('lake.nothing').catch((x: unknown) => x);
    expect((missing as PaimonError).code).toBe('TABLE_NOT_FOUND');

    // A table whose database is not in the metastore yet: register creates the database too.
    await fs.createDatabase('fresh', false);
    await fs.createTable('fresh.t', { fields: [{ name: 'id', type: 'INT' }] }, false);
    expect((await catalog.registerTable('fresh.t')).action).toBe('created');
    expect(env.hms.database('fresh')!.locationUri).toBe(`file:${join(env.warehouse, 'fresh.db')}`);
  });

  it('syncWarehouse registers every table of the warehouse once', async () => {
    const fs = new FileSystemCatalog(env.warehouse);
    for (const db of ['a', 'b']) {
      await fs.createDatabase(db, false);
      for (const t of ['t1', 't2']) await fs.createTable(`${db}.${t}`, { fields: [{ name: 'id', type: 'INT' }] }, false);
    }
    await fs.createDatabase('Upper', false);
    await fs.createTable('Upper.t', { fields: [{ name: 'id', type: 'INT' }] }, false);
    const catalog = env.catalog();
    const first = await catalog.syncWarehouse();
    expect(first.map((r) => `${r.database}.${r.table} ${r.action}`)).toEqual(['Upper.t skipped', 'a.t1 created', 'a.t2 created', 'b.t1 created', 'b.t2 created']);
    const second = await catalog.syncWarehouse();
    expect(second.filter((r) => r.action !== 'skipped').every((r) => r.action === 'unchanged')).toBe(true);
    expect(await catalog.listTables('b')).toEqual(['t1', 't2']);
    expect(PAIMON_HMS.paimonTableType).toBe(env.hms.table('b', 't2')!.parameters!['table_type']);
  });
});
