/**
 * Commit-to-visible latency of streaming reads on a local file system: a
 * reader follows a table (fs watch + 100 ms poll) while small commits land;
 * for each commit, the time from `commit()` returning to the reader holding
 * its rows. Prints median and p99 and writes results/stream-latency.{json,md}.
 * `BENCH_COMMITS` (default 1000) sets the number of commits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSystemCatalog } from '@paimon-ts/core';

const commits = Number(process.env['BENCH_COMMITS'] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'paimon-ts-latency-'));
const resultsDir = join(dirname(dirname(fileURLToPath(import.meta.url))), 'results');

try {
  const catalog = new FileSystemCatalog(dir);
  await catalog.createDatabase('bench', true);
  await catalog.createTable('bench.events', { fields: [{ name: 'id', type: 'BIGINT' }, { name: 'n', type: 'INT' }], primaryKeys: ['id'], options: { bucket: '1' } }, false);
  const table = await catalog.getTable('bench.events');
  const seenAt = new Map<number, number>();
  const abort = new AbortController();
  const reader = (async () => {
    for await (const change of table.newStreamScan({ mode: 'latest', signal: abort.signal }).changes()) {
      seenAt.set(change.snapshotId, performance.now());
    }
  })();
  const committedAt = new Map<number, number>();
  const writer = table.newWrite('latency-bench');
  const commit = table.newCommit('latency-bench');
  for (let i = 0; i < commits; i++) {
    await writer.write([{ id: i, n: i }]);
    const snapshot = await commit.commit(await writer.prepareCommit(), { identifier: BigInt(i + 1) });
    committedAt.set(snapshot!.id, performance.now());
    // Wait for this commit to be seen before the next, so each latency is measured alone.
    const deadline = performance.now() + 5000;
    while (!seenAt.has(snapshot!.id) && performance.now() < deadline) await new Promise((r) => setImmediate(r));
    if (i % 100 === 0) process.stderr.write(`\r${i}/${commits} commits`);
  }
  abort.abort();
  await reader;
  const latencies = [...committedAt].map(([id, t]) => (seenAt.get(id) ?? Infinity) - t).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const result = { date: new Date().toISOString(), commits, medianMs: pct(50), p90Ms: pct(90), p99Ms: pct(99), maxMs: latencies[latencies.length - 1]!, missed: latencies.filter((l) => !Number.isFinite(l)).length };
  const md = `# Commit-to-visible latency (streaming read, local file system)\n\n| commits | median | p90 | p99 | max | missed |\n|---|---|---|---|---|---|\n| ${commits} | ${result.medianMs.toFixed(1)} ms | ${result.p90Ms.toFixed(1)} ms | ${result.p99Ms.toFixed(1)} ms | ${result.maxMs.toFixed(1)} ms | ${result.missed} |\n`;
  process.stderr.write('\n');
  process.stdout.write(md);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'stream-latency.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(resultsDir, 'stream-latency.md'), md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
