/** `paimon-ts serve`, run as a user runs it: a real process, driven with a Flight client. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { FlightClient } from '@paimon-ts/flight';
import { cli } from './run-cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let warehouse: string;

beforeAll(async () => {
  warehouse = mkdtempSync(join(tmpdir(), 'serve-'));
  expect((await cli('create', warehouse, 'shop.users', '--schema', 'id INT NOT NULL, name STRING', '--primary-key', 'id', '--bucket', '1')).code).toBe(0);
});

afterAll(() => rmSync(warehouse, { recursive: true, force: true }));

/** Starts the server and resolves with its URL once it prints it. */
function serve(...args: string[]): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--warehouse', warehouse, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (grpc(?:\+tls)?:\/\/[^\s]+) /.exec(out);
      if (m) resolve({ proc, url: m[1]!, output: () => out });
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('paimon-ts serve', () => {
  it('serves the warehouse with bearer tokens until SIGTERM', async () => {
    const { proc, url, output } = await serve('--token', 'first', '--token', 'second');
    expect(output()).toMatch(/faces: spark/);
    const client = new FlightClient(url, { token: 'second' });
    const rows = new arrow.Table({ id: arrow.vectorFromArray([1, 2], new arrow.Int32()), name: arrow.vectorFromArray(['a', 'b'], new arrow.Utf8()) });
    const put = JSON.parse((await client.doPut({ type: 'PATH', path: ['shop', 'users'] }, rows)).toString());
    expect(put.snapshotId).toBe(1);
    const table = await client.readAll(await client.getFlightInfo({ type: 'PATH', path: ['shop', 'users'] }));
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    await expect(new FlightClient(url).listFlights()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    client.close();
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('stopped');
  });

  it('refuses writes with --read-only and a lone --tls-cert', async () => {
    const { proc, url } = await serve('--read-only');
    const client = new FlightClient(url);
    const rows = new arrow.Table({ id: arrow.vectorFromArray([3], new arrow.Int32()) });
    await expect(client.doPut({ type: 'PATH', path: ['shop', 'users'] }, rows)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    client.close();
    proc.kill('SIGTERM');
    const bad = await cli('serve', '--warehouse', warehouse, '--tls-cert', '/nonexistent.pem');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--tls-cert and --tls-key go together');
  });
});
