import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { FileSystemCatalog } from '@paimon-ts/core';
import { FlightClient, startFlightServer, type FlightServer } from '@paimon-ts/flight';
import { createSparkHandler } from '../src/index.js';
import { canonicalRows, fixtureNames, fixtureWarehouse, UNREADABLE } from './fixture-warehouse.js';

const names = fixtureNames();
let fixtures: ReturnType<typeof fixtureWarehouse>;
let catalog: FileSystemCatalog;
let server: FlightServer;
let client: FlightClient;

beforeAll(async () => {
  fixtures = fixtureWarehouse();
  catalog = new FileSystemCatalog(fixtures.warehouse);
  server = await startFlightServer({ handlers: [createSparkHandler(catalog)], auth: { tokens: ['tkn'] } });
  client = new FlightClient(server.url, { token: 'tkn' });
});

afterAll(async () => {
  client.close();
  await server.close();
  fixtures.cleanup();
});

describe('Spark face over the Paimon-Java fixture tables', () => {
  it('lists every fixture table as PATH [db, table] with its schema', async () => {
    expect(names.length).toBeGreaterThanOrEqual(36);
    const flights = await client.listFlights();
    expect(flights.map((f) => f.descriptor)).toEqual(names.map((n) => ({ type: 'PATH', path: ['fixtures', n] })));
    const one = flights.find((f) => f.descriptor.type === 'PATH' && f.descriptor.path[1] === 'pk_table_scan_and_read_mor-parquet')!;
    expect(JSON.parse(one.appMetadata!.toString()).primaryKeys.length).toBeGreaterThan(0);
    expect((await client.listFlights('nodb-here').catch((e) => e)).code).toBe('NOT_FOUND');
  });

  for (const name of names) {
    if (UNREADABLE.has(name)) continue;
    it(`${name}: one endpoint per split, read in parallel, rows equal core's reader`, async () => {
      const table = await catalog.getTable(`fixtures.${name}`);
      const scan = table.newScan();
      const plan = await scan.plan();
      const expected = await scan.toArrow();

      const info = await client.getFlightInfo({ type: 'PATH', path: ['fixtures', name] });
      expect(info.endpoints).toHaveLength(plan.splits.length);
      expect(JSON.parse(info.appMetadata!.toString())).toMatchObject({ snapshotId: plan.snapshot?.id ?? null, splits: plan.splits.length });
      const got = await client.readAll(info, 4);
      expect(got.schema.fields.map((f) => f.name)).toEqual(expected.schema.fields.map((f) => f.name));
      // Spark reads microsecond timestamps only, and TIME as an INT.
      for (const f of got.schema.fields) {
        if (arrow.DataType.isTimestamp(f.type)) expect(f.type.unit).toBe(arrow.TimeUnit.MICROSECOND);
        expect(arrow.DataType.isTime(f.type)).toBe(false);
      }
      expect(got.numRows).toBe(expected.numRows);
      expect(canonicalRows(got)).toEqual(canonicalRows(expected));
    });
  }

  it('sends core’s Arrow data unchanged from a face with Spark types off', async () => {
    const name = 'append_with_multiple_ts_precision_and_timezone-parquet';
    const expected = await (await catalog.getTable(`fixtures.${name}`)).newScan().toArrow();
    const plainServer = await startFlightServer({ handlers: [createSparkHandler(catalog, { sparkTypes: false })] });
    const plain = new FlightClient(plainServer.url);
    const plainInfo = await plain.getFlightInfo({ type: 'PATH', path: ['fixtures', name] });
    const got = await plain.readAll(plainInfo);
    expect(got.schema.fields.map((f) => String(f.type))).toEqual(expected.schema.fields.map((f) => String(f.type)));
    const exact = (t: arrow.Table) => t.toArray().map((r) => JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    expect(exact(got)).toEqual(exact(expected));
    plain.close();
    await plainServer.close();
  });
});
