/**
 * `paimon-ts tail` in its own process while a writer process commits: every
 * change arrives exactly once and in commit order, also across a kill and a
 * restart of the reader with the same consumer id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, jsonLines } from './run-cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tailProcess(path: string, args: string[]): { child: ChildProcess; lines: () => Record<string, unknown>[]; exited: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'tail', path, '--format', 'jsonl', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, lines: () => jsonLines(out.slice(0, out.lastIndexOf('\n') + 1)), exited };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('paimon-ts tail', () => {
  it('sees every change of a writer process once, in order, across a reader kill and restart (consumer)', async () => {
    const wh = mkdtempSync(`${tmpdir()}/paimon-ts-tail-`);
    dirs.push(wh);
    await cli('create', wh, 'db.events', '--schema', 'id INT, n INT', '--primary-key', 'id', '--bucket', '2');
    const path = `${wh}/db.db/events`;
    const reader1 = tailProcess(path, ['--from', 'earliest', '--consumer', 'c1']);
    const COMMITS = 12;
    const writer = (async () => {
      for (let c = 0; c < COMMITS; c++) {
        const file = `${wh}/batch-${c}.jsonl`;
        const { writeFileSync } = await import('node:fs');
        writeFileSync(file, [0, 1, 2].map((i) => JSON.stringify({ id: c * 10 + i, n: c })).join('\n'));
        const res = await cli('write', wh, 'db.events', '--from', file);
        expect(res.code, res.stderr).toBe(0);
      }
    })();
    await until(() => reader1.lines().length >= 9);
    reader1.child.kill('SIGKILL');
    await reader1.exited;
    const before = reader1.lines();
    await writer;
    const reader2 = tailProcess(path, ['--consumer', 'c1']);
    await until(() => before.length + reader2.lines().length >= COMMITS * 3 || new Set([...before, ...reader2.lines()].map((l) => `${l['snapshot']}/${JSON.stringify(l['row'])}`)).size >= COMMITS * 3);
    reader2.child.kill('SIGTERM');
    await reader2.exited;
    const all = [...before, ...reader2.lines()];
    const keys = all.map((l) => `${l['snapshot']}/${(l['row'] as Record<string, unknown>)['id']}`);
    expect(new Set(keys).size).toBe(keys.length); // nothing twice
    expect(keys.length).toBe(COMMITS * 3); // nothing lost
    const snapshots = all.map((l) => l['snapshot'] as number);
    expect(snapshots).toEqual([...snapshots].sort((a, b) => a - b)); // commit order
    expect(all.every((l) => l['kind'] === '+I')).toBe(true);
  }, 120_000);
});
