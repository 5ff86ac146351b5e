/** `paimonWrite`: DuckDB query results into Paimon tables, read back equal (through DuckDB and through core). */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FileSystemCatalog } from '@paimon-ts/core';
import { onPaimonScan, paimonWrite, type ScanInfo } from '../src/index.js';
import { coreRows, duckRows, sortedRows, sqlString, duckWarehouse, type DuckWarehouse } from './helpers.js';

let setup: DuckWarehouse;
let connection: DuckDBConnection;
let warehouse: string;
let catalog: FileSystemCatalog;
beforeAll(async () => {
  setup = await duckWarehouse('write');
  ({ connection, warehouse, catalog } = setup);
});
afterAll(() => setup.close());

/** Rows in `a` not in `b` plus rows in `b` not in `a` (multiset difference), counted by DuckDB. */
async function difference(a: string, b: string): Promise<number> {
  const r = await connection.runAndReadAll(`SELECT (SELECT count(*) FROM ((${a}) EXCEPT ALL (${b}))) + (SELECT count(*) FROM ((${b}) EXCEPT ALL (${a})))`);
  return Number(r.getRows()[0]![0]);
}

const ALL_TYPES = `
  SELECT
    i::INT AS id,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 3 = 0) END AS b,
    CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 200 - 100)::TINYINT END AS i8,
    (i * 7)::SMALLINT AS i16,
    CASE WHEN i % 17 = 0 THEN NULL ELSE ((i - 1250) * 1000003)::BIGINT END AS i64,
    CASE WHEN i % 19 = 0 THEN NULL ELSE ((i - 7) / 7)::FLOAT END AS f32,
    (i / 3)::DOUBLE AS f64,
    CASE WHEN i % 23 = 0 THEN NULL ELSE ((i - 1250) * 12.3456 * 1e9)::DECIMAL(20, 4) END AS dec20,
    ((i - 1250) * 1.5)::DECIMAL(12, 1) AS dec12,
    CASE WHEN i % 29 = 0 THEN NULL ELSE ((i % 1000 - 500) / 10)::DECIMAL(5, 2) END AS dec5,
    ((i % 100) - 50)::DECIMAL(3, 1) AS dec3,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'name-' || i || ' ünïcode' END AS s,
    ('bytes' || i)::BLOB AS bin,
    CASE WHEN i % 31 = 0 THEN NULL ELSE DATE '1960-01-01' + (i * 13)::INT END AS d,
    TIME '00:00:00' + to_milliseconds(i * 7919) AS t3,
    TIMESTAMP '2024-01-01 00:00:00' + to_milliseconds(i * 1001) AS ts3,
    TIMESTAMP '1969-12-31 23:59:59' + to_microseconds(i * 1000003) AS ts6,
    TIMESTAMP '2024-01-01 00:00:00'::TIMESTAMP_NS + to_microseconds(i) AS ts9,
    CASE WHEN i % 37 = 0 THEN NULL ELSE TIMESTAMPTZ '1969-12-31 23:00:00+00' + to_microseconds(i * 1000001) END AS ltz6,
    [i::INT, NULL, (i + 1)::INT] AS arr,
    CASE WHEN i % 4 = 0 THEN NULL ELSE MAP {'k' || i: i / 2.0, 'z': NULL} END AS m,
    {'a': i::INT, 'b': 'x' || i} AS r,
    'p' || (i % 3) AS part
  FROM range(2500) t(i)`;

