import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightClient, startFlightServer, type FlightServer } from '../src/index.js';
import { newCounters, sampleFace } from './sample-face.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

describe('back-pressure', () => {
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

  it('holds the producer back while a client reads slowly: it runs only a bounded number of batches ahead', async () => {
    // 400 batches of 20k rows (~0.5 MB each, ~200 MB in all): buffering the split would show at once.
    const info = await client.getFlightInfo({ type: 'PATH', path: ['numbers', String(400 * 20000), '1', '20000'] });
    const stream = client.doGet(info.endpoints[0]!.ticket);
    let consumed = 0;
    let maxAhead = 0;
    for await (const batch of stream) {
      consumed++;
      expect(batch.numRows).toBe(20000);
      if (consumed <= 3) await sleep(600); // a stalled client: plenty of time to run ahead if nothing held the producer
      else await sleep(5);
      maxAhead = Math.max(maxAhead, counters.produced - consumed);
      if (consumed === 40) break;
    }
    // Ahead = client's stream buffer + HTTP/2 windows + one message in flight on the server.
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThan(40);
    expect(counters.produced).toBeLessThan(100);
    console.log(`back-pressure: producer ran at most ${maxAhead} batches (~${(maxAhead * 0.5).toFixed(0)} MB) ahead of a slow client; ${counters.produced} of 400 produced when it stopped at 40`);
    await until(() => counters.closed === 1);
    expect(counters.produced).toBeLessThan(100);
  });
});

describe('stream limits and cancellation', () => {
  const counters = newCounters();
  let server: FlightServer;
  let client: FlightClient;

  beforeAll(async () => {
    server = await startFlightServer({ handlers: [sampleFace(counters, { delayMs: 2 })], maxConcurrentStreams: 2 });
    client = new FlightClient(server.url);
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('refuses streams beyond the limit with RESOURCE_EXHAUSTED; a cancelled stream frees its slot and stops its reader', async () => {
    const info = await client.getFlightInfo({ type: 'PATH', path: ['numbers', '10000000', '3', '10000'] });
    const [a, b, c] = info.endpoints.map((e) => client.doGet(e.ticket));
    expect((await a!.next()).done).toBe(false);
    expect((await b!.next()).done).toBe(false);
    expect(server.activeStreams).toBe(2);
    await expect(c!.next()).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });

    const closedBefore = counters.closed;
    await a!.return(undefined); // cancels the call
    await until(() => server.activeStreams === 1);
    await until(() => counters.closed === closedBefore + 1); // the producer's finally ran: no more reads

    const again = client.doGet(info.endpoints[2]!.ticket);
    expect((await again.next()).done).toBe(false);
    expect(server.activeStreams).toBe(2);

    const ac = new AbortController();
    const viaSignal = client.doGet(info.endpoints[0]!.ticket, { signal: ac.signal });
    await expect(viaSignal.next()).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });

    await b!.return(undefined);
    await again.return(undefined);
    await until(() => server.activeStreams === 0);
    await until(() => counters.closed === closedBefore + 3);
  });

  it('cancels through an AbortSignal', async () => {
    const info = await client.getFlightInfo({ type: 'PATH', path: ['numbers', '10000000', '1', '10000'] });
    const ac = new AbortController();
    let got = 0;
    const closedBefore = counters.closed;
    await expect(
      (async () => {
        for await (const _ of client.doGet(info.endpoints[0]!.ticket, { signal: ac.signal })) {
          if (++got === 3) ac.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    await until(() => server.activeStreams === 0);
    await until(() => counters.closed === closedBefore + 1);
    expect(counters.produced).toBeLessThan(200);
  });
});
