/** Where a compaction works: one bucket of one partition, and a split over some of its files. */
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { DataSplit } from '../scan/split.js';
import type { Value } from '../types/values.js';

export interface BucketLocation {
  partition: Value[];
  partitionBytes: Uint8Array;
  bucket: number;
  totalBuckets: number;
  /** Directory of the bucket's files. */
  dir: string;
}

/** A split of the given files of the bucket, read without deletion files (compactions apply vectors themselves). */
export function bucketSplit(where: BucketLocation, files: DataFileMeta[], rawConvertible: boolean): DataSplit {
  return {
    snapshotId: 0,
    partition: where.partition,
    partitionBytes: where.partitionBytes,
    bucket: where.bucket,
    totalBuckets: where.totalBuckets,
    bucketPath: where.dir,
    files,
    deletionFiles: files.map(() => null),
    rawConvertible,
  };
}
