/**
 * Timings of paimon_scan (fast path, and core's reader through DuckDB) against
 * plain read_parquet over the same files, on a Paimon-Java fixture and on
 * ~1M-row tables written here. Run after `npm run build`:
 *   node packages/duckdb-ext/bench/bench.mjs [rows=1000000] [runs=5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStoreTable, FileSystemCatalog } from '@paimon-ts/core';
import { onPaimonScan, PaimonDuckDB, paimonWrite } from '@paimon-ts/duckdb';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 5);
const FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/pk_table_scan_and_read_mor-parquet', import.meta.url));

const db = await PaimonDuckDB.open({});
const c = db.connection;
const q = (s) => `'${s.replace(/'/g, "''")}'`;

async function time(label, fn) {
  await fn(); // warm up (worker, caches)
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const med = ms[Math.floor(ms.length / 2)];
  console.log(`  ${label.padEnd(58)} median ${med.toFixed(1).padStart(8)} ms  (min ${ms[0].toFixed(1)})`);
  return med;
}

async function filesOf(path) {
  let files = [];
  const stop = onPaimonScan((info) => (files = info.files));
  await c.runAndReadAll(`SELECT count(*) FROM paimon_scan(${q(path)})`);
  stop();
  return files;
}

async function compare(title, path, agg) {
  const files = await filesOf(path);
  const list = `[${files.map(q).join(', ')}]`;
  console.log(`${title}: ${files.length} files`);
  const rows = (await c.runAndReadAll(`SELECT count(*) FROM paimon_scan(${q(path)})`)).getRows()[0][0];
  const raw = (await c.runAndReadAll(`SELECT count(*) FROM read_parquet(${list}, hive_partitioning = false)`)).getRows()[0][0];
  console.log(`  rows: ${rows} through paimon_scan, ${raw} physical rows in the files`);
  await time(`plain read_parquet([files]) (no merge: not the table's rows)`, () => c.runAndReadAll(`SELECT ${agg} FROM read_parquet(${list}, hive_partitioning = false)`));
  await time('paimon_scan, fast path (plan + DuckDB Parquet + SQL merge)', () => c.runAndReadAll(`SELECT ${agg} FROM paimon_scan(${q(path)})`));
  await time('paimon_scan, fast_path := false (core reads, fed to DuckDB)', () => c.runAndReadAll(`SELECT ${agg} FROM paimon_scan(${q(path)}, fast_path := false)`));
  await time('core alone: newScan().toArrow() (for reference)', async () => (await FileStoreTable.open(path)).newScan().toArrow());
}

await compare('Fixture pk_table_scan_and_read_mor-parquet (Paimon Java, merge-on-read)', FIXTURE, 'count(*), sum(f3), max(f0), max(f1), max(f2)');

const warehouse = mkdtempSync(join(tmpdir(), 'paimon-duckdb-bench-'));
try {
  const catalog = new FileSystemCatalog(warehouse);
  await catalog.createDatabase('b', true);
  const cols = [
    { name: 'id', type: 'BIGINT NOT NULL' },
    { name: 'grp', type: 'INT NOT NULL' },
    { name: 'name', type: 'STRING' },
    { name: 'amount', type: 'DOUBLE' },
    { name: 'ts', type: 'TIMESTAMP(6)' },
  ];
  const source = (from, to, salt) =>
    `SELECT i AS id, (i % 8)::INT AS grp, 'name-' || (i * ${salt}) AS name, i * 0.5 + ${salt} AS amount, TIMESTAMP '2024-01-01' + to_seconds(i) AS ts FROM range(${from}, ${to}) t(i)`;
  const agg = 'count(*), sum(id), sum(grp), max(name), sum(amount), max(ts)';

  await catalog.createTable('b.append', { fields: cols, options: { bucket: '4', 'bucket-key': 'id', 'file.format': 'parquet' } }, false);
  let t = performance.now();
  await paimonWrite(c, warehouse, 'b.append', source(0, ROWS, 1));
  console.log(`\npaimonWrite of ${ROWS} rows x 5 columns into an append table: ${(performance.now() - t).toFixed(0)} ms`);
  await compare(`Append table, ${ROWS} rows, 4 buckets`, join(warehouse, 'b.db', 'append'), agg);

  await catalog.createTable('b.pk', { fields: cols, primaryKeys: ['id'], options: { bucket: '4', 'file.format': 'parquet' } }, false);
  t = performance.now();
  await paimonWrite(c, warehouse, 'b.pk', source(0, ROWS, 1));
  await paimonWrite(c, warehouse, 'b.pk', source(0, Math.floor(ROWS / 10), 2));
  console.log(`\npaimonWrite of ${ROWS} + ${Math.floor(ROWS / 10)} rows into a primary-key table: ${(performance.now() - t).toFixed(0)} ms`);
  await compare(`Primary-key table, ${ROWS} keys, 10% updated (merge-on-read)`, join(warehouse, 'b.db', 'pk'), agg);
} finally {
  db.close();
  rmSync(warehouse, { recursive: true, force: true });
}
