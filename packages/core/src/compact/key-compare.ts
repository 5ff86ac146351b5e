/** Orders serialized keys (DataFileMeta min/max keys) by the table's key types. */
import { deserializeBinaryRow } from '../spec/binary-row.js';
import { keyFields, type TableSchema } from '../spec/table-schema.js';
import { compareValues, type Value } from '../types/values.js';
import type { KeyCompare } from './interval-partition.js';

export function serializedKeyCompare(schema: TableSchema): KeyCompare {
  const types = keyFields(schema).map((f) => f.type);
  const decoded = new WeakMap<Uint8Array, Value[]>();
  const values = (bytes: Uint8Array): Value[] => {
    let v = decoded.get(bytes);
    if (!v) {
      v = deserializeBinaryRow(bytes, types);
      decoded.set(bytes, v);
    }
    return v;
  };
  return (a, b) => {
    const x = values(a);
    const y = values(b);
    for (let i = 0; i < x.length; i++) {
      const c = compareValues(x[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
}
