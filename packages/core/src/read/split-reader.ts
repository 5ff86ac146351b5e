/**
 * Reads a split to Arrow batches: append and deletion-vector splits file by
 * file, primary-key splits by a k-way merge on the key (spec 6.2). Files
 * written under older schemas are read through field ids (schema evolution).
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { buildData, getValue, nullData } from '../types/arrow-values.js';
import { toArrowField, toArrowSchema } from '../types/arrow-type.js';
import {
  type DataField,
  SEQUENCE_NUMBER,
  SEQUENCE_NUMBER_FIELD_ID,
  sameType,
  VALUE_KIND,
  VALUE_KIND_FIELD_ID,
  withNullable,
} from '../types/data-type.js';
import { compareValues, isOrderable, type Value } from '../types/values.js';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import { trimmedPrimaryKeys, type TableSchema } from '../spec/table-schema.js';
import { CoreOptions } from '../table/options.js';
import type { FileStoreTable } from '../table/table.js';
import { evaluate, mayMatch, type Predicate } from '../scan/predicate.js';
import { filePath, type DataSplit } from '../scan/split.js';
import { isRetract, mergeEngineFor, mergeReadExtraFields, pickBufferWinnerFor, type KeyGroup, type MergeEngine } from '../merge/merge-function.js';
import { castData, conformData } from './conform.js';
import { readDataFile, type PartFilter } from './data-file-reader.js';
import { filterBatch, gatherBatch, selectColumns } from './gather.js';
import { loadDeletionVector } from './deletion-vectors.js';
import type { DeletionVector } from '../spec/deletion-vector.js';

const OUTPUT_BATCH_ROWS = 65536;

const SEQ_FIELD: DataField = { id: SEQUENCE_NUMBER_FIELD_ID, name: SEQUENCE_NUMBER, type: { kind: 'BIGINT', nullable: false } };
const KIND_FIELD: DataField = { id: VALUE_KIND_FIELD_ID, name: VALUE_KIND, type: { kind: 'TINYINT', nullable: false } };

export interface ReadContext {
  table: FileStoreTable;
  /** The schema rows are read with (the plan's). */
  schema: TableSchema;
  /** Output columns, fields of `schema`. */
  projection: DataField[];
  /** Bound to `schema`; applied to rows after merging. */
  filter: Predicate | null;
}

function uniqueFields(fields: DataField[]): DataField[] {
  const seen = new Set<number>();
  return fields.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)));
}

/**
 * Reads `fields` (of the read schema) from one file written with its own
 * schema: columns found by field id, renamed, cast where the type changed,
 * null where the column did not exist yet. System fields come first if asked.
 */
async function readEvolved(
  ctx: ReadContext,
  split: DataSplit,
  file: DataFileMeta,
  fields: DataField[],
  withSystem: boolean,
  prunable = false,
): Promise<arrow.RecordBatch[]> {
  const fileSchema = await ctx.table.schemas.schema(file.schemaId);
  const path = filePath(split, file);
  const wanted = withSystem ? [SEQ_FIELD, KIND_FIELD, ...fields] : fields;
  const toRead: DataField[] = [];
  const sources = wanted.map((f) => {
    if (f.id >= SEQUENCE_NUMBER_FIELD_ID - 10) {
      toRead.push(f);
      return f;
    }
    const old = fileSchema.fields.find((x) => x.id === f.id);
    if (old) toRead.push(old);
    return old ?? null;
  });
  // Parts of the file (ORC stripes) the filter rules out are skipped, columns matched by field id.
  const filter = ctx.filter;
  const prune: PartFilter | undefined =
    prunable && filter
      ? (stats) =>
          mayMatch(filter, (name) => {
            const current = ctx.schema.fields.find((f) => f.name === name);
            const old = current && fileSchema.fields.find((f) => f.id === current.id);
            if (!current || !old || !sameType(withNullable(old.type, true), withNullable(current.type, true))) return null;
            const s = stats(old.name);
            return s ? { ...s, orderable: isOrderable(old.type) } : null;
          })
      : undefined;
  const batches = await readDataFile(ctx.table.fileIO, path, toRead, prune);
  const schema = toArrowSchema(wanted);
  return batches.map((b) => {
    const children = wanted.map((f, i) => {
      const old = sources[i];
      if (!old) return nullData(toArrowField(f).type, b.numRows);
      const data = b.data.children[toRead.indexOf(old)]!;
      if (sameType(withNullable(old.type, true), withNullable(f.type, true))) return conformData(data, schema.fields[i]!.type);
      return castData(data, old.type, f.type, `${f.name} of ${path}`);
    });
    return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: b.numRows, nullCount: 0, children }));
  });
}

