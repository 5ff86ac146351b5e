/**
 * The LSM tree under writes: universal compaction picks (Paimon's rules),
 * compaction run inline by writers with COMPACT snapshots, write stalls,
 * small-file compaction of append buckets, and compaction on demand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import type { FileStoreTable } from '../src/table/table.js';
import type { DataFileMeta } from '../src/spec/data-file-meta.js';
import { pickUniversal } from '../src/compact/universal-compaction.js';
import type { LevelSortedRun } from '../src/compact/levels.js';
import { serializedKeyCompare } from '../src/compact/key-compare.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const run = (level: number, size: number): LevelSortedRun => ({ level, totalSize: size, files: [] });
const strategy = (trigger: number) => ({ maxSizeAmplificationPercent: 200, sizeRatio: 1, numRunCompactionTrigger: trigger });
const shape = (u: ReturnType<typeof pickUniversal>) => u && { outputLevel: u.outputLevel, runs: u.runs.map((r) => `L${r.level}:${r.totalSize}`) };

describe('universal compaction picks', () => {
  it('does nothing below the run-count trigger', () => {
    expect(pickUniversal(strategy(5), 6, [run(0, 1), run(0, 1), run(5, 100)])).toBeNull();
  });

  it('compacts everything to the top level when newer runs outweigh the oldest by the size amplification', () => {
    // 250 * 100 > 200 * 100
    expect(shape(pickUniversal(strategy(3), 6, [run(0, 150), run(0, 100), run(5, 100)]))).toEqual({ outputLevel: 5, runs: ['L0:150', 'L0:100', 'L5:100'] });
    // exactly at the limit is not amplification: size ratio decides (100 * 1.01 < 100 fails, so everything merges)
    expect(shape(pickUniversal(strategy(3), 6, [run(0, 100), run(0, 100), run(5, 100)]))?.outputLevel).toBe(5);
  });

  it('by size ratio takes the similar newest runs and lands one level below the next run', () => {
    expect(shape(pickUniversal(strategy(3), 6, [run(0, 10), run(0, 10), run(4, 100), run(5, 1000)]))).toEqual({ outputLevel: 3, runs: ['L0:10', 'L0:10'] });
  });

  it('by run count merges the newest runs beyond the trigger', () => {
    // ratio alone picks nothing (1 vs 100); four runs > trigger 3 force the two newest together
    expect(shape(pickUniversal(strategy(3), 6, [run(0, 1), run(3, 100), run(4, 1000), run(5, 10000)]))).toEqual({ outputLevel: 3, runs: ['L0:1', 'L3:100'] });
  });

  it('once triggered, a large level-0 or level-1 run does not stop the pick; a larger run above level 1 does', () => {
    expect(shape(pickUniversal(strategy(3), 6, [run(0, 10), run(0, 10), run(0, 1000), run(2, 5000), run(5, 9000)]))).toEqual({ outputLevel: 1, runs: ['L0:10', 'L0:10', 'L0:1000'] });
    expect(shape(pickUniversal(strategy(3), 6, [run(0, 10), run(0, 10), run(1, 1000), run(5, 90000)]))).toEqual({ outputLevel: 4, runs: ['L0:10', 'L0:10', 'L1:1000'] });
  });
});

type Row = { k: number; v: string | null };

async function rows(table: FileStoreTable): Promise<Row[]> {
  const t = await (await table.reload()).newScan().toArrow();
  return t.batches.flatMap(batchToRows).map((r) => ({ k: r['k'] as number, v: r['v'] as string | null })).sort((a, b) => a.k - b.k);
}

async function liveFiles(table: FileStoreTable): Promise<{ bucket: number; file: DataFileMeta }[]> {
  const t = await table.reload();
  const latest = await t.snapshots.latest();
  return (await t.manifests.liveEntries(await t.manifests.dataManifests(latest!))).map((e) => ({ bucket: e.bucket, file: e.file }));
}

/** Each level above 0 is one sorted run: its files' key ranges are disjoint. */
function checkLevels(table: FileStoreTable, files: { bucket: number; file: DataFileMeta }[]): void {
  const compare = serializedKeyCompare(table.schema);
  const byRun = new Map<string, DataFileMeta[]>();
  for (const { bucket, file } of files) {
    if (file.level === 0) continue;
    const key = `${bucket}/${file.level}`;
    byRun.set(key, [...(byRun.get(key) ?? []), file]);
  }
  for (const [key, run] of byRun) {
    run.sort((a, b) => compare(a.minKey, b.minKey));
    for (let i = 1; i < run.length; i++) expect(compare(run[i - 1]!.maxKey, run[i]!.minKey), `run ${key} overlaps`).toBeLessThan(0);
  }
}

