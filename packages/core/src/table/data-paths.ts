/** The folder of a (partition, bucket): partition values rendered as Paimon names them (spec 1.2). */
import { fieldsByName, type TableSchema } from '../spec/table-schema.js';
import { partitionValueToString } from '../types/value-format.js';
import type { Value } from '../types/values.js';
import { CoreOptions } from './options.js';
import { bucketPath, partitionPath } from './paths.js';

export function partitionDirectory(schema: TableSchema, partition: readonly Value[]): string {
  const options = new CoreOptions(schema.options);
  const fields = fieldsByName(schema, schema.partitionKeys, 'partition');
  const spec = fields.map((f, i): [string, string] => {
    const text = partitionValueToString(partition[i] ?? null, f.type, options.partitionLegacyName);
    // Null, empty and blank values all become the default partition name.
    return [f.name, text.trim() === '' ? options.partitionDefaultName : text];
  });
  return partitionPath(spec);
}

export function bucketDirectory(tablePath: string, schema: TableSchema, partition: readonly Value[], bucket: number): string {
  const options = new CoreOptions(schema.options);
  return bucketPath(tablePath, partitionDirectory(schema, partition), bucket, options.dataFilePathDirectory);
}
