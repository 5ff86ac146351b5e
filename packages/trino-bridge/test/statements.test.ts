/**
 * Flight SQL statements over a real Flight server on loopback: results equal
 * DuckDB's direct answer (and core's reader), split endpoints cover exactly
 * the unsplit result, prepared statements, errors and cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as arrow from 'apache-arrow';
import { FileStoreTable, FileSystemCatalog } from '@paimon-ts/core';
import { PaimonDuckDB, fromDuckValue } from '@paimon-ts/duckdb';
import { decodeSchema, FlightError } from '@paimon-ts/flight';
import { packAny, paimonTypeOf } from '../src/index.js';
import { arrowRows, buildWarehouse, cmd, DAYS, FIXTURE_TABLES, query, removeWarehouse, rowsOfFields, startService, unpack, type Service } from './helpers.js';

let wh: string;
let svc: Service;
let duck: PaimonDuckDB;

beforeAll(async () => {
  wh = await buildWarehouse();
  svc = await startService(wh, { batchRows: 4096 });
  duck = await PaimonDuckDB.open({ warehouse: wh });
});

afterAll(async () => {
  duck?.close();
  await svc?.close();
  removeWarehouse(wh);
});

/**
 * DuckDB's own answer (through the DuckDB package's `paimonQuery`, or the
 * connection directly with `raw`), each value through the same Paimon type
 * the face uses, rendered like `arrowRows`.
 */
async function duckRows(sql: string, raw = false): Promise<string[]> {
  const reader = raw ? await duck.connection.runAndReadAll(sql) : await duck.query(sql);
  const types = reader.columnTypes().map((t) => paimonTypeOf(t).type);
  const plain = (v: unknown): unknown =>
    v === null ? null : typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : Array.isArray(v) ? v.map(plain) : v;
  return reader
    .getRows()
    .map((row) => JSON.stringify(row.map((v, i) => plain(fromDuckValue(v, types[i]!)))))
    .sort();
}

async function failure(p: Promise<unknown>): Promise<FlightError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FlightError);
  return e as FlightError;
}

const values = (t: arrow.Table, name: string) => Array.from(t.getChild(name)!) as unknown[];

/** Which split (`partition/bucket`) core reads each row from, by the `id` column. */
async function splitOfId(path: string): Promise<Map<bigint, string>> {
  const table = await FileStoreTable.open(path);
  const scan = table.newScan();
  const plan = await scan.plan();
  const out = new Map<bigint, string>();
  for (const split of plan.splits) {
    for await (const batch of scan.read(plan, [split])) {
      for (const id of batch.getChild('id')!) out.set(id as bigint, `${split.partition.join(',')}/${split.bucket}`);
    }
  }
  return out;
}

/** The split each endpoint's rows come from: one per endpoint, or an error naming the mix. */
async function splitsOfEndpoints(info: { endpoints: { ticket: Uint8Array }[] }, path: string): Promise<string[]> {
  const of = await splitOfId(path);
  const tables = await Promise.all(info.endpoints.map((e) => svc.client.doGetTable(e.ticket)));
  return tables.map((t) => {
    const keys = [...new Set(values(t, 'id').map((id) => of.get(id as bigint) ?? 'unknown'))];
    if (keys.length !== 1) throw new Error(`an endpoint holds rows of ${keys.join(', ') || 'no split'}`);
    return keys[0]!;
  });
}

