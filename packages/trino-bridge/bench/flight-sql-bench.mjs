/**
 * Flight SQL throughput on loopback: a partitioned append table read as one
 * split statement (one endpoint per partition, read in parallel) and as one
 * endpoint, against DuckDB answering the same query in process.
 *
 *   node packages/trino-bridge/bench/flight-sql-bench.mjs [rows] [partitions]
 *
 * Needs the built packages (core, duckdb-ext, flight, trino-bridge dist/).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as arrow from 'apache-arrow';
import { FileSystemCatalog } from '@paimon-ts/core';
import { PaimonDuckDB, closePlanner } from '@paimon-ts/duckdb';
import { FlightClient, startFlightServer } from '@paimon-ts/flight';
import { createFlightSqlHandler, packAny } from '@paimon-ts/trino-bridge';

const rows = Number(process.argv[2] ?? 1_000_000);
const partitions = Number(process.argv[3] ?? 4);
const wh = mkdtempSync(`${tmpdir()}/flight-sql-bench-`);

const catalog = new FileSystemCatalog(wh);
await catalog.createDatabase('bench', false);
await catalog.createTable('bench.t', {
  fields: [{ name: 'id', type: 'BIGINT' }, { name: 'part', type: 'INT' }, { name: 'v', type: 'DOUBLE' }, { name: 's', type: 'STRING' }],
  partitionKeys: ['part'],
  options: { 'file.format': 'parquet' },
}, false);
const table = await catalog.getTable('bench.t');
let t0 = performance.now();
const w = table.newBatchWrite();
const chunk = 250_000;
for (let start = 0; start < rows; start += chunk) {
  const n = Math.min(chunk, rows - start);
  const id = BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i));
  const part = Int32Array.from({ length: n }, (_, i) => (start + i) % partitions);
  const v = Float64Array.from({ length: n }, (_, i) => (start + i) / 3);
  const s = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `row-${start + i}`), new arrow.Utf8());
  await w.write(new arrow.Table({ id: arrow.makeVector(id), part: arrow.makeVector(part), v: arrow.makeVector(v), s }));
}
await w.commit();
console.log(`wrote ${rows} rows in ${partitions} partitions: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const handler = createFlightSqlHandler({ warehouse: wh });
const server = await startFlightServer({ handlers: [handler] });
const client = new FlightClient(server.url);
const descriptor = (query) => ({ type: 'CMD', cmd: packAny('CommandStatementQuery', { query }) });

async function flight(label, sql, parallel) {
  const start = performance.now();
  const info = await client.getFlightInfo(descriptor(sql));
  const planned = performance.now();
  const result = await client.readAll(info, parallel);
  const ms = performance.now() - start;
  const bytes = result.batches.reduce((n, b) => n + b.data.children.reduce((m, c) => m + c.byteLength, 0), 0);
  console.log(`${label}: ${info.endpoints.length} endpoint(s), ${result.numRows} rows, ${ms.toFixed(0)} ms (plan ${(planned - start).toFixed(0)} ms), ${((result.numRows / ms) * 1000 / 1e6).toFixed(2)} M rows/s, ${((bytes / ms) * 1000 / 1e6).toFixed(1)} MB/s of Arrow`);
}

const duck = await PaimonDuckDB.open({ warehouse: wh });
async function direct(label, sql) {
  const start = performance.now();
  const reader = await duck.query(sql);
  const ms = performance.now() - start;
  console.log(`${label}: ${reader.currentRowCount} rows, ${ms.toFixed(0)} ms`);
}

for (let run = 0; run < 2; run++) {
  await flight('Flight SQL, split, 4 parallel', 'SELECT * FROM bench.t', 4);
  await flight('Flight SQL, one endpoint', `SELECT * FROM bench.t LIMIT ${rows}`, 1);
  await direct('DuckDB in process (materialized, no Arrow)', 'SELECT * FROM bench.t');
}

duck.close();
client.close();
await server.close();
await handler.close();
await closePlanner();
rmSync(wh, { recursive: true, force: true });
