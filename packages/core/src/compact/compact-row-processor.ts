/**
 * The per-key work some compactions do beyond merging their own files
 * (Paimon's LookupMergeTreeCompactRewriter and the changelog wrappers):
 *
 * - lookup: the key's older version in a level above the compaction is
 *   folded in by the merge engine (and, with deletion vectors, marked
 *   deleted), so each key lives once above level 0;
 * - changelog (`lookup`, `full-compaction` producers): the key's value before
 *   and after the compaction become -U/+U, +I or -D records.
 *
 * Rows go one by one here; compactions that need neither keep the columnar
 * fast path.
 */
import * as arrow from 'apache-arrow';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { TableSchema } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { buildData, getValue } from '../types/arrow-values.js';
import { compareValues, type Value } from '../types/values.js';
import { isRetract, mergeEngineFor, RowKind, type KeyGroup, type MergeEngine } from '../merge/merge-function.js';
import type { DeletionVectorMaintainer } from './deletion-vector-maintainer.js';
import type { LookupHit, LookupLevels } from './lookup-levels.js';

export interface RowProcessorSetup {
  lookup: LookupLevels;
  dv: DeletionVectorMaintainer | null;
  /** Fold older versions found outside the compaction into the result. */
  fold: boolean;
  changelog: 'none' | 'lookup' | 'full';
  /** Compacted files above level 0, and at level 0, newest level first. */
  unitUpper: DataFileMeta[];
  unitLevel0: DataFileMeta[];
  /** Files above level 0 outside the compaction, newest level first. */
  older: DataFileMeta[];
  /** Compacted files at the top level (the "before" of a full-compaction changelog), and below it. */
  unitTop: DataFileMeta[];
  unitBelowTop: DataFileMeta[];
  dropDelete: boolean;
}

type Final =
  | { kind: 'row'; recordKind: number; combined: Value[] | null }
  | { kind: 'old-wins' }
  | { kind: 'deleted' };

export class CompactRowProcessor {
  private readonly engine: MergeEngine;
  private readonly seqColumns: number[];
  private readonly descending: boolean;
  private readonly rowDeduplicate: boolean;
  private readonly width: number;
  private readonly firstRow: boolean;
  private changelogRows: Value[][] = [];
  private changelogSeqs: bigint[] = [];
  private changelogKinds: number[] = [];

  constructor(
    table: FileStoreTable,
    schema: TableSchema,
    private readonly setup: RowProcessorSetup,
  ) {
    const o = table.options;
    this.engine = mergeEngineFor(o, table.name, schema.fields, schema.primaryKeys);
    this.seqColumns = o.sequenceFields.map((n) => 2 + schema.fields.findIndex((f) => f.name === n));
    this.descending = o.sequenceDescending;
    this.rowDeduplicate = o.changelogProducerRowDeduplicate;
    this.width = schema.fields.length;
    this.firstRow = o.mergeEngine === 'first-row';
  }

  /** Is the old record ordered after the new one (a larger `sequence.field`)? */
  private oldIsNewer(hit: LookupHit, batch: arrow.RecordBatch, r: number): boolean {
    for (const c of this.seqColumns) {
      const d = compareValues(getValue(hit.batch.data.children[c]!, hit.row), getValue(batch.data.children[c]!, r));
      if (d !== 0) return this.descending ? d < 0 : d > 0;
    }
    return false;
  }

  private fold(hit: LookupHit, batch: arrow.RecordBatch, r: number, kind: number): Final {
    const recs = this.oldIsNewer(hit, batch, r) ? [{ b: batch, r }, { b: hit.batch, r: hit.row }] : [{ b: hit.batch, r: hit.row }, { b: batch, r }];
    const kinds = recs.map((x) => (x.b.data.children[1]!.values as Int8Array)[x.r]!);
    if (this.engine.kind === 'pick') {
      const w = this.engine.pick(kinds, 0, 2);
      if (w >= 0 && recs[w]!.b !== batch) return { kind: 'old-wins' };
      this.setup.dv?.markDeleted(hit.file.fileName, hit.position);
      return w < 0 ? { kind: 'deleted' } : { kind: 'row', recordKind: kind, combined: null };
    }
    const group: KeyGroup = { size: 2, kind: (i) => kinds[i]!, value: (i, c) => getValue(recs[i]!.b.data.children[c + 2]!, recs[i]!.r) };
    const merged = this.engine.combine(group, this.width);
    this.setup.dv?.markDeleted(hit.file.fileName, hit.position);
    return merged ? { kind: 'row', recordKind: merged.kind, combined: merged.row } : { kind: 'deleted' };
  }

  private values(batch: arrow.RecordBatch, r: number): Value[] {
    const out: Value[] = new Array(this.width);
    for (let c = 0; c < this.width; c++) out[c] = getValue(batch.data.children[c + 2]!, r);
    return out;
  }

  private emit(kind: RowKind, seq: bigint, row: Value[]): void {
    this.changelogKinds.push(kind);
    this.changelogSeqs.push(seq);
    this.changelogRows.push(row);
  }

