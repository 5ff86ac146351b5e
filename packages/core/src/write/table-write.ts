/**
 * The write side of a table: rows in (Arrow batches or row objects, each with
 * a row kind), routed to their partition and bucket exactly as Paimon routes
 * them, buffered per bucket, and turned into commit messages.
 */
import { randomUUID } from 'node:crypto';
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { rowKey, serializeBinaryRow } from '../spec/binary-row.js';
import { BucketAssigner, KeyHasher } from './bucket-assigner.js';
import { bucketKeys, fieldsByName, trimmedPrimaryKeys, type TableSchema } from '../spec/table-schema.js';
import { getValue } from '../types/arrow-values.js';
import type { Value } from '../types/values.js';
import type { FileStoreTable } from '../table/table.js';
import { bucketDirectory } from '../table/data-paths.js';
import { indexFileName } from '../table/paths.js';
import { gatherBatch } from '../read/gather.js';
import { mergeEngineFor, pickBufferWinnerFor, RowKind, type MergeEngine } from '../merge/merge-function.js';
import { AppendBucketWriter, type BucketWriter, type BucketWriterContext, KeyValueBucketWriter } from './bucket-writers.js';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { DeletionVectorMaintainer } from '../compact/deletion-vector-maintainer.js';
import { DataFileNamer } from './data-file-writer.js';
import { conformBatch, rowsToBatch, type RowInput } from './input.js';
import { toStatsMode } from './stats-collector.js';
import { TableCommit, type CommitMessage } from './table-commit.js';
import { DynamicBucketAssigner } from './dynamic-bucket-assigner.js';
import { HashIndexMaintainer } from './hash-index-maintainer.js';

const KIND_NAMES: Record<string, RowKind> = { '+I': RowKind.INSERT, '-U': RowKind.UPDATE_BEFORE, '+U': RowKind.UPDATE_AFTER, '-D': RowKind.DELETE };

/** `+I`, `-U`, `+U`, `-D` (or the byte 0..3) as a RowKind. */
export function parseRowKind(v: unknown, where: string): RowKind {
  if (typeof v === 'number' && v >= 0 && v <= 3 && Number.isInteger(v)) return v;
  const k = typeof v === 'string' ? KIND_NAMES[v.trim().toUpperCase()] : undefined;
  if (k === undefined) throw new PaimonError('INVALID_ARGUMENT', `${where}: row kind ${JSON.stringify(v)} is not one of +I, -U, +U, -D`);
  return k;
}

export interface WriteOptions {
  /** Per-row kinds (RowKind bytes or +I/-U/+U/-D), or one kind for all rows. Default: all +I. */
  kinds?: ArrayLike<number | string> | RowKind;
}

export interface TableWriteOptions {
  /** Write as if the table were empty (INSERT OVERWRITE): no compaction with existing files. */
  ignorePreviousFiles?: boolean;
}

interface BucketState {
  partition: Value[];
  partitionBytes: Uint8Array;
  bucket: number;
  writer: BucketWriter;
  /** The bucket's key hashes (dynamic-bucket tables only). */
  hashIndex: HashIndexMaintainer | null;
}

/** Bucket ids of a dynamic-bucket partition are below Short.MAX_VALUE. */
const DYNAMIC_BUCKET_SLOTS = 32767;

/** Routing of `bucket = -1` primary-key tables: key hashes to buckets, per partition. */
interface DynamicBuckets {
  hasher: KeyHasher;
  keyIdx: number[];
  assigner: DynamicBucketAssigner;
}

/**
 * A writer keeps each bucket's LSM tree in memory between commits. After a
 * commit of its messages fails, that picture may be wrong (compactions that
 * were not committed): retry the same messages, or discard the writer and
 * start a new one from the table, as Paimon's jobs restart.
 */
export class TableWrite {
  readonly commitUser: string;
  private readonly schema: TableSchema;
  private readonly buckets = new Map<string, BucketState>();
  private readonly namer: DataFileNamer;
  private restoredSequences: Map<string, bigint> | null = null;
  /** Bucket count of each partition's existing files (`_TOTAL_BUCKETS`), keyed like `rowKey(partition)`. */
  private readonly previousTotalBuckets = new Map<string, number>();
  private restoredFiles: Map<string, DataFileMeta[]> | null = null;
  /** Live index entries of the latest snapshot, by `partition/bucket` and by partition. */
  private restoredIndexes = new Map<string, IndexManifestEntry[]>();
  private readonly restoredPartitionIndexes = new Map<string, IndexManifestEntry[]>();
  private readonly indexFileUuid = randomUUID();
  private indexFiles = 0;
  private rowsWritten = 0;
  private readonly partitionIdx: number[];
  private readonly bucketKeyIdx: number[];
  private readonly numBuckets: number;
  private readonly isPk: boolean;
  private readonly bucketAssigner: BucketAssigner | null;
  private readonly dynamicBuckets: DynamicBuckets | null;

