/**
 * The read chain a user can guess:
 * `table.newScan().select(cols).filter(pred).atSnapshot(id)` then `plan()`
 * (splits you can inspect) and `read(plan)` (Arrow batches, streamed).
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { toArrowSchema } from '../types/arrow-type.js';
import { FileStoreTable } from '../table/table.js';
import type { TableSchema } from '../spec/table-schema.js';
import { checkProjection, readSplit, type ReadContext } from '../read/split-reader.js';
import { conformData } from '../read/conform.js';
import { bindPredicate, negationNormalForm, type Predicate } from './predicate.js';
import type { DataSplit, ScanPlan } from './split.js';
import { planScan, type SnapshotSelector } from './table-scan.js';

export class TableScan {
  private columns: string[] | null = null;
  private predicate: Predicate | null = null;
  private selector: SnapshotSelector = { kind: 'latest' };
  private buckets: Set<number> | null = null;
  private rowLimit: number | null = null;

  constructor(readonly table: FileStoreTable) {}

  /** Output columns, in this order (default: all). */
  select(columns: readonly string[] | null): this {
    this.columns = columns ? [...columns] : null;
    return this;
  }

  /** Prunes partitions, buckets and files, and filters rows. */
  filter(predicate: Predicate | null): this {
    this.predicate = predicate;
    return this;
  }

  atSnapshot(id: number): this {
    this.selector = { kind: 'id', id };
    return this;
  }

  atTag(name: string): this {
    this.selector = { kind: 'tag', name };
    return this;
  }

  /** The newest snapshot committed at or before this time (epoch millis). */
  atTimestamp(millis: number): this {
    this.selector = { kind: 'timestamp', millis };
    return this;
  }

  onlyBuckets(buckets: Iterable<number>): this {
    this.buckets = new Set(buckets);
    return this;
  }

  limit(rows: number | null): this {
    if (rows !== null && (!Number.isInteger(rows) || rows < 0)) throw new PaimonError('INVALID_ARGUMENT', `limit must be a non-negative integer, got ${rows}`);
    this.rowLimit = rows;
    return this;
  }

  plan(): Promise<ScanPlan> {
    return planScan(this.table, { snapshot: this.selector, filter: this.predicate, buckets: this.buckets });
  }

  /** The Arrow schema of what `read` yields, for a plan. */
  outputSchema(plan: ScanPlan): arrow.Schema {
    return toArrowSchema(checkProjection(plan.schema, this.columns, this.table.name));
  }

  /**
   * Streams the rows of `splits` (default: all of the plan's) as Arrow
   * batches; `onSplitDone` reports progress (splits finished so far).
   */
  async *read(plan: ScanPlan, splits: readonly DataSplit[] = plan.splits, onSplitDone?: (done: number) => void): AsyncGenerator<arrow.RecordBatch> {
    const contextFor = async (table: FileStoreTable, schema: TableSchema): Promise<ReadContext> => ({
      table,
      schema,
      projection: checkProjection(schema, this.columns ?? plan.schema.fields.map((f) => f.name), this.table.name),
      filter: this.predicate ? negationNormalForm(bindPredicate(this.predicate, schema.fields, this.table.name)) : null,
    });
    const main = await contextFor(this.table, plan.schema);
    const branches = new Map<string, ReadContext>();
    const contextOf = async (split: DataSplit): Promise<ReadContext> => {
      if (!split.branch) return main;
      let ctx = branches.get(split.branch);
      if (!ctx) {
        const other = await FileStoreTable.open(this.table.path, { fileIO: this.table.fileIO, branch: split.branch });
        ctx = await contextFor(other, other.schema);
        branches.set(split.branch, ctx);
      }
      return ctx;
    };
    let remaining = this.rowLimit ?? Infinity;
    for (const [i, split] of splits.entries()) {
      for await (const read of readSplit(await contextOf(split), split)) {
        if (remaining <= 0) return;
        const batch = split.branch ? this.asMainSchema(read, plan) : read;
        const out = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
        remaining -= out.numRows;
        yield out;
      }
      onSplitDone?.(i + 1);
    }
  }

  /** A batch of another branch's split, relabelled with this table's output schema (nullability may differ). */
  private asMainSchema(batch: arrow.RecordBatch, plan: ScanPlan): arrow.RecordBatch {
    const schema = this.outputSchema(plan);
    const children = schema.fields.map((f, i) => conformData(batch.data.children[i]!, f.type));
    return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
  }

  /** Plans and reads everything into one Arrow table. */
  async toArrow(): Promise<arrow.Table> {
    const plan = await this.plan();
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this.read(plan)) batches.push(b);
    return batches.length ? new arrow.Table(batches) : new arrow.Table(this.outputSchema(plan));
  }
}
