/**
 * 5. The LSM tree under upserts: 1M upserts over 100k keys in 20 commits
 * into a primary-key table whose writers compact inline (universal
 * compaction, Paimon's default triggers). Reports rows/s, write
 * amplification (data bytes written by flushes and compactions over the
 * bytes flushed), and the read of the table before and after a full
 * compaction. DuckDB does the same dedupe (QUALIFY + COPY) and reads the
 * compacted files with read_parquet.
 */
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { FileStoreTable, FileSystemCatalog } from '@paimon-ts/core';
import { intEnv, type BenchConfig } from './config.js';
import { appendToDuckDB, FIELDS, generateBatch, toArrowTable } from './data.js';
import { asNumber, openDuck, queryRow, sqlString } from './duck.js';
import { MemoryTracker } from './memory.js';
import { emptyResult, fieldSpecs, markNewKeys, median, newAccumulator, now, side, since, tableFiles, touchAll, type BenchContext, type WriteScenario } from './scenarios.js';

interface LsmSize {
  rows: number;
  keys: number;
  batchRows: number;
}

function lsmSize(cfg: BenchConfig): LsmSize {
  return {
    rows: intEnv('BENCH_LSM_ROWS') ?? (cfg.quick ? 100_000 : 1_000_000),
    keys: intEnv('BENCH_LSM_KEYS') ?? (cfg.quick ? 10_000 : 100_000),
    batchRows: intEnv('BENCH_LSM_BATCH') ?? (cfg.quick ? 10_000 : 50_000),
  };
}

/** Bytes of data files each kind of snapshot added (an upgrade re-adds a file already counted). */
async function writtenBytes(table: FileStoreTable) {
  const seen = new Set<string>();
  let flushed = 0;
  let compacted = 0;
  let compactions = 0;
  for (let id = 1; id <= ((await table.snapshots.latestId()) ?? 0); id++) {
    const s = await table.snapshots.snapshot(id);
    if (s.commitKind === 'COMPACT') compactions++;
    for (const m of await table.manifests.manifestList(s.deltaManifestList)) {
      for (const e of await table.manifests.manifest(m.fileName)) {
        if (e.kind !== 0 || seen.has(e.file.fileName)) continue;
        seen.add(e.file.fileName);
        if (s.commitKind === 'COMPACT') compacted += e.file.fileSize;
        else flushed += e.file.fileSize;
      }
    }
  }
  return { flushed, compacted, compactions };
}

async function timedRead(path: string): Promise<{ seconds: number; rows: number }> {
  const t = now();
  const table = await FileStoreTable.open(path);
  const scan = table.newScan();
  const acc = newAccumulator();
  for await (const batch of scan.read(await scan.plan())) touchAll(batch, acc);
  return { seconds: since(t), rows: acc.rows };
}

