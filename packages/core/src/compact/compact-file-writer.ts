/**
 * Writes a compaction's output: merged rows in key order (primary-key
 * tables, batches of [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields]) or plain
 * rows (append tables), rolled into files of `target-file-size` at one level
 * and marked as compaction output.
 */
import * as arrow from 'apache-arrow';
import { FileSource, type DataFileMeta } from '../spec/data-file-meta.js';
import { keyFields, trimmedPrimaryKeys, type TableSchema } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { getValue } from '../types/arrow-values.js';
import type { Value } from '../types/values.js';
import { toStatsMode } from '../write/stats-collector.js';
import { DataFileNamer, writeDataFile } from '../write/data-file-writer.js';
import { batchBytes, kvBatch } from '../write/kv-layout.js';
import { concatBatches, selectColumns } from '../read/gather.js';
import { isRetract } from '../merge/merge-function.js';

export class CompactFileWriter {
  private pending: arrow.RecordBatch[] = [];
  private bytes = 0;
  private readonly written: DataFileMeta[] = [];
  private readonly isPk: boolean;
  private readonly target: number;

  constructor(
    private readonly table: FileStoreTable,
    private readonly schema: TableSchema,
    private readonly dir: string,
    private readonly level: number,
    private readonly namer: DataFileNamer = new DataFileNamer(table.options.dataFilePrefix, `.${table.options.fileFormat}`),
    /** First sequence number of append output: files count up from it (append rows carry none of their own). */
    private nextAppendSequence = 0n,
  ) {
    this.isPk = schema.primaryKeys.length > 0;
    this.target = table.options.targetFileSize(this.isPk);
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    this.pending.push(batch);
    this.bytes += batchBytes(batch);
    if (this.bytes >= this.target) await this.roll();
  }

  async close(): Promise<DataFileMeta[]> {
    await this.roll();
    return this.written;
  }

  private async roll(): Promise<void> {
    if (this.pending.length === 0) return;
    const batches = this.pending;
    this.pending = [];
    this.bytes = 0;
    const schema = this.schema;
    const opts = this.table.options;
    const statsModes = schema.fields.map((f) => toStatsMode(opts.statsMode(f.name)));
    const keyIdx = trimmedPrimaryKeys(schema).map((k) => schema.fields.findIndex((f) => f.name === k));
    const keyFieldList = this.isPk ? keyFields(schema) : [];
    let fields = schema.fields;
    let fileBatch: arrow.RecordBatch;
    let minSeq = this.nextAppendSequence;
    let maxSeq = minSeq;
    let minKey: Value[] = [];
    let maxKey: Value[] = [];
    let deleteRows = 0;
    if (this.isPk) {
      const n = batches.reduce((s, b) => s + b.numRows, 0);
      const seqs = new BigInt64Array(n);
      const kinds = new Int8Array(n);
      let at = 0;
      for (const b of batches) {
        seqs.set((b.data.children[0]!.values as BigInt64Array).subarray(0, b.numRows), at);
        kinds.set((b.data.children[1]!.values as Int8Array).subarray(0, b.numRows), at);
        at += b.numRows;
      }
      const values = concatBatches(batches.map((b) => selectColumns(b, schema.fields.map((f) => f.name))));
      const kv = kvBatch(schema, values, Array.from(seqs), Array.from(kinds));
      fileBatch = kv.batch;
      fields = kv.fields;
      minSeq = seqs[0]!;
      maxSeq = seqs[0]!;
      for (const s of seqs) {
        if (s < minSeq) minSeq = s;
        if (s > maxSeq) maxSeq = s;
      }
      for (const k of kinds) if (isRetract(k)) deleteRows++;
      const cols = values.data.children;
      minKey = keyIdx.map((i) => getValue(cols[i]!, 0));
      maxKey = keyIdx.map((i) => getValue(cols[i]!, values.numRows - 1));
    } else {
      fileBatch = concatBatches(batches);
      maxSeq = minSeq + BigInt(fileBatch.numRows) - 1n;
      this.nextAppendSequence = maxSeq + 1n;
    }
    const k = keyFieldList.length;
    this.written.push(
      await writeDataFile(
        this.table.fileIO,
        {
          dir: this.dir,
          fileName: this.namer.next(),
          fields,
          batches: [fileBatch],
          valueColumns: schema.fields.map((_, i) => (this.isPk ? k + 2 + i : i)),
          keyColumns: keyFieldList.map((_, i) => i),
          statsModes,
          keyStatsModes: keyIdx.map((i) => statsModes[i]!),
          minSequenceNumber: minSeq,
          maxSequenceNumber: maxSeq,
          minKey,
          maxKey,
          deleteRowCount: deleteRows,
          schemaId: schema.id,
          level: this.level,
          compression: opts.fileCompression,
          fileSource: FileSource.COMPACT,
        },
        keyFieldList,
      ),
    );
  }
}
