/**
 * The fast path's merge plan: which files DuckDB reads as they are and which
 * it merges by key (shown by the plan's file lists and by DuckDB's own
 * EXPLAIN ANALYZE), and that the rows are always core's.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FileStoreTable, FileSystemCatalog, parsePredicate, serializeBinaryRow, type DataFileMeta } from '@paimon-ts/core';
import { attach, onPaimonScan, paimonWrite, type ScanInfo } from '../src/index.js';
import { readFilesSql } from '../src/fast-path.js';
import { analyzeRuns } from '../src/sorted-runs.js';
import { coreRows, duckRows, FIXTURES, parquetFilesRead, sortedRows, sqlString, duckWarehouse, type DuckWarehouse } from './helpers.js';

let setup: DuckWarehouse;
let connection: DuckDBConnection;
let warehouse: string;
let catalog: FileSystemCatalog;
beforeAll(async () => {
  setup = await duckWarehouse('merge');
  ({ connection, warehouse, catalog } = setup);
});
afterAll(() => setup.close());

/** The plan of one query and its result. */
async function planned<T>(run: () => Promise<T>): Promise<{ result: T; plan: ScanInfo; sql: string }> {
  const plans: { info: ScanInfo; sql: string }[] = [];
  const stop = onPaimonScan((info, sql) => plans.push({ info, sql }));
  try {
    const result = await run();
    expect(plans).toHaveLength(1);
    return { result, plan: plans[0]!.info, sql: plans[0]!.sql };
  } finally {
    stop();
  }
}

/** paimon_scan's rows and plan, checked against core's reader. */
async function scanMatchesCore(path: string, named = '', configure?: Parameters<typeof coreRows>[1]): Promise<{ plan: ScanInfo; sql: string; rows: string[] }> {
  const expected = await coreRows(path, configure);
  const { result, plan, sql } = await planned(() => duckRows(connection, `SELECT * FROM paimon_scan(${sqlString(path)}${named})`, expected.fields));
  expect(sortedRows(result.rows)).toEqual(sortedRows(expected.rows));
  expect(plan.slowSplits).toBe(0);
  return { plan, sql, rows: result.rows };
}

/** Operators of DuckDB's executed plan for a query (EXPLAIN ANALYZE). */
async function operators(sql: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const node = n as { operator_name?: string; operator_type?: string; children?: unknown[] };
    if (node.operator_type) out.push(node.operator_type);
    node.children?.forEach(walk);
  };
  walk(JSON.parse(String(reader.getRows()[0]![1])));
  return out;
}

async function pkTable(name: string, options: Record<string, string> = {}, partitioned = false): Promise<string> {
  await catalog.createTable(
    `db.${name}`,
    {
      fields: [
        { name: 'id', type: 'BIGINT NOT NULL' },
        ...(partitioned ? [{ name: 'dt', type: 'STRING NOT NULL' }] : []),
        { name: 'v', type: 'INT' },
        { name: 's', type: 'STRING' },
      ],
      primaryKeys: partitioned ? ['dt', 'id'] : ['id'],
      partitionKeys: partitioned ? ['dt'] : [],
      options: { bucket: '2', 'file.format': 'parquet', 'write-only': 'true', ...options },
    },
    false,
  );
  return (await catalog.getTable(`db.${name}`)).path;
}

const write = (table: string, sql: string, kindColumn?: string) => paimonWrite(connection, warehouse, `db.${table}`, sql, kindColumn ? { kindColumn } : {});

