/** `attach` and `paimonQuery`: a warehouse's tables as views, latest snapshot at query time, INSERT, AT, pruning in joins. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { FileSystemCatalog } from '@paimon-ts/core';
import { attach, onPaimonScan, paimonQuery, paimonWrite, PaimonDuckDB, rewriteQuery, type ScanInfo } from '../src/index.js';
import { duck } from './helpers.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let warehouse: string;
beforeAll(async () => {
  ({ instance, connection } = await duck());
  warehouse = mkdtempSync(join(tmpdir(), 'paimon-duckdb-attach-'));
  const catalog = new FileSystemCatalog(warehouse);
  await catalog.createDatabase('shop', true);
  await catalog.createDatabase('crm', true);
  await catalog.createTable(
    'shop.orders',
    {
      fields: [
        { name: 'id', type: 'BIGINT NOT NULL' },
        { name: 'dt', type: 'STRING NOT NULL' },
        { name: 'customer', type: 'INT' },
        { name: 'amount', type: 'DECIMAL(10, 2)' },
      ],
      primaryKeys: ['dt', 'id'],
      partitionKeys: ['dt'],
      options: { bucket: '2', 'file.format': 'parquet' },
    },
    false,
  );
  await catalog.createTable('crm.customers', { fields: [{ name: 'id', type: 'INT NOT NULL' }, { name: 'name', type: 'STRING' }], options: { 'file.format': 'parquet' } }, false);
  await paimonWrite(connection, warehouse, 'shop.orders', `SELECT i AS id, '2024-01-0' || (1 + i % 3) AS dt, (i % 5)::INT AS customer, (i * 1.5)::DECIMAL(10, 2) AS amount FROM range(30) t(i)`);
  await paimonWrite(connection, warehouse, 'crm.customers', `SELECT i::INT AS id, 'customer ' || i AS name FROM range(4) t(i)`);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  rmSync(warehouse, { recursive: true, force: true });
});

const count = async (sql: string) => Number((await paimonQuery(connection, sql)).getRows()[0]![0]);

describe('attach', () => {
  it('shows every table as <catalog>.<db>.<table>', async () => {
    const cat = await attach(connection, warehouse, { name: 'lake' });
    expect(cat.tables.map((t) => `${t.database}.${t.table}`)).toEqual(['crm.customers', 'shop.orders']);
    expect(cat.skipped).toEqual([]);
    const views = await connection.runAndReadAll(`SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'lake' ORDER BY ALL`);
    expect(views.getRows()).toEqual([['crm', 'customers'], ['shop', 'orders']]);
    expect(await count('SELECT count(*) FROM lake.shop.orders')).toBe(30);
  });

  it('reads the latest snapshot at query time (plain DuckDB, no re-attach)', async () => {
    const before = Number((await connection.runAndReadAll('SELECT count(*) FROM lake.shop.orders')).getRows()[0]![0]);
    await paimonWrite(connection, warehouse, 'shop.orders', `SELECT 100 + i AS id, '2024-01-09' AS dt, 1 AS customer, 1.00 AS amount FROM range(5) t(i)`);
    const after = Number((await connection.runAndReadAll('SELECT count(*) FROM lake.shop.orders')).getRows()[0]![0]);
    expect(after).toBe(before + 5);
  });

  it('INSERT INTO / INSERT OVERWRITE an attached table writes through paimon-ts', async () => {
    const r = await paimonQuery(connection, `INSERT INTO lake.crm.customers SELECT 10 AS id, 'new' AS name`);
    expect(r.getRowObjectsJson()).toEqual([{ rows: '1', snapshot_id: '2' }]);
    expect(await count('SELECT count(*) FROM lake.crm.customers')).toBe(5);
    await paimonQuery(connection, `INSERT INTO lake.crm.customers (id, name) VALUES (11, 'values'), (12, 'list')`);
    expect(await count(`SELECT count(*) FROM lake.crm.customers WHERE name IN ('values', 'list')`)).toBe(2);
    await paimonQuery(connection, `INSERT OVERWRITE lake.crm.customers SELECT id, upper(name) AS name FROM lake.crm.customers WHERE id < 2`);
    expect((await paimonQuery(connection, 'SELECT * FROM lake.crm.customers ORDER BY id')).getRowObjectsJson()).toEqual([
      { id: 0, name: 'CUSTOMER 0' },
      { id: 1, name: 'CUSTOMER 1' },
    ]);
  });

  it('time travel with AT (VERSION => n) and AT (TIMESTAMP => ...)', async () => {
    expect(await count('SELECT count(*) FROM lake.crm.customers AT (VERSION => 1)')).toBe(4);
    expect(await count('SELECT count(*) FROM lake.crm.customers AS c AT (VERSION => 2) WHERE c.id >= 10')).toBe(1);
    const snaps = await connection.runAndReadAll(`SELECT commit_time FROM paimon_snapshots('${warehouse}', 'crm', 'customers') WHERE snapshot_id = 1`);
    const t1 = String(snaps.getRowsJson()[0]![0]);
    expect(await count(`SELECT count(*) FROM lake.crm.customers AT (TIMESTAMP => TIMESTAMPTZ '${t1}')`)).toBe(4);
  });

  it('prunes each table of a join by its own filters; outer joins keep their rows', async () => {
    const sql = `
      SELECT o.id, o.amount, c.name
      FROM lake.shop.orders o LEFT JOIN lake.crm.customers c ON o.customer = c.id AND c.name <> 'nobody'
      WHERE o.dt = '2024-01-02' AND c.id IS NULL`;
    const { rewrites } = await rewriteQuery(connection, sql);
    expect(rewrites).toEqual([
      expect.objectContaining({ target: 'lake.shop.orders', prune: "`dt` = '2024-01-02'" }),
      expect.objectContaining({ target: 'lake.crm.customers', prune: null }),
    ]);
    const plans: ScanInfo[] = [];
    const stop = onPaimonScan((i) => plans.push(i));
    const rows = (await paimonQuery(connection, sql)).getRowObjectsJson();
    stop();
    expect(plans.find((p) => p.table === 'shop.orders')!.files.every((f) => f.includes('/dt=2024-01-02/'))).toBe(true);
    const unpruned = (await connection.runAndReadAll(sql)).getRowObjectsJson();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expect.arrayContaining(unpruned));
    expect(rows).toHaveLength(unpruned.length);
  });

  it('PaimonDuckDB.open attaches and makes the warehouse the default catalog', async () => {
    const db = await PaimonDuckDB.open({ warehouse });
    try {
      const r = await db.query(`SELECT dt, count(*)::INT AS n FROM shop.orders WHERE dt < '2024-01-03' GROUP BY dt ORDER BY dt`);
      expect(r.getRowObjectsJson()).toEqual([
        { dt: '2024-01-01', n: 10 },
        { dt: '2024-01-02', n: 10 },
      ]);
      const results = await db.run(`INSERT INTO crm.customers SELECT 5 AS id, 'five' AS name; SELECT count(*) AS n FROM crm.customers`);
      expect(results.map((r) => r.kind)).toEqual(['write', 'rows']);
      // Nothing is ever downloaded: extension auto-install and auto-load are off.
      const settings = await db.connection.runAndReadAll(`SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')`);
      expect(settings.getRows()).toEqual([[false, false]]);
    } finally {
      db.close();
    }
  });
});
