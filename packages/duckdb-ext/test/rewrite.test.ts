/** The pruning rewriter: which WHERE conjuncts reach core, and that results never change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { rewriteQuery, splitStatements } from '../src/index.js';
import { duck, FIXTURES } from './helpers.js';

const MOR = `'${FIXTURES}pk_table_scan_and_read_mor-parquet'`; // f0 STRING, f1 INT (partition), f2 INT, f3 DOUBLE
const TS = `'${FIXTURES}append_complex_data-parquet'`; // f1 BIGINT, f2 INT, f3 DATE, f4 TIMESTAMP(9), f5 DECIMAL(23, 5), f6 BYTES

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  ({ instance, connection } = await duck());
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function prunes(sql: string): Promise<(string | null)[]> {
  const { sql: out, rewrites } = await rewriteQuery(connection, sql);
  // The rewritten query returns exactly what the original does.
  const a = (await connection.runAndReadAll(sql)).getRowsJson();
  const b = (await connection.runAndReadAll(out)).getRowsJson();
  expect(JSON.stringify(b)).toEqual(JSON.stringify(a));
  return rewrites.map((r) => r.prune);
}

describe('rewriteQuery', () => {
  it('hands core the conjuncts on one table compared with constants', async () => {
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE f1 = 10 AND f3 > 12.5 ORDER BY f0`)).toEqual(['`f1` = 10 AND `f3` > 12.5']);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE 10 >= f1 AND f0 IN ('Bob', 'Lucy') ORDER BY f0`)).toEqual(["`f1` <= 10 AND `f0` IN ('Bob', 'Lucy')"]);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE f2 BETWEEN 0 AND 1 AND (f1 = 20 OR f0 = 'Bob') ORDER BY f0`)).toEqual(["`f2` BETWEEN 0 AND 1 AND (`f1` = 20 OR `f0` = 'Bob')"]);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE f1 NOT IN (20) AND f3 IS NOT NULL ORDER BY f0`)).toEqual(['`f1` NOT IN (20) AND `f3` IS NOT NULL']);
  });

  it('leaves out what core could judge differently from DuckDB', async () => {
    // IS NULL (keeps NULL-extended rows), a fraction against an INT column, functions, columns on both sides.
    // (A paimon_scan call with nothing to prune is left as it is: no rewrite.)
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE f3 IS NULL`)).toEqual([]);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE f1 < 10.5 ORDER BY f0`)).toEqual([]);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE lower(f0) = 'bob'`)).toEqual([]);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE f1 = f2 ORDER BY f0`)).toEqual([]);
    // An OR with one unusable side is unusable; an AND keeps its usable side.
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE (f1 = 20 OR lower(f0) = 'x') ORDER BY f0`)).toEqual([]);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) WHERE (f1 = 20 AND lower(f0) = 'lucy') OR f0 = 'Bob' ORDER BY f0`)).toEqual(["((`f1` = 20) OR `f0` = 'Bob')"]);
  });

  it('types: dates, decimals and timestamps only when core compares them exactly', async () => {
    expect(await prunes(`SELECT f1 FROM paimon_scan(${TS}) WHERE f3 >= DATE '1970-01-01' AND f5 > 1.5 ORDER BY f1`)).toEqual(["`f3` >= '1970-01-01' AND `f5` > 1.5"]);
    // TIMESTAMP(9) column: a literal with up to 9 fraction digits is exact.
    expect(await prunes(`SELECT f1 FROM paimon_scan(${TS}) WHERE f4 > TIMESTAMP '1970-01-01 00:00:00.123' ORDER BY f1`)).toEqual(["`f4` > '1970-01-01 00:00:00.123'"]);
  });

  it('uses only qualified columns when several tables are joined, and scopes each SELECT', async () => {
    const join = `SELECT a.f0, b.f0 AS g FROM paimon_scan(${MOR}) a LEFT JOIN paimon_scan(${MOR}, snapshot_id := 1) AS b ON a.f0 = b.f0 WHERE a.f1 = 10 AND b.f3 > 13 ORDER BY ALL`;
    expect(await prunes(join)).toEqual(['`f1` = 10', '`f3` > 13']);
    // Unqualified columns next to another FROM item are not attributed to the Paimon table.
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}) a, (SELECT 1 AS z) WHERE f1 = 10 ORDER BY ALL`)).toEqual([]);
    const nested = `WITH t AS (SELECT * FROM paimon_scan(${MOR}) WHERE f1 = 20) SELECT f0 FROM t WHERE f3 > 0 ORDER BY f0`;
    expect(await prunes(nested)).toEqual(['`f1` = 20']);
    const sub = `SELECT * FROM (SELECT f0, f1 FROM paimon_scan(${MOR})) WHERE f1 = 20 ORDER BY f0`;
    expect(await prunes(sub)).toEqual([]);
  });

  it('keeps byte offsets right after non-ASCII text, and an existing prune', async () => {
    const sql = `SELECT 'ünïcödé ✓' AS x, f0 FROM paimon_scan(${MOR}) WHERE f1 = 20 ORDER BY f0`;
    const { sql: out } = await rewriteQuery(connection, sql);
    expect(out).toContain(`paimon_scan(${MOR}, prune := `);
    expect(await prunes(`SELECT * FROM paimon_scan(${MOR}, prune := 'f1 = 10') WHERE f1 = 10 ORDER BY f0`)).toEqual([]);
  });

  it('leaves other statements alone', async () => {
    const { sql, rewrites } = await rewriteQuery(connection, 'CREATE TABLE x AS SELECT 1');
    expect(sql).toBe('CREATE TABLE x AS SELECT 1');
    expect(rewrites).toEqual([]);
  });

  it('splits scripts at top-level semicolons', () => {
    expect(splitStatements(`SELECT ';' AS a; -- c;\nSELECT "x;y" FROM t /* ; */ ;  ;`)).toEqual([`SELECT ';' AS a`, `-- c;\nSELECT "x;y" FROM t /* ; */`]);
  });
});