describe('analyzeRuns', () => {
  const types = [{ kind: 'BIGINT', nullable: false }] as const;
  const meta = (name: string, level: number, keys: [number, number], seq: [number, number]): DataFileMeta =>
    ({
      fileName: name,
      level,
      minKey: serializeBinaryRow([BigInt(keys[0])], [...types]),
      maxKey: serializeBinaryRow([BigInt(keys[1])], [...types]),
      minSequenceNumber: BigInt(seq[0]),
      maxSequenceNumber: BigInt(seq[1]),
    }) as DataFileMeta;

  it('orders runs newest first and leaves files no other run overlaps unmerged', () => {
    const top1 = meta('top-1', 5, [0, 99], [0, 40]);
    const top2 = meta('top-2', 5, [100, 199], [10, 50]);
    const older = meta('l0-old', 0, [150, 160], [51, 60]);
    const newer = meta('l0-new', 0, [300, 400], [61, 70]);
    const r = analyzeRuns([top1, top2, older, newer], [...types]);
    expect('layout' in r).toBe(true);
    if (!('layout' in r)) return;
    expect(r.layout.free.map((f) => f.fileName).sort()).toEqual(['l0-new', 'top-1']);
    // Runs newest first: l0-new (depth 0), l0-old (1), level 5 (2).
    expect(r.layout.layered.map((l) => [l.file.fileName, l.depth])).toEqual([
      ['top-2', 2],
      ['l0-old', 1],
    ]);
  });

  it('refuses runs whose sequence ranges interleave, and overlapping files within a level', () => {
    expect(analyzeRuns([meta('a', 0, [0, 10], [0, 20]), meta('b', 0, [5, 15], [10, 30])], [...types])).toEqual({ reason: 'sorted runs with overlapping sequence numbers' });
    expect(analyzeRuns([meta('a', 3, [0, 10], [0, 20]), meta('b', 3, [10, 15], [21, 30])], [...types])).toEqual({ reason: 'level 3 files overlap' });
  });
});

describe('no merge where none is needed', () => {
  it('a fully compacted table is read as it is: no join, every file opened once', async () => {
    const path = await pkTable('compacted');
    for (let c = 0; c < 3; c++) {
      await write('compacted', `SELECT (i * 7 + ${c}) % 500 AS id, (i + ${c * 1000})::INT AS v, 'c${c}-' || i AS s FROM range(400) t(i)`);
    }
    const before = await scanMatchesCore(path);
    // 3 overlapping level-0 runs in each of 2 buckets: all merged.
    expect(before.plan.files).toHaveLength(6);
    expect(before.plan.mergedFiles).toHaveLength(6);
    expect(await operators(`SELECT * FROM paimon_scan(${sqlString(path)})`)).toContain('HASH_JOIN');

    await (await FileStoreTable.open(path)).compact({ full: true });
    const after = await scanMatchesCore(path);
    expect(sortedRows(after.rows)).toEqual(sortedRows(before.rows));
    expect(after.plan.files).toHaveLength(2);
    expect(after.plan.mergedFiles).toEqual([]);
    // Compaction dropped the retractions (deleteRowCount 0): not even `_VALUE_KIND` is read.
    expect(after.sql).not.toContain('_VALUE_KIND');
    const query = `SELECT * FROM paimon_scan(${sqlString(path)})`;
    expect(await operators(query)).not.toContain('HASH_JOIN');
    expect(await parquetFilesRead(connection, query)).toEqual([...after.plan.files].sort());
  });

  it('runs with disjoint key ranges are read as they are; only overlapping files are merged', async () => {
    const path = await pkTable('disjoint', { bucket: '1' });
    for (let c = 0; c < 3; c++) await write('disjoint', `SELECT ${c * 100} + i AS id, i::INT AS v, 'r${c}' AS s FROM range(100) t(i)`);
    const disjoint = await scanMatchesCore(path);
    expect(disjoint.plan.files).toHaveLength(3);
    expect(disjoint.plan.mergedFiles).toEqual([]);
    expect(await operators(`SELECT * FROM paimon_scan(${sqlString(path)})`)).not.toContain('HASH_JOIN');

    // Keys 150..159 meet only the second run's file.
    await write('disjoint', `SELECT 150 + i AS id, -1 AS v, 'update' AS s FROM range(10) t(i)`);
    const partly = await scanMatchesCore(path);
    expect(partly.plan.files).toHaveLength(4);
    // The new file and the one old file it overlaps; the other two old files stay unmerged.
    expect(partly.plan.mergedFiles).toHaveLength(2);
    expect(partly.plan.mergedFiles.filter((f) => disjoint.plan.files.includes(f))).toHaveLength(1);
    expect(partly.rows.filter((r) => r.includes('"update"'))).toHaveLength(10);
    expect(partly.rows).toHaveLength(300);
  });

  it('deletion vectors (written by Paimon Java) are applied without a merge, at every snapshot', async () => {
    const path = `${FIXTURES}pk_table_with_dv_cardinality-parquet`;
    let withDv = 0;
    for (const id of [1, 2, 3, 4]) {
      const { plan, sql } = await scanMatchesCore(path, `, snapshot_id := ${id}`, (s) => s.atSnapshot(id));
      expect(plan.mergedFiles).toEqual([]);
      if (sql.includes('file_row_number')) withDv++;
    }
    // Some snapshots have deletion vectors: the positional anti-join is there.
    expect(withDv).toBeGreaterThan(0);
  });
});