describe('statement queries', () => {
  it('SELECT * of a merge-on-read primary-key table equals DuckDB directly and core’s reader', async () => {
    const { info, table } = await query(svc.client, 'SELECT * FROM shop.orders');
    expect(info.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(['id: Int64', 'dt: Utf8', 'customer: Utf8', 'amount: Decimal[10e+2]']);
    expect(table.numRows).toBe(299); // 300 written, 1 deleted, 30 updated in place
    expect(arrowRows(table)).toEqual(await duckRows('SELECT * FROM shop.orders'));
    const t = await FileStoreTable.open(`${wh}/shop.db/orders`);
    const core = await t.newScan().toArrow();
    const flightAsCore = rowsOfFields(table.batches, t.schema.fields);
    expect(flightAsCore).toEqual(rowsOfFields(core.batches, t.schema.fields));
  });

  it('every common type comes through as DuckDB answers it', async () => {
    const sql = 'SELECT * FROM logs.events';
    const { info, table } = await query(svc.client, sql);
    expect(Object.fromEntries(info.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      id: 'Int64',
      day: 'Date32<DAY>',
      ts: 'Timestamp<MICROSECOND>',
      msg: 'Utf8',
      score: 'Float64',
      flag: 'Bool',
      price: 'Decimal[12e+3]',
      tags: 'List<Utf8>',
      attrs: 'Map<{key:Utf8, value:Int32}>',
      point: 'Struct<{x:Int32, label:Utf8}>',
      raw: 'Binary',
    });
    expect(info.schema.fields.find((f) => f.name === 'price')!.metadata.get('ARROW:FLIGHT:SQL:TYPE_NAME')).toBe('DECIMAL(12,3)');
    expect(table.numRows).toBe(121);
    expect(arrowRows(table)).toEqual(await duckRows(sql));
  });

  it('expressions and DuckDB-only types: cast to what Paimon types can hold', async () => {
    const sql = `SELECT id::UTINYINT AS u8, id::UBIGINT AS u64, id::HUGEINT AS i128, INTERVAL (id) DAY AS span, [id, id + 1]::BIGINT[2] AS pair,
      {'k': id, 'v': msg} AS s, upper(msg) AS shout, day + 1 AS next_day, ts::TIMESTAMP_NS AS ts_ns, ts::TIMESTAMPTZ AS ts_tz
      FROM logs.events WHERE id < 5`;
    const { info, table } = await query(svc.client, sql);
    expect(Object.fromEntries(info.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      u8: 'Int16',
      u64: 'Decimal[20e0]',
      i128: 'Decimal[38e0]',
      span: 'Utf8',
      pair: 'List<Int64>',
      s: 'Struct<{k:Int64, v:Utf8}>',
      shout: 'Utf8',
      next_day: 'Date32<DAY>',
      ts_ns: 'Timestamp<NANOSECOND>',
      ts_tz: 'Timestamp<MICROSECOND, UTC>',
    });
    expect(table.numRows).toBe(5);
    expect(values(table, 'span').sort()).toEqual(['00:00:00', '1 day', '2 days', '3 days', '4 days']);
    expect(values(table, 'pair').map((v) => Array.from(v as arrow.Vector))).toContainEqual([3n, 4n]);
  });

  it('reads Paimon Java fixture tables (Parquet, and ORC through core) as core does', async () => {
    for (const name of FIXTURE_TABLES) {
      const { table } = await query(svc.client, `SELECT * FROM fixtures."${name}"`);
      const t = await FileStoreTable.open(`${wh}/fixtures.db/${name}`);
      const core = await t.newScan().toArrow();
      expect(table.numRows, name).toBe(core.numRows);
      expect(arrowRows(table), name).toEqual(await duckRows(`SELECT * FROM fixtures."${name}"`));
    }
  });

  it('an empty result still has its schema', async () => {
    const { info, table } = await query(svc.client, 'SELECT a, b FROM logs.empty');
    expect(info.endpoints).toHaveLength(1);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
    const none = await query(svc.client, `SELECT id FROM shop.orders WHERE customer = 'nobody'`);
    expect(none.table.numRows).toBe(0);
  });

  it('GetSchema answers the result schema without planning endpoints', async () => {
    const schema = await svc.client.getSchema(cmd('CommandStatementQuery', { query: 'SELECT dt, count(*) AS n FROM shop.orders GROUP BY dt' }));
    expect(schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(['dt: Utf8', 'n: Int64']);
  });

  it('streams a large result in bounded batches', async () => {
    const { info, table } = await query(svc.client, 'SELECT range AS n, range::VARCHAR AS s FROM range(100000)');
    expect(info.endpoints).toHaveLength(1);
    expect(table.numRows).toBe(100000);
    expect(table.batches.length).toBeGreaterThanOrEqual(100000 / 4096);
    expect(Math.max(...table.batches.map((b) => b.numRows))).toBeLessThanOrEqual(4096 + 2048);
  });
});

describe('split endpoints', () => {
  it('a plain single-table SELECT gets one endpoint per split (bucket of a partition); their union is the query’s result', async () => {
    const sql = `SELECT id, dt, amount * 2 AS twice, upper(customer) AS who FROM shop.orders WHERE amount > 100 OR customer IS NULL`;
    const { info, table } = await query(svc.client, sql);
    expect(info.endpoints).toHaveLength(6); // 3 partitions x 2 buckets
    // The same query, made unsplittable by ORDER BY, is the reference.
    const whole = await query(svc.client, `${sql} ORDER BY id`);
    expect(whole.info.endpoints).toHaveLength(1);
    expect(arrowRows(table)).toEqual(arrowRows(whole.table));
    expect(arrowRows(table)).toEqual(await duckRows(sql));
    // Each endpoint holds exactly one split's rows (as core reads them), every split once.
    expect((await splitsOfEndpoints(info, `${wh}/shop.db/orders`)).sort()).toEqual(DAYS.flatMap((d) => [`${d}/0`, `${d}/1`]));
  });

  it('an unpartitioned table with several buckets gets one endpoint per bucket', async () => {
    const catalog = new FileSystemCatalog(wh);
    await catalog.createTable(
      'shop.items',
      { fields: [{ name: 'id', type: 'BIGINT NOT NULL' }, { name: 'v', type: 'INT' }], primaryKeys: ['id'], options: { bucket: '4', 'file.format': 'parquet' } },
      false,
    );
    const items = await catalog.getTable('shop.items');
    for (const shift of [0, 1000]) {
      // The second commit updates every third key: each bucket merges two runs.
      const w = items.newBatchWrite();
      await w.write(Array.from({ length: shift ? 67 : 200 }, (_, i) => ({ id: shift ? i * 3 : i, v: i + shift })));
      await w.commit();
    }
    const sql = 'SELECT id, v, v % 7 AS r FROM shop.items WHERE v % 2 = 0';
    const plan = await svc.handler.planStatement(sql);
    expect(plan.endpoints).toHaveLength(4);
    expect(plan.endpoints.map((e) => /buckets := '(\d+)'/.exec(e)?.[1]).sort()).toEqual(['0', '1', '2', '3']);
    for (const e of plan.endpoints) expect(e).not.toMatch(/filter/);
    const { info, table } = await query(svc.client, sql);
    expect(info.endpoints).toHaveLength(4);
    expect(arrowRows(table)).toEqual(arrowRows((await query(svc.client, `${sql} ORDER BY id`)).table));
    // This test's own DuckDB attached the warehouse before the table existed: read it by path.
    expect(arrowRows(table)).toEqual(await duckRows(sql.replace('shop.items', `paimon_scan('${items.path}')`), true));
    expect(table.numRows).toBe(100);
    expect((await splitsOfEndpoints(info, items.path)).sort()).toEqual(['/0', '/1', '/2', '/3']);
  });

  it('endpoints read the snapshot planned at GetFlightInfo, even after a new commit', async () => {
    const sql = 'SELECT id, dt, customer FROM shop.orders';
    const info = await svc.client.getFlightInfo(cmd('CommandStatementQuery', { query: sql }));
    expect(info.endpoints).toHaveLength(6);
    const before = await duckRows(sql);
    const orders = await new FileSystemCatalog(wh).getTable('shop.orders');
    const w = orders.newBatchWrite();
    await w.write([{ id: 5000, dt: '2024-06-01', customer: 'late', amount: '1.00' }]);
    await w.commit();
    const read = await svc.client.readAll(info);
    expect(arrowRows(read)).toEqual(before);
    const now = await query(svc.client, sql);
    expect(now.table.numRows).toBe(read.numRows + 1);
  });

  it('a WHERE on the partition key prunes partitions before endpoints are made', async () => {
    const one = await query(svc.client, `SELECT id FROM shop.orders WHERE dt = '2024-06-02'`);
    expect(one.info.endpoints).toHaveLength(2);
    const two = await query(svc.client, `SELECT id, dt FROM shop.orders WHERE dt IN ('2024-06-01', '2024-06-03')`);
    expect(two.info.endpoints).toHaveLength(4);
    expect(arrowRows(two.table)).toEqual(await duckRows(`SELECT id, dt FROM shop.orders WHERE dt IN ('2024-06-01', '2024-06-03')`));
  });

  it('an append table partitioned by DATE splits too, NULL partition included, with every column type', async () => {
    const sql = 'SELECT * FROM logs.events WHERE score > 3';
    const { info, table } = await query(svc.client, sql);
    expect(info.endpoints).toHaveLength(4);
    expect(values(table, 'id')).toContain(1000n);
    expect(arrowRows(table)).toEqual(await duckRows(sql));
  });

  it('queries that are not row-wise over one table get one endpoint, with the right answer', async () => {
    const cases = [
      'SELECT dt, count(*) AS n, sum(amount) AS total FROM shop.orders GROUP BY dt',
      'SELECT count(*) AS n FROM shop.orders',
      'SELECT id FROM shop.orders ORDER BY id LIMIT 7',
      'SELECT DISTINCT dt FROM shop.orders',
      'SELECT id, row_number() OVER (PARTITION BY dt ORDER BY id) AS rn FROM shop.orders',
      'SELECT o.id, e.msg FROM shop.orders o JOIN logs.events e ON o.id = e.id',
      'SELECT id FROM shop.orders WHERE amount > (SELECT avg(amount) FROM shop.orders)',
      'WITH t AS (SELECT * FROM shop.orders) SELECT id FROM t',
      'SELECT id, random() AS r FROM shop.orders',
      'SELECT * FROM shop.orders AT (VERSION => 1)',
      'SELECT id FROM shop.orders USING SAMPLE 10%',
    ];
    for (const sql of cases) {
      const { info, table } = await query(svc.client, sql);
      expect(info.endpoints, sql).toHaveLength(1);
      if (!/random|SAMPLE/.test(sql)) expect(arrowRows(table), sql).toEqual(await duckRows(sql));
    }
  });

  it('per-split queries keep the query text exact, 64-bit constants included', async () => {
    const sql = 'SELECT id, 9007199254740993 AS big FROM shop.orders WHERE id <> 9007199254740993 AND id < 40';
    const plan = await svc.handler.planStatement(sql);
    expect(plan.endpoints).toHaveLength(6);
    for (const e of plan.endpoints) expect(e.match(/9007199254740993/g)).toHaveLength(2);
    const { table } = await query(svc.client, sql);
    expect(values(table, 'big')[0]).toBe(9007199254740993n);
    expect(arrowRows(table)).toEqual(await duckRows(sql));
  });

  it('falls back to one endpoint when the per-split query would not bind the same way', async () => {
    // Catalog-qualified column references name the attached view, which the split query replaces
    // (and so does the DuckDB package's pruning rewrite: the face then runs the query as written).
    const sql = 'SELECT paimon.shop.orders.id FROM paimon.shop.orders';
    const { info, table } = await query(svc.client, sql);
    expect(info.endpoints).toHaveLength(1);
    expect(arrowRows(table)).toEqual(await duckRows(sql, true));
  });
});

describe('prepared statements', () => {
  it('create, describe, execute (split), execute again, close', async () => {
    const [created] = await svc.client.doAction('CreatePreparedStatement', packAny('ActionCreatePreparedStatementRequest', { query: 'SELECT id, dt FROM shop.orders WHERE id < 50' }));
    const result = unpack('ActionCreatePreparedStatementResult', created!);
    const handle = result.prepared_statement_handle!;
    expect(handle.byteLength).toBe(16);
    expect(decodeSchema(result.dataset_schema!).fields.map((f) => f.name)).toEqual(['id', 'dt']);

    const descriptor = cmd('CommandPreparedStatementQuery', { prepared_statement_handle: handle });
    expect((await svc.client.getSchema(descriptor)).fields.map((f) => f.name)).toEqual(['id', 'dt']);
    for (let run = 0; run < 2; run++) {
      const info = await svc.client.getFlightInfo(descriptor);
      expect(info.endpoints).toHaveLength(6);
      const rows = await svc.client.readAll(info);
      expect(arrowRows(rows)).toEqual(await duckRows('SELECT id, dt FROM shop.orders WHERE id < 50'));
    }

    expect(await svc.client.doAction('ClosePreparedStatement', packAny('ActionClosePreparedStatementRequest', { prepared_statement_handle: handle }))).toEqual([]);
    expect((await failure(svc.client.getFlightInfo(descriptor))).code).toBe('NOT_FOUND');
    expect((await failure(svc.client.doAction('ClosePreparedStatement', packAny('ActionClosePreparedStatementRequest', { prepared_statement_handle: handle })))).code).toBe('NOT_FOUND');
  });

  it('a bad query fails at creation, with DuckDB’s message', async () => {
    const e = await failure(svc.client.doAction('CreatePreparedStatement', packAny('ActionCreatePreparedStatementRequest', { query: 'SELECT nope FROM shop.orders' })));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/Binder Error: Referenced column "nope" not found/);
  });

  it('lists its actions; a wrong action body is refused', async () => {
    const types = (await svc.client.listActions()).map((a) => a.type);
    expect(types).toEqual(expect.arrayContaining(['CreatePreparedStatement', 'ClosePreparedStatement']));
    const e = await failure(svc.client.doAction('CreatePreparedStatement', packAny('CommandStatementQuery', { query: 'SELECT 1' })));
    expect(e.code).toBe('INVALID_ARGUMENT');
  });
});

describe('errors', () => {
  const info = (sql: string) => svc.client.getFlightInfo(cmd('CommandStatementQuery', { query: sql }));

  it('bad SQL is INVALID_ARGUMENT with DuckDB’s parser message', async () => {
    const e = await failure(info('SELEC id FROM shop.orders'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('syntax error at or near "SELEC"');
  });

  it('an unknown table is NOT_FOUND with DuckDB’s message; an unknown column INVALID_ARGUMENT', async () => {
    const e = await failure(info('SELECT * FROM shop.nope'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/Table with name nope does not exist/);
    expect((await failure(info('SELECT * FROM nodb.orders'))).code).toBe('NOT_FOUND');
    expect((await failure(info('SELECT wrong FROM shop.orders'))).code).toBe('INVALID_ARGUMENT');
  });

  it('only queries run: DDL, DML, settings and several statements are refused', async () => {
    for (const sql of ['INSERT INTO shop.orders VALUES (1, \'x\', \'y\', 1)', 'CREATE TABLE t (a INT)', "SET enable_external_access = true", "ATTACH '/tmp/x.db'", 'SELECT 1; SELECT 2', "COPY shop.orders TO '/tmp/x.csv'"]) {
      expect((await failure(info(sql))).code, sql).toBe('INVALID_ARGUMENT');
    }
  });

  it('nothing outside the warehouse is read: file functions, replacement scans, foreign Paimon tables', async () => {
    const denied = async (sql: string) => {
      const e = await failure(info(sql));
      expect(e.code, sql).toBe('PERMISSION_DENIED');
      return e.message;
    };
    expect(await denied("SELECT * FROM read_csv('/etc/passwd')")).toContain('read_csv');
    expect(await denied("SELECT * FROM read_text('/etc/hostname')")).toContain('read_text');
    expect(await denied("SELECT * FROM query('SELECT 1')")).toContain('query');
    // With external access off DuckDB does not even try a file for a quoted name: an unknown table.
    const replacement = await failure(info("SELECT * FROM '/etc/passwd'"));
    expect(replacement.code).toBe('NOT_FOUND');
    expect(replacement.message).toMatch(/Table with name \/etc\/passwd does not exist/);
    const outside = `${FIXTURE_TABLES[0]}`;
    expect(await denied(`SELECT * FROM paimon_scan('/work/shared/fixtures/paimon-java/paimon-cpp/${outside}')`)).toContain('inside the warehouse');
    expect(await denied(`SELECT * FROM paimon_scan('${wh}/../elsewhere')`)).toContain('inside the warehouse');
    expect(await denied(`SELECT * FROM paimon_scan('${wh}', '..', 'x')`)).toContain('not a database or table name');
    // Inside the warehouse the Paimon functions work.
    const inside = `SELECT count(*) AS n FROM paimon_scan('${wh}/shop.db/orders')`;
    expect(arrowRows((await query(svc.client, inside)).table)).toEqual(await duckRows(inside));
  });

  it('a failure while rows stream reaches the client as a status, and the connection is reused', async () => {
    const sql = 'SELECT CAST(msg AS INTEGER) AS n FROM logs.events';
    const e = await failure(query(svc.client, sql));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/Conversion Error: Could not convert string '.*' to INT32/);
    expect(values((await query(svc.client, 'SELECT 1 AS one')).table, 'one')).toEqual([1]);
  });

  it('bound parameters and transactions are refused clearly', async () => {
    expect((await failure(info('SELECT * FROM shop.orders WHERE id = ?'))).code).toBe('INVALID_ARGUMENT');
    const tx = await failure(svc.client.getFlightInfo(cmd('CommandStatementQuery', { query: 'SELECT 1', transaction_id: Buffer.from('t1') })));
    expect(tx.code).toBe('UNIMPLEMENTED');
  });
});

describe('cancellation', () => {
  it('abandoned streams give their DuckDB connection back', async () => {
    // More abandoned streams than the pool has connections (4): a leak would hang the last query.
    for (let i = 0; i < 6; i++) {
      const e = await svc.client.getFlightInfo(cmd('CommandStatementQuery', { query: 'SELECT range AS n FROM range(1000000)' }));
      for await (const batch of svc.client.doGet(e.endpoints[0]!.ticket)) {
        expect(batch.numRows).toBeGreaterThan(0);
        break;
      }
    }
    const { table } = await query(svc.client, 'SELECT 42 AS answer');
    expect(values(table, 'answer')).toEqual([42]);
  });
});
