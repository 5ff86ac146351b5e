/**
 * 4. The DuckDB integration (@paimon-ts/duckdb): `paimon_scan` over a
 * primary-key table with 3 sorted runs per bucket (merge-on-read inside
 * DuckDB) against plain `read_parquet` over (b) the same files without merge
 * and (c) the files of a fully compacted copy (one sorted run per bucket,
 * nothing left to merge: the best case a merge-on-read can approach); and
 * (d) `paimon_scan` over that compacted copy, which must need no merge.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { FileStoreTable, FileSystemCatalog } from '@paimon-ts/core';
import { closePlanner, installPaimon } from '@paimon-ts/duckdb';
import { mulberry32 } from './data.js';
import { openDuck, sqlString } from './duck.js';
import { MemoryTracker } from './memory.js';
import { emptyResult, type BenchContext, type WriteScenario } from './scenarios.js';

const COMMITS = 3;
const GROUPS = 16;
const now = () => performance.now();
const since = (t: number) => (performance.now() - t) / 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Rows [first, first + rows) of commit `commit`: id uniform in [0, keys), g in [0, 16), x in [0, 1000). */
function generate(commit: number, chunk: number, rows: number, keys: number, seen: Uint8Array): { table: arrow.Table; distinctNew: number } {
  const next = mulberry32(Math.imul(commit * 100_003 + chunk + 1, 0x9e3779b1) ^ 0x0d0c4db);
  const id = new BigInt64Array(rows);
  const g = new Int32Array(rows);
  const x = new Int32Array(rows);
  let distinctNew = 0;
  for (let r = 0; r < rows; r++) {
    const key = Math.floor((next() / 4294967296) * keys);
    id[r] = BigInt(key);
    if (seen[key] === 0) {
      seen[key] = 1;
      distinctNew++;
    }
    g[r] = next() % GROUPS;
    x[r] = next() % 1000;
  }
  const table = new arrow.Table({
    id: arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), length: rows, nullCount: 0, data: id })),
    g: arrow.makeVector(arrow.makeData({ type: new arrow.Int32(), length: rows, nullCount: 0, data: g })),
    x: arrow.makeVector(arrow.makeData({ type: new arrow.Int32(), length: rows, nullCount: 0, data: x })),
  });
  return { table, distinctNew };
}

async function liveFiles(path: string) {
  const table = await FileStoreTable.open(path);
  const plan = await table.newScan().plan();
  const files = plan.splits.flatMap((s) => s.files.map((f) => ({ path: `${s.bucketPath}/${f.fileName}`, bucket: s.bucket, level: f.level, rows: f.rowCount, size: f.fileSize })));
  const perBucket: Record<string, { files: number; level0: number }> = {};
  for (const f of files) {
    const b = (perBucket[String(f.bucket)] ??= { files: 0, level0: 0 });
    b.files++;
    if (f.level === 0) b.level0++;
  }
  return { snapshotId: plan.snapshot?.id ?? null, files, perBucket, rows: files.reduce((n, f) => n + f.rows, 0), bytes: files.reduce((n, f) => n + f.size, 0) };
}

