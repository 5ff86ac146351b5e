#!/usr/bin/env node
/**
 * Flight load test (loopback only, bounded in time; measurement, not a test).
 *
 *   node bench/flight-load.mjs            # FLIGHT_ROWS=10000000 by default
 *   FLIGHT_ROWS=2000000 FLIGHT_CLIENTS=16 FLIGHT_SECONDS=120 node bench/flight-load.mjs
 *
 * 1. Writes a table of FLIGHT_ROWS rows (id BIGINT, i INT, d DOUBLE, s STRING,
 *    dt DATE; an append table with 16 buckets, so a plan has 16 splits) into a
 *    temp warehouse, and the same Arrow data into a local IPC file.
 * 2. Baselines in this process: reading the IPC file; core reading the table
 *    (Parquet decode, no network).
 * 3. Starts `paimon-ts serve`-equivalent Flight server (the Spark face) in a
 *    child process, then FLIGHT_CLIENTS clients (own connections) each plan the
 *    table and read every endpoint, until all are done or FLIGHT_SECONDS pass
 *    (then the streams are cancelled). Reports MB/s (Arrow buffer bytes) and
 *    rows/s for all three, and the server's peak RSS (VmHWM).
 *
 * Knobs: FLIGHT_ROWS, FLIGHT_CLIENTS, FLIGHT_SECONDS, FLIGHT_PARALLEL (DoGet
 * streams per client at once, default 1), FLIGHT_KEEP_TMP=1, FLIGHT_DIR (a folder
 * to keep the table in and reuse on the next run).
 */
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';

const env = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);

// ---- server mode: `node flight-load.mjs --serve <warehouse>` prints the port, serves until killed.
if (process.argv[2] === '--serve') {
  const { FileSystemCatalog } = await import('@paimon-ts/core');
  const { startFlightServer } = await import('@paimon-ts/flight');
  const { createSparkHandler } = await import('@paimon-ts/spark-bridge');
  const server = await startFlightServer({ handlers: [createSparkHandler(new FileSystemCatalog(process.argv[3]))], maxConcurrentStreams: 256 });
  process.stdout.write(`PORT ${server.port}\n`);
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
  await new Promise(() => {});
}

const ROWS = env('FLIGHT_ROWS', 10_000_000);
const CLIENTS = env('FLIGHT_CLIENTS', 16);
const SECONDS = env('FLIGHT_SECONDS', 120);
const PARALLEL = env('FLIGHT_PARALLEL', 1);
const BATCH = 1_000_000;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

const { FileSystemCatalog, parseColumnList } = await import('@paimon-ts/core');
const { FlightClient } = await import('@paimon-ts/flight');
const log = (line) => process.stderr.write(`${line}\n`);
const mb = (bytes) => bytes / 1024 / 1024;
const batchBytes = (b) => b.data.children.reduce((n, c) => n + c.byteLength, 0);

function makeBatch(start, n) {
  const id = new BigInt64Array(n);
  const i32 = new Int32Array(n);
  const d = new Float64Array(n);
  const dt = new Int32Array(n);
  const s = new Array(n);
  for (let k = 0; k < n; k++) {
    const v = start + k;
    id[k] = BigInt(v);
    i32[k] = (v * 2654435761) % 1000003 | 0;
    d[k] = v / 7;
    dt[k] = 19000 + (v % 365);
    s[k] = `${WORDS[v % 16]}-${String(v % 1000000).padStart(6, '0')}`;
  }
  return new arrow.Table({
    id: arrow.makeVector(id),
    i: arrow.makeVector(i32),
    d: arrow.makeVector(d),
    s: arrow.vectorFromArray(s, new arrow.Utf8()),
    dt: arrow.makeVector(arrow.makeData({ type: new arrow.DateDay(), data: dt })),
  });
}