/** Keeps the projection's columns (dropping helper columns read for keys or filters). */
function project(batch: arrow.RecordBatch, projection: DataField[]): arrow.RecordBatch {
  if (batch.schema.fields.length === projection.length && batch.schema.fields.every((f, i) => f.name === projection[i]!.name)) return batch;
  return selectColumns(batch, projection.map((f) => f.name));
}

async function* applyFilterAndProject(ctx: ReadContext, batches: Iterable<arrow.RecordBatch> | AsyncIterable<arrow.RecordBatch>) {
  for await (const batch of batches) {
    const kept = ctx.filter ? filterBatch(batch, evaluate(ctx.filter, batch)) : batch;
    if (kept.numRows > 0) yield project(kept, ctx.projection);
  }
}

/** The fields to read: the projection plus whatever the filter (and merge) needs. */
function readFields(ctx: ReadContext, extra: string[]): DataField[] {
  const names = new Set(extra);
  if (ctx.filter) collectFields(ctx.filter, names);
  const more = ctx.schema.fields.filter((f) => names.has(f.name));
  return uniqueFields([...ctx.projection, ...more]);
}

function collectFields(p: Predicate, out: Set<string>): void {
  if (p.op === 'and' || p.op === 'or') p.children.forEach((c) => collectFields(c, out));
  else if (p.op === 'not') collectFields(p.child, out);
  else out.add(p.field);
}

export async function* readSplit(ctx: ReadContext, split: DataSplit): AsyncGenerator<arrow.RecordBatch> {
  if (split.rawConvertible) yield* applyFilterAndProject(ctx, readRaw(ctx, split));
  else yield* applyFilterAndProject(ctx, readMerged(ctx, split));
}

/** File by file, dropping deletion-vector rows (and retract rows of primary-key files). */
async function* readRaw(ctx: ReadContext, split: DataSplit): AsyncGenerator<arrow.RecordBatch> {
  const isPk = ctx.schema.primaryKeys.length > 0;
  const fields = readFields(ctx, []);
  for (let i = 0; i < split.files.length; i++) {
    const file = split.files[i]!;
    const dv = split.deletionFiles[i] ? await loadDeletionVector(ctx.table.fileIO, split.deletionFiles[i]!) : null;
    let position = 0;
    // Without a deletion vector no row positions are needed, so filtered-out stripes can be skipped.
    for (const batch of await readEvolved(ctx, split, file, fields, isPk, dv === null)) {
      const n = batch.numRows;
      let keep: Uint8Array | null = dv ? dv.keepMask(position, n) : null;
      if (isPk) {
        const kinds = batch.getChildAt(1)!.data[0]!.values as Int8Array;
        keep ??= new Uint8Array(n).fill(1);
        for (let r = 0; r < n; r++) if (isRetract(kinds[r]!)) keep[r] = 0;
      }
      position += n;
      const kept = keep ? filterBatch(batch, keep) : batch;
      if (kept.numRows > 0) yield isPk ? selectColumns(kept, fields.map((f) => f.name)) : kept;
    }
  }
}

interface Chunk {
  /** Level of the file the rows come from. */
  level: number;
  keys: Value[][];
  userSeq: Value[][];
  seq: BigInt64Array;
  kinds: Int8Array;
  length: number;
}

export interface MergeReadOptions {
  /**
   * Keep a key whose merged record is a retraction (-U/-D), as a compaction
   * below the top level must: older runs outside it may still hold the key.
   */
  keepRetracts?: boolean;
  /** Rows these vectors delete (by data file name) do not take part (compaction of deletion-vector tables). */
  deletionVectors?: ReadonlyMap<string, DeletionVector>;
}

/**
 * One file's rows in file order as [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields]
 * of the read schema (row i is the file's position i): what lookups index.
 */
export function readKeyValueFile(ctx: ReadContext, split: DataSplit, file: DataFileMeta): Promise<arrow.RecordBatch[]> {
  return readEvolved(ctx, split, file, ctx.projection, true);
}

/**
 * K-way merge of the split's sorted runs; one surviving row per key, as
 * batches of [_SEQUENCE_NUMBER, _VALUE_KIND, ...fields] (what a compaction
 * writes back).
 */
