/**
 * Bucket rescale as Paimon does it: set `bucket` to the new count (a schema
 * change), then INSERT OVERWRITE the partitions to rescale with their own
 * rows read at the latest snapshot, so they are rewritten with the new count
 * in one commit. Partitions left out keep their files and bucket count
 * (manifest entries carry `_TOTAL_BUCKETS`), and plain writes to them fail
 * until they are rescaled too.
 */
import { PaimonError } from '../errors.js';
import { and, eq, type Predicate } from '../scan/predicate.js';
import type { Snapshot } from '../spec/snapshot.js';
import { fieldsByName } from '../spec/table-schema.js';
import type { Value } from '../types/values.js';
import { toValue } from '../write/input.js';
import { SchemaChange } from './schema-change.js';
import type { FileStoreTable } from './table.js';

export interface RescaleOptions {
  /** The new bucket count (> 0). */
  bucket: number;
  /** The partition to rescale, by partition column (values or their text); all partitions when omitted. */
  partition?: Record<string, unknown>;
  /** Called as splits (buckets of the old layout) are read and rewritten. */
  onProgress?: (done: number, total: number) => void;
}

export interface RescaleResult {
  /** The table at its new schema. */
  table: FileStoreTable;
  /** The OVERWRITE snapshot; null when there was nothing to rewrite. */
  snapshot: Snapshot | null;
  /** Whether `bucket` had to be changed (a new schema was written). */
  schemaChanged: boolean;
  /** Bucket counts the rewritten data had before. */
  previousBuckets: number[];
  rows: number;
}

export async function rescaleBuckets(table: FileStoreTable, options: RescaleOptions): Promise<RescaleResult> {
  const { bucket } = options;
  const where = `table ${table.name}`;
  if (!Number.isSafeInteger(bucket) || bucket <= 0) throw new PaimonError('INVALID_ARGUMENT', `${where}: the new bucket count must be an integer > 0, got ${bucket}`);
  let current = await table.reload();
  const partition = options.partition ? typedPartition(current, options.partition) : null;
  const schemaChanged = current.options.bucket !== bucket;
  if (schemaChanged) current = await current.alter([SchemaChange.setOption('bucket', String(bucket))]);

  const filter: Predicate | null = partition ? and(...Object.entries(partition).map(([k, v]) => eq(k, v))) : null;
  const scan = current.newScan().filter(filter);
  const plan = await scan.plan();
  const previousBuckets = [...new Set(plan.splits.map((s) => s.totalBuckets))].sort((a, b) => a - b);
  if (plan.splits.length === 0) return { table: current, snapshot: null, schemaChanged, previousBuckets, rows: 0 };

  const write = current.newBatchWrite({ overwrite: partition ? { mode: 'static', partition } : true });
  let rows = 0;
  options.onProgress?.(0, plan.splits.length);
  for await (const batch of scan.read(plan, plan.splits, (done) => options.onProgress?.(done, plan.splits.length))) {
    await write.write(batch);
    rows += batch.numRows;
  }
  const snapshot = await write.commit();
  return { table: await current.reload(), snapshot, schemaChanged, previousBuckets, rows };
}

/** `{ dt: '2024-01-01' }` as typed values of the partition columns; other columns are an error. */
export function typedPartition(table: FileStoreTable, spec: Record<string, unknown>): Record<string, Value> {
  const keys = table.partitionKeys;
  const out: Record<string, Value> = {};
  for (const [name, raw] of Object.entries(spec)) {
    if (!keys.includes(name)) {
      throw new PaimonError('INVALID_ARGUMENT', `table ${table.name}: ${name} is not a partition column (partition columns: ${keys.join(', ') || 'none'})`);
    }
    const [field] = fieldsByName(table.schema, [name], `table ${table.name}`);
    try {
      out[name] = toValue(raw, field!.type);
    } catch (e) {
      throw new PaimonError('INVALID_ARGUMENT', `table ${table.name}: partition value ${name}=${String(raw)}: ${(e as Error).message}`, { cause: e });
    }
  }
  return out;
}
