/**
 * Statistics lookups for pruning, keyed by the column names of the schema
 * being read: per manifest (partition stats), per partition (exact values)
 * and per data file (value or key stats, mapped across schema versions by
 * field id).
 */
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { ManifestFileMeta } from '../spec/manifest-file-meta.js';
import { decodeStats, type DecodedStats, type SimpleStats } from '../spec/stats.js';
import { trimmedPrimaryKeys, type TableSchema } from '../spec/table-schema.js';
import { type DataField, type DataType, sameType, withNullable } from '../types/data-type.js';
import { isOrderable, type Value } from '../types/values.js';
import { exactStats, type ColumnStats, type StatsLookup } from './predicate.js';

const NO_STATS: StatsLookup = () => null;

function lookupFrom(decoded: DecodedStats, names: readonly string[], types: readonly DataType[], rowCount: number): StatsLookup {
  return (name) => {
    const i = names.indexOf(name);
    if (i < 0) return null;
    return {
      min: decoded.min[i] ?? null,
      max: decoded.max[i] ?? null,
      nullCount: decoded.nullCounts[i] ?? null,
      rowCount,
      orderable: isOrderable(types[i]!),
    } satisfies ColumnStats;
  };
}

function safeDecode(stats: SimpleStats, types: DataType[]): DecodedStats | null {
  try {
    return decodeStats(stats, types.map((t) => withNullable(t, true)));
  } catch {
    return null; // stats we cannot decode prune nothing
  }
}

/** Partition-column stats of a manifest file (rows unknown, so never "all null"). */
export function manifestPartitionStats(meta: ManifestFileMeta, partitionFields: readonly DataField[]): StatsLookup {
  if (partitionFields.length === 0) return NO_STATS;
  const types = partitionFields.map((f) => f.type);
  const decoded = safeDecode(meta.partitionStats, types);
  if (!decoded) return NO_STATS;
  return lookupFrom(decoded, partitionFields.map((f) => f.name), types, Number.MAX_SAFE_INTEGER);
}

export function partitionValueStats(partition: readonly Value[], partitionFields: readonly DataField[]): StatsLookup {
  return (name) => {
    const i = partitionFields.findIndex((f) => f.name === name);
    return i < 0 ? null : exactStats(partition[i] ?? null, partitionFields[i]!.type);
  };
}

/**
 * Column stats of a data file, for columns of `readSchema`. `fileSchema` is
 * the schema the file was written with; columns are matched by field id and
 * dropped when their type changed since (old stats cannot prune new types).
 */
export function dataFileStats(file: DataFileMeta, fileSchema: TableSchema, readSchema: TableSchema, useKeyStats: boolean): StatsLookup {
  let statsNames: string[];
  let stats: SimpleStats;
  if (useKeyStats) {
    statsNames = trimmedPrimaryKeys(fileSchema);
    stats = file.keyStats;
  } else {
    statsNames = file.valueStatsCols ?? fileSchema.fields.map((f) => f.name);
    stats = file.valueStats;
  }
  if (statsNames.length === 0) return NO_STATS;
  const fileFields = statsNames.map((n) => fileSchema.fields.find((f) => f.name === n));
  if (fileFields.some((f) => f === undefined)) return NO_STATS;
  const types = fileFields.map((f) => f!.type);
  let decoded: DecodedStats | null | undefined;
  return (name) => {
    const current = readSchema.fields.find((f) => f.name === name);
    if (!current) return null;
    const i = fileFields.findIndex((f) => f!.id === current.id);
    if (i < 0 || !sameType(withNullable(types[i]!, true), withNullable(current.type, true))) return null;
    if (decoded === undefined) decoded = safeDecode(stats, types);
    if (!decoded) return null;
    return lookupFrom(decoded, statsNames, types, file.rowCount)(statsNames[i]!);
  };
}

/** Combines lookups: the first that knows a column answers. */
export function combineStats(...lookups: StatsLookup[]): StatsLookup {
  return (name) => {
    for (const l of lookups) {
      const s = l(name);
      if (s) return s;
    }
    return null;
  };
}