  constructor(
    readonly table: FileStoreTable,
    commitUser?: string,
    private readonly writeOptions: TableWriteOptions = {},
  ) {
    this.commitUser = commitUser ?? randomUUID();
    this.schema = table.schema;
    const options = table.options;
    this.isPk = this.schema.primaryKeys.length > 0;
    this.numBuckets = options.bucket;
    if (this.isPk && this.numBuckets === -2) {
      throw new PaimonError('UNSUPPORTED', `table ${table.name}: writing primary-key tables with bucket = -2 (postpone bucket) is not supported yet; set a fixed bucket count or -1`);
    }
    if (this.isPk && this.numBuckets === -1) {
      const outside = this.schema.partitionKeys.filter((k) => !this.schema.primaryKeys.includes(k));
      if (outside.length > 0) {
        throw new PaimonError(
          'UNSUPPORTED',
          `table ${table.name}: writing a dynamic-bucket table whose primary key (${this.schema.primaryKeys.join(', ')}) leaves out partition key ${outside.join(', ')} (cross-partition upsert) is not supported yet`,
        );
      }
      if (options.get('indexFileInDataFileDir')?.toLowerCase() === 'true') {
        throw new PaimonError('UNSUPPORTED', `table ${table.name}: writing a dynamic-bucket table with index-file-in-data-file-dir=true is not supported`);
      }
    }
    if (!this.isPk && this.numBuckets > 0 && bucketKeys(this.schema).length === 0) {
      throw new PaimonError('INVALID_ARGUMENT', `table ${table.name}: an append table with bucket = ${this.numBuckets} needs the bucket-key option`);
    }
    if (!['parquet', 'avro', 'orc'].includes(options.fileFormat)) {
      throw new PaimonError('UNSUPPORTED_FORMAT', `table ${table.name}: writing file.format ${options.fileFormat} is not supported (parquet, orc and avro are)`);
    }
    if (options.deletionVectorsEnabled && !options.writeOnly && options.manifestFormat !== 'avro') {
      throw new PaimonError('UNSUPPORTED_FORMAT', `table ${table.name}: writing deletion vectors with manifest.format ${options.manifestFormat} is not supported (avro is)`);
    }
    if (options.manifestFormat !== 'avro' && options.manifestFormat !== 'orc') {
      throw new PaimonError('UNSUPPORTED_FORMAT', `table ${table.name}: writing manifest.format ${options.manifestFormat} is not supported (avro and orc are)`);
    }
    this.namer = new DataFileNamer(options.dataFilePrefix, `.${options.fileFormat}`);
    const indexOf = (n: string) => this.schema.fields.findIndex((f) => f.name === n);
    this.partitionIdx = this.schema.partitionKeys.map(indexOf);
    this.bucketKeyIdx = this.numBuckets > 0 ? bucketKeys(this.schema).map(indexOf) : [];
    this.bucketAssigner = this.numBuckets > 0 ? new BucketAssigner(this.bucketKeyIdx.map((i) => this.schema.fields[i]!.type), this.numBuckets) : null;
    if (this.isPk && this.numBuckets === -1) {
      const keyIdx = trimmedPrimaryKeys(this.schema).map(indexOf);
      this.dynamicBuckets = {
        hasher: new KeyHasher(keyIdx.map((i) => this.schema.fields[i]!.type)),
        keyIdx,
        // An overwrite ignores the existing assignment, as it ignores the files.
        assigner: new DynamicBucketAssigner(table, async (partition) => {
          if (this.writeOptions.ignorePreviousFiles) return [];
          await this.restore();
          return this.restoredPartitionIndexes.get(partition) ?? [];
        }),
      };
    } else this.dynamicBuckets = null;
    if (this.isPk) this.bufferEngine(); // unsupported engines or functions fail before any file is written
  }

