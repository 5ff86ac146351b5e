import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightClient, startFlightServer, TicketSigner, type FlightServer } from '../src/index.js';
import { newCounters, sampleBatch, sampleFace } from './sample-face.js';

const counters = newCounters();
let server: FlightServer;
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');

beforeAll(async () => {
  server = await startFlightServer({
    handlers: [sampleFace(counters)],
    auth: { tokens: ['alpha-token'], verify: (t) => t === 'from-hook' },
    ticketSecret: SECRET,
  });
});

afterAll(() => server.close());

const NUMBERS = { type: 'PATH', path: ['numbers', '50', '2'] } as const;

/** Runs `fn` and returns how many times face code ran meanwhile. */
async function faceCallsDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = counters.calls;
  await fn();
  return counters.calls - before;
}

describe('bearer tokens', () => {
  it('refuses every RPC without a token, before any face code runs', async () => {
    const anonymous = new FlightClient(server.url);
    const calls = await faceCallsDuring(async () => {
      await expect(anonymous.listFlights()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(anonymous.getFlightInfo(NUMBERS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(anonymous.getSchema(NUMBERS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(anonymous.doAction('echo', 'x')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(anonymous.listActions()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(anonymous.doPut({ type: 'PATH', path: ['uploads'] }, sampleBatch(0, 3))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(anonymous.handshake()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
    expect(calls).toBe(0);
    expect(counters.uploads).toHaveLength(0);
    anonymous.close();
  });

  it('refuses a wrong token, including on DoGet with a valid ticket', async () => {
    const good = new FlightClient(server.url, { token: 'alpha-token' });
    const info = await good.getFlightInfo(NUMBERS);
    const wrong = new FlightClient(server.url, { token: 'alpha-token-2' });
    const doGets = counters.doGets;
    const calls = await faceCallsDuring(async () => {
      await expect(wrong.getFlightInfo(NUMBERS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(wrong.doGetTable(info.endpoints[0]!.ticket)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
    expect(calls).toBe(0);
    expect(counters.doGets).toBe(doGets);
    good.close();
    wrong.close();
  });

  it('accepts listed tokens and tokens the verify hook approves', async () => {
    for (const token of ['alpha-token', 'from-hook']) {
      const c = new FlightClient(server.url, { token });
      const info = await c.getFlightInfo(NUMBERS);
      expect((await c.readAll(info)).numRows).toBe(50);
      c.close();
    }
  });

  it('handshakes with the token as payload or as a Basic password, answering a bearer header', async () => {
    const byPayload = new FlightClient(server.url);
    expect((await byPayload.handshake('alpha-token')).token).toBe('alpha-token');
    // the returned bearer token is used from then on
    expect((await byPayload.getFlightInfo(NUMBERS)).endpoints).toHaveLength(2);
    byPayload.close();

    // Basic auth travels as a header; the client sends a bearer header, so drive the raw call here.
    const grpc = await import('@grpc/grpc-js');
    const { FLIGHT_SERVICE } = await import('../src/proto.js');
    const method = (FLIGHT_SERVICE as unknown as Record<string, grpc.MethodDefinition<unknown, unknown>>).Handshake!;
    const raw = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Basic ${Buffer.from('spark:from-hook').toString('base64')}`);
    const call = raw.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, metadata);
    const header = new Promise<string>((resolve) => call.on('metadata', (m: grpc.Metadata) => resolve(String(m.get('authorization')[0]))));
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', () => {});
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.write({ protocol_version: 0, payload: Buffer.alloc(0) });
    call.end();
    await ended;
    expect(await header).toBe('Bearer from-hook');
    raw.close();
  });
});

describe('signed tickets', () => {
  it('refuses forged, altered, truncated and foreign tickets before the face sees them', async () => {
    const c = new FlightClient(server.url, { token: 'alpha-token' });
    const info = await c.getFlightInfo(NUMBERS);
    const genuine = info.endpoints[0]!.ticket;
    const doGets = counters.doGets;

    // A ticket the client made itself, naming the face and any payload: the MAC cannot match.
    const forged = new TicketSigner(Buffer.from('not-the-server-secret-at-all!!!!')).seal('sample', Buffer.from(JSON.stringify({ start: 0, rows: 1e6, batchRows: 1 })));
    await expect(c.doGetTable(forged)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });

    // One payload byte changed (here: a digit of the row range).
    const altered = Buffer.from(genuine);
    const at = altered.indexOf('"rows":') + 7;
    altered[at] = altered[at] === 0x39 ? 0x38 : altered[at]! + 1;
    await expect(c.doGetTable(altered)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });

    // The MAC itself flipped.
    const badMac = Buffer.from(genuine);
    badMac[badMac.length - 1]! ^= 1;
    await expect(c.doGetTable(badMac)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });

    await expect(c.doGetTable(genuine.subarray(0, 20))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(c.doGetTable(Buffer.from('{"path":"/etc/passwd"}'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    expect(counters.doGets).toBe(doGets);
    // and the genuine one still reads
    expect((await c.doGetTable(genuine)).numRows).toBe(25);
    c.close();
  });

  it('honours tickets across servers that share a secret, and only then', async () => {
    const sibling = await startFlightServer({ handlers: [sampleFace(newCounters())], ticketSecret: SECRET });
    const stranger = await startFlightServer({ handlers: [sampleFace(newCounters())] });
    const c = new FlightClient(server.url, { token: 'alpha-token' });
    const ticket = (await c.getFlightInfo(NUMBERS)).endpoints[1]!.ticket;
    const viaSibling = new FlightClient(sibling.url);
    const viaStranger = new FlightClient(stranger.url);
    expect((await viaSibling.doGetTable(ticket)).numRows).toBe(25);
    await expect(viaStranger.doGetTable(ticket)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    for (const x of [c, viaSibling, viaStranger]) x.close();
    await Promise.all([sibling.close(), stranger.close()]);
  });
});

describe('descriptor paths', () => {
  it('refuses traversal and separators in PATH descriptors before any face code runs', async () => {
    const c = new FlightClient(server.url, { token: 'alpha-token' });
    const bad = [['..', 'etc'], ['numbers', '../../etc/passwd'], ['db', 'a/b'], ['db\\x'], ['.'], [''], ['db', 'ta\u0000ble'], []];
    const calls = await faceCallsDuring(async () => {
      for (const path of bad) {
        await expect(c.getFlightInfo({ type: 'PATH', path })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(c.getSchema({ type: 'PATH', path })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(c.doPut({ type: 'PATH', path }, sampleBatch(0, 1))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
    });
    expect(calls).toBe(0);
    c.close();
  });
});

describe('TLS', () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flight-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    key = readFileSync(join(dir, 'key.pem'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves over TLS to a client that trusts the certificate, and not in clear text', async () => {
    const tlsServer = await startFlightServer({ handlers: [sampleFace(newCounters())], tls: { cert, key }, auth: { tokens: ['t'] } });
    expect(tlsServer.url).toMatch(/^grpc\+tls:\/\/127\.0\.0\.1:\d+$/);
    const secure = new FlightClient(tlsServer.url, { token: 't', tls: { ca: cert, serverName: 'localhost' } });
    const info = await secure.getFlightInfo(NUMBERS);
    expect((await secure.readAll(info)).numRows).toBe(50);

    const clear = new FlightClient(`grpc://127.0.0.1:${tlsServer.port}`, { token: 't', timeoutMs: 3000 });
    await expect(clear.getSchema(NUMBERS)).rejects.toMatchObject({ code: expect.stringMatching(/UNAVAILABLE|DEADLINE_EXCEEDED|INTERNAL/) });
    const untrusting = new FlightClient(tlsServer.url, { token: 't', timeoutMs: 3000 });
    await expect(untrusting.getSchema(NUMBERS)).rejects.toMatchObject({ code: expect.stringMatching(/UNAVAILABLE|DEADLINE_EXCEEDED/) });
    for (const x of [secure, clear, untrusting]) x.close();
    await tlsServer.close();
  });
});

describe('read-only mode', () => {
  it('tells the faces, which refuse writes with PERMISSION_DENIED', async () => {
    const faceCounters = newCounters();
    const ro = await startFlightServer({ handlers: [sampleFace(faceCounters)], readOnly: true });
    const c = new FlightClient(ro.url);
    await expect(c.doPut({ type: 'PATH', path: ['uploads'] }, sampleBatch(0, 2))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(faceCounters.uploads).toHaveLength(0);
    c.close();
    await ro.close();
  });
});
