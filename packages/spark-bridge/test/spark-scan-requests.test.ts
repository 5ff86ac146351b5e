import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog, parsePredicate } from '@paimon-ts/core';
import { FlightClient, startFlightServer, type FlightDescriptor, type FlightServer } from '@paimon-ts/flight';
import { createSparkHandler } from '../src/index.js';
import { canonicalRows, fixtureWarehouse } from './fixture-warehouse.js';

const TABLE = 'fixtures.pk_table_scan_and_read_mor-parquet';
let fixtures: ReturnType<typeof fixtureWarehouse>;
let catalog: FileSystemCatalog;
let server: FlightServer;
let client: FlightClient;

const cmd = (request: object): FlightDescriptor => ({ type: 'CMD', cmd: Buffer.from(JSON.stringify(request)) });

beforeAll(async () => {
  fixtures = fixtureWarehouse();
  catalog = new FileSystemCatalog(fixtures.warehouse);
  server = await startFlightServer({ handlers: [createSparkHandler(catalog)] });
  client = new FlightClient(server.url);
});

afterAll(async () => {
  client.close();
  await server.close();
  fixtures.cleanup();
});

describe('CMD scan requests', () => {
  it('time-travels to a snapshot', async () => {
    const table = await catalog.getTable(TABLE);
    for (const snapshot of [1, 2, 4]) {
      const expected = await table.newScan().atSnapshot(snapshot).toArrow();
      const info = await client.getFlightInfo(cmd({ table: TABLE, snapshot }));
      expect(JSON.parse(info.appMetadata!.toString()).snapshotId).toBe(snapshot);
      const got = await client.readAll(info);
      expect(canonicalRows(got)).toEqual(canonicalRows(expected));
    }
    // the rows do change between those snapshots, so the comparison means something
    const one = canonicalRows(await table.newScan().atSnapshot(1).toArrow());
    const four = canonicalRows(await table.newScan().atSnapshot(4).toArrow());
    expect(one).not.toEqual(four);
  });

  it('projects columns in the requested order and filters, pruning partitions into fewer endpoints', async () => {
    const table = await catalog.getTable(TABLE);
    const filter = "f1 = 10 AND f3 > 12.5";
    const expected = await table.newScan().select(['f3', 'f0']).filter(parsePredicate(filter)).toArrow();
    const all = await client.getFlightInfo({ type: 'PATH', path: ['fixtures', 'pk_table_scan_and_read_mor-parquet'] });
    const info = await client.getFlightInfo(cmd({ table: TABLE, columns: ['f3', 'f0'], filter }));
    expect(info.endpoints.length).toBeLessThan(all.endpoints.length);
    expect(info.schema.fields.map((f) => f.name)).toEqual(['f3', 'f0']);
    const got = await client.readAll(info);
    expect(got.schema.fields.map((f) => f.name)).toEqual(['f3', 'f0']);
    expect(got.numRows).toBeGreaterThan(0);
    expect(got.numRows).toBeLessThan((await table.newScan().toArrow()).numRows);
    expect(canonicalRows(got)).toEqual(canonicalRows(expected));
    expect([...got.getChild('f3')!].every((v) => (v as number) > 12.5)).toBe(true);
  });

  it('answers GetSchema for a request without planning it', async () => {
    const schema = await client.getSchema(cmd({ table: TABLE, columns: ['f2', 'f0'], snapshot: 1 }));
    expect(schema.fields.map((f) => f.name)).toEqual(['f2', 'f0']);
    expect(schema.fields[0]!.metadata.get('PARQUET:field_id')).toBe('2');
  });

  it('refuses malformed requests with INVALID_ARGUMENT and missing things with NOT_FOUND', async () => {
    await expect(client.getFlightInfo(cmd({ table: TABLE, columns: ['nope'] }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no column nope') });
    await expect(client.getFlightInfo(cmd({ table: TABLE, filter: 'f1 = = 3' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.getFlightInfo(cmd({ table: TABLE, snapshot: 1, tag: 'x' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.getFlightInfo(cmd({ table: TABLE, limit: 3 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('limit') });
    await expect(client.getFlightInfo(cmd({ table: TABLE, snapshot: 999 }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getFlightInfo(cmd({ table: TABLE, tag: 'no-such-tag' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getFlightInfo(cmd({ table: 'fixtures.no_such_table' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getFlightInfo(cmd({ table: 'nodb.t' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getFlightInfo(cmd({ table: 'no-dot' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Not a Spark-face command at all (Flight SQL sends protobuf Any): no face claims it.
    await expect(client.getFlightInfo({ type: 'CMD', cmd: Buffer.from([0x0a, 0x05, 0x74, 0x79, 0x70, 0x65, 0x2e]) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