export function duckdbScan(ctx: BenchContext): WriteScenario {
  const { cfg } = ctx;
  const r = emptyResult('duckdb', '4. DuckDB paimon_scan, PK table with 3 sorted runs per bucket (vs read_parquet over a fully compacted copy)', cfg.rows);
  let path = '';
  let compactedPath = '';
  let distinct = 0;
  const setup: Record<string, unknown> = {};
  return {
    result: r,
    async ours() {
      const catalog = new FileSystemCatalog(ctx.warehouse);
      await catalog.createDatabase('bench', true);
      await catalog.createTable(
        'bench.duckdb_scan_t',
        {
          fields: [
            { name: 'id', type: 'BIGINT NOT NULL' },
            { name: 'g', type: 'INT NOT NULL' },
            { name: 'x', type: 'INT NOT NULL' },
          ],
          primaryKeys: ['id'],
          // write-only: the writers must not compact, so each bucket keeps its 3 sorted runs
          options: { bucket: '4', 'file.format': 'parquet', 'write-only': 'true' },
        },
        false,
      );
      const table = await catalog.getTable('bench.duckdb_scan_t');
      path = table.path;
      ctx.log(`duckdb: paimon-ts writing ${cfg.rows} rows over ${cfg.keys} keys in ${COMMITS} commits`);
      const seen = new Uint8Array(cfg.keys);
      const perCommit: number[] = [];
      const mem = new MemoryTracker();
      for (let c = 0; c < COMMITS; c++) {
        const first = Math.floor((c * cfg.rows) / COMMITS);
        const end = Math.floor(((c + 1) * cfg.rows) / COMMITS);
        const t = now();
        const w = table.newBatchWrite();
        for (let chunk = 0, at = first; at < end; chunk++, at += cfg.batchRows) {
          const { table: input, distinctNew } = generate(c, chunk, Math.min(cfg.batchRows, end - at), cfg.keys, seen);
          distinct += distinctNew;
          await w.write(input);
        }
        await w.commit();
        perCommit.push(since(t));
        mem.sample();
        ctx.log(`duckdb: commit ${c + 1} ${perCommit[c]!.toFixed(2)} s`);
      }
      const merged = await liveFiles(path);
      setup['writeSecondsPerCommit'] = perCommit.map((x) => Number(x.toFixed(3)));
      setup['writeMemory'] = mem.stop();

      ctx.log('duckdb: copying the table and fully compacting the copy');
      compactedPath = join(ctx.tmp, 'compacted', 'duckdb_scan_t');
      cpSync(path, compactedPath, { recursive: true });
      const t = now();
      const copy = await FileStoreTable.open(compactedPath);
      const snap = await copy.compact({ full: true });
      setup['fullCompactionSeconds'] = Number(since(t).toFixed(3));
      setup['compactionSnapshotId'] = snap?.id ?? null;
      const compacted = await liveFiles(compactedPath);
      r.checks['expectedDistinctKeys'] = distinct;
      r.checks['filesMerged'] = merged.files.length;
      r.checks['storedRowsMerged'] = merged.rows;
      r.checks['level0FilesPerBucket'] = Object.entries(merged.perBucket).map(([b, v]) => `${b}:${v.level0}`).join(' ');
      r.checks['everyBucketHas3Level0Runs'] = Object.keys(merged.perBucket).length === 4 && Object.values(merged.perBucket).every((v) => v.level0 === COMMITS && v.files === COMMITS);
      r.checks['filesCompacted'] = compacted.files.length;
      r.checks['storedRowsCompacted'] = compacted.rows;
      r.checks['compactedRowsMatchDistinctKeys'] = compacted.rows === distinct;
      setup['mergedFiles'] = merged.files.map((f) => f.path);
      setup['compactedFiles'] = compacted.files.map((f) => f.path);
      setup['mergedBytes'] = merged.bytes;
      setup['compactedBytes'] = compacted.bytes;
      ctx.log(`duckdb: ${merged.files.length} files (${r.checks['level0FilesPerBucket']}), compacted copy ${compacted.files.length} files`);
    },
    async duck() {
      if (!path || !compactedPath) throw new Error('the table was not written');
      const duck = await openDuck(cfg);
      try {
        await installPaimon(duck.conn);
        const list = (files: string[]) => `[${files.map(sqlString).join(', ')}]`;
        const q = (from: string) => `SELECT g, count(*) AS n, sum(x) AS sx FROM ${from} GROUP BY g ORDER BY g`;
        const variants = [
          { key: 'a', sql: q(`paimon_scan(${sqlString(path)})`) },
          { key: 'b', sql: q(`read_parquet(${list(setup['mergedFiles'] as string[])})`) },
          { key: 'c', sql: q(`read_parquet(${list(setup['compactedFiles'] as string[])})`) },
          { key: 'd', sql: q(`paimon_scan(${sqlString(compactedPath)})`) },
        ];
        const runs: Record<string, number[]> = { a: [], b: [], c: [], d: [] };
        const rows: Record<string, string[]> = {};
        const run = async (v: (typeof variants)[number]) => {
          const reader = await duck.conn.runAndReadAll(v.sql);
          return reader.getRows().map((row) => row.map((x) => String(x)).join('|'));
        };
        ctx.log('duckdb: warm-up (planner worker, page cache)');
        for (const v of variants) rows[v.key] = await run(v);
        for (let rep = 0; rep < cfg.readRepeat; rep++) {
          ctx.log(`duckdb: run ${rep + 1}/${cfg.readRepeat}`);
          for (const v of variants) {
            const t = now();
            rows[v.key] = await run(v);
            runs[v.key]!.push(since(t));
          }
        }
        const a = median(runs['a']!);
        const b = median(runs['b']!);
        const c = median(runs['c']!);
        const d = median(runs['d']!);
        const total = (key: string) => rows[key]!.reduce((n, line) => n + Number(line.split('|')[1]), 0);
        r.ours = {
          seconds: a,
          rowsPerSec: cfg.rows / a,
          timed: `(a) SELECT g, count(*), sum(x) FROM paimon_scan('<table>') GROUP BY g (fast path: plan + DuckDB Parquet + SQL merge of 3 sorted runs per bucket); median of ${cfg.readRepeat}`,
          detail: { runsSeconds: runs['a'], ...Object.fromEntries(Object.entries(setup).filter(([k]) => !k.endsWith('Files'))) },
        };
        r.duckdb = {
          seconds: c,
          rowsPerSec: cfg.rows / c,
          timed: `(c) the same query over read_parquet([live files of a fully compacted copy]): 1 file per bucket, nothing to merge; median of ${cfg.readRepeat}`,
          detail: { runsSeconds: runs['c'], unmergedSeconds: b, unmergedRunsSeconds: runs['b'], paimonScanCompactedSeconds: d, paimonScanCompactedRunsSeconds: runs['d'] },
        };
        r.checks['secondsA_paimonScan'] = Number(a.toFixed(4));
        r.checks['secondsB_readParquetUnmerged'] = Number(b.toFixed(4));
        r.checks['secondsC_readParquetCompacted'] = Number(c.toFixed(4));
        r.checks['secondsD_paimonScanCompacted'] = Number(d.toFixed(4));
        r.checks['ratioAOverC'] = Number((a / c).toFixed(2));
        r.checks['ratioAOverB'] = Number((a / b).toFixed(2));
        r.checks['ratioBOverC'] = Number((b / c).toFixed(2));
        r.checks['ratioDOverC'] = Number((d / c).toFixed(2));
        const same = (x: string, y: string) => rows[x]!.length === rows[y]!.length && rows[x]!.every((line, i) => line === rows[y]![i]);
        r.checks['sameResultRowsAAndC'] = same('a', 'c');
        r.checks['sameResultRowsDAndC'] = same('d', 'c');
        r.checks['groups'] = rows['a']!.length;
        r.checks['rowsA'] = total('a');
        r.checks['rowsB'] = total('b');
        r.checks['rowsC'] = total('c');
        r.checks['rowsAMatchDistinctKeys'] = total('a') === distinct;
        r.notes.push(
          'Ratio = (a) / (c): paimon_scan merging 3 level-0 sorted runs per bucket vs DuckDB reading an already fully compacted copy of the same table (the files of `compact({ full: true })`). (b) reads every live file of the uncompacted table without merging (all stored rows, so its result is not the table\'s): the cost of the merge is roughly (a) - (b), and (b)/(c) is a floor for any merge-on-read of these files. (d) is paimon_scan over the compacted copy (one run per bucket: no merge; (d)/(c) is the overhead of planning and of the plan\'s SQL).',
          'Timed runs repeat the query on an unchanged table, so paimon_scan reuses its cached plan of the snapshot (the planner still checks for a newer snapshot each time).',
          'Writes (3 commits of N/3 rows over the same key space, each one BatchWrite) and the full compaction are setup, untimed in the ratio; one warm-up run of each query precedes the timed, alternating runs.',
        );
      } finally {
        duck.close();
        await closePlanner();
      }
    },
  };
}
