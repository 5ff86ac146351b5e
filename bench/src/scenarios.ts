/**
 * The scenarios. Each measures paimon-ts used as a user would (the built
 * @paimon-ts/core package) and, in the same run, DuckDB doing the same work.
 * Only the work itself is timed: data generation and loading DuckDB's source
 * table are setup, reported separately. Nothing here asserts on timings; the
 * "checks" only compare what both sides produced.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { FileStoreTable, FileSystemCatalog } from '@paimon-ts/core';
import type { BenchConfig } from './config.js';
import { FIELDS, generateBatch, toArrowTable, type RawBatch } from './data.js';
import { asNumber, loadTable, openDuck, queryRow, sqlString } from './duck.js';
import { MemoryTracker } from './memory.js';
import { SectionProfiler } from './profiler.js';

export interface SideResult {
  /** The timed seconds the ratio is computed from. */
  seconds: number;
  rowsPerSec: number;
  /** What exactly was timed. */
  timed: string;
  detail: Record<string, unknown>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: number;
  ours: SideResult | null;
  duckdb: SideResult | null;
  /** ours.seconds / duckdb.seconds: how many times longer paimon-ts takes (so 1/ratio of the rows/s). */
  ratio: number | null;
  /** Wall-clock seconds of the whole scenario, setup included. */
  wallSeconds: number;
  checks: Record<string, unknown>;
  notes: string[];
  error?: string;
}

export interface BenchContext {
  cfg: BenchConfig;
  tmp: string;
  warehouse: string;
  /** Path of the append table, once scenario 1 wrote it. */
  appendTablePath?: string;
  /** Profiles the paimon-ts sections when BENCH_PROFILE=1. */
  profiler: SectionProfiler | null;
  /** BENCH_SKIP_DUCKDB=1: paimon-ts only (e.g. for profiling). */
  skipDuckDB: boolean;
  log(msg: string): void;
}

export const now = () => performance.now();
export const since = (t: number) => (performance.now() - t) / 1000;
export const fieldSpecs = () => FIELDS.map((f) => ({ name: f.name, type: f.type }));

function batches(cfg: BenchConfig): { index: number; first: number; rows: number }[] {
  const out = [];
  for (let index = 0, first = 0; first < cfg.rows; index++, first += cfg.batchRows) out.push({ index, first, rows: Math.min(cfg.batchRows, cfg.rows - first) });
  return out;
}

/** Marks the batch's ids in `seen` (one byte per key); returns how many were new. */
export function markNewKeys(raw: RawBatch, seen: Uint8Array): number {
  let fresh = 0;
  for (let k = 0; k < raw.rows; k++) {
    const key = Number(raw.id[k]);
    if (seen[key] === 0) {
      seen[key] = 1;
      fresh++;
    }
  }
  return fresh;
}

export function side(seconds: number, rows: number, timed: string, detail: Record<string, unknown>): SideResult {
  return { seconds, rowsPerSec: rows / seconds, timed, detail };
}

export function emptyResult(id: string, title: string, rows: number): ScenarioResult {
  return { id, title, rows, ours: null, duckdb: null, ratio: null, wallSeconds: 0, checks: {}, notes: [] };
}

export function finish(r: ScenarioResult, wall0?: number): ScenarioResult {
  if (wall0 !== undefined) r.wallSeconds += since(wall0);
  r.ratio = r.ours && r.duckdb ? r.ours.seconds / r.duckdb.seconds : null;
  return r;
}

export async function tableFiles(path: string) {
  const plan = await (await FileStoreTable.open(path)).newScan().plan();
  const files = plan.splits.flatMap((s) => s.files.map((f) => ({ path: `${s.bucketPath}/${f.fileName}`, size: f.fileSize, rows: f.rowCount, level: f.level, bucket: s.bucket })));
  return { snapshotId: plan.snapshot?.id ?? null, files };
}

// ---------------------------------------------------------------------------
// 1. Append write

/**
 * A write scenario in two phases, so every paimon-ts phase runs before any
 * DuckDB instance exists (DuckDB's allocator keeps memory resident after its
 * tables are dropped, which would blur our RSS numbers).
 */