describe('primary-key writers compact inline', () => {
  it('keeps sorted runs near the trigger with COMPACT snapshots, reading the same rows as a model', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'STRING']], {
      primaryKeys: ['k'],
      options: { bucket: '2', 'num-sorted-run.compaction-trigger': '3', 'target-file-size': '4 kb' },
    });
    const model = new Map<number, string | null>();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let c = 0; c < 25; c++) {
      const batch: Row[] = [];
      const kinds: string[] = [];
      for (let i = 0; i < 40; i++) {
        const k = Math.floor(next() * 200);
        const del = next() < 0.15;
        batch.push({ k, v: `c${c}-${i}` });
        kinds.push(del ? '-D' : '+U');
        if (del) model.delete(k);
        else model.set(k, `c${c}-${i}`);
      }
      const w = (await table.reload()).newBatchWrite();
      await w.write(batch, { kinds });
      await w.commit();
      if (c % 6 === 5) expect(await rows(table)).toEqual([...model].map(([k, v]) => ({ k, v })).sort((a, b) => a.k - b.k));
    }
    expect(await rows(table)).toEqual([...model].map(([k, v]) => ({ k, v })).sort((a, b) => a.k - b.k));
    const files = await liveFiles(table);
    checkLevels(table, files);
    for (const bucket of [0, 1]) {
      const mine = files.filter((f) => f.bucket === bucket).map((f) => f.file);
      const runs = mine.filter((f) => f.level === 0).length + new Set(mine.filter((f) => f.level > 0).map((f) => f.level)).size;
      expect(runs).toBeLessThanOrEqual(3);
      expect(mine.some((f) => f.level > 0)).toBe(true);
    }
    const t = await table.reload();
    const kinds = [];
    for (let id = 1; id <= (await t.snapshots.latestId())!; id++) kinds.push((await t.snapshots.snapshot(id)).commitKind);
    expect(kinds.filter((k) => k === 'COMPACT').length).toBeGreaterThan(3);
    expect(kinds.filter((k) => k === 'APPEND').length).toBe(25);
  });

  it('stalls a writer whose sorted runs pass the stop trigger until compaction catches up', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'STRING']], {
      primaryKeys: ['k'],
      options: { bucket: '1', 'num-sorted-run.compaction-trigger': '2', 'num-sorted-run.stop-trigger': '2', 'write-buffer-size': '4 kb' },
    });
    const w = table.newWrite('stall-test');
    for (let i = 0; i < 40; i++) await w.write(Array.from({ length: 100 }, (_, j) => ({ k: (i * 37 + j) % 500, v: `r${i}` })));
    expect(w.writeStalls).toBeGreaterThan(0);
    const messages = await w.prepareCommit();
    await table.newCommit('stall-test').commit(messages);
    const files = (await liveFiles(table)).map((f) => f.file);
    expect(files.filter((f) => f.level === 0).length).toBeLessThanOrEqual(2);
    expect((await rows(table)).length).toBe(500);
  });

  it('compacts on demand: what is due, or everything to the top level', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'write-only': 'true' } });
    for (let c = 0; c < 6; c++) {
      const w = (await table.reload()).newBatchWrite();
      await w.write([{ k: c, v: 'x' }, { k: 100, v: `last ${c}` }]);
      await w.commit();
    }
    expect((await liveFiles(table)).every((f) => f.file.level === 0)).toBe(true); // write-only: no compaction
    const due = await (await table.reload()).compact({ full: false });
    expect(due?.commitKind).toBe('COMPACT');
    expect((await liveFiles(table)).filter((f) => f.file.level === 0).length).toBeLessThan(5);
    const full = await (await table.reload()).compact({ full: true });
    const files = await liveFiles(table);
    expect(full === null || full.commitKind === 'COMPACT').toBe(true);
    expect(files.length).toBe(1);
    expect(files[0]!.file.level).toBe(5);
    expect(await (await table.reload()).compact({ full: true })).toBeNull();
    expect((await rows(table)).find((r) => r.k === 100)).toEqual({ k: 100, v: 'last 5' });
  });
});

describe('append buckets compact small files', () => {
  it('merges compaction.min.file-num small files of a fixed bucket, keeping row order', async () => {
    const table = await scratchTable([['id', 'INT'], ['v', 'STRING']], { options: { bucket: '1', 'bucket-key': 'id', 'compaction.min.file-num': '3' } });
    for (let c = 0; c < 7; c++) {
      const w = (await table.reload()).newBatchWrite();
      await w.write([{ id: c * 2, v: 'a' }, { id: c * 2 + 1, v: 'b' }]);
      await w.commit();
    }
    const files = await liveFiles(table);
    expect(files.length).toBeLessThan(4);
    const t = await (await table.reload()).newScan().toArrow();
    expect(t.batches.flatMap(batchToRows).map((r) => r['id'])).toEqual(Array.from({ length: 14 }, (_, i) => i));
  });

  it('compacts unaware-bucket tables on demand, not in the writer', async () => {
    const table = await scratchTable([['id', 'INT']], {});
    for (let c = 0; c < 6; c++) {
      const w = (await table.reload()).newBatchWrite();
      await w.write([{ id: c }]);
      await w.commit();
    }
    expect((await liveFiles(table)).length).toBe(6);
    expect((await (await table.reload()).compact({ full: false }))?.commitKind).toBe('COMPACT');
    expect((await liveFiles(table)).length).toBe(2);
    const t = await (await table.reload()).newScan().toArrow();
    expect(t.batches.flatMap(batchToRows).map((r) => r['id'])).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
