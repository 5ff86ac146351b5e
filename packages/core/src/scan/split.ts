/** A plan is data: splits can be logged, serialized into a ticket, or handed to another engine. */
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { Snapshot } from '../spec/snapshot.js';
import type { TableSchema } from '../spec/table-schema.js';
import type { Value } from '../types/values.js';

/** Where one data file's deletion vector lives. */
export interface DeletionFile {
  path: string;
  offset: number;
  length: number;
  cardinality: number | null;
}

/** The live files of one bucket of one partition, read together. */
export interface DataSplit {
  snapshotId: number;
  partition: Value[];
  /** Serialized BinaryRow, as in the manifest. */
  partitionBytes: Uint8Array;
  bucket: number;
  totalBuckets: number;
  /** Directory of the bucket's files. */
  bucketPath: string;
  files: DataFileMeta[];
  /** Aligned with `files`; null entries have no deletion vector. */
  deletionFiles: (DeletionFile | null)[];
  /** True when rows can be read file by file without a key merge. */
  rawConvertible: boolean;
  /** Set when the split comes from another branch (`scan.fallback-branch`); read with that branch's schema. */
  branch?: string;
}

export interface ScanPlan {
  /** Null for a table with no snapshot: no splits. */
  snapshot: Snapshot | null;
  /** The schema rows are read with. */
  schema: TableSchema;
  splits: DataSplit[];
}

export function splitRowCount(split: DataSplit): number {
  return split.files.reduce((n, f) => n + f.rowCount, 0);
}

export function filePath(split: DataSplit, file: DataFileMeta): string {
  return file.externalPath ?? `${split.bucketPath}/${file.fileName}`;
}
