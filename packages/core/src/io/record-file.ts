/**
 * Manifest files are records in whatever `manifest.format` says (Avro by
 * default; ORC and Parquet are possible). This reads any of them, picked by
 * the file's magic bytes, into plain records keyed by field name.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { isValid } from '../types/arrow-values.js';
import { readAvroContainer } from './avro.js';
import { readParquet } from './parquet-format.js';
import { openOrc } from './orc/index.js';
import type { RawRecord } from '../spec/record-fields.js';

function startsWith(bytes: Uint8Array, magic: string): boolean {
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

export async function readRecordFile(bytes: Uint8Array, fileName: string): Promise<RawRecord[]> {
  if (startsWith(bytes, 'Obj\x01')) return readAvroContainer(bytes, fileName).records as RawRecord[];
  if (startsWith(bytes, 'ORC')) return batchesToRecords([...openOrc(bytes, fileName).read({ timestampUnit: 'ms' })]);
  if (startsWith(bytes, 'PAR1')) return batchesToRecords(await readParquet(bytes, null, fileName));
  throw new PaimonError('CORRUPT_FILE', `manifest ${fileName} is not an Avro, ORC or Parquet file`);
}

/** Arrow rows as plain records: structs become objects, lists arrays, int64 bigint, binary Uint8Array. */
export function batchesToRecords(batches: readonly arrow.RecordBatch[]): RawRecord[] {
  const out: RawRecord[] = [];
  for (const batch of batches) {
    for (let i = 0; i < batch.numRows; i++) out.push(structValue(batch.data, i) as RawRecord);
  }
  return out;
}

function structValue(data: arrow.Data, i: number): unknown {
  if (!isValid(data, i)) return null;
  const type = data.type as arrow.DataType;
  if (type.typeId === arrow.Type.Struct) {
    const rec: RawRecord = {};
    type.children.forEach((f: arrow.Field, j: number) => {
      rec[f.name] = structValue(data.children[j]!, i);
    });
    return rec;
  }
  if (type.typeId === arrow.Type.List) {
    const o = data.valueOffsets as Int32Array;
    const items: unknown[] = [];
    for (let k = o[i]!; k < o[i + 1]!; k++) items.push(structValue(data.children[0]!, k));
    return items;
  }
  if (type.typeId === arrow.Type.Int && (type as arrow.Int).bitWidth === 64) return BigInt(data.values[i] as bigint);
  if (type.typeId === arrow.Type.Int) return Number(data.values[i]);
  if (type.typeId === arrow.Type.Utf8) {
    const o = data.valueOffsets as Int32Array;
    return new TextDecoder().decode((data.values as Uint8Array).subarray(o[i]!, o[i + 1]!));
  }
  if (type.typeId === arrow.Type.Binary) {
    const o = data.valueOffsets as Int32Array;
    return (data.values as Uint8Array).slice(o[i]!, o[i + 1]!);
  }
  if (type.typeId === arrow.Type.Timestamp) return BigInt(data.values[i] as bigint);
  if (type.typeId === arrow.Type.Bool) {
    const p = data.offset + i;
    return (data.values[p >> 3]! & (1 << (p & 7))) !== 0;
  }
  return data.values[i];
}
