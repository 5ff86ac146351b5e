/** `paimon_scan(..., incremental_between := 'a,b')`: the changes of snapshots a+1 .. b. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { FileSystemCatalog } from '@paimon-ts/core';
import { paimonWrite } from '../src/index.js';
import { duck, FIXTURES, sqlString } from './helpers.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let warehouse: string;
beforeAll(async () => {
  ({ instance, connection } = await duck());
  warehouse = mkdtempSync(join(tmpdir(), 'paimon-duckdb-incr-'));
  await new FileSystemCatalog(warehouse).createDatabase('db', true);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  rmSync(warehouse, { recursive: true, force: true });
});

describe('incremental reads', () => {
  it('append table: the rows appended after the start snapshot, up to the end', async () => {
    const catalog = new FileSystemCatalog(warehouse);
    await catalog.createTable('db.log', { fields: [{ name: 'n', type: 'INT' }], options: { 'file.format': 'parquet' } }, false);
    for (const [from, to] of [[0, 3], [3, 5], [5, 6]]) {
      await paimonWrite(connection, warehouse, 'db.log', `SELECT range::INT AS n FROM range(${from}, ${to})`);
    }
    const path = join(warehouse, 'db.db', 'log');
    const rows = await connection.runAndReadAll(`SELECT rowkind, n FROM paimon_scan(${sqlString(path)}, incremental_between := '1,3') ORDER BY n`);
    expect(rows.getRows()).toEqual([['+I', 3], ['+I', 4], ['+I', 5]]);
    const one = await connection.runAndReadAll(`SELECT n FROM paimon_scan(${sqlString(path)}, scan_mode := 'incremental', incremental_between := '2,3')`);
    expect(one.getRows()).toEqual([[5]]);
  });

  it('primary-key table: the latest change per key, deletes included', async () => {
    const catalog = new FileSystemCatalog(warehouse);
    await catalog.createTable(
      'db.kv',
      { fields: [{ name: 'k', type: 'INT NOT NULL' }, { name: 'v', type: 'STRING' }], primaryKeys: ['k'], options: { bucket: '1', 'file.format': 'parquet' } },
      false,
    );
    await paimonWrite(connection, warehouse, 'db.kv', `SELECT range::INT AS k, 'v' || range AS v FROM range(5)`);
    await paimonWrite(connection, warehouse, 'db.kv', `SELECT * FROM (VALUES (1, 'one', '+U'), (2, NULL, '-D'), (7, 'seven', '+I')) t(k, v, op)`, { kindColumn: 'op' });
    await paimonWrite(connection, warehouse, 'db.kv', `SELECT 1 AS k, 'uno' AS v`);
    const path = join(warehouse, 'db.db', 'kv');
    const delta = await connection.runAndReadAll(`SELECT rowkind, k, v FROM paimon_scan(${sqlString(path)}, incremental_between := '1,3') ORDER BY k`);
    expect(delta.getRows()).toEqual([
      ['+I', 1, 'uno'],
      ['-D', 2, null],
      ['+I', 7, 'seven'],
    ]);
  });

  it('reads the delta of a Paimon-Java table (the compaction snapshot adds nothing)', async () => {
    const mor = `${FIXTURES}pk_table_scan_and_read_mor-parquet`;
    const all = await connection.runAndReadAll(`SELECT count(*) FROM paimon_scan(${sqlString(mor)}, incremental_between := '2,5')`);
    const appendOnly = await connection.runAndReadAll(`SELECT count(*) FROM paimon_scan(${sqlString(mor)}, incremental_between := '3,5')`);
    expect(Number(all.getRows()[0]![0])).toBe(Number(appendOnly.getRows()[0]![0]));
    await expect(connection.run(`SELECT * FROM paimon_scan(${sqlString(mor)}, incremental_between := '5,2')`)).rejects.toThrow(/start must be below end/);
  });
});