export async function* readMerged(ctx: ReadContext, split: DataSplit, mergeOptions: MergeReadOptions = {}): AsyncGenerator<arrow.RecordBatch> {
  const options = new CoreOptions(ctx.schema.options);
  const keyNames = trimmedPrimaryKeys(ctx.schema);
  const seqNames = options.sequenceFields;
  const descending = options.sequenceDescending;
  const fields = readFields(ctx, [...keyNames, ...seqNames, ...mergeReadExtraFields(options)]);
  const keepRetracts = mergeOptions.keepRetracts === true;
  // LookupMergeFunction wraps every engine but first-row, which needs no wrapping
  const lookupReads = options.needLookup && options.mergeEngine !== 'first-row';
  const readEngine = mergeEngineFor(options, ctx.table.name, fields, ctx.schema.primaryKeys);
  const engine: MergeEngine = keepRetracts && readEngine.kind === 'pick' ? { kind: 'pick', pick: pickBufferWinnerFor(options, ctx.table.name) } : readEngine;

  const batches: arrow.RecordBatch[] = [];
  const chunks: Chunk[] = [];
  const runs: [number, number][] = []; // chunk range per file
  for (const file of split.files) {
    const start = chunks.length;
    const dv = mergeOptions.deletionVectors?.get(file.fileName);
    let position = 0;
    for (const read of await readEvolved(ctx, split, file, fields, true)) {
      const b = dv ? filterBatch(read, dv.keepMask(position, read.numRows)) : read;
      position += read.numRows;
      if (b.numRows === 0) continue;
      const column = (name: string) => b.getChild(name)!.data[0]!;
      const values = (name: string) => {
        const d = column(name);
        const out: Value[] = new Array(b.numRows);
        for (let r = 0; r < b.numRows; r++) out[r] = getValue(d, r);
        return out;
      };
      batches.push(b);
      chunks.push({
        level: file.level,
        keys: keyNames.map(values),
        userSeq: seqNames.map(values),
        seq: column(SEQUENCE_NUMBER).values as BigInt64Array,
        kinds: column(VALUE_KIND).values as Int8Array,
        length: b.numRows,
      });
    }
    if (chunks.length > start) runs.push([start, chunks.length]);
  }
  if (batches.length === 0) return;
  const schema = batches[0]!.schema;

  const compareKey = (a: Chunk, ar: number, b: Chunk, br: number): number => {
    for (let k = 0; k < a.keys.length; k++) {
      const c = compareValues(a.keys[k]![ar]!, b.keys[k]![br]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  const compareOrder = (a: Chunk, ar: number, b: Chunk, br: number): number => {
    for (let k = 0; k < a.userSeq.length; k++) {
      const c = compareValues(a.userSeq[k]![ar]!, b.userSeq[k]![br]!);
      if (c !== 0) return descending ? -c : c;
    }
    const x = a.seq[ar]!;
    const y = b.seq[br]!;
    return x < y ? -1 : x > y ? 1 : 0;
  };

  // Cursors over runs, in a binary min-heap ordered by (key, user sequence, sequence).
  type Cursor = { chunk: number; row: number; end: number };
  const heap: Cursor[] = runs.map(([start, end]) => ({ chunk: start, row: 0, end }));
  const less = (x: Cursor, y: Cursor) => {
    const a = chunks[x.chunk]!;
    const b = chunks[y.chunk]!;
    const c = compareKey(a, x.row, b, y.row);
    return c !== 0 ? c < 0 : compareOrder(a, x.row, b, y.row) < 0;
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);

  let outChunk = new Uint32Array(OUTPUT_BATCH_ROWS);
  let outRow = new Uint32Array(OUTPUT_BATCH_ROWS);
  let outLen = 0;
  let combined: Value[][] = [];
  let combinedSeq: bigint[] = [];
  let combinedKind: number[] = [];
  const groupChunk: number[] = [];
  const groupRow: number[] = [];
  const groupKind: number[] = [];
  // Value columns of the read batches start after _SEQUENCE_NUMBER and _VALUE_KIND.
  const group: KeyGroup = {
    get size() {
      return groupKind.length;
    },
    kind: (i) => groupKind[i]!,
    value: (i, column) => getValue(batches[groupChunk[i]!]!.data.children[column + 2]!, groupRow[i]!),
  };

  const flushGroup = () => {
    if (lookupReads) keepNewestUpperLevel();
    if (engine.kind === 'pick') {
      const w = engine.pick(groupKind, 0, groupKind.length);
      if (w >= 0) {
        outChunk[outLen] = groupChunk[w]!;
        outRow[outLen++] = groupRow[w]!;
      }
    } else {
      const merged = engine.combine(group, fields.length);
      if (merged && (keepRetracts || !isRetract(merged.kind))) {
        const last = groupChunk.length - 1;
        combined.push(merged.row);
        combinedSeq.push(chunks[groupChunk[last]!]!.seq[groupRow[last]!]!);
        combinedKind.push(merged.kind);
      }
    }
    groupChunk.length = groupRow.length = groupKind.length = 0;
  };
  /**
   * Tables whose compactions look keys up (LookupMergeFunction): the record
   * of the lowest level above 0 already holds every older version, so older
   * upper-level records of the key are left out.
   */
  const keepNewestUpperLevel = () => {
    let best = -1;
    for (let i = 0; i < groupChunk.length; i++) {
      const level = chunks[groupChunk[i]!]!.level;
      if (level > 0 && (best < 0 || level < chunks[groupChunk[best]!]!.level)) best = i;
    }
    if (best < 0) return;
    let at = 0;
    for (let i = 0; i < groupChunk.length; i++) {
      if (i !== best && chunks[groupChunk[i]!]!.level > 0) continue;
      groupChunk[at] = groupChunk[i]!;
      groupRow[at] = groupRow[i]!;
      groupKind[at++] = groupKind[i]!;
    }
    groupChunk.length = groupRow.length = groupKind.length = at;
  };
  const combinedBatch = (): arrow.RecordBatch => {
    const seq = arrow.makeData({ type: new arrow.Int64(), length: combined.length, nullCount: 0, data: BigInt64Array.from(combinedSeq) });
    const kinds = arrow.makeData({ type: new arrow.Int8(), length: combined.length, nullCount: 0, data: Int8Array.from(combinedKind) });
    const children = [seq, kinds, ...fields.map((_, c) => buildData(schema.fields[c + 2]!.type, combined.map((r) => r[c]!)))];
    const out = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: combined.length, nullCount: 0, children }));
    combined = [];
    combinedSeq = [];
    combinedKind = [];
    return out;
  };

  while (heap.length > 0) {
    const top = heap[0]!;
    const c = chunks[top.chunk]!;
    if (groupKind.length > 0 && compareKey(chunks[groupChunk[0]!]!, groupRow[0]!, c, top.row) !== 0) {
      flushGroup();
      if (combined.length === OUTPUT_BATCH_ROWS) yield combinedBatch();
      if (outLen === OUTPUT_BATCH_ROWS) {
        yield gatherBatch(schema, batches, { chunk: outChunk, row: outRow });
        outChunk = new Uint32Array(OUTPUT_BATCH_ROWS);
        outRow = new Uint32Array(OUTPUT_BATCH_ROWS);
        outLen = 0;
      }
    }
    groupChunk.push(top.chunk);
    groupRow.push(top.row);
    groupKind.push(c.kinds[top.row]!);
    // advance the cursor
    if (++top.row >= c.length) {
      top.chunk++;
      top.row = 0;
      if (top.chunk >= top.end) {
        const last = heap.pop()!;
        if (heap.length > 0 && last !== top) heap[0] = last;
        else if (last === top) continue;
      }
    }
    if (heap.length > 0) siftDown(0);
  }
  if (groupKind.length > 0) flushGroup();
  if (combined.length > 0) yield combinedBatch();
  if (outLen > 0) yield gatherBatch(schema, batches, { chunk: outChunk.subarray(0, outLen), row: outRow.subarray(0, outLen) });
}

