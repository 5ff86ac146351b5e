/**
 * The read chain a user can guess:
 * `table.newScan().select(cols).filter(pred).atSnapshot(id)` then `plan()`
 * (splits you can inspect) and `read(plan)` (Arrow batches, streamed).
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { toArrowSchema } from '../types/arrow-type.js';
import type { FileStoreTable } from '../table/table.js';
import { checkProjection, readSplit } from '../read/split-reader.js';
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
    const projection = checkProjection(plan.schema, this.columns, this.table.name);
    const filter = this.predicate ? negationNormalForm(bindPredicate(this.predicate, plan.schema.fields, this.table.name)) : null;
    const ctx = { table: this.table, schema: plan.schema, projection, filter };
    let remaining = this.rowLimit ?? Infinity;
    for (const [i, split] of splits.entries()) {
      for await (const batch of readSplit(ctx, split)) {
        if (remaining <= 0) return;
        const out = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
        remaining -= out.numRows;
        yield out;
      }
      onSplitDone?.(i + 1);
    }
  }

  /** Plans and reads everything into one Arrow table. */
  async toArrow(): Promise<arrow.Table> {
    const plan = await this.plan();
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this.read(plan)) batches.push(b);
    return batches.length ? new arrow.Table(batches) : new arrow.Table(this.outputSchema(plan));
  }
}
