import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { FlightClient, startFlightServer, type FlightServer } from '../src/index.js';
import { newCounters, SAMPLE_SCHEMA, sampleBatch, sampleFace } from './sample-face.js';

const counters = newCounters();
let server: FlightServer;
let client: FlightClient;

beforeAll(async () => {
  server = await startFlightServer({ handlers: [sampleFace(counters)] });
  client = new FlightClient(server.url);
});

afterAll(async () => {
  client.close();
  await server.close();
});

describe('Flight RPCs over loopback', () => {
  it('lists flights with their schema and descriptor', async () => {
    const flights = await client.listFlights();
    expect(flights.map((f) => f.descriptor)).toEqual([
      { type: 'PATH', path: ['numbers', '10'] },
      { type: 'PATH', path: ['numbers', '2500'] },
    ]);
    expect(flights[1]!.totalRecords).toBe(2500);
    expect(flights[0]!.schema.fields.map((f) => `${f.name} ${f.type}`)).toEqual(['id Int64', 'label Utf8']);
  });

  it('plans a flight into endpoints whose tickets are opaque, then reads them all in parallel', async () => {
    const info = await client.getFlightInfo({ type: 'PATH', path: ['numbers', '10000', '5', '700'] });
    expect(info.endpoints).toHaveLength(5);
    expect(info.totalRecords).toBe(10000);
    expect(info.appMetadata?.toString()).toBe('sample-info');
    // The face's payload is JSON; what the client holds is signed and prefixed.
    expect(() => JSON.parse(info.endpoints[0]!.ticket.toString())).toThrow();
    const table = await client.readAll(info, 5);
    expect(table.numRows).toBe(10000);
    const ids = [...table.getChild('id')!].map(Number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 10000 }, (_, i) => i));
    const labels = table.getChild('label')!;
    expect(labels.get(ids.indexOf(7))).toBeNull();
    expect(table.batches.length).toBeGreaterThanOrEqual(15); // 2000 rows per endpoint in 700-row batches
  });

  it('answers PollFlightInfo as complete and GetSchema without planning', async () => {
    const poll = await client.pollFlightInfo({ type: 'PATH', path: ['numbers', '30', '3'] });
    expect(poll.progress).toBe(1);
    expect(poll.info!.endpoints).toHaveLength(3);
    const schema = await client.getSchema({ type: 'PATH', path: ['numbers', '30'] });
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'label']);
  });

  it('streams an empty endpoint as a schema with no batches', async () => {
    const info = await client.getFlightInfo({ type: 'PATH', path: ['numbers', '0'] });
    const table = await client.doGetTable(info.endpoints[0]!.ticket);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'label']);
  });

  it('moves messages bigger than gRPC’s default 4 MiB limit', async () => {
    const info = await client.getFlightInfo({ type: 'PATH', path: ['numbers', '600000', '1', '600000'] });
    const table = await client.doGetTable(info.endpoints[0]!.ticket);
    expect(table.numRows).toBe(600000);
    expect(table.batches).toHaveLength(1);
    expect(Number(table.getChild('id')!.get(599999))).toBe(599999);
  });

  it('uploads batches with DoPut and answers the face’s PutResult', async () => {
    counters.uploads.length = 0;
    const result = await client.doPut({ type: 'PATH', path: ['uploads'] }, new arrow.Table([sampleBatch(0, 5), sampleBatch(100, 3)]));
    expect(JSON.parse(result.toString())).toEqual({ rows: 8 });
    expect(counters.uploads.map((b) => b.numRows)).toEqual([5, 3]);
    expect(Number(counters.uploads[1]!.getChild('id')!.get(2))).toBe(102);
    expect(counters.uploads[0]!.getChild('label')!.get(0)).toBeNull();
  });

  it('uploads from an async iterable with an explicit schema, even with no batches', async () => {
    counters.uploads.length = 0;
    async function* none(): AsyncGenerator<arrow.RecordBatch> {}
    const result = await client.doPut({ type: 'PATH', path: ['uploads'] }, none(), { schema: SAMPLE_SCHEMA });
    expect(JSON.parse(result.toString())).toEqual({ rows: 0 });
  });

  it('runs actions and lists them', async () => {
    const results = await client.doAction('echo', { hello: 'flight' });
    expect(results.map((r) => r.toString())).toEqual(['{"hello":"flight"}', 'done']);
    expect(await client.listActions()).toEqual([{ type: 'echo', description: 'answers the body, then "done"' }]);
  });

  it('answers unknown descriptors, actions and uploads with NOT_FOUND / UNIMPLEMENTED', async () => {
    await expect(client.getFlightInfo({ type: 'PATH', path: ['nothing'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getFlightInfo({ type: 'CMD', cmd: Buffer.from('SELECT 1') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.doAction('launch')).rejects.toMatchObject({ code: 'UNIMPLEMENTED' });
    await expect(client.doPut({ type: 'PATH', path: ['elsewhere'] }, sampleBatch(0, 1))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('handshakes without auth configured (no token comes back)', async () => {
    const res = await client.handshake();
    expect(res.token).toBeNull();
  });
});