export function lsmWrite(ctx: BenchContext): WriteScenario {
  const { cfg } = ctx;
  const size = lsmSize(cfg);
  const commits = Math.ceil(size.rows / size.batchRows);
  const r = emptyResult('lsm', `5. LSM upserts with inline compaction (${size.rows.toLocaleString('en-US')} rows over ${size.keys.toLocaleString('en-US')} keys, bucket = 4, ${commits} commits)`, size.rows);
  let tablePath = '';
  let distinct = 0;
  return {
    result: r,
    async ours() {
      const catalog = new FileSystemCatalog(ctx.warehouse);
      await catalog.createDatabase('bench', true);
      await catalog.createTable('bench.lsm_t', { fields: fieldSpecs(), primaryKeys: ['id'], options: { bucket: '4' } }, false);
      const table = await catalog.getTable('bench.lsm_t');
      tablePath = table.path;
      const seen = new Uint8Array(size.keys);
      const perCommit: number[] = [];
      const mem = new MemoryTracker();
      for (let index = 0, first = 0; first < size.rows; index++, first += size.batchRows) {
        const raw = generateBatch('upsert', index, first, Math.min(size.batchRows, size.rows - first), size.keys);
        distinct += markNewKeys(raw, seen);
        const input = toArrowTable(raw);
        const t = now();
        const w = (await table.reload()).newBatchWrite();
        await w.write(input);
        await w.commit();
        perCommit.push(since(t));
      }
      const memory = mem.stop();
      const writeSec = perCommit.reduce((a, b) => a + b, 0);
      ctx.log(`lsm: ${size.rows} upserts in ${writeSec.toFixed(2)} s`);
      const bytes = await writtenBytes(await table.reload());
      const before = await tableFiles(tablePath);
      const reads = Array.from({ length: cfg.readRepeat }, () => 0);
      let readRows = 0;
      for (let i = 0; i < reads.length; i++) ({ seconds: reads[i]!, rows: readRows } = await timedRead(tablePath));
      const tc = now();
      await (await table.reload()).compact({ full: true });
      const compactSec = since(tc);
      const after = await tableFiles(tablePath);
      const readsAfter = Array.from({ length: cfg.readRepeat }, () => 0);
      let readRowsAfter = 0;
      for (let i = 0; i < readsAfter.length; i++) ({ seconds: readsAfter[i]!, rows: readRowsAfter } = await timedRead(tablePath));
      r.ours = side(writeSec, size.rows, `per commit: newBatchWrite(), write(${size.batchRows} rows), commit() — flushes and inline compactions`, {
        perCommitSeconds: perCommit.map((x) => Number(x.toFixed(3))),
        memory,
        flushedBytes: bytes.flushed,
        compactionBytes: bytes.compacted,
        writeAmplification: Number(((bytes.flushed + bytes.compacted) / bytes.flushed).toFixed(2)),
        compactSnapshots: bytes.compactions,
        filesBeforeFullCompaction: before.files.length,
        levelsBeforeFullCompaction: [...new Set(before.files.map((f) => f.level))].sort(),
        readBeforeFullCompactionSeconds: median(reads),
        fullCompactionSeconds: compactSec,
        filesAfterFullCompaction: after.files.length,
        readAfterFullCompactionSeconds: median(readsAfter),
      });
      r.checks['distinctKeys'] = distinct;
      r.checks['rowsBeforeFullCompactionMatch'] = readRows === distinct;
      r.checks['rowsAfterFullCompactionMatch'] = readRowsAfter === distinct;
      r.notes.push(
        `Write amplification ${((bytes.flushed + bytes.compacted) / bytes.flushed).toFixed(2)}x (${bytes.compactions} COMPACT snapshots). ` +
          `Read (merge-on-read over ${before.files.length} files) ${median(reads).toFixed(2)} s before a full compaction, ` +
          `${median(readsAfter).toFixed(2)} s after it (${after.files.length} files, no merge); the full compaction took ${compactSec.toFixed(2)} s.`,
      );
    },
    async duck() {
      const duck = await openDuck(cfg);
      try {
        await duck.conn.run(`CREATE TABLE lsm_src (${[...FIELDS.map((f) => `${f.name} ${f.duck}`), 'seq BIGINT'].join(', ')})`);
        const appender = await duck.conn.createAppender('lsm_src');
        for (let index = 0, first = 0; first < size.rows; index++, first += size.batchRows) {
          appendToDuckDB(appender, generateBatch('upsert', index, first, Math.min(size.batchRows, size.rows - first), size.keys), true);
        }
        appender.closeSync();
        const out = join(ctx.tmp, 'duckdb-lsm.parquet');
        const t = now();
        await duck.conn.run(`COPY (SELECT id, i, d, s, dt, b FROM lsm_src QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
        const sec = since(t);
        r.duckdb = side(sec, size.rows, 'COPY (SELECT ... QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1) TO parquet (zstd)', { dataBytes: statSync(out).size });
        if (tablePath) {
          const { files } = await tableFiles(tablePath);
          const list = `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
          const runs: number[] = [];
          let count: unknown = null;
          for (let i = 0; i < cfg.readRepeat; i++) {
            const tr = now();
            [count] = await queryRow(duck.conn, `SELECT count(*), sum(id), sum(i), sum(d), sum(strlen(s)), max(dt), count_if(b) FROM read_parquet(${list})`);
            runs.push(since(tr));
          }
          r.duckdb.detail['readCompactedFilesSeconds'] = median(runs);
          r.checks['duckdbRowsOfCompactedFiles'] = asNumber(count as never);
          r.notes.push(`DuckDB reads the fully compacted files with read_parquet in ${median(runs).toFixed(2)} s (same columns touched).`);
        }
        await duck.conn.run('DROP TABLE lsm_src');
      } finally {
        duck.close();
      }
    },
  };
}
