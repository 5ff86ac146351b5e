/** The folder of a (partition, bucket): partition values rendered as Paimon names them (spec 1.2). */
import { fieldsByName, type TableSchema } from '../spec/table-schema.js';
import { partitionValueToString } from '../types/value-format.js';
import type { Value } from '../types/values.js';
import { CoreOptions } from './options.js';
import { bucketPath, partitionPath } from './paths.js';

/** Partition key and value text pairs, unescaped (`InternalRowPartitionComputer.generatePartValues`): also what a metastore partition holds. */
export function partitionSpec(schema: TableSchema, partition: readonly Value[]): [string, string][] {
  const options = new CoreOptions(schema.options);
  const fields = fieldsByName(schema, schema.partitionKeys, 'partition');
  return fields.map((f, i): [string, string] => {
    const text = partitionValueToString(partition[i] ?? null, f.type, options.partitionLegacyName);
    // Null, empty and blank values all become the default partition name.
    return [f.name, text.trim() === '' ? options.partitionDefaultName : text];
  });
}

/** `k1=v1/k2=v2/`, escaped (`PartitionPathUtils.generatePartitionPath`). */
export function partitionDirectory(schema: TableSchema, partition: readonly Value[]): string {
  return partitionPath(partitionSpec(schema, partition));
}

export function bucketDirectory(tablePath: string, schema: TableSchema, partition: readonly Value[], bucket: number): string {
  const options = new CoreOptions(schema.options);
  return bucketPath(tablePath, partitionDirectory(schema, partition), bucket, options.dataFilePathDirectory);
}
