/**
 * A commit's cleanup never removes files a published (or possibly
 * published) snapshot references, and never makes the commit messages
 * unusable for a retry (Paimon deletes no data files inside a commit;
 * FileStoreCommitImpl: "commit exception, not sure about the situation and
 * should not clean up the files").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFileIO } from '../src/io/file-io.js';
import { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

/** Local storage whose atomic snapshot write lands but then reports an error (a lost response). */
class LostResponseFileIO extends LocalFileIO {
  failNext = false;
  override async tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean> {
    const ok = await super.tryToWriteAtomic(path, data);
    if (this.failNext && path.includes('/snapshot/snapshot-')) {
      this.failNext = false;
      throw Object.assign(new Error('connection reset after upload'), { code: 'ECONNRESET' });
    }
    return ok;
  }
}

/** Local storage that loses the snapshot race `losses` times (another writer took the id). */
class LosingRaceFileIO extends LocalFileIO {
  losses = 0;
  override async tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean> {
    if (this.losses > 0 && path.includes('/snapshot/snapshot-')) {
      this.losses--;
      return false;
    }
    return super.tryToWriteAtomic(path, data);
  }
}

describe('commit cleanup vs committed files', () => {
  it('an error from the snapshot publication after the snapshot landed does not delete its manifests', async () => {
    const created = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1' } });
    const io = new LostResponseFileIO();
    const table = await FileStoreTable.open(created.path, { fileIO: io });
    const w = table.newBatchWrite();
    await w.write([{ k: 1, v: 'a' }]);
    io.failNext = true;
    // The snapshot landed and is this commit's: the commit succeeded, as Paimon's retry finds.
    expect((await w.commit())?.id).toBe(1);
    // The table's latest state stays readable.
    const reopened = await FileStoreTable.open(created.path);
    expect(await reopened.snapshots.latestId()).toBe(1);
    expect((await reopened.newScan().toArrow()).numRows).toBe(1);
  });

  it('a commit that gave up after lost races leaves its messages committable (no data file deleted)', async () => {
    const created = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'commit.max-retries': '0' } });
    const io = new LosingRaceFileIO();
    const table = await FileStoreTable.open(created.path, { fileIO: io });
    const write = table.newWrite('job-1');
    await write.write([{ k: 1, v: 'a' }, { k: 2, v: 'b' }]);
    const messages = await write.prepareCommit();
    io.losses = 1;
    const commit = table.newCommit('job-1');
    await expect(commit.commit(messages, { identifier: 1n })).rejects.toMatchObject({ code: 'COMMIT_CONFLICT' });
    // A streaming job restarts and re-commits the checkpoint's committables (Paimon's committer does this).
    const snapshot = await table.newCommit('job-1').commit(messages, { identifier: 1n });
    expect(snapshot?.id).toBe(1);
    expect((await (await table.reload()).newScan().toArrow()).numRows).toBe(2);
  });
});