  /**
   * Highest sequence number per (partition, bucket) in the latest snapshot,
   * so numbering continues (all levels: DV and first-row scans skip level 0).
   */
  private async restore(): Promise<Map<string, bigint>> {
    if (!this.restoredSequences) {
      const map = new Map<string, bigint>();
      const files = new Map<string, DataFileMeta[]>();
      const latest = await this.table.snapshots.latest();
      const entries = latest ? await this.table.manifests.liveEntries(await this.table.manifests.dataManifests(latest)) : [];
      for (const e of entries) {
        const key = `${rowKey(e.partition)}/${e.bucket}`;
        this.previousTotalBuckets.set(rowKey(e.partition), e.totalBuckets);
        const prev = map.get(key);
        if (prev === undefined || e.file.maxSequenceNumber > prev) map.set(key, e.file.maxSequenceNumber);
        let list = files.get(key);
        if (!list) files.set(key, (list = []));
        list.push(e.file);
      }
      if (this.table.options.deletionVectorsEnabled || this.dynamicBuckets) {
        for (const e of await this.table.manifests.liveIndexFiles(latest)) {
          const partition = rowKey(e.partition);
          const key = `${partition}/${e.bucket}`;
          for (const [map, k] of [[this.restoredIndexes, key], [this.restoredPartitionIndexes, partition]] as const) {
            const list = map.get(k);
            if (list) list.push(e);
            else map.set(k, [e]);
          }
        }
      }
      this.restoredSequences = map;
      this.restoredFiles = files;
    }
    return this.restoredSequences;
  }

  /** Writes rows; they become visible when the commit of `prepareCommit`'s messages succeeds. */
  async write(input: arrow.RecordBatch | arrow.Table | readonly RowInput[], options: WriteOptions = {}): Promise<void> {
    const batches: arrow.RecordBatch[] =
      input instanceof arrow.Table
        ? input.batches
        : input instanceof arrow.RecordBatch
          ? [input]
          : [rowsToBatch(input, this.schema.fields, this.table.name, this.rowsWritten)];
    let offset = 0;
    const total = batches.reduce((n, b) => n + b.numRows, 0);
    const kinds = this.kindsOf(options.kinds, total);
    // Validate everything before buffering anything: a rejected input writes nothing.
    const conformed = batches.map((b) => {
      const c = conformBatch(b, this.schema.fields, this.table.name, this.rowsWritten + offset);
      offset += b.numRows;
      return c;
    });
    offset = 0;
    for (const batch of conformed) {
      await this.route(batch, kinds.subarray(offset, offset + batch.numRows));
      offset += batch.numRows;
    }
    this.rowsWritten += total;
  }