export interface WriteScenario {
  result: ScenarioResult;
  ours(): Promise<void>;
  duck(): Promise<void>;
}

export function appendWrite(ctx: BenchContext): WriteScenario {
  const { cfg } = ctx;
  const r = emptyResult('append', '1. Append write (unaware-bucket append table, Parquet + zstd)', cfg.rows);
  let snapshotRows: number | null = null;
  return {
    result: r,
    async ours() {
      const catalog = new FileSystemCatalog(ctx.warehouse);
      await catalog.createDatabase('bench', true);
      await catalog.createTable('bench.append_t', { fields: fieldSpecs() }, false);
      const table = await catalog.getTable('bench.append_t');
      ctx.log(`append: paimon-ts writing ${cfg.rows} rows`);
      const mem = new MemoryTracker();
      let genSec = 0;
      let writeSec = 0;
      const { snapshot, commitSec } = await SectionProfiler.around(ctx.profiler, 'append-write', async () => {
        const w = table.newBatchWrite();
        for (const b of batches(cfg)) {
          let t = now();
          const input = toArrowTable(generateBatch('append', b.index, b.first, b.rows, cfg.keys));
          genSec += since(t);
          t = now();
          await w.write(input);
          writeSec += since(t);
          mem.sample();
        }
        const t = now();
        const snapshot = await w.commit();
        return { snapshot, commitSec: since(t) };
      });
      const memory = mem.stop();
      ctx.appendTablePath = table.path;
      snapshotRows = snapshot?.totalRecordCount ?? null;
      const { files } = await tableFiles(table.path);
      r.ours = side(writeSec + commitSec, cfg.rows, 'BatchWrite.write() of every batch + commit()', {
        writeCallsSeconds: writeSec,
        commitSeconds: commitSec,
        generateSecondsUntimed: genSec,
        snapshotId: snapshot?.id ?? null,
        dataFiles: files.length,
        dataBytes: files.reduce((n, f) => n + f.size, 0),
        memory,
      });
      r.checks['paimonSnapshotRows'] = snapshotRows;
      r.notes.push('paimon-ts gets the data as one Arrow table per batch; its time includes routing, buffering, Parquet encoding (parquet-wasm, zstd), stats, manifests and the snapshot commit.');
      ctx.log(`append: paimon-ts ${r.ours.seconds.toFixed(2)} s`);
    },
    async duck() {
      const duck = await openDuck(cfg);
      try {
        ctx.log('append: loading DuckDB source table (Appender, untimed)');
        const loadSec = await loadTable(duck, cfg, 'src', 'append', false);
        const out = join(ctx.tmp, 'duckdb-append.parquet');
        ctx.log('append: DuckDB COPY to Parquet');
        const t0 = now();
        await duck.conn.run(`COPY (SELECT * FROM src) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
        const copySec = since(t0);
        r.duckdb = side(copySec, cfg.rows, "COPY (SELECT * FROM src) TO 'file.parquet' (FORMAT parquet, COMPRESSION zstd)", {
          loadSecondsUntimed: loadSec,
          dataFiles: 1,
          dataBytes: statSync(out).size,
        });
        const [n] = await queryRow(duck.conn, `SELECT count(*) FROM read_parquet(${sqlString(out)})`);
        r.checks['duckdbRows'] = asNumber(n);
        await duck.conn.run('DROP TABLE src');
      } finally {
        duck.close();
      }
      r.notes.push('DuckDB\'s source table is loaded with the Appender (whole 2048-row data chunks) from the same generated batches; only the COPY is timed.');
    },
  };
}

// ---------------------------------------------------------------------------
// 2. Primary-key upserts

export function upsertWrite(ctx: BenchContext): WriteScenario {
  const { cfg } = ctx;
  const r = emptyResult('upsert', `2. Primary-key upserts (bucket = 4, one commit per ${cfg.batchRows.toLocaleString('en-US')} rows)`, cfg.rows);
  let acc = newAccumulator();
  let distinct = 0;
  return {
    result: r,
    async ours() {
      const catalog = new FileSystemCatalog(ctx.warehouse);
      await catalog.createDatabase('bench', true);
      await catalog.createTable('bench.upsert_t', { fields: fieldSpecs(), primaryKeys: ['id'], options: { bucket: '4' } }, false);
      const table = await catalog.getTable('bench.upsert_t');

      ctx.log(`upsert: paimon-ts writing ${cfg.rows} rows over ${cfg.keys} keys`);
      const seen = new Uint8Array(cfg.keys);
      const perCommit: number[] = [];
      let genSec = 0;
      const mem = new MemoryTracker();
      await SectionProfiler.around(ctx.profiler, 'upsert-write', async () => {
        for (const b of batches(cfg)) {
          let t = now();
          const raw = generateBatch('upsert', b.index, b.first, b.rows, cfg.keys);
          distinct += markNewKeys(raw, seen);
          const input = toArrowTable(raw);
          genSec += since(t);
          t = now();
          const w = table.newBatchWrite();
          await w.write(input);
          await w.commit();
          perCommit.push(since(t));
          mem.sample();
          ctx.log(`upsert: commit ${perCommit.length} ${perCommit[perCommit.length - 1]!.toFixed(2)} s`);
        }
      });
      const memory = mem.stop();
      const writeSec = perCommit.reduce((a, b) => a + b, 0);

      ctx.log('upsert: reading the table back (merge-on-read)');
      const t = now();
      await SectionProfiler.around(ctx.profiler, 'upsert-read-back', async () => {
        const fresh = await FileStoreTable.open(table.path);
        const scan = fresh.newScan();
        const plan = await scan.plan();
        acc = newAccumulator();
        for await (const batch of scan.read(plan)) touchAll(batch, acc);
      });
      const readBackSec = since(t);
      const { files } = await tableFiles(table.path);
      const storedRows = files.reduce((n, f) => n + f.rows, 0);
      r.ours = side(writeSec, cfg.rows, 'per batch: newBatchWrite(), write(), commit()', {
        commits: perCommit.length,
        perCommitSeconds: perCommit.map((x) => Number(x.toFixed(3))),
        generateSecondsUntimed: genSec,
        memory,
        dataFiles: files.length,
        dataBytes: files.reduce((n, f) => n + f.size, 0),
        storedRows,
        readBackSeconds: readBackSec,
        readBackRows: acc.rows,
        readBackStoredRowsPerSec: storedRows / readBackSec,
      });
      r.checks['expectedDistinctKeys'] = distinct;
      r.checks['paimonRowsReadBack'] = acc.rows;
      r.checks['paimonRowsMatchExpected'] = acc.rows === distinct;
      r.notes.push(`Each commit updates keys written by earlier commits; writers compact inline (universal compaction, default triggers), so commits include compaction time; the rest is merged on read.`);
    },
    async duck() {
      const duck = await openDuck(cfg);
      try {
        ctx.log('upsert: loading DuckDB source table with seq (Appender, untimed)');
        const loadSec = await loadTable(duck, cfg, 'src', 'upsert', true);
        const out = join(ctx.tmp, 'duckdb-upsert.parquet');
        ctx.log('upsert: DuckDB dedupe + COPY');
        const dmem = new MemoryTracker();
        let t = now();
        await duck.conn.run('CREATE TABLE dedup AS SELECT id, i, d, s, dt, b FROM src QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1');
        const dedupSec = since(t);
        t = now();
        await duck.conn.run(`COPY (SELECT * FROM dedup) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
        const copySec = since(t);
        const dmemory = dmem.stop();
        r.duckdb = side(dedupSec + copySec, cfg.rows, 'CREATE TABLE dedup AS SELECT ... QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1; COPY dedup TO parquet (zstd)', {
          loadSecondsUntimed: loadSec,
          dedupeSeconds: dedupSec,
          copySeconds: copySec,
          dataBytes: statSync(out).size,
          memory: dmemory,
        });
        const [n, sumId, sumI] = await queryRow(duck.conn, 'SELECT count(*), sum(id), sum(i) FROM dedup');
        r.checks['duckdbRows'] = asNumber(n);
        if (r.ours) {
          r.checks['sameRowsAsDuckDB'] = asNumber(n) === acc.rows;
          r.checks['sameSumIdAsDuckDB'] = asNumber(sumId) === acc.sumId;
          r.checks['sameSumIAsDuckDB'] = asNumber(sumI) === acc.sumI;
        }
        await duck.conn.run('DROP TABLE dedup');
        await duck.conn.run('DROP TABLE src');
      } finally {
        duck.close();
      }
      r.notes.push('DuckDB does the same dedupe in one pass over all rows (last row per id by seq), then writes Parquet; its source table (with a seq column) is loaded untimed. Its peak RSS includes that in-memory source table.');
    },
  };
}

// ---------------------------------------------------------------------------
// 3. Full-table read

export interface Accumulator {
  rows: number;
  sumId: number;
  sumI: number;
  sumD: number;
  stringBytes: number;
  maxDt: number;
  trues: number;
}

export function newAccumulator(): Accumulator {
  return { rows: 0, sumId: 0, sumI: 0, sumD: 0, stringBytes: 0, maxDt: -Infinity, trues: 0 };
}

function column(batch: arrow.RecordBatch, name: string): arrow.Data {
  const idx = batch.schema.fields.findIndex((f) => f.name === name);
  if (idx < 0) throw new Error(`batch has no column ${name}`);
  const data = batch.data.children[idx]!;
  if (data.nullCount > 0) throw new Error(`column ${name} has NULLs; the benchmark data has none`);
  return data;
}

function sumInt32(data: arrow.Data): number {
  const v = data.values as Int32Array;
  let s = 0;
  for (let j = 0; j < data.length; j++) s += v[j]!;
  return s;
}

/** Touches every column of the batch (the benchmark data has no NULLs). */
export function touchAll(batch: arrow.RecordBatch, acc: Accumulator): void {
  const n = batch.numRows;
  acc.rows += n;
  const id = column(batch, 'id').values as BigInt64Array;
  const words = new Int32Array(id.buffer, id.byteOffset, n * 2); // int64 as (low, high) words: no BigInt per row
  let sumId = 0;
  for (let j = 0; j < n; j++) sumId += (words[2 * j]! >>> 0) + words[2 * j + 1]! * 4294967296;
  acc.sumId += sumId;
  acc.sumI += sumInt32(column(batch, 'i'));
  const d = column(batch, 'd').values as Float64Array;
  let sumD = 0;
  for (let j = 0; j < n; j++) sumD += d[j]!;
  acc.sumD += sumD;
  const s = column(batch, 's');
  const offsets = s.valueOffsets as Int32Array;
  acc.stringBytes += offsets[n]! - offsets[0]!;
  const dt = column(batch, 'dt').values as Int32Array;
  let maxDt = acc.maxDt;
  for (let j = 0; j < n; j++) if (dt[j]! > maxDt) maxDt = dt[j]!;
  acc.maxDt = maxDt;
  const bd = column(batch, 'b');
  const bits = bd.values as Uint8Array;
  let trues = 0;
  for (let j = 0; j < n; j++) {
    const k = bd.offset + j;
    trues += (bits[k >> 3]! >> (k & 7)) & 1;
  }
  acc.trues += trues;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function fullRead(ctx: BenchContext): Promise<ScenarioResult[]> {
  const { cfg } = ctx;
  const path = ctx.appendTablePath;
  if (!path) throw new Error('the append table of scenario 1 was not written');
  const { files, snapshotId } = await tableFiles(path);
  const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
  const variants = [
    {
      id: 'read-all',
      title: '3a. Full-table read, all 6 columns (the append table of scenario 1)',
      projection: null as string[] | null,
      sql: `SELECT count(*), sum(id), sum(i), sum(d), sum(strlen(s)), max(dt), count_if(b) FROM read_parquet(${list})`,
      ours: 'FileStoreTable.open + newScan().plan() + read(plan); JS touches every column (sums of id, i, d; max dt; true count; string bytes)',
      duck: 'SELECT count(*), sum(id), sum(i), sum(d), sum(strlen(s)), max(dt), count_if(b) FROM read_parquet([same files])',
    },
    {
      id: 'read-one',
      title: '3b. Full-table read, one column (i)',
      projection: ['i'],
      sql: `SELECT count(*), sum(i) FROM read_parquet(${list})`,
      ours: "FileStoreTable.open + newScan().select(['i']).plan() + read(plan); JS sums i",
      duck: 'SELECT count(*), sum(i) FROM read_parquet([same files])',
    },
  ];
  const duck = ctx.skipDuckDB ? null : await openDuck(cfg);
  const results: ScenarioResult[] = [];
  try {
    for (const v of variants) {
      const r = emptyResult(v.id, v.title, cfg.rows);
      const wall0 = now();
      const oursRuns: number[] = [];
      const duckRuns: number[] = [];
      let acc = newAccumulator();
      let row: unknown[] | null = null;
      let memory = null;
      for (let rep = 0; rep < cfg.readRepeat; rep++) {
        ctx.log(`${v.id}: run ${rep + 1}/${cfg.readRepeat}`);
        const mem = rep === 0 ? new MemoryTracker() : null;
        let t = now();
        // Only the first run is profiled: the profiler's overhead stays out of the median.
        await SectionProfiler.around(rep === 0 ? ctx.profiler : null, v.id, async () => {
          const table = await FileStoreTable.open(path);
          const scan = v.projection ? table.newScan().select(v.projection) : table.newScan();
          const plan = await scan.plan();
          acc = newAccumulator();
          for await (const batch of scan.read(plan)) {
            if (v.projection) {
              acc.rows += batch.numRows;
              acc.sumI += sumInt32(column(batch, 'i'));
            } else touchAll(batch, acc);
          }
        });
        oursRuns.push(since(t));
        if (mem) memory = mem.stop();
        if (duck) {
          t = now();
          row = await queryRow(duck.conn, v.sql);
          duckRuns.push(since(t));
        }
      }
      const runs = ctx.profiler && oursRuns.length > 1 ? oursRuns.slice(1) : oursRuns;
      r.ours = side(median(runs), acc.rows, `${v.ours}; median of ${runs.length}`, { runsSeconds: oursRuns, memoryFirstRun: memory });
      r.checks['paimonRows'] = acc.rows;
      r.checks['rowsMatchWritten'] = acc.rows === cfg.rows;
      if (row) {
        r.duckdb = side(median(duckRuns), acc.rows, `${v.duck}; median of ${duckRuns.length}`, { runsSeconds: duckRuns });
        const same = (a: unknown, b: number) => asNumber(a as never) === b;
        r.checks['sameCountAsDuckDB'] = same(row[0], acc.rows);
        if (v.projection) {
          r.checks['sameSumIAsDuckDB'] = same(row[1], acc.sumI);
        } else {
          r.checks['sameSumIdAsDuckDB'] = same(row[1], acc.sumId);
          r.checks['sameSumIAsDuckDB'] = same(row[2], acc.sumI);
          r.checks['sumDRelativeDiff'] = Math.abs(asNumber(row[3] as never) - acc.sumD) / Math.max(1, Math.abs(acc.sumD));
          r.checks['sameStringBytesAsDuckDB'] = same(row[4], acc.stringBytes);
          r.checks['sameMaxDateAsDuckDB'] = same(row[5], acc.maxDt);
          r.checks['sameTrueCountAsDuckDB'] = same(row[6], acc.trues);
        }
      }
      r.checks['files'] = files.length;
      r.checks['snapshotId'] = snapshotId;
      r.notes.push('Both read the same Parquet files, warm in the page cache (just written); runs alternate between the two sides and the median is reported.');
      if (v.projection) r.notes.push('Both prune to column i (Parquet column projection).');
      results.push(finish(r, wall0));
    }
  } finally {
    duck?.close();
  }
  return results;
}