describe('paimonWrite', () => {
  it('round-trips every common type through an append table (Parquet), in several batches', async () => {
    await catalog.createTable(
      'db.all_types',
      {
        fields: [
          { name: 'id', type: 'INT NOT NULL' },
          { name: 'b', type: 'BOOLEAN' },
          { name: 'i8', type: 'TINYINT' },
          { name: 'i16', type: 'SMALLINT' },
          { name: 'i64', type: 'BIGINT' },
          { name: 'f32', type: 'FLOAT' },
          { name: 'f64', type: 'DOUBLE' },
          { name: 'dec20', type: 'DECIMAL(20, 4)' },
          { name: 'dec12', type: 'DECIMAL(12, 1)' },
          { name: 'dec5', type: 'DECIMAL(5, 2)' },
          { name: 'dec3', type: 'DECIMAL(3, 1)' },
          { name: 's', type: 'STRING' },
          { name: 'bin', type: 'BYTES' },
          { name: 'd', type: 'DATE' },
          { name: 't3', type: 'TIME(3)' },
          { name: 'ts3', type: 'TIMESTAMP(3)' },
          { name: 'ts6', type: 'TIMESTAMP(6)' },
          { name: 'ts9', type: 'TIMESTAMP(9)' },
          { name: 'ltz6', type: 'TIMESTAMP(6) WITH LOCAL TIME ZONE' },
          { name: 'arr', type: 'ARRAY<INT>' },
          { name: 'm', type: 'MAP<STRING, DOUBLE>' },
          { name: 'r', type: 'ROW<a INT, b STRING>' },
          { name: 'part', type: 'STRING' },
        ],
        partitionKeys: ['part'],
        options: { 'file.format': 'parquet' },
      },
      false,
    );
    const result = await paimonWrite(connection, warehouse, 'db.all_types', ALL_TYPES, { batchRows: 1000 });
    expect(result).toEqual({ rows: 2500, snapshotId: 1, table: 'db.all_types' });
    const path = join(warehouse, 'db.db', 'all_types');
    // Back through paimon_scan (DuckDB): equal to the query, compared by DuckDB itself.
    expect(await difference(`SELECT * FROM paimon_scan(${sqlString(path)})`, ALL_TYPES)).toBe(0);
    // And core's own reader agrees with DuckDB's view of the same table.
    const core = await coreRows(path);
    const viaDuck = await duckRows(connection, `SELECT * FROM paimon_scan(${sqlString(path)})`, core.fields);
    expect(core.rows).toHaveLength(2500);
    expect(sortedRows(viaDuck.rows)).toEqual(sortedRows(core.rows));

    // paimon-ts writes TIMESTAMP(9) as INT64 nanoseconds (not INT96), so DuckDB's Parquet reader takes every file;
    // and core's reader fed to DuckDB gives the same.
    const plans: ScanInfo[] = [];
    const stop = onPaimonScan((info) => plans.push(info));
    await connection.runAndReadAll(`SELECT count(*) FROM paimon_scan(${sqlString(path)})`);
    stop();
    expect(plans[0]!.slowSplits).toBe(0);
    expect(await difference(`SELECT * FROM paimon_scan(${sqlString(path)}, fast_path := false)`, ALL_TYPES)).toBe(0);
  });

  it('takes a row-kind column for CDC into a primary-key table; merge-on-read in DuckDB agrees', async () => {
    await catalog.createTable(
      'db.accounts',
      {
        fields: [
          { name: 'id', type: 'BIGINT NOT NULL' },
          { name: 'region', type: 'STRING NOT NULL' },
          { name: 'balance', type: 'DECIMAL(12, 2)' },
          { name: 'updated', type: 'TIMESTAMP(6)' },
        ],
        primaryKeys: ['region', 'id'],
        partitionKeys: ['region'],
        options: { bucket: '3', 'file.format': 'parquet' },
      },
      false,
    );
    const base = `SELECT i AS id, 'r' || (i % 4) AS region, (i * 10)::DECIMAL(12, 2) AS balance, TIMESTAMP '2024-01-01' AS updated FROM range(3000) t(i)`;
    await paimonWrite(connection, warehouse, 'db.accounts', base);
    const cdc = `
      SELECT i AS id, 'r' || (i % 4) AS region, (i * 10 + 1)::DECIMAL(12, 2) AS balance, TIMESTAMP '2024-02-01' AS updated, '+U' AS op FROM range(0, 3000, 3) t(i)
      UNION ALL
      SELECT i AS id, 'r' || (i % 4) AS region, NULL, NULL, '-D' AS op FROM range(1, 3000, 3) t(i)`;
    const r = await paimonWrite(connection, warehouse, 'db.accounts', cdc, { kindColumn: 'op' });
    expect(r.rows).toBe(2000);
    const path = join(warehouse, 'db.db', 'accounts');
    const expected = `
      SELECT i AS id, 'r' || (i % 4) AS region, (i * 10 + CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END)::DECIMAL(12, 2) AS balance,
             CASE WHEN i % 3 = 0 THEN TIMESTAMP '2024-02-01' ELSE TIMESTAMP '2024-01-01' END AS updated
      FROM range(3000) t(i) WHERE i % 3 <> 1`;
    const plans: ScanInfo[] = [];
    const stop = onPaimonScan((info) => plans.push(info));
    expect(await difference(`SELECT * FROM paimon_scan(${sqlString(path)})`, expected)).toBe(0);
    stop();
    // Two level-0 files per bucket: merged in SQL by DuckDB, not by core.
    expect(plans[0]!.slowSplits).toBe(0);
    const core = await coreRows(path);
    expect(core.rows).toHaveLength(2000);
    const viaDuck = await duckRows(connection, `SELECT * FROM paimon_scan(${sqlString(path)})`, core.fields);
    expect(sortedRows(viaDuck.rows)).toEqual(sortedRows(core.rows));
  });

  it('overwrites (whole table, or the partitions the rows touch)', async () => {
    await catalog.createTable('db.events', { fields: [{ name: 'k', type: 'INT' }, { name: 'dt', type: 'STRING' }], partitionKeys: ['dt'] }, false);
    const path = join(warehouse, 'db.db', 'events');
    await paimonWrite(connection, warehouse, 'db.events', `SELECT range::INT AS k, 'd' || (range % 2) AS dt FROM range(10)`);
    await paimonWrite(connection, warehouse, 'db.events', `SELECT 100 AS k, 'd1' AS dt`, { overwrite: 'dynamic' });
    const byPartition = await connection.runAndReadAll(`SELECT dt, count(*)::INT AS n FROM paimon_scan(${sqlString(path)}) GROUP BY dt ORDER BY dt`);
    expect(byPartition.getRowObjectsJson()).toEqual([{ dt: 'd0', n: 5 }, { dt: 'd1', n: 1 }]);
    await paimonWrite(connection, warehouse, 'db.events', `SELECT 7 AS k, 'd9' AS dt`, { overwrite: true });
    expect((await connection.runAndReadAll(`SELECT k, dt FROM paimon_scan(${sqlString(path)})`)).getRowObjectsJson()).toEqual([{ k: 7, dt: 'd9' }]);
  });

  it('rejects columns the table does not have, and missing NOT NULL columns, before writing', async () => {
    await expect(paimonWrite(connection, warehouse, 'db.events', `SELECT 1 AS k, 'x' AS dt, 2 AS extra`)).rejects.toThrow(/has no column extra/);
    await expect(paimonWrite(connection, warehouse, 'db.accounts', `SELECT 1 AS id`)).rejects.toThrow(/NOT NULL column region/);
    const snaps = await connection.runAndReadAll(`SELECT count(*)::INT FROM paimon_snapshots(${sqlString(join(warehouse, 'db.db', 'events'))})`);
    expect(snaps.getRows()[0]![0]).toBe(3);
  });

  it('merge options in SQL: sequence.field decides the winner, ignore-delete keeps rows', async () => {
    await catalog.createTable(
      'db.versions',
      { fields: [{ name: 'k', type: 'INT NOT NULL' }, { name: 'ver', type: 'INT' }, { name: 'v', type: 'STRING' }], primaryKeys: ['k'], options: { bucket: '1', 'file.format': 'parquet', 'sequence.field': 'ver' } },
      false,
    );
    await paimonWrite(connection, warehouse, 'db.versions', `SELECT * FROM (VALUES (1, 5, 'newest'), (2, 1, 'old'), (3, NULL, 'null version')) t(k, ver, v)`);
    await paimonWrite(connection, warehouse, 'db.versions', `SELECT * FROM (VALUES (1, 3, 'late but older'), (2, 2, 'newer'), (3, 1, 'some version')) t(k, ver, v)`);
    const path = join(warehouse, 'db.db', 'versions');
    const core = await coreRows(path);
    const viaDuck = await duckRows(connection, `SELECT * FROM paimon_scan(${sqlString(path)})`, core.fields);
    expect(sortedRows(viaDuck.rows)).toEqual(sortedRows(core.rows));
    expect(sortedRows(viaDuck.rows)).toEqual(['[1,5,"newest"]', '[2,2,"newer"]', '[3,1,"some version"]']);

    await catalog.createTable(
      'db.keep',
      { fields: [{ name: 'k', type: 'INT NOT NULL' }, { name: 'v', type: 'STRING' }], primaryKeys: ['k'], options: { bucket: '1', 'file.format': 'parquet', 'ignore-delete': 'true' } },
      false,
    );
    await paimonWrite(connection, warehouse, 'db.keep', `SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(k, v)`);
    await paimonWrite(connection, warehouse, 'db.keep', `SELECT 1 AS k, NULL AS v, '-D' AS op`, { kindColumn: 'op' });
    const keep = join(warehouse, 'db.db', 'keep');
    const coreKeep = await coreRows(keep);
    const duckKeep = await duckRows(connection, `SELECT * FROM paimon_scan(${sqlString(keep)})`, coreKeep.fields);
    expect(sortedRows(duckKeep.rows)).toEqual(sortedRows(coreKeep.rows));
    expect(duckKeep.rows).toHaveLength(2);
  });
});

