/**
 * SimpleStats (spec 4.3): min and max BinaryRows plus null counts, over the
 * columns a manifest says they cover. Kept serialized until a pruning step
 * decodes them with the right column types.
 */
import type { DataType } from '../types/data-type.js';
import type { Value } from '../types/values.js';
import { deserializeBinaryRow, serializeBinaryRow } from './binary-row.js';
import type { RecordReader } from './record-fields.js';

export interface SimpleStats {
  /** Serialized BinaryRow (arity prefix + row). */
  minValues: Uint8Array;
  maxValues: Uint8Array;
  /** One per column; null entries are unknown. */
  nullCounts: (bigint | null)[] | null;
}

/** Stats rows hold the columns' types made nullable (a null min/max means unknown). */
export interface DecodedStats {
  min: Value[];
  max: Value[];
  nullCounts: (number | null)[];
}

const EMPTY_ROW = serializeBinaryRow([], []);

export const EMPTY_STATS: SimpleStats = { minValues: EMPTY_ROW, maxValues: EMPTY_ROW, nullCounts: [] };

export function decodeStats(stats: SimpleStats, types: readonly DataType[]): DecodedStats {
  return {
    min: deserializeBinaryRow(stats.minValues, types),
    max: deserializeBinaryRow(stats.maxValues, types),
    nullCounts: types.map((_, i) => {
      const n = stats.nullCounts?.[i];
      return n === null || n === undefined ? null : Number(n);
    }),
  };
}

export function encodeStats(stats: DecodedStats, types: readonly DataType[]): SimpleStats {
  return {
    minValues: serializeBinaryRow(stats.min, types),
    maxValues: serializeBinaryRow(stats.max, types),
    nullCounts: stats.nullCounts.map((n) => (n === null ? null : BigInt(n))),
  };
}

export function readStats(r: RecordReader): SimpleStats {
  const counts = r.optArray('_NULL_COUNTS');
  return {
    minValues: r.bytes('_MIN_VALUES'),
    maxValues: r.bytes('_MAX_VALUES'),
    nullCounts: counts ? counts.map((c) => (c === null || c === undefined ? null : BigInt(c as number | bigint))) : null,
  };
}

export function statsToAvro(stats: SimpleStats): Record<string, unknown> {
  return {
    _MIN_VALUES: Buffer.from(stats.minValues),
    _MAX_VALUES: Buffer.from(stats.maxValues),
    _NULL_COUNTS: stats.nullCounts,
  };
}

/** The Avro record of SimpleStats, named as Paimon's converter names nested records. */
export function statsAvroSchema(name: string): Record<string, unknown> {
  return {
    type: 'record',
    name,
    fields: [
      { name: '_MIN_VALUES', type: 'bytes' },
      { name: '_MAX_VALUES', type: 'bytes' },
      { name: '_NULL_COUNTS', type: ['null', { type: 'array', items: ['null', 'long'] }], default: null },
    ],
  };
}