export function checkProjection(schema: TableSchema, columns: readonly string[] | null, table: string): DataField[] {
  if (!columns) return schema.fields;
  return columns.map((c) => {
    const f = schema.fields.find((x) => x.name === c);
    if (!f) throw new PaimonError('INVALID_ARGUMENT', `table ${table} has no column ${c} (columns: ${schema.fields.map((x) => x.name).join(', ')})`);
    return f;
  });
}

/** Name of the row-kind column of change batches (0 +I, 1 -U, 2 +U, 3 -D; see RowKind). */
export const ROW_KIND_COLUMN = '_ROW_KIND';

/**
 * The records of a split's files as they were written, each with its row
 * kind (a streaming read of delta or changelog files): no merge, no
 * deletion vectors. Append files are all +I.
 */
export async function* readSplitChanges(ctx: ReadContext, split: DataSplit): AsyncGenerator<arrow.RecordBatch> {
  const isPk = ctx.schema.primaryKeys.length > 0;
  const fields = readFields(ctx, []);
  const outSchema = new arrow.Schema([...toArrowSchema(ctx.projection).fields, new arrow.Field(ROW_KIND_COLUMN, new arrow.Int8(), false)]);
  for (const file of split.files) {
    for (const batch of await readEvolved(ctx, split, file, fields, isPk)) {
      const kept = ctx.filter ? filterBatch(batch, evaluate(ctx.filter, batch)) : batch;
      if (kept.numRows === 0) continue;
      const kinds = isPk ? kept.getChildAt(1)!.data[0]! : arrow.makeData({ type: new arrow.Int8(), length: kept.numRows, nullCount: 0, data: new Int8Array(kept.numRows) });
      const values = selectColumns(kept, ctx.projection.map((f) => f.name));
      const children = [...values.data.children, kinds.clone(new arrow.Int8())];
      yield new arrow.RecordBatch(outSchema, arrow.makeData({ type: new arrow.Struct(outSchema.fields), length: kept.numRows, nullCount: 0, children }));
    }
  }
}
