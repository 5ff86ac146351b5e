/**
 * Per-bucket writers. Append buckets roll Parquet files at
 * `target-file-size`; primary-key buckets keep a write buffer (bounded by
 * `write-buffer-size`) that is sorted by key and sequence, merged, and
 * flushed as one level-0 sorted run with `_KEY_*`, `_SEQUENCE_NUMBER` and
 * `_VALUE_KIND` columns (spec 6.1).
 */
import * as arrow from 'apache-arrow';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { TableSchema } from '../spec/table-schema.js';
import { keyFields, trimmedPrimaryKeys } from '../spec/table-schema.js';
import { buildData, getValue } from '../types/arrow-values.js';
import { compareValues, type Value } from '../types/values.js';
import type { DataField } from '../types/data-type.js';
import type { FileIO } from '../io/file-io.js';
import { gatherBatch } from '../read/gather.js';
import { isRetract, type KeyGroup, type MergeEngine } from '../merge/merge-function.js';
import { DataFileNamer, writeDataFile } from './data-file-writer.js';
import { batchBytes, kvBatch } from './kv-layout.js';
import type { FileStoreTable } from '../table/table.js';
import { MergeTreeCompactManager, type BucketLocation } from '../compact/merge-tree-compaction.js';
import { AppendCompactManager } from '../compact/append-compaction.js';
import type { DeletionVectorMaintainer, IndexFileMeta } from '../compact/deletion-vector-maintainer.js';
import type { StatsMode } from './stats-collector.js';

export interface BucketWriterContext {
  fileIO: FileIO;
  table: FileStoreTable;
  schema: TableSchema;
  location: BucketLocation;
  /** The bucket's live files when writing started (none for an overwrite). */
  restoredFiles: DataFileMeta[];
  /** False with `write-only`: compactions are left to a separate job. */
  compact: boolean;
  /** The bucket's deletion vectors, restored (deletion-vector tables only). */
  deletionVectors: DeletionVectorMaintainer | null;
  /** Directory of this bucket's files. */
  dir: string;
  namer: DataFileNamer;
  compression: string;
  statsModes: StatsMode[];
  targetFileSize: number;
  writeBufferSize: number;
}

export interface BucketWriter {
  /** Adds rows (already conformed to the table schema); kinds are RowKind bytes. */
  write(batch: arrow.RecordBatch, kinds: Int8Array): Promise<void>;
  /** Flushes what is buffered and returns what changed since the last call (compactions waited for). */
  prepareCommit(): Promise<BucketIncrement>;
  /** Bytes held in memory now. */
  readonly bufferedBytes: number;
  /** Writes the buffer out early (memory pressure across buckets). */
  flush(): Promise<void>;
  /** Waits for compaction because of too many sorted runs, so far. */
  readonly stalls?: number;
}

/** One bucket's changes for a commit. */
export interface BucketIncrement {
  newFiles: DataFileMeta[];
  changelogFiles: DataFileMeta[];
  compactBefore: DataFileMeta[];
  compactAfter: DataFileMeta[];
  compactChangelog: DataFileMeta[];
  /** Deletion-vector index files the compactions produced and retired. */
  compactNewIndexFiles: IndexFileMeta[];
  compactDeletedIndexFiles: IndexFileMeta[];
}


export class AppendBucketWriter implements BucketWriter {
  private batches: arrow.RecordBatch[] = [];
  private bytes = 0;
  private rows = 0;
  private readonly files: DataFileMeta[] = [];

  private readonly compactor: AppendCompactManager | null;