describe('deletion vectors as SQL', () => {
  it('drops exactly the deleted positions: by a bitmap when many, by an anti-join when few', async () => {
    const file = join(warehouse, 'positions.parquet');
    const rows = 1003;
    await connection.run(`COPY (SELECT i::INT AS x FROM range(${rows}) t(i)) TO ${sqlString(file)} (FORMAT parquet, ROW_GROUP_SIZE 100)`);
    for (const deleted of [[7], [0, 1002, ...Array.from({ length: 300 }, (_, i) => 3 * i + 2)]]) {
      const parts = readFilesSql([{ path: file, schemaId: 0, deleted: Float64Array.from(deleted), retractions: false, rows }], ['x']);
      expect(parts).toHaveLength(1);
      expect(parts[0]).toContain(deleted.length === 1 ? 'ANTI JOIN' : 'get_bit');
      const got = (await connection.runAndReadAll(`SELECT x FROM (${parts[0]}) ORDER BY x`)).getRows().map((r) => r[0]);
      const gone = new Set(deleted);
      expect(got).toEqual(Array.from({ length: rows }, (_, i) => i).filter((i) => !gone.has(i)));
    }
  });
});

describe('merging overlapping runs', () => {
  it('retractions win over older rows and are then dropped; ignore-delete ignores them', async () => {
    for (const [name, options] of [
      ['cdc', {}],
      ['cdc_ignore', { 'ignore-delete': 'true' }],
    ] as const) {
      const path = await pkTable(name, options);
      await write(name, `SELECT i AS id, i::INT AS v, 'first' AS s, '+I' AS op FROM range(20) t(i)`, 'op');
      await write(name, `SELECT i AS id, i::INT AS v, 'gone' AS s, CASE WHEN i < 3 THEN '-D' ELSE '-U' END AS op FROM range(5) t(i)`, 'op');
      await write(name, `SELECT 3 + i AS id, 100::INT AS v, 'third' AS s, '+U' AS op FROM range(4) t(i)`, 'op');
      const { plan, rows } = await scanMatchesCore(path);
      expect(plan.mergedFiles.length).toBeGreaterThan(0);
      expect(rows).toHaveLength(name === 'cdc' ? 20 - 5 + 2 : 20);
    }
  });

  it('filters on values apply after the merge (a newer version that fails hides an older one that passes)', async () => {
    const path = await pkTable('after_merge', { bucket: '1' });
    await write('after_merge', `SELECT i AS id, 20::INT AS v, 'old' AS s FROM range(10) t(i)`);
    await write('after_merge', `SELECT i AS id, 5::INT AS v, 'new' AS s FROM range(5) t(i)`);
    const got = await connection.runAndReadAll(`SELECT id, v, s FROM paimon_scan(${sqlString(path)}) WHERE v > 10 ORDER BY id`);
    expect(got.getRows().map((r) => Number(r[0]))).toEqual([5, 6, 7, 8, 9]);
    expect(got.getRows().every((r) => r[2] === 'old')).toBe(true);
    await scanMatchesCore(path, `, filter := 'v > 10'`, (s) => s.filter(parsePredicate('v > 10')));
    // Key filters may go below the merge; the result is the same.
    const byKey = await connection.runAndReadAll(`SELECT s FROM paimon_scan(${sqlString(path)}) WHERE id = 3`);
    expect(byKey.getRows()).toEqual([['new']]);
  });

  it('many partitions: merged together with partition columns in the key (no per-partition branches)', async () => {
    const path = await pkTable('many_parts', { bucket: '1' }, true);
    await write('many_parts', `SELECT i % 10 AS id, 'd' || (i // 10) AS dt, i::INT AS v, 'one' AS s FROM range(700) t(i)`);
    await write('many_parts', `SELECT i % 10 AS id, 'd' || (i // 10) AS dt, -i::INT AS v, 'two' AS s FROM range(0, 700, 2) t(i)`);
    const { plan, sql, rows } = await scanMatchesCore(path);
    expect(plan.files).toHaveLength(140);
    expect(rows.filter((r) => r.includes('"two"'))).toHaveLength(350);
    expect(/ON __o\."dt" = __n\."dt" AND __o\."id" = __n\."id"/.test(sql)).toBe(true);
  });
});

