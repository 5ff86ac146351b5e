/**
 * `paimon-ts rescale`: change a table's bucket count and rewrite partitions
 * with it (INSERT OVERWRITE of their rows at the latest snapshot, one
 * commit). Partitions not named keep their files and their bucket count.
 */
import { FileStoreTable, PaimonError, rescaleBuckets } from '@paimon-ts/core';
import { renderTable } from '../output/formats.js';
import { Progress } from '../output/progress.js';
import { partitionSpec } from '../input/partition-spec.js';

export interface RescaleCliOptions {
  bucket: string;
  /** Repeated `--partition col=value` (one per partition column). */
  partition?: string[];
}

export async function rescale(tablePath: string, o: RescaleCliOptions, out: NodeJS.WritableStream): Promise<void> {
  const bucket = Number(o.bucket);
  if (!/^\s*\d+\s*$/.test(o.bucket) || !Number.isSafeInteger(bucket) || bucket <= 0) {
    throw new PaimonError('INVALID_ARGUMENT', `--bucket expects a bucket count > 0, got ${JSON.stringify(o.bucket)}`);
  }
  const partition = partitionSpec(o.partition ?? []);
  const table = await FileStoreTable.open(tablePath);
  const before = table.options.bucket;
  let progress: Progress | null = null;
  const result = await rescaleBuckets(table, {
    bucket,
    ...(partition ? { partition } : {}),
    onProgress: (done, total) => {
      progress ??= new Progress('rescaling', total, 'buckets');
      progress.update(done);
    },
  });
  (progress as Progress | null)?.stop();
  const scope = partition ? Object.entries(partition).map(([k, v]) => `${k}=${v}`).join('/') : 'all partitions';
  out.write(
    renderTable(
      ['', 'bucket option', 'buckets of the rewritten data', 'rows'],
      [
        ['before', before, result.previousBuckets.join(', ') || '-', result.rows],
        ['after', result.table.options.bucket, result.snapshot ? bucket : '-', result.rows],
      ],
    ) + '\n',
  );
  const schemaNote = result.schemaChanged ? `bucket set to ${bucket} in schema ${result.table.schema.id}` : `bucket was ${bucket} already`;
  out.write(
    result.snapshot
      ? `${table.name}: ${schemaNote}; ${scope} rewritten with ${bucket} buckets as snapshot ${result.snapshot.id}\n`
      : `${table.name}: ${schemaNote}; ${scope} holds no data, nothing rewritten\n`,
  );
}