  constructor(
    private readonly ctx: BucketWriterContext,
    private nextSequence: bigint,
  ) {
    // Unaware-bucket tables (bucket -1) are compacted by a separate job, as in Paimon.
    this.compactor =
      ctx.compact && ctx.location.totalBuckets > 0 ? new AppendCompactManager(ctx.table, ctx.schema, ctx.location, ctx.namer, ctx.restoredFiles, ctx.deletionVectors) : null;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  async write(batch: arrow.RecordBatch, kinds: Int8Array): Promise<void> {
    for (const k of kinds) {
      if (k !== 0) throw new Error('append tables take only +I rows');
    }
    this.batches.push(batch);
    this.bytes += batchBytes(batch);
    this.rows += batch.numRows;
    // In-memory Arrow is larger than the encoded file, so files stay within the target size.
    if (this.bytes >= this.ctx.targetFileSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows === 0) return;
    const fields = this.ctx.schema.fields;
    const columns = fields.map((_, i) => i);
    const first = this.nextSequence;
    this.nextSequence += BigInt(this.rows);
    this.files.push(
      await writeDataFile(
        this.ctx.fileIO,
        {
          dir: this.ctx.dir,
          fileName: this.ctx.namer.next(),
          fields,
          batches: this.batches,
          valueColumns: columns,
          keyColumns: [],
          statsModes: this.ctx.statsModes,
          keyStatsModes: [],
          minSequenceNumber: first,
          maxSequenceNumber: this.nextSequence - 1n,
          minKey: [],
          maxKey: [],
          deleteRowCount: 0,
          schemaId: this.ctx.schema.id,
          level: 0,
          compression: this.ctx.compression,
        },
        [],
      ),
    );
    this.batches = [];
    this.bytes = 0;
    this.rows = 0;
    if (this.compactor) {
      this.compactor.addNewFile(this.files[this.files.length - 1]!);
      await this.compactor.triggerCompaction();
    }
  }

  async prepareCommit(): Promise<BucketIncrement> {
    await this.flush();
    const newFiles = this.files.splice(0);
    const compacted = this.compactor ? this.compactor.drain() : { before: [], after: [] };
    const index = this.ctx.deletionVectors ? await this.ctx.deletionVectors.flush() : { added: [], deleted: [] };
    return { newFiles, changelogFiles: [], compactBefore: compacted.before, compactAfter: compacted.after, compactChangelog: [], compactNewIndexFiles: index.added, compactDeletedIndexFiles: index.deleted };
  }
}

interface Buffered {
  batch: arrow.RecordBatch;
  kinds: Int8Array;
  firstSequence: bigint;
}

export class KeyValueBucketWriter implements BucketWriter {
  private buffer: Buffered[] = [];
  private bytes = 0;
  private readonly files: DataFileMeta[] = [];
  private readonly keyNames: string[];
  private readonly keyIndexes: number[];
  private readonly seqIndexes: number[];

  private readonly compactor: MergeTreeCompactManager | null;
  private commits = 0;
  private readonly changelogNamer: DataFileNamer | null;
  private readonly changelogs: DataFileMeta[] = [];

