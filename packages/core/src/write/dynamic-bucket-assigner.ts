/**
 * Bucket assignment for primary-key tables with `bucket = -1` (spec 5.6), as
 * Paimon's assigner does it for a single writer (HashBucketAssigner with one
 * assigner, PartitionIndex). Per partition, a key hash (the trimmed primary
 * key's BinaryRow hash) seen before keeps its bucket. A new one goes to the
 * first bucket, in the iteration order of Paimon's HashMap, that holds fewer
 * than `dynamic-bucket.target-row-num` hashes; when all are full, to the
 * lowest unused bucket id; at `dynamic-bucket.max-buckets`, to a random
 * existing bucket. The state of a partition is loaded from its HASH index
 * files. An overwrite starts every partition empty (Paimon then uses
 * SimpleHashBucketAssigner, which opens buckets in the same order).
 */
import { PaimonError } from '../errors.js';
import { HASH_INDEX, type IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { JavaHashMapKeys } from '../table/java-hash-map.js';
import type { FileStoreTable } from '../table/table.js';
import { readHashIndex } from './hash-index-maintainer.js';
import { IntShortHashMap } from './int-hash-tables.js';

/** Bucket ids are Java shorts: 0 .. Short.MAX_VALUE - 1. */
const MAX_BUCKET_ID = 32766;

export class PartitionBucketIndex {
  /** Hashes per bucket that may still take keys (entries leave once full, as iteration finds them). */
  private readonly nonFullCounts = new Map<number, number>();
  private readonly nonFullOrder = new JavaHashMapKeys<number>();
  private readonly buckets: number[] = [];
  private readonly bucketSet = new Set<number>();
  private upperBoundReached = false;

  /**
   * `counts`: hashes per bucket in the order the index files were read; the
   * map Paimon counts them in becomes the non-full map (so its order counts).
   */
  constructor(
    private readonly hashToBucket: IntShortHashMap,
    counts: ReadonlyMap<number, number>,
    private readonly targetRowNum: number,
    private readonly maxBuckets: number,
    private readonly where: string,
  ) {
    for (const [bucket, n] of counts) {
      this.nonFullCounts.set(bucket, n);
      this.nonFullOrder.put(bucket);
    }
    for (const b of this.nonFullOrder.order()) {
      this.buckets.push(b);
      this.bucketSet.add(b);
    }
  }

  assign(hash: number): number {
    const known = this.hashToBucket.get(hash);
    if (known >= 0) return known;
    for (const bucket of this.nonFullOrder.order()) {
      const n = this.nonFullCounts.get(bucket)!;
      if (n < this.targetRowNum) {
        this.nonFullCounts.set(bucket, n + 1);
        this.hashToBucket.set(hash, bucket);
        return bucket;
      }
      this.nonFullCounts.delete(bucket);
      this.nonFullOrder.remove(bucket);
    }
    if (!this.upperBoundReached) {
      const last = this.maxBuckets === -1 ? MAX_BUCKET_ID : this.maxBuckets - 1;
      for (let b = 0; b <= last; b++) {
        if (this.bucketSet.has(b)) continue;
        this.nonFullCounts.set(b, 1);
        this.nonFullOrder.put(b);
        this.buckets.push(b);
        this.bucketSet.add(b);
        this.hashToBucket.set(hash, b);
        return b;
      }
      if (this.maxBuckets === -1) {
        throw new PaimonError(
          'UNSUPPORTED',
          `${this.where}: all ${MAX_BUCKET_ID + 1} dynamic buckets hold dynamic-bucket.target-row-num=${this.targetRowNum} keys; raise dynamic-bucket.target-row-num`,
        );
      }
      this.upperBoundReached = true;
    }
    // At max-buckets every new key goes to a random bucket (ListUtils.pickRandomly), full or not.
    const bucket = this.buckets[Math.floor(Math.random() * this.buckets.length)]!;
    this.hashToBucket.set(hash, bucket);
    return bucket;
  }
}

export class DynamicBucketAssigner {
  private readonly partitions = new Map<string, PartitionBucketIndex>();
  private readonly targetRowNum: number;
  private readonly maxBuckets: number;

  /**
   * `indexOf(partitionKey)` gives the partition's live index entries (all
   * types; none for an overwrite), read once per partition.
   */
  constructor(
    private readonly table: FileStoreTable,
    private readonly indexOf: (partitionKey: string) => Promise<readonly IndexManifestEntry[]>,
  ) {
    this.targetRowNum = table.options.dynamicBucketTargetRowNum;
    this.maxBuckets = table.options.dynamicBucketMaxBuckets;
  }

  /** The partition's assignment state; `partitionKey` is `rowKey` of the serialized partition, `label` names it in errors. */
  async partition(partitionKey: string, label: string): Promise<PartitionBucketIndex> {
    let index = this.partitions.get(partitionKey);
    if (index) return index;
    const where = `table ${this.table.name}, ${label}`;
    const files = (await this.indexOf(partitionKey)).filter((e) => e.indexType === HASH_INDEX);
    const hashToBucket = new IntShortHashMap(files.reduce((n, f) => n + f.rowCount, 0));
    const counts = new Map<number, number>();
    for (const file of files) {
      const hashes = await readHashIndex(this.table, file);
      for (const h of hashes) hashToBucket.set(h, file.bucket);
      if (hashes.length > 0) counts.set(file.bucket, (counts.get(file.bucket) ?? 0) + hashes.length);
    }
    index = new PartitionBucketIndex(hashToBucket, counts, this.targetRowNum, this.maxBuckets, where);
    this.partitions.set(partitionKey, index);
    return index;
  }
}
