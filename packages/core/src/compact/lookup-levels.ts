/**
 * Point lookups of keys in a bucket's upper levels (Paimon's LookupLevels):
 * which live row of which file holds a key, and its values. Each file is
 * indexed once, on first use, in memory (Paimon keeps local hash files); the
 * bucket's deletion vectors hide superseded rows.
 */
import type * as arrow from 'apache-arrow';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import { trimmedPrimaryKeys, type TableSchema } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { getValue } from '../types/arrow-values.js';
import type { Value } from '../types/values.js';
import { readKeyValueFile, type ReadContext } from '../read/split-reader.js';
import { isRetract } from '../merge/merge-function.js';
import type { DeletionVectorMaintainer } from './deletion-vector-maintainer.js';
import { bucketSplit, type BucketLocation } from './bucket-location.js';

/** A Map key for a primary key's values (numbers, bigints and strings compare by value). */
export function lookupKey(values: readonly Value[]): unknown {
  if (values.length === 1) {
    const v = values[0]!;
    return v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v;
  }
  return values.map((v) => (v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v))).join('\u0001');
}

export interface LookupHit {
  file: DataFileMeta;
  position: number;
  /** The row as [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields]. */
  batch: arrow.RecordBatch;
  row: number;
}

interface FileIndex {
  /** The file's record of each key; `retract` when it is a -U/-D (the key is gone from here down). */
  positions: Map<unknown, { batch: number; row: number; position: number; retract: boolean }>;
  /** Every key with a record in the file, retractions included. */
  keys: Set<unknown>;
  batches: arrow.RecordBatch[];
}

export class LookupLevels {
  private readonly indexes = new Map<string, FileIndex>();
  private readonly keyColumns: number[];

  constructor(
    private readonly table: FileStoreTable,
    private readonly schema: TableSchema,
    private readonly where: BucketLocation,
    private readonly dv: DeletionVectorMaintainer | null,
  ) {
    // batches are [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields]
    this.keyColumns = trimmedPrimaryKeys(schema).map((k) => 2 + schema.fields.findIndex((f) => f.name === k));
  }

  /** Key values of row `r` of a [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields] batch. */
  keyOf(batch: arrow.RecordBatch, r: number): unknown {
    return lookupKey(this.keyColumns.map((c) => getValue(batch.data.children[c]!, r)));
  }

  /** The newest live row of the key among `files` (searched in the given order, newest level first). */
  async lookup(key: unknown, files: readonly DataFileMeta[]): Promise<LookupHit | null> {
    for (const file of files) {
      const index = await this.index(file);
      const at = index.positions.get(key);
      if (!at) continue;
      if (this.dv?.vectorOf(file.fileName)?.isDeleted(at.position)) continue;
      // the newest version is a deletion: older levels hold nothing live for the key (Paimon's LookupLevels)
      if (at.retract) return null;
      return { file, position: at.position, batch: index.batches[at.batch]!, row: at.row };
    }
    return null;
  }

  /** Whether any of the files has a record (even a retraction) of the key. */
  async contains(key: unknown, files: readonly DataFileMeta[]): Promise<boolean> {
    for (const file of files) if ((await this.index(file)).keys.has(key)) return true;
    return false;
  }

  forget(fileName: string): void {
    this.indexes.delete(fileName);
  }

  private async index(file: DataFileMeta): Promise<FileIndex> {
    let index = this.indexes.get(file.fileName);
    if (index) return index;
    const { table, schema, where } = this;
    const ctx: ReadContext = { table, schema, projection: schema.fields, filter: null };
    const split = bucketSplit(where, [file], false);
    const batches = await readKeyValueFile(ctx, split, file);
    const positions = new Map<unknown, { batch: number; row: number; position: number; retract: boolean }>();
    const keys = new Set<unknown>();
    let position = 0;
    batches.forEach((b, bi) => {
      const kinds = b.data.children[1]!.values as Int8Array;
      for (let r = 0; r < b.numRows; r++, position++) {
        const key = this.keyOf(b, r);
        keys.add(key);
        positions.set(key, { batch: bi, row: r, position, retract: isRetract(kinds[r]!) });
      }
    });
    index = { positions, keys, batches };
    this.indexes.set(file.fileName, index);
    return index;
  }
}
