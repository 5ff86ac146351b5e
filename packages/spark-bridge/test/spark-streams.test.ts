import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemCatalog, parseColumnList } from '@paimon-ts/core';
import { FlightClient, startFlightServer, type FlightServer } from '@paimon-ts/flight';
import { createSparkHandler } from '../src/index.js';
import { CountingFileIO } from './warehouse.js';

const FILES = 60;
const io = new CountingFileIO();
let warehouse: string;
let server: FlightServer;
let client: FlightClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataFileReads = () => io.reads.filter((p) => p.includes('/bucket-0/')).length;

beforeAll(async () => {
  warehouse = mkdtempSync(join(tmpdir(), 'spark-streams-'));
  const catalog = new FileSystemCatalog(warehouse, { fileIO: io });
  await catalog.createDatabase('db', false);
  // A tiny target file size rolls a new data file every batch: one split, many files.
  await catalog.createTable('db.wide', { fields: parseColumnList('id BIGINT, payload STRING'), options: { 'target-file-size': '1 b' } }, false);
  const w = (await catalog.getTable('db.wide')).newBatchWrite();
  for (let f = 0; f < FILES; f++) {
    await w.write(Array.from({ length: 2000 }, (_, i) => ({ id: f * 2000 + i, payload: `row ${f * 2000 + i} `.repeat(20) })));
  }
  await w.commit();
  server = await startFlightServer({ handlers: [createSparkHandler(catalog)], maxConcurrentStreams: 1 });
  client = new FlightClient(server.url);
});

afterAll(async () => {
  client.close();
  await server.close();
  rmSync(warehouse, { recursive: true, force: true });
});

describe('Spark face streams', () => {
  it('stops reading the split’s files when the client cancels, and frees the stream slot', async () => {
    const info = await client.getFlightInfo({ type: 'PATH', path: ['db', 'wide'] });
    expect(info.endpoints).toHaveLength(1);
    expect(JSON.parse(info.endpoints[0]!.appMetadata!.toString()).files).toBe(FILES);
    io.reset();
    const stream = client.doGet(info.endpoints[0]!.ticket);
    const first = await stream.next();
    expect(first.done).toBe(false);
    await sleep(500); // a stalled client: the server may run ahead only as far as flow control allows
    const whileStalled = dataFileReads();
    expect(whileStalled).toBeLessThan(FILES / 2);
    await stream.return(undefined);
    await sleep(300);
    const afterCancel = dataFileReads();
    await sleep(500);
    expect(dataFileReads()).toBe(afterCancel); // nothing more is read
    expect(afterCancel).toBeLessThan(FILES);
    expect(server.activeStreams).toBe(0);
    // the single slot is free again: the whole split reads
    const all = await client.readAll(info);
    expect(all.numRows).toBe(FILES * 2000);
    console.log(`cancellation: ${whileStalled} of ${FILES} files read while the client stalled, ${afterCancel} when it cancelled`);
  });
});