describe('filters of a plain connection.run (attached table, no rewrite)', () => {
  it('reach every Parquet scan: partition and key filters both sides of the merge, value filters only the rows kept', async () => {
    await pkTable('by_day', {}, true);
    await write('by_day', `SELECT i AS id, '2024-01-0' || (1 + i % 3) AS dt, 100 AS v, 'old' AS s FROM range(60) t(i)`);
    await write('by_day', `SELECT i AS id, '2024-01-0' || (1 + i % 3) AS dt, i::INT AS v, 'new' AS s FROM range(30) t(i)`);
    await attach(connection, warehouse, { name: 'wh' });
    const query = `SELECT id, v, s FROM wh.db.by_day WHERE dt = '2024-01-02' AND v > 10`;
    const reader = await connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`);
    const scans: { projections: string[]; filters: string[]; rows: number }[] = [];
    const walk = (n: unknown): void => {
      if (!n || typeof n !== 'object') return;
      const node = n as { operator_type?: string; operator_cardinality?: number; extra_info?: Record<string, unknown>; children?: unknown[] };
      if (node.operator_type === 'TABLE_SCAN') {
        const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v == null ? [] : [String(v)]);
        scans.push({ projections: list(node.extra_info?.['Projections']), filters: list(node.extra_info?.['Filters']), rows: Number(node.operator_cardinality) });
      }
      node.children?.forEach(walk);
    };
    walk(JSON.parse(String(reader.getRows()[0]![1])));
    // Per merged bucket, two runs: the older file's rows, the newer file's keys and the newer file's rows.
    const keySide = scans.filter((x) => !x.projections.includes('v'));
    expect(keySide.length).toBeGreaterThan(0);
    expect(scans).toHaveLength(3 * keySide.length);
    expect(scans.every((x) => x.filters.includes("dt='2024-01-02'"))).toBe(true);
    expect(keySide.every((x) => x.filters.every((f) => !f.includes('v')))).toBe(true);
    // Row groups of other partitions are skipped by their statistics; what comes out of the scans is the
    // partition's 20 old rows (v = 100), the 10 new keys (unfiltered by v) and the 6 new rows with v > 10.
    expect(scans.reduce((n, x) => n + x.rows, 0)).toBe(20 + 10 + 6);

    const rows = (await connection.runAndReadAll(`${query} ORDER BY id`)).getRows();
    const all = (await connection.runAndReadAll(`SELECT id, dt, v, s FROM wh.db.by_day ORDER BY id`)).getRows();
    const expected = (await coreRows((await catalog.getTable('db.by_day')).path)).rows;
    expect(all).toHaveLength(expected.length);
    // Filtering after the merge: keys whose newer version has v <= 10 are gone, even if the older had v > 10.
    expect(rows).toEqual(all.filter((r) => r[1] === '2024-01-02' && Number(r[2]) > 10).map((r) => [r[0], r[2], r[3]]));
    // Keys 1, 4, 7, 10 had v = 100 (passes), but their newer version has v <= 10.
    expect(rows.map((r) => Number(r[0]))).toEqual([13, 16, 19, 22, 25, 28, ...Array.from({ length: 10 }, (_, i) => 31 + 3 * i)]);
  });
});

describe('plan cache', () => {
  it('reuses the plan of an unchanged snapshot and plans a new one after a commit', async () => {
    const path = await pkTable('cached', { bucket: '1' });
    await write('cached', `SELECT i AS id, i::INT AS v, 'a' AS s FROM range(10) t(i)`);
    const sql = `SELECT count(*) FROM paimon_scan(${sqlString(path)})`;
    const first = await planned(() => connection.runAndReadAll(sql));
    const second = await planned(() => connection.runAndReadAll(sql));
    expect(first.plan.planCached).toBe(false);
    expect(second.plan.planCached).toBe(true);
    expect(second.plan.snapshotId).toBe(first.plan.snapshotId);
    await write('cached', `SELECT 100 + i AS id, i::INT AS v, 'b' AS s FROM range(5) t(i)`);
    const third = await planned(() => connection.runAndReadAll(sql));
    expect(third.plan.planCached).toBe(false);
    expect(third.plan.snapshotId).toBe(first.plan.snapshotId! + 1);
    expect(Number(third.result.getRows()[0]![0])).toBe(15);
    // Time travel to the first snapshot is its own entry, and still right.
    const back = await planned(() => connection.runAndReadAll(`SELECT count(*) FROM paimon_scan(${sqlString(path)}, snapshot_id := ${first.plan.snapshotId})`));
    expect(Number(back.result.getRows()[0]![0])).toBe(10);
  });
});
