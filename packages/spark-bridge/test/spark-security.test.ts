import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { FlightClient, startFlightServer, TicketSigner, type FlightDescriptor, type FlightServer } from '@paimon-ts/flight';
import { createSparkHandler, decodeSplitTicket, encodeSplitTicket } from '../src/index.js';
import { CountingFileIO, shopWarehouse } from './warehouse.js';

const SECRET = Buffer.from('spark-face-secret-for-the-tests!!');
const USERS: FlightDescriptor = { type: 'PATH', path: ['shop', 'users'] };
const io = new CountingFileIO();
let shop: Awaited<ReturnType<typeof shopWarehouse>>;
let server: FlightServer;
let client: FlightClient;

beforeAll(async () => {
  shop = await shopWarehouse(io);
  const write = (await shop.catalog.getTable('shop.users')).newBatchWrite();
  await write.write([{ id: 1, name: 'ann', score: 1 }, { id: 2, name: 'bob', score: 2 }]);
  await write.commit();
  server = await startFlightServer({ handlers: [createSparkHandler(shop.catalog)], auth: { tokens: ['s3cret'] }, ticketSecret: SECRET });
  client = new FlightClient(server.url, { token: 's3cret' });
});

afterAll(async () => {
  client.close();
  await server.close();
  shop.cleanup();
});

/** Runs `fn`, returning the file reads and writes it caused. */
async function touched(fn: () => Promise<unknown>): Promise<{ reads: string[]; writes: string[] }> {
  io.reset();
  await fn();
  return { reads: [...io.reads], writes: [...io.writes] };
}

const oneRow = () => new arrow.Table({ id: arrow.vectorFromArray([9], new arrow.Int32()), name: arrow.vectorFromArray(['eve'], new arrow.Utf8()), score: arrow.vectorFromArray([9], new arrow.Int32()) });

describe('Spark face security', () => {
  it('refuses callers without the right token, reading and writing nothing', async () => {
    const ticket = (await client.getFlightInfo(USERS)).endpoints[0]!.ticket;
    for (const token of [undefined, 'guess']) {
      const c = new FlightClient(server.url, token ? { token } : {});
      const io = await touched(async () => {
        await expect(c.listFlights()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await expect(c.getFlightInfo(USERS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await expect(c.getSchema(USERS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await expect(c.doGetTable(ticket)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await expect(c.doPut(USERS, oneRow())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await expect(c.doAction('compact', { table: 'shop.users' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      });
      expect(io).toEqual({ reads: [], writes: [] });
      c.close();
    }
  });

  it('refuses forged and altered tickets before reading a file', async () => {
    const genuine = (await client.getFlightInfo(USERS)).endpoints[0]!.ticket;
    const split = decodeSplitTicket(new TicketSigner(SECRET).open(genuine).payload);
    const evil = encodeSplitTicket({ ...split, split: { ...split.split, bucketPath: '/etc', files: [{ ...split.split.files[0]!, fileName: 'passwd' }] } });
    const forged = new TicketSigner(Buffer.from('a-client-cannot-know-the-secret!')).seal('spark', evil);
    const altered = Buffer.from(genuine);
    const at = altered.indexOf('"bucket":') + 9;
    altered[at] = altered[at] === 0x30 ? 0x31 : 0x30;
    const io = await touched(async () => {
      await expect(client.doGetTable(forged)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      await expect(client.doGetTable(altered)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      await expect(client.doGetTable(Buffer.from(evil))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
    expect(io).toEqual({ reads: [], writes: [] });
  });

  it('keeps a validly signed ticket inside its table (a leaked key still cannot read /etc)', async () => {
    const genuine = (await client.getFlightInfo(USERS)).endpoints[0]!.ticket;
    const split = decodeSplitTicket(new TicketSigner(SECRET).open(genuine).payload);
    const signer = new TicketSigner(SECRET);
    const outside = [
      { ...split.split, bucketPath: '/etc' },
      { ...split.split, bucketPath: `${split.split.bucketPath}/../../../..` },
      { ...split.split, files: [{ ...split.split.files[0]!, fileName: '../../../../etc/passwd' }] },
      { ...split.split, files: [{ ...split.split.files[0]!, externalPath: '/etc/passwd' }] },
    ];
    const io = await touched(async () => {
      for (const s of outside) {
        await expect(client.doGetTable(signer.seal('spark', encodeSplitTicket({ ...split, split: s })))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      }
    });
    expect(io.reads.filter((p) => !p.startsWith(shop.warehouse))).toEqual([]);
    expect(io.reads.filter((p) => /\.(parquet|orc|avro)$/.test(p) && p.includes('/bucket-'))).toEqual([]);
    expect(io.writes).toEqual([]);
  });

  it('refuses path traversal in descriptors, scan requests and action bodies, touching nothing outside the warehouse', async () => {
    const cmd = (o: object): FlightDescriptor => ({ type: 'CMD', cmd: Buffer.from(JSON.stringify(o)) });
    const io = await touched(async () => {
      for (const path of [['shop', '..'], ['..', 'shop.db'], ['shop', 'users/../../x'], ['shop', '../../../etc']]) {
        await expect(client.getFlightInfo({ type: 'PATH', path })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(client.doPut({ type: 'PATH', path }, oneRow())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
      for (const table of ['../etc.passwd', 'shop.../etc', 'shop.users/../../x', 'shop.users$branch_../../../../etc', 'shop.users$branch_..']) {
        await expect(client.getFlightInfo(cmd({ table }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(client.getSchema(cmd({ table }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(client.doAction('compact', { table })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(client.doPut(cmd({ table }), oneRow())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
      // names outside the warehouse's catalog are simply not there
      await expect(client.getFlightInfo({ type: 'PATH', path: ['etc', 'passwd'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
    expect(io.reads.filter((p) => !p.startsWith(shop.warehouse))).toEqual([]);
    expect(io.writes).toEqual([]);
    expect(await (await shop.catalog.getTable('shop.users')).snapshots.latestId()).toBe(1);
  });
});
