/** Giving up a write, or losing a commit to a conflict, leaves no file behind that nothing references. */
import { afterEach, describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import { removeOrphanFiles } from '../src/table/orphan-files.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const orphans = async (t: FileStoreTable) => (await removeOrphanFiles(await t.reload(), { dryRun: true, olderThanMillis: 0 })).orphans.map((o) => o.path);

describe('aborted writes and conflicting commits', () => {
  it('BatchWrite.abort deletes every file written so far; the table reads as before', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '2', 'changelog-producer': 'input', 'write-buffer-size': '4 kb' } });
    const first = table.newBatchWrite();
    await first.write([{ k: 1, v: 'kept' }]);
    await first.commit();
    const w = (await table.reload()).newBatchWrite();
    for (let i = 0; i < 20; i++) await w.write(Array.from({ length: 100 }, (_, j) => ({ k: i * 100 + j, v: 'x'.repeat(20) })));
    expect((await orphans(table)).length).toBeGreaterThan(0); // flushed files, changelog files, compactions
    await w.abort();
    expect(await orphans(table)).toEqual([]);
    expect((await (await table.reload()).newScan().toArrow()).numRows).toBe(1);
  });

  it('a compaction that loses to another one is dropped with its files; the data stays', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'write-only': 'true' } });
    for (let c = 0; c < 3; c++) {
      const w = (await table.reload()).newBatchWrite();
      await w.write(Array.from({ length: 50 }, (_, j) => ({ k: j, v: `c${c}` })));
      await w.commit();
    }
    const [a, b] = await Promise.allSettled([(await table.reload()).compact({ full: true }), (await table.reload()).compact({ full: true })]);
    const results = [a!, b!];
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(PaimonError);
    expect((failed.reason as PaimonError).code).toBe('COMMIT_CONFLICT');
    expect(await orphans(table)).toEqual([]);
    const rows = (await (await table.reload()).newScan().toArrow()).numRows;
    expect(rows).toBe(50);
  });
});
