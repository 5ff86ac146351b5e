import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { batchToRows } from '../src/read/rows.js';
import { ROW_KIND_COLUMN } from '../src/read/split-reader.js';
import type { ChangeBatch, StreamScanOptions } from '../src/scan/stream-scan.js';
import type { FileStoreTable } from '../src/table/table.js';
import { PaimonError } from '../src/errors.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const KIND = ['+I', '-U', '+U', '-D'];
const lines = (changes: ChangeBatch[]) =>
  changes.flatMap((c) => batchToRows(c.batch).map((r) => `${c.phase}@${c.snapshotId} ${KIND[r[ROW_KIND_COLUMN] as number]} ${r['k']}=${r['v']}`));

async function commit(t: FileStoreTable, rows: { k: number; v: string }[], kinds?: string[]) {
  const w = (await t.reload()).newBatchWrite();
  await w.write(rows, kinds ? { kinds } : {});
  return (await w.commit())!.id;
}

/** Reads changes until `count` batches arrived (or a timeout), then stops the stream. */
async function take(t: FileStoreTable, options: StreamScanOptions, until: (seen: ChangeBatch[]) => boolean, during?: () => Promise<void>) {
  const abort = new AbortController();
  const seen: ChangeBatch[] = [];
  const timer = setTimeout(() => abort.abort(), 10_000);
  const reading = (async () => {
    for await (const c of (await t.reload()).newStreamScan({ ...options, signal: abort.signal }).changes()) {
      seen.push(c);
      if (until(seen)) abort.abort();
    }
  })();
  await during?.();
  await reading;
  clearTimeout(timer);
  return seen;
}

describe('streaming reads of a primary-key table', () => {
  const make = () => scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1' } });

  it('hybrid (latest-full): the full snapshot first, then only the increments, with their row kinds', async () => {
    const t = await make();
    await commit(t, [{ k: 1, v: 'a' }, { k: 2, v: 'b' }]);
    await commit(t, [{ k: 1, v: 'a2' }], ['+U']);
    const seen = await take(t, {}, (s) => s.some((c) => c.snapshotId === 4), async () => {
      await new Promise((r) => setTimeout(r, 50));
      await commit(t, [{ k: 2, v: 'b' }, { k: 3, v: 'c' }], ['-D', '+I']);
      await commit(t, [{ k: 3, v: 'c2' }], ['+U']);
    });
    expect(lines(seen)).toEqual(['full@2 +I 1=a2', 'full@2 +I 2=b', 'delta@3 -D 2=b', 'delta@3 +I 3=c', 'delta@4 +U 3=c2']);
  });

  it('latest: only changes committed after the start', async () => {
    const t = await make();
    await commit(t, [{ k: 1, v: 'old' }]);
    const seen = await take(t, { mode: 'latest' }, (s) => s.length >= 1, async () => {
      await new Promise((r) => setTimeout(r, 50));
      await commit(t, [{ k: 9, v: 'new' }]);
    });
    expect(lines(seen)).toEqual(['delta@2 +I 9=new']);
  });

  it('from-snapshot and a bounded range (incremental between 1 and 2)', async () => {
    const t = await make();
    await commit(t, [{ k: 1, v: 'a' }]);
    await commit(t, [{ k: 2, v: 'b' }]);
    await commit(t, [{ k: 3, v: 'c' }]);
    const seen = await take(t, { mode: 'from-snapshot', snapshotId: 2, endSnapshotId: 2 }, () => false);
    expect(lines(seen)).toEqual(['delta@2 +I 2=b']);
  });

  it('a consumer resumes exactly where it stopped', async () => {
    const t = await make();
    await commit(t, [{ k: 1, v: 'a' }]);
    const first = await take(t, { consumerId: 'c1', mode: 'from-snapshot', snapshotId: 1 }, (s) => s.length >= 1);
    expect(lines(first)).toEqual(['delta@1 +I 1=a']);
    await commit(t, [{ k: 2, v: 'b' }]);
    const second = await take(t, { consumerId: 'c1' }, (s) => s.length >= 1);
    expect(lines(second)).toEqual(['delta@2 +I 2=b']);
  });

  it('skips COMPACT commits (they bring no new rows)', async () => {
    const t = await make();
    await commit(t, [{ k: 1, v: 'a' }]);
    const fresh = await t.reload();
    const [entry] = await fresh.manifests.liveEntries(await fresh.manifests.dataManifests((await fresh.snapshots.latest())!));
    // a compaction that rewrites nothing: the same file removed and added back
    const same = [{ partition: entry!.partition, bucket: entry!.bucket, totalBuckets: 1, newFiles: [], compactAfter: [entry!.file], compactBefore: [entry!.file] }];
    expect((await fresh.newCommit('compactor').commit(same))!.commitKind).toBe('COMPACT');
    await commit(t, [{ k: 2, v: 'b' }]);
    const seen = await take(t, { mode: 'from-snapshot', snapshotId: 1, endSnapshotId: 3 }, () => false);
    expect(lines(seen)).toEqual(['delta@1 +I 1=a', 'delta@3 +I 2=b']);
  });

  it('reports a gap left by expiration, or resumes from the earliest snapshot if asked', async () => {
    const t = await make();
    await commit(t, [{ k: 1, v: 'a' }]);
    await commit(t, [{ k: 2, v: 'b' }]);
    rmSync(`${t.path}/snapshot/snapshot-1`);
    const err = await take(t, { mode: 'from-snapshot', snapshotId: 1 }, () => false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaimonError);
    expect((err as Error).message).toMatch(/snapshot 1 expired before it was read/);
    const resumed = await take(t, { mode: 'from-snapshot', snapshotId: 1, onExpired: 'earliest' }, (s) => s.length >= 1);
    expect(lines(resumed)).toEqual(['delta@2 +I 2=b']);
  });
});
