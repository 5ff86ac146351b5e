/**
 * Test helpers: a warehouse built with core's writer (plus copies of Paimon
 * Java fixture tables), a real Flight server with the Flight SQL face on
 * loopback, and a small Flight SQL client made of the Flight test client and
 * our FlightSql.proto messages.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { FileSystemCatalog, getValue, toJsonValue, type DataField, type JsonValue } from '@paimon-ts/core';
import { FlightClient, startFlightServer, type FlightInfoSpec, type FlightServer } from '@paimon-ts/flight';
import { createFlightSqlHandler, packAny, unpackAny, type FlightSqlHandler, type FlightSqlMessageName, type FlightSqlMessages } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));

/** Fixture tables copied into the warehouse's `fixtures` database. */
export const FIXTURE_TABLES = ['pk_table_scan_and_read_mor-parquet', 'append_10-parquet', 'append_10-orc'];

export const DAYS = ['2024-06-01', '2024-06-02', '2024-06-03'];

/**
 * shop.orders: primary key (dt, id), partitioned by dt, 2 buckets, written
 * twice (the second commit updates and deletes keys, so reads merge).
 * logs.events: append table partitioned by day (one row in the NULL partition), one value of every common type.
 * logs.empty: no snapshot. sales_2024.q1, salesX2024.q1: for LIKE patterns.
 */
export async function buildWarehouse(): Promise<string> {
  const wh = mkdtempSync(`${tmpdir()}/trino-bridge-wh-`);
  const catalog = new FileSystemCatalog(wh);
  for (const db of ['shop', 'logs', 'sales_2024', 'salesX2024', 'fixtures']) await catalog.createDatabase(db, false);

  await catalog.createTable(
    'shop.orders',
    {
      fields: [
        { name: 'id', type: 'BIGINT NOT NULL' },
        { name: 'dt', type: 'STRING NOT NULL' },
        { name: 'customer', type: 'STRING' },
        { name: 'amount', type: 'DECIMAL(10, 2)' },
      ],
      primaryKeys: ['dt', 'id'],
      partitionKeys: ['dt'],
      options: { bucket: '2', 'file.format': 'parquet' },
    },
    false,
  );
  const orders = await catalog.getTable('shop.orders');
  let w = orders.newBatchWrite();
  await w.write(Array.from({ length: 300 }, (_, i) => ({ id: i, dt: DAYS[i % 3], customer: `c${i % 7}`, amount: (i * 1.25).toFixed(2) })));
  await w.commit();
  w = orders.newBatchWrite();
  await w.write(
    Array.from({ length: 30 }, (_, i) => ({ id: i * 10, dt: DAYS[(i * 10) % 3], customer: i % 5 === 0 ? null : 'updated', amount: '999.99' })),
  );
  await w.write([{ id: 1, dt: DAYS[1], customer: null, amount: null }], { kinds: ['-D'] });
  await w.commit();

  await catalog.createTable(
    'logs.events',
    {
      fields: [
        { name: 'id', type: 'BIGINT' },
        { name: 'day', type: 'DATE' },
        { name: 'ts', type: 'TIMESTAMP(3)' },
        { name: 'msg', type: 'STRING' },
        { name: 'score', type: 'DOUBLE' },
        { name: 'flag', type: 'BOOLEAN' },
        { name: 'price', type: 'DECIMAL(12, 3)' },
        { name: 'tags', type: 'ARRAY<STRING>' },
        { name: 'attrs', type: 'MAP<STRING, INT>' },
        { name: 'point', type: 'ROW<x INT, label STRING>' },
        { name: 'raw', type: 'BYTES' },
      ],
      partitionKeys: ['day'],
      options: { 'file.format': 'parquet' },
    },
    false,
  );
  const events = await catalog.getTable('logs.events');
  w = events.newBatchWrite();
  await w.write(
    Array.from({ length: 120 }, (_, i) => ({
      id: i,
      day: DAYS[i % 3],
      ts: `2024-06-0${1 + (i % 3)} 12:00:${String(i % 60).padStart(2, '0')}.123`,
      msg: i % 11 === 0 ? null : `event ${i} ünïcødé`,
      score: i / 7,
      flag: i % 2 === 0,
      price: (i * 3.141).toFixed(3),
      tags: i % 4 === 0 ? [] : [`t${i % 3}`, `u${i % 5}`],
      attrs: new Map([[`k${i % 3}`, i]]),
      point: { x: i, label: `p${i}` },
      raw: Buffer.from([i, 255 - i]),
    })),
  );
  // A NULL partition value (Paimon's __DEFAULT_PARTITION__ folder).
  await w.write([{ id: 1000, day: null, ts: null, msg: 'no day', score: 99.5, flag: null, price: null, tags: null, attrs: null, point: null, raw: null }]);
  await w.commit();

  await catalog.createTable('logs.empty', { fields: [{ name: 'a', type: 'INT' }, { name: 'b', type: 'STRING' }] }, false);
  for (const db of ['sales_2024', 'salesX2024']) await catalog.createTable(`${db}.q1`, { fields: [{ name: 'v', type: 'INT' }] }, false);

  for (const name of FIXTURE_TABLES) cpSync(`${FIXTURES}${name}`, `${wh}/fixtures.db/${name}`, { recursive: true });
  return wh;
}