  constructor(
    private readonly ctx: BucketWriterContext,
    private nextSequence: bigint,
    private readonly engine: MergeEngine,
    sequenceFields: string[],
    private readonly sequenceDescending: boolean,
  ) {
    this.compactor = ctx.compact ? new MergeTreeCompactManager(ctx.table, ctx.schema, ctx.location, ctx.namer, ctx.restoredFiles, ctx.deletionVectors) : null;
    const options = ctx.table.options;
    this.changelogNamer = options.changelogProducer === 'input' ? new DataFileNamer(options.changelogFilePrefix, `.${options.changelogFileFormat}`) : null;
    this.keyNames = trimmedPrimaryKeys(ctx.schema);
    const indexOf = (n: string) => ctx.schema.fields.findIndex((f) => f.name === n);
    this.keyIndexes = this.keyNames.map(indexOf);
    this.seqIndexes = sequenceFields.map(indexOf);
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  async write(batch: arrow.RecordBatch, kinds: Int8Array): Promise<void> {
    this.buffer.push({ batch, kinds, firstSequence: this.nextSequence });
    this.nextSequence += BigInt(batch.numRows);
    this.bytes += batchBytes(batch);
    if (this.bytes >= this.ctx.writeBufferSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    // A finished compaction is folded in; a write stall: too many sorted runs wait for the running one.
    await this.compactor?.collectFinished();
    await this.compactor?.stallIfNeeded();
    const chunks = this.buffer;
    this.buffer = [];
    this.bytes = 0;
    // Every buffered row gets a global index; arrival order is sequence order.
    const starts: number[] = [];
    let total = 0;
    for (const c of chunks) {
      starts.push(total);
      total += c.batch.numRows;
    }
    const chunkOf = new Uint32Array(total);
    const rowOf = new Uint32Array(total);
    chunks.forEach((c, ci) => {
      chunkOf.fill(ci, starts[ci]!, starts[ci]! + c.batch.numRows);
      for (let r = 0; r < c.batch.numRows; r++) rowOf[starts[ci]! + r] = r;
    });
    const keyCols = this.keyIndexes.map((idx) => flatColumn(chunks.map((c) => c.batch.data.children[idx]!), total));
    const seqCols = this.seqIndexes.map((idx) => flatColumn(chunks.map((c) => c.batch.data.children[idx]!), total));
    const compareKey = keyComparator(keyCols);
    const compareSeq = keyComparator(seqCols);
    const descending = this.sequenceDescending;
    const order = new Array<number>(total);
    for (let i = 0; i < total; i++) order[i] = i;
    order.sort((a, b) => {
      const d = compareKey(a, b);
      if (d !== 0) return d;
      const e = compareSeq(a, b);
      if (e !== 0) return descending ? -e : e;
      return a - b;
    });
    // One record per key: the one a pick engine chooses, or the row a combining engine builds.
    const chunkSel: number[] = [];
    const rowSel: number[] = [];
    const seqs: bigint[] = [];
    const kindsOut: number[] = [];
    const combinedRows: Value[][] = [];
    const groupKinds: number[] = [];
    const groupRefs: number[] = [];
    const engine = this.engine;
    const columns = this.ctx.schema.fields.length;
    const group: KeyGroup = {
      get size() {
        return groupKinds.length;
      },
      kind: (i) => groupKinds[i]!,
      value: (i, c) => getValue(chunks[chunkOf[groupRefs[i]!]!]!.batch.data.children[c]!, rowOf[groupRefs[i]!]!),
    };
    for (let start = 0; start < total; ) {
      let end = start + 1;
      while (end < total && compareKey(order[start]!, order[end]!) === 0) end++;
      groupKinds.length = 0;
      groupRefs.length = 0;
      for (let i = start; i < end; i++) {
        groupRefs.push(order[i]!);
        groupKinds.push(chunks[chunkOf[order[i]!]!]!.kinds[rowOf[order[i]!]!]!);
      }
      // The record keeps the newest sequence number of its key (the merge result's).
      const last = order[end - 1]!;
      const lastSeq = chunks[chunkOf[last]!]!.firstSequence + BigInt(rowOf[last]!);
      if (engine.kind === 'pick') {
        const w = engine.pick(groupKinds, 0, groupKinds.length);
        if (w >= 0) {
          const g = order[start + w]!;
          chunkSel.push(chunkOf[g]!);
          rowSel.push(rowOf[g]!);
          seqs.push(chunks[chunkOf[g]!]!.firstSequence + BigInt(rowOf[g]!));
          kindsOut.push(groupKinds[w]!);
        }
      } else {
        const merged = engine.combine(group, columns);
        if (merged) {
          chunkSel.push(chunkOf[last]!);
          rowSel.push(rowOf[last]!);
          combinedRows.push(merged.row);
          seqs.push(lastSeq);
          kindsOut.push(merged.kind);
        }
      }
      start = end;
    }
    const keys = keyCols.map((c) => c.values);
    const globalOf = (ci: number, r: number) => starts[ci]! + r;
    if (this.changelogNamer) await this.writeInputChangelog(chunks, chunkOf, rowOf, order, keys);
    if (rowSel.length === 0) return;
    const schema = chunks[0]!.batch.schema;
    const values =
      engine.kind === 'pick'
        ? gatherBatch(schema, chunks.map((c) => c.batch), { chunk: Uint32Array.from(chunkSel), row: Uint32Array.from(rowSel) })
        : new arrow.RecordBatch(
            schema,
            arrow.makeData({
              type: new arrow.Struct(schema.fields),
              length: combinedRows.length,
              nullCount: 0,
              children: schema.fields.map((f, c) => buildData(f.type, combinedRows.map((r) => r[c]!))),
            }),
          );
    const file = kvBatch(this.ctx.schema, values, seqs, kindsOut);
    let minSeq = seqs[0]!;
    let maxSeq = seqs[0]!;
    for (const s of seqs) {
      if (s < minSeq) minSeq = s;
      if (s > maxSeq) maxSeq = s;
    }
    this.files.push(
      await this.writeLevel0(file, this.ctx.namer, this.ctx.compression, {
        minSeq,
        maxSeq,
        minKey: keys.map((k) => k(globalOf(chunkSel[0]!, rowSel[0]!))),
        maxKey: keys.map((k) => k(globalOf(chunkSel[chunkSel.length - 1]!, rowSel[rowSel.length - 1]!))),
        deletes: kindsOut.filter(isRetract).length,
      }),
    );
    if (this.compactor) {
      this.compactor.addNewFile(this.files[this.files.length - 1]!);
      this.compactor.triggerCompaction();
    }
  }

  /**
   * `changelog-producer = input`: every buffered record, unmerged, in key and
   * sequence order (as Paimon's writer hands its sorted buffer to the
   * changelog writer), as a level-0 changelog file.
   */
  private async writeInputChangelog(chunks: Buffered[], chunkOf: Uint32Array, rowOf: Uint32Array, order: number[], keys: ((i: number) => Value)[]): Promise<void> {
    const n = order.length;
    const chunkSel = new Uint32Array(n);
    const rowSel = new Uint32Array(n);
    const seqs: bigint[] = new Array(n);
    const kinds: number[] = new Array(n);
    let minSeq = -1n;
    let maxSeq = -1n;
    let deletes = 0;
    for (let i = 0; i < n; i++) {
      const g = order[i]!;
      const c = chunks[chunkOf[g]!]!;
      chunkSel[i] = chunkOf[g]!;
      rowSel[i] = rowOf[g]!;
      const seq = c.firstSequence + BigInt(rowOf[g]!);
      seqs[i] = seq;
      kinds[i] = c.kinds[rowOf[g]!]!;
      if (isRetract(kinds[i]!)) deletes++;
      if (minSeq < 0n || seq < minSeq) minSeq = seq;
      if (seq > maxSeq) maxSeq = seq;
    }
    const values = gatherBatch(chunks[0]!.batch.schema, chunks.map((c) => c.batch), { chunk: chunkSel, row: rowSel });
    const file = kvBatch(this.ctx.schema, values, seqs, kinds);
    this.changelogs.push(
      await this.writeLevel0(file, this.changelogNamer!, this.ctx.table.options.changelogFileCompression, {
        minSeq,
        maxSeq,
        minKey: keys.map((key) => key(order[0]!)),
        maxKey: keys.map((key) => key(order[n - 1]!)),
        deletes,
      }),
    );
  }

  /** One level-0 file in the primary-key layout (data or changelog), its key stats on the key columns. */
  private writeLevel0(
    file: { fields: DataField[]; batch: arrow.RecordBatch },
    namer: DataFileNamer,
    compression: string,
    meta: { minSeq: bigint; maxSeq: bigint; minKey: Value[]; maxKey: Value[]; deletes: number },
  ): Promise<DataFileMeta> {
    const keyFieldList = keyFields(this.ctx.schema);
    const k = keyFieldList.length;
    return writeDataFile(
      this.ctx.fileIO,
      {
        dir: this.ctx.dir,
        fileName: namer.next(),
        fields: file.fields,
        batches: [file.batch],
        valueColumns: this.ctx.schema.fields.map((_, i) => k + 2 + i),
        keyColumns: keyFieldList.map((_, i) => i),
        statsModes: this.ctx.statsModes,
        keyStatsModes: this.keyIndexes.map((i) => this.ctx.statsModes[i]!),
        minSequenceNumber: meta.minSeq,
        maxSequenceNumber: meta.maxSeq,
        minKey: meta.minKey,
        maxKey: meta.maxKey,
        deleteRowCount: meta.deletes,
        schemaId: this.ctx.schema.id,
        level: 0,
        compression,
      },
      keyFieldList,
    );
  }

  /** Write stalls so far (sorted runs above `num-sorted-run.stop-trigger`). */
  get stalls(): number {
    return this.compactor?.stalls ?? 0;
  }

  async prepareCommit(): Promise<BucketIncrement> {
    await this.flush();
    const newFiles = this.files.splice(0);
    let compacted = { before: [] as DataFileMeta[], after: [] as DataFileMeta[], changelog: [] as DataFileMeta[] };
    if (this.compactor) {
      this.commits++;
      const options = this.ctx.table.options;
      // the full-compaction changelog producer compacts fully every commit unless told otherwise
      const every = options.fullCompactionDeltaCommits ?? (options.changelogProducer === 'full-compaction' ? 1 : null);
      const full = every !== null && this.commits % every === 0;
      compacted = await this.compactor.drain(full);
    }
    const index = this.ctx.deletionVectors ? await this.ctx.deletionVectors.flush() : { added: [], deleted: [] };
    return {
      newFiles,
      changelogFiles: this.changelogs.splice(0),
      compactBefore: compacted.before,
      compactAfter: compacted.after,
      compactChangelog: compacted.changelog,
      compactNewIndexFiles: index.added,
      compactDeletedIndexFiles: index.deleted,
    };
  }
}


/** One column of all buffered chunks, as a value accessor by global row index (typed arrays for numbers). */
interface FlatColumn {
  kind: 'number' | 'bigint' | 'other';
  numbers?: Float64Array;
  bigints?: BigInt64Array;
  nulls?: Uint8Array;
  others?: Value[];
  values: (i: number) => Value;
}

function flatColumn(parts: arrow.Data[], total: number): FlatColumn {
  const type = parts[0]!.type as arrow.DataType;
  const simple = parts.every((d) => d.nullCount === 0);
  if (simple && (type.typeId === arrow.Type.Int || type.typeId === arrow.Type.Float || type.typeId === arrow.Type.Date || type.typeId === arrow.Type.Time || type.typeId === arrow.Type.Timestamp)) {
    const first = parts[0]!.values;
    if (first instanceof BigInt64Array) {
      const out = new BigInt64Array(total);
      let at = 0;
      for (const d of parts) {
        out.set((d.values as BigInt64Array).subarray(0, d.length), at);
        at += d.length;
      }
      return { kind: 'bigint', bigints: out, values: (i) => out[i]! };
    }
    if (!(first instanceof Uint32Array)) {
      const out = new Float64Array(total);
      let at = 0;
      for (const d of parts) {
        const v = d.values as Int32Array | Float64Array;
        for (let r = 0; r < d.length; r++) out[at++] = v[r]!;
      }
      return { kind: 'number', numbers: out, values: (i) => out[i]! };
    }
  }
  const out: Value[] = new Array(total);
  let at = 0;
  for (const d of parts) for (let r = 0; r < d.length; r++) out[at++] = getValue(d, r);
  return { kind: 'other', others: out, values: (i) => out[i]! };
}

/** Compares two global rows on the given columns (in order), specialized for one typed column. */
function keyComparator(cols: FlatColumn[]): (a: number, b: number) => number {
  if (cols.length === 0) return () => 0;
  if (cols.length === 1) {
    const c = cols[0]!;
    if (c.numbers) {
      const v = c.numbers;
      return (a, b) => v[a]! - v[b]!;
    }
    if (c.bigints) {
      const v = c.bigints;
      return (a, b) => (v[a]! < v[b]! ? -1 : v[a]! > v[b]! ? 1 : 0);
    }
  }
  return (a, b) => {
    for (const c of cols) {
      const d = compareValues(c.values(a), c.values(b));
      if (d !== 0) return d;
    }
    return 0;
  };
}
