/**
 * The one-shot write a batch job does (Paimon's BatchWriteBuilder): write
 * rows, then commit them as one snapshot, optionally as INSERT OVERWRITE.
 */
import type * as arrow from 'apache-arrow';
import type { Snapshot } from '../spec/snapshot.js';
import type { FileStoreTable } from '../table/table.js';
import type { RowInput } from './input.js';
import { CompactionConflict, type CommitOptions, type Overwrite, TableCommit } from './table-commit.js';
import { PaimonError } from '../errors.js';
import { TableWrite, type WriteOptions } from './table-write.js';

export interface BatchWriteOptions {
  /** `true` overwrites the whole table; or a scope (dynamic partitions, or one static partition). */
  overwrite?: boolean | Overwrite;
  commitUser?: string;
}

export class BatchWrite {
  private readonly writer: TableWrite;
  private readonly overwrite: Overwrite | undefined;

  constructor(
    readonly table: FileStoreTable,
    options: BatchWriteOptions = {},
  ) {
    this.overwrite = options.overwrite === true ? { mode: 'all' } : options.overwrite || undefined;
    this.writer = new TableWrite(table, options.commitUser, { ignorePreviousFiles: this.overwrite !== undefined });
  }

  write(input: arrow.RecordBatch | arrow.Table | readonly RowInput[], options?: WriteOptions): Promise<void> {
    return this.writer.write(input, options);
  }

  /** Gives up the write: the files written so far are deleted. */
  abort(): Promise<void> {
    return this.writer.abort();
  }

  /** Publishes everything written as one snapshot (null when nothing was written and nothing overwritten). */
  async commit(options: Omit<CommitOptions, 'overwrite'> = {}): Promise<Snapshot | null> {
    const messages = await this.writer.prepareCommit();
    const commit = new TableCommit(this.table, this.writer.commitUser);
    try {
      return await commit.commit(messages, { ...options, ...(this.overwrite ? { overwrite: this.overwrite } : {}) });
    } catch (e) {
      // A one-shot write never retries its messages: what did not get committed is removed.
      if (e instanceof CompactionConflict) await commit.abort(messages, 'compaction').catch(() => undefined);
      else if (e instanceof PaimonError && e.code === 'COMMIT_CONFLICT') await commit.abort(messages).catch(() => undefined);
      throw e;
    }
  }
}