export function removeWarehouse(wh: string): void {
  rmSync(wh, { recursive: true, force: true });
}

export interface Service {
  handler: FlightSqlHandler;
  server: FlightServer;
  client: FlightClient;
  close(): Promise<void>;
}

/** The Flight SQL face on a real Flight server over loopback, with a client. */
export async function startService(warehouse: string, options: { token?: string; batchRows?: number } = {}): Promise<Service> {
  const handler = createFlightSqlHandler({ warehouse, ...(options.batchRows ? { batchRows: options.batchRows } : {}) });
  const server = await startFlightServer({ handlers: [handler], port: 0, ...(options.token ? { auth: { tokens: [options.token] } } : {}) });
  const client = new FlightClient(server.url, options.token ? { token: options.token } : {});
  return {
    handler,
    server,
    client,
    async close() {
      client.close();
      await server.close();
      await handler.close();
    },
  };
}

/** A CMD descriptor holding a Flight SQL command. */
export function cmd<N extends FlightSqlMessageName>(name: N, message: FlightSqlMessages[N]) {
  return { type: 'CMD' as const, cmd: packAny(name, message) };
}

/** GetFlightInfo then every endpoint, `parallel` at a time: the rows as one table. */
export async function fetchAll(client: FlightClient, name: FlightSqlMessageName, message: object, parallel = 4): Promise<{ info: FlightInfoSpec; table: arrow.Table }> {
  const info = await client.getFlightInfo(cmd(name, message as never));
  return { info, table: await client.readAll(info, parallel) };
}

export function query(client: FlightClient, sql: string, parallel = 4) {
  return fetchAll(client, 'CommandStatementQuery', { query: sql }, parallel);
}

/** The message inside an Any (an action result). */
export function unpack<N extends FlightSqlMessageName>(name: N, bytes: Uint8Array): FlightSqlMessages[N] {
  const c = unpackAny(bytes);
  if (c?.name !== name) throw new Error(`expected ${name}, got ${c?.name ?? 'no Flight SQL message'}`);
  return c.message as FlightSqlMessages[N];
}

/** Rows of an Arrow table as JSON text per row (values rendered by Arrow's own JSON), sorted. */
export function arrowRows(table: arrow.Table): string[] {
  const rows: string[] = [];
  for (const batch of table.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      rows.push(JSON.stringify(batch.schema.fields.map((_, c) => jsonOf(batch.data.children[c]!, r))));
    }
  }
  return rows.sort();
}

function jsonOf(data: arrow.Data, r: number): JsonValue {
  const v = getValue(data, r);
  return plain(v);
}

/** Core values made JSON-comparable (bigint and bytes as text). */
function plain(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v as JsonValue;
}

/** Rows of a core read (the table's fields), rendered like `arrowRows`, sorted. */
export function rowsOfFields(batches: arrow.RecordBatch[], fields: readonly DataField[]): string[] {
  const out: string[] = [];
  for (const b of batches) for (let r = 0; r < b.numRows; r++) out.push(JSON.stringify(fields.map((f, c) => toJsonValue(getValue(b.data.children[c]!, r), f.type))));
  return out.sort();
}