  private kindsOf(kinds: WriteOptions['kinds'], n: number): Int8Array {
    const out = new Int8Array(n);
    if (kinds === undefined) return out;
    if (typeof kinds === 'number') return out.fill(parseRowKind(kinds, `table ${this.table.name}`));
    if (kinds.length !== n) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}: ${kinds.length} row kinds for ${n} rows`);
    for (let i = 0; i < n; i++) out[i] = parseRowKind(kinds[i], `table ${this.table.name}, row ${this.rowsWritten + i}`);
    if (!this.isPk) {
      const i = out.findIndex((k) => k !== RowKind.INSERT);
      if (i >= 0) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}, row ${this.rowsWritten + i}: append tables take only +I rows (no primary key to update or delete by)`);
    }
    return out;
  }

  private async route(batch: arrow.RecordBatch, kinds: Int8Array): Promise<void> {
    const n = batch.numRows;
    const partitionTypes = this.partitionIdx.map((i) => this.schema.fields[i]!.type);
    const partitionData = this.partitionIdx.map((i) => batch.data.children[i]!);
    // The partition of each row, as an index into `partitions`.
    const partitionOf = new Int32Array(n);
    const partitions: { values: Value[]; hex: string }[] = [];
    if (partitionData.length) {
      const partitionIndex = new Map<string, number>();
      for (let r = 0; r < n; r++) {
        const values = partitionData.map((d) => getValue(d, r));
        const text = values.map((v) => (v === null ? '\u0000' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v))).join('\u0001');
        let idx = partitionIndex.get(text);
        if (idx === undefined) {
          idx = partitions.length;
          partitionIndex.set(text, idx);
          // Keyed like manifest entries: the hex of the serialized partition row.
          partitions.push({ values, hex: rowKey(serializeBinaryRow(values, partitionTypes)) });
        }
        partitionOf[r] = idx;
      }
    } else if (n > 0) {
      partitions.push({ values: [], hex: rowKey(serializeBinaryRow([], [])) });
    }
    let buckets: Int32Array;
    let keyHashes: Int32Array | null = null;
    if (this.bucketAssigner) {
      buckets = this.bucketAssigner.assign(this.bucketKeyIdx.map((i) => batch.data.children[i]!), n);
    } else if (this.dynamicBuckets) {
      keyHashes = this.dynamicBuckets.hasher.hashes(this.dynamicBuckets.keyIdx.map((i) => batch.data.children[i]!), n);
      buckets = await this.assignDynamicBuckets(partitions, partitionOf, keyHashes);
    } else {
      buckets = new Int32Array(n);
    }
    // Group rows by (partition, bucket): a group id per row, then rows per group.
    const groupIds = new Int32Array(n);
    const groups: { key: string; partition: Value[]; bucket: number; count: number }[] = [];
    const byPartitionBucket = new Map<number, number>(); // partition index * buckets + bucket -> group
    const width = this.dynamicBuckets ? DYNAMIC_BUCKET_SLOTS : Math.max(1, this.numBuckets);
    for (let r = 0; r < n; r++) {
      const p = partitionOf[r]!;
      const slot = p * width + buckets[r]!;
      let g = byPartitionBucket.get(slot);
      if (g === undefined) {
        g = groups.length;
        byPartitionBucket.set(slot, g);
        const part = partitions[p]!;
        groups.push({ key: `${part.hex}/${buckets[r]}`, partition: part.values, bucket: buckets[r]!, count: 0 });
      }
      groups[g]!.count++;
      groupIds[r] = g;
    }
    const states: BucketState[] = [];
    for (const g of groups) states.push(await this.bucketState(g.key, g.partition, g.bucket));
    if (keyHashes) {
      for (let r = 0; r < n; r++) states[groupIds[r]!]!.hashIndex!.add(keyHashes[r]!);
    }
    if (groups.length === 1) {
      await states[0]!.writer.write(batch, kinds);
      return;
    }
    const rowsOf = groups.map((g) => ({ rows: new Uint32Array(g.count), at: 0 }));
    for (let r = 0; r < n; r++) {
      const target = rowsOf[groupIds[r]!]!;
      target.rows[target.at++] = r;
    }
    for (const [i, state] of states.entries()) {
      const rows = rowsOf[i]!.rows;
      const part = gatherBatch(batch.schema, [batch], { chunk: null, row: rows });
      const partKinds = new Int8Array(rows.length);
      for (let j = 0; j < rows.length; j++) partKinds[j] = kinds[rows[j]!]!;
      await state.writer.write(part, partKinds);
    }
  }

  /** Dynamic buckets of a batch's rows from their key hashes, partition by partition (spec 5.6). */
  private async assignDynamicBuckets(partitions: { values: Value[]; hex: string }[], partitionOf: Int32Array, keyHashes: Int32Array): Promise<Int32Array> {
    const indexes = [];
    for (const p of partitions) indexes.push(await this.dynamicBuckets!.assigner.partition(p.hex, this.describePartition(p.values)));
    const out = new Int32Array(keyHashes.length);
    for (let r = 0; r < keyHashes.length; r++) out[r] = indexes[partitionOf[r]!]!.assign(keyHashes[r]!);
    return out;
  }

  private describePartition(partition: Value[]): string {
    return this.schema.partitionKeys.length
      ? `partition ${this.schema.partitionKeys.map((k, i) => `${k}=${String(partition[i])}`).join('/')}`
      : 'the table';
  }

  private async bucketState(key: string, partition: Value[], bucket: number): Promise<BucketState> {
    let state = this.buckets.get(key);
    if (state) return state;
    const options = this.table.options;
    const sequences = await this.restore();
    if (!this.writeOptions.ignorePreviousFiles) this.checkNumBuckets(key, partition);
    const next = (sequences.get(key) ?? -1n) + 1n;
    const statsModes = this.schema.fields.map((f) => toStatsMode(options.statsMode(f.name)));
    const dir = bucketDirectory(this.table.path, this.schema, partition, bucket);
    const partitionTypes = fieldsByName(this.schema, this.schema.partitionKeys, 'partition').map((f) => f.type);
    const partitionBytes = serializeBinaryRow(partition, partitionTypes);
    const ctx: BucketWriterContext = {
      fileIO: this.table.fileIO,
      table: this.table,
      schema: this.schema,
      location: { partition, partitionBytes, bucket, totalBuckets: this.numBuckets, dir },
      // An overwrite replaces the bucket's files, so it never compacts with them.
      restoredFiles: this.writeOptions.ignorePreviousFiles ? [] : (this.restoredFiles?.get(key) ?? []),
      compact: !options.writeOnly,
      deletionVectors:
        options.deletionVectorsEnabled && !options.writeOnly
          ? await DeletionVectorMaintainer.restore(this.table, this.writeOptions.ignorePreviousFiles ? [] : (this.restoredIndexes.get(key) ?? []))
          : null,
      dir,
      namer: this.namer,
      compression: options.fileCompression,
      statsModes,
      targetFileSize: options.targetFileSize(this.isPk),
      writeBufferSize: options.writeBufferSize,
    };
    const writer = this.isPk
      ? new KeyValueBucketWriter(ctx, next, this.bufferEngine(), options.sequenceFields, options.sequenceDescending)
      : new AppendBucketWriter(ctx, next);
    const hashIndex = this.dynamicBuckets
      ? await HashIndexMaintainer.restore(this.table, this.writeOptions.ignorePreviousFiles ? [] : (this.restoredIndexes.get(key) ?? []), `${this.describePartition(partition)}, bucket ${bucket}`)
      : null;
    state = { partition, partitionBytes, bucket, writer, hashIndex };
    this.buckets.set(key, state);
    return state;
  }

  /**
   * After `bucket` changed, a partition's old files are hashed by the old
   * count: new rows may only go there through INSERT OVERWRITE, which
   * rewrites the partition with the new count (AbstractFileStoreWrite).
   */
  private checkNumBuckets(stateKey: string, partition: Value[]): void {
    const previous = this.previousTotalBuckets.get(stateKey.slice(0, stateKey.lastIndexOf('/')));
    if (previous === undefined || previous <= 0 || this.numBuckets <= 0 || previous === this.numBuckets) return;
    const where = this.describePartition(partition);
    throw new PaimonError(
      'UNSUPPORTED',
      `table ${this.table.name}: cannot write ${where} with bucket = ${this.numBuckets}: its files have ${previous} buckets; rescale it first with an INSERT OVERWRITE of ${where} (paimon-ts rescale, or newBatchWrite({ overwrite }))`,
    );
  }

  /** How the write buffer merges a key's records: as reads do, except that a winning retraction is kept. */
  private bufferEngine(): MergeEngine {
    const options = this.table.options;
    const engine = mergeEngineFor(options, this.table.name, this.schema.fields, this.schema.primaryKeys);
    return engine.kind === 'pick' ? { kind: 'pick', pick: pickBufferWinnerFor(options, this.table.name) } : engine;
  }

  /** How often a writer waited for a compaction because sorted runs passed `num-sorted-run.stop-trigger`. */
  get writeStalls(): number {
    let n = 0;
    for (const s of this.buckets.values()) n += s.writer.stalls ?? 0;
    return n;
  }

  /** Gives up: every file written so far (buffers flushed first) is deleted; nothing was committed. */
  async abort(): Promise<void> {
    await new TableCommit(this.table, this.commitUser).abort(await this.prepareCommit());
  }

  /** Flushes every bucket and returns what to commit; the writer can keep writing afterwards. */
  async prepareCommit(): Promise<CommitMessage[]> {
    const messages: CommitMessage[] = [];
    for (const state of this.buckets.values()) {
      const inc = await state.writer.prepareCommit();
      // Dynamic buckets: the key hashes go with the new files (Paimon's data increment).
      const hashes = state.hashIndex ? await state.hashIndex.flush(() => indexFileName(this.indexFileUuid, this.indexFiles++)) : { added: [], deleted: [] };
      const changes = inc.newFiles.length + inc.changelogFiles.length + inc.compactBefore.length + inc.compactAfter.length + inc.compactChangelog.length;
      if (changes + inc.compactNewIndexFiles.length + inc.compactDeletedIndexFiles.length + hashes.added.length + hashes.deleted.length === 0) continue;
      messages.push({ partition: state.partitionBytes, bucket: state.bucket, totalBuckets: this.numBuckets, ...inc, newIndexFiles: hashes.added, deletedIndexFiles: hashes.deleted });
    }
    return messages;
  }
}
