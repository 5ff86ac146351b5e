/**
 * Writers in separate processes (not just promises): concurrent commits all
 * land with dense snapshot ids, and a writer killed anywhere in a commit
 * leaves the table readable at its last complete snapshot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import { filePath } from '../src/scan/split.js';
import { batchToRows } from '../src/read/rows.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const WRITER = fileURLToPath(new URL('./processes/writer.mjs', import.meta.url));

function startWriter(path: string, id: number, commits: number, rows: number): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(process.execPath, [WRITER, path, String(id), String(commits), String(rows)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<number>((resolve, reject) => {
    child.on('exit', (code, signal) => (code === 0 || signal ? resolve(code ?? -1) : reject(new Error(`writer ${id} exited ${code}: ${stderr}`))));
  });
  return { child, done };
}

/** The table reads at its latest snapshot, and every file it references exists. */
async function checkConsistent(path: string) {
  const table = await FileStoreTable.open(path);
  const ids = await table.snapshots.listIds();
  expect(ids).toEqual(ids.map((_, i) => i + 1)); // dense from 1
  const plan = await table.newScan().plan();
  for (const split of plan.splits) for (const f of split.files) expect(existsSync(filePath(split, f)), f.fileName).toBe(true);
  const rows = (await table.newScan().toArrow()).batches.flatMap(batchToRows);
  expect(rows.length).toBe(plan.snapshot?.totalRecordCount ?? 0);
  return { rows, latest: plan.snapshot?.id ?? 0 };
}

describe('several writer processes', () => {
  it('commit concurrently; every committed row is there and snapshot ids are dense', async () => {
    const table = await scratchTable([['writer', 'INT'], ['commit', 'INT'], ['n', 'INT']]);
    const WRITERS = 4;
    const COMMITS = 6;
    const ROWS = 5;
    await Promise.all(Array.from({ length: WRITERS }, (_, i) => startWriter(table.path, i, COMMITS, ROWS).done));
    const { rows, latest } = await checkConsistent(table.path);
    expect(latest).toBe(WRITERS * COMMITS);
    expect(rows.length).toBe(WRITERS * COMMITS * ROWS);
    const seen = new Set(rows.map((r) => `${r['writer']}/${r['commit']}/${r['n']}`));
    expect(seen.size).toBe(WRITERS * COMMITS * ROWS);
  }, 120_000);
});

describe('a writer killed at random points of a commit', () => {
  it('leaves the table readable at its last complete snapshot, and the next writer succeeds', async () => {
    const table = await scratchTable([['writer', 'INT'], ['commit', 'INT'], ['n', 'INT']], { options: { 'manifest.merge-min-count': '3' } });
    let previous = 0;
    for (let round = 0; round < 8; round++) {
      const { child, done } = startWriter(table.path, round, 50, 20);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 400));
      child.kill('SIGKILL');
      await done;
      const { rows, latest } = await checkConsistent(table.path);
      expect(latest).toBeGreaterThanOrEqual(previous);
      expect(rows.length).toBe(latest * 20);
      previous = latest;
    }
    await startWriter(table.path, 99, 1, 20).done;
    const { latest } = await checkConsistent(table.path);
    expect(latest).toBe(previous + 1);
    // Leftovers of killed commits are only unreferenced files, never half snapshots.
    expect(readdirSync(`${table.path}/snapshot`).filter((n) => n.startsWith('snapshot-')).length).toBe(latest);
  }, 120_000);
});