  /** Changelog of one key from its value before (a live row, or none) and its final record. */
  private changelog(before: LookupHit | null, final: Final, batch: arrow.RecordBatch, r: number): void {
    if (final.kind === 'old-wins') return;
    // first-row: a key already stored never changes; only a new key is news (FirstRowMergeFunctionWrapper)
    if (this.firstRow && before) return;
    const seq = (batch.data.children[0]!.values as BigInt64Array)[r]!;
    const beforeRow = before ? this.values(before.batch, before.row) : null;
    if (final.kind === 'deleted' || isRetract(final.recordKind)) {
      if (beforeRow) this.emit(RowKind.DELETE, seq, beforeRow);
      return;
    }
    const after = final.combined ?? this.values(batch, r);
    if (!beforeRow) this.emit(RowKind.INSERT, seq, after);
    else if (!this.rowDeduplicate || beforeRow.some((v, i) => compareValues(v, after[i]!) !== 0)) {
      this.emit(RowKind.UPDATE_BEFORE, seq, beforeRow);
      this.emit(RowKind.UPDATE_AFTER, seq, after);
    }
  }

  /** Turns a merged batch of the compaction ([_SEQUENCE_NUMBER, _VALUE_KIND, ...fields]) into the rows to write. */
  async process(batch: arrow.RecordBatch): Promise<arrow.RecordBatch> {
    const { lookup, fold, changelog, unitUpper, unitLevel0, older, unitTop, unitBelowTop, dropDelete } = this.setup;
    const n = batch.numRows;
    const kinds = batch.data.children[1]!.values as Int8Array;
    const keep = new Uint8Array(n);
    const combined = new Map<number, { kind: number; row: Value[] }>();
    for (let r = 0; r < n; r++) {
      const key = lookup.keyOf(batch, r);
      let final: Final = { kind: 'row', recordKind: kinds[r]!, combined: null };
      let before: LookupHit | null = null;
      if (fold || changelog === 'lookup') {
        // a version in the compaction's own upper files is already merged in; else look above it
        before = unitUpper.length > 0 ? await lookup.lookup(key, unitUpper) : null;
        if (!before && older.length > 0) {
          before = await lookup.lookup(key, older);
          if (before && fold) final = this.fold(before, batch, r, kinds[r]!);
        }
      }
      if (changelog === 'lookup' && unitLevel0.length > 0 && (await lookup.contains(key, unitLevel0))) this.changelog(before, final, batch, r);
      // a key only the top level holds did not change
      if (changelog === 'full' && (await lookup.contains(key, unitBelowTop))) this.changelog(unitTop.length > 0 ? await lookup.lookup(key, unitTop) : null, final, batch, r);
      if (final.kind === 'old-wins') continue;
      if (final.kind === 'deleted') {
        // without deletion vectors the retraction must stay to hide the older version (unless at the top)
        if (dropDelete) continue;
        final = { kind: 'row', recordKind: isRetract(kinds[r]!) ? kinds[r]! : RowKind.DELETE, combined: null };
      }
      if (dropDelete && isRetract(final.recordKind)) continue;
      keep[r] = 1;
      if (final.combined || final.recordKind !== kinds[r]) combined.set(r, { kind: final.recordKind, row: final.combined ?? this.values(batch, r) });
    }
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (keep[r]) rows.push(r);
    const seqs = batch.data.children[0]!.values as BigInt64Array;
    return this.build(batch.schema, rows.length, (i) => seqs[rows[i]!]!, (i) => combined.get(rows[i]!)?.kind ?? kinds[rows[i]!]!, (i, c) => {
      const x = combined.get(rows[i]!);
      return x ? x.row[c]! : getValue(batch.data.children[c + 2]!, rows[i]!);
    });
  }

  /** The changelog rows collected so far, as one batch in the compaction's layout (then forgotten). */
  takeChangelog(schema: arrow.Schema): arrow.RecordBatch | null {
    if (this.changelogRows.length === 0) return null;
    const rows = this.changelogRows;
    const seqs = this.changelogSeqs;
    const kinds = this.changelogKinds;
    this.changelogRows = [];
    this.changelogSeqs = [];
    this.changelogKinds = [];
    return this.build(schema, rows.length, (i) => seqs[i]!, (i) => kinds[i]!, (i, c) => rows[i]![c]!);
  }

  private build(schema: arrow.Schema, n: number, seq: (i: number) => bigint, kind: (i: number) => number, value: (i: number, c: number) => Value): arrow.RecordBatch {
    const children = schema.fields.map((f, c) => {
      if (c === 0) return arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: BigInt64Array.from({ length: n }, (_, i) => seq(i)) });
      if (c === 1) return arrow.makeData({ type: new arrow.Int8(), length: n, nullCount: 0, data: Int8Array.from({ length: n }, (_, i) => kind(i)) });
      return buildData(f.type, Array.from({ length: n }, (_, i) => value(i, c - 2)));
    });
    return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children }));
  }
}