const tmp = process.env.FLIGHT_DIR ?? mkdtempSync(join(tmpdir(), 'flight-load-'));
const reuse = Boolean(process.env.FLIGHT_DIR) && existsSync(join(tmp, 'warehouse', 'bench.db', 'events'));
const result = { rows: ROWS, clients: CLIENTS, secondsBound: SECONDS, parallelPerClient: PARALLEL };
let serverProc = null;
try {
  // ---- 1. the table and the IPC file
  const catalog = new FileSystemCatalog(join(tmp, 'warehouse'));
  if (!reuse) {
    await catalog.createDatabase('bench', false);
    await catalog.createTable('bench.events', { fields: parseColumnList('id BIGINT, i INT, d DOUBLE, s STRING, dt DATE'), options: { bucket: '16', 'bucket-key': 'id' } }, false);
  }
  let t0 = performance.now();
  for (let at = 0; at < (reuse ? 0 : ROWS); at += BATCH) {
    const table = await catalog.getTable('bench.events');
    const w = table.newBatchWrite();
    await w.write(makeBatch(at, Math.min(BATCH, ROWS - at)));
    await w.commit();
    log(`written ${Math.min(at + BATCH, ROWS)} rows`);
  }
  result.writeSeconds = (performance.now() - t0) / 1000;

  // ---- 2. baselines: core reading the table, and an IPC file of the same Arrow data
  const table = await catalog.getTable('bench.events');
  const scan = table.newScan();
  const plan = await scan.plan();
  result.splits = plan.splits.length;
  const ipcPath = join(tmp, 'events.arrows');
  const writer = arrow.RecordBatchStreamWriter.throughNode();
  const sink = createWriteStream(ipcPath);
  writer.pipe(sink);
  let coreRows = 0;
  let coreBytes = 0;
  t0 = performance.now();
  for await (const b of scan.read(plan)) {
    coreRows += b.numRows;
    coreBytes += batchBytes(b);
    writer.write(b);
  }
  const coreSeconds = (performance.now() - t0) / 1000; // includes feeding the IPC writer (small)
  writer.end();
  await new Promise((r) => sink.on('close', r));
  result.core = { rows: coreRows, seconds: coreSeconds, mbPerSec: mb(coreBytes) / coreSeconds, rowsPerSec: coreRows / coreSeconds };
  result.ipcFileMB = mb(statSync(ipcPath).size);

  t0 = performance.now();
  let ipcRows = 0;
  let ipcBytes = 0;
  const reader = await arrow.RecordBatchReader.from(createReadStream(ipcPath));
  for await (const b of reader) {
    ipcRows += b.numRows;
    ipcBytes += batchBytes(b);
  }
  const ipcSeconds = (performance.now() - t0) / 1000;
  result.ipcFile = { rows: ipcRows, seconds: ipcSeconds, mbPerSec: mb(ipcBytes) / ipcSeconds, rowsPerSec: ipcRows / ipcSeconds };
  log(`baselines: core ${coreSeconds.toFixed(1)} s, IPC file ${ipcSeconds.toFixed(1)} s for ${ipcRows} rows`);

  // ---- 3. the server in its own process, 16 clients here
  serverProc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', join(tmp, 'warehouse')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    serverProc.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    serverProc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const rssOf = () => {
    const status = readFileSync(`/proc/${serverProc.pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  };
  result.serverIdleRssMB = rssOf().rss;
  let sampledPeak = 0;
  const timeline = [];
  const sampler = setInterval(() => {
    const { rss } = rssOf();
    sampledPeak = Math.max(sampledPeak, rss);
    timeline.push(rss);
  }, 200);

  const deadline = new AbortController();
  setMaxListeners(CLIENTS * PARALLEL + 10, deadline.signal);
  const timer = setTimeout(() => deadline.abort(), SECONDS * 1000);
  let rows = 0;
  let bytes = 0;
  let finishedClients = 0;
  t0 = performance.now();
  const perClient = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const client = new FlightClient(`grpc://127.0.0.1:${port}`, { channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
      const info = await client.getFlightInfo({ type: 'PATH', path: ['bench', 'events'] });
      // each client starts at a different endpoint, so the server reads different splits at once
      const order = info.endpoints.map((_, k) => info.endpoints[(k + c) % info.endpoints.length]);
      let mine = 0;
      let next = 0;
      const worker = async () => {
        while (next < order.length && !deadline.signal.aborted) {
          const e = order[next++];
          try {
            for await (const b of client.doGet(e.ticket, { signal: deadline.signal })) {
              mine += b.numRows;
              rows += b.numRows;
              bytes += batchBytes(b);
            }
          } catch (err) {
            if (!deadline.signal.aborted) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      if (!deadline.signal.aborted) finishedClients++;
      client.close();
      return mine;
    }),
  );
  const flightSeconds = (performance.now() - t0) / 1000;
  clearTimeout(timer);
  clearInterval(sampler);
  const rss = rssOf();
  result.flight = {
    rows,
    seconds: flightSeconds,
    mbPerSec: mb(bytes) / flightSeconds,
    rowsPerSec: rows / flightSeconds,
    clientsFinished: finishedClients,
    timedOut: deadline.signal.aborted,
    rowsPerClientMin: Math.min(...perClient),
    rowsPerClientMax: Math.max(...perClient),
  };
  result.serverPeakRssMB = rss.hwm;
  result.serverSampledPeakRssMB = sampledPeak;
  // RSS at each quarter of the streaming phase: flat means bounded, rising means something accumulates.
  result.serverRssQuartersMB = [0.25, 0.5, 0.75, 1].map((q) => timeline[Math.max(0, Math.ceil(q * timeline.length) - 1)] ?? 0);
  result.flightVsIpcFile = result.flight.mbPerSec / result.ipcFile.mbPerSec;
  result.flightVsCore = result.flight.mbPerSec / result.core.mbPerSec;
} finally {
  if (serverProc) serverProc.kill('SIGTERM');
  if (!process.env.FLIGHT_KEEP_TMP && !process.env.FLIGHT_DIR) rmSync(tmp, { recursive: true, force: true });
}

const f = (x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });
const lines = [
  `# Flight load: ${f(ROWS, 0)} rows, ${CLIENTS} clients (each reads every endpoint, ${PARALLEL} stream at a time), bound ${SECONDS} s`,
  '',
  '| reader | rows | seconds | MB/s (Arrow buffers) | rows/s |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| local IPC file (same Arrow data, 1 reader) | ${f(result.ipcFile.rows, 0)} | ${f(result.ipcFile.seconds, 2)} | ${f(result.ipcFile.mbPerSec)} | ${f(result.ipcFile.rowsPerSec, 0)} |`,
  `| core reader, no network (Parquet decode) | ${f(result.core.rows, 0)} | ${f(result.core.seconds, 2)} | ${f(result.core.mbPerSec)} | ${f(result.core.rowsPerSec, 0)} |`,
  `| Flight, ${CLIENTS} clients together | ${f(result.flight.rows, 0)} | ${f(result.flight.seconds, 2)} | ${f(result.flight.mbPerSec)} | ${f(result.flight.rowsPerSec, 0)} |`,
  '',
  `Splits (endpoints): ${result.splits}. Clients that read the whole table before the bound: ${result.flight.clientsFinished}/${CLIENTS}` +
    ` (rows per client ${f(result.flight.rowsPerClientMin, 0)}..${f(result.flight.rowsPerClientMax, 0)}).`,
  `Server peak RSS (VmHWM): ${f(result.serverPeakRssMB)} MB (idle ${f(result.serverIdleRssMB)} MB; at each quarter of the run: ${result.serverRssQuartersMB.map((x) => f(x, 0)).join(', ')} MB). IPC file: ${f(result.ipcFileMB)} MB.`,
  `Flight / IPC file throughput: ${f(result.flightVsIpcFile, 2)}; Flight / core reader: ${f(result.flightVsCore, 2)}.${reuse ? '' : ` Table written in ${f(result.writeSeconds)} s.`}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
