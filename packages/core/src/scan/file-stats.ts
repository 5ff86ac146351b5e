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
import type { FileIO } from '../io/file-io.js';
import { readParquetFooterStats, type FooterColumnStats } from '../io/parquet-footer.js';

const NO_STATS: StatsLookup = () => null;

function lookupFrom(decoded: DecodedStats, names: readonly string[], types: readonly DataType[], rowCount: number): StatsLookup {
  return (name) => {
    const i = names.indexOf(name);
    if (i < 0) return null;
    const nullCount = decoded.nullCounts[i] ?? null;
    // stats-mode none: no min, max or null count; that is "unknown", not "all null"
    if (nullCount === null && (decoded.min[i] ?? null) === null && (decoded.max[i] ?? null) === null) return null;
    return {
      min: decoded.min[i] ?? null,
      max: decoded.max[i] ?? null,
      nullCount,
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

/** Footer stats of a Parquet data file, for the read-schema columns `names`, matched by field id. */
export async function parquetFooterStats(
  fileIO: FileIO,
  path: string,
  file: DataFileMeta,
  fileSchema: TableSchema,
  readSchema: TableSchema,
  names: readonly string[],
): Promise<StatsLookup> {
  const wanted = new Map<string, string>(); // file column -> read column
  const types = new Map<string, DataType>();
  for (const name of names) {
    const current = readSchema.fields.find((f) => f.name === name);
    const old = current && fileSchema.fields.find((f) => f.id === current.id);
    if (!current || !old || !sameType(withNullable(old.type, true), withNullable(current.type, true))) continue;
    wanted.set(old.name, name);
    types.set(old.name, old.type);
  }
  if (wanted.size === 0) return NO_STATS;
  let footer: Map<string, FooterColumnStats>;
  try {
    footer = await readParquetFooterStats(fileIO, path, file.fileSize, types);
  } catch {
    return NO_STATS; // a footer we cannot read prunes nothing; reading the file will report it
  }
  const byReadName = new Map([...footer].map(([fileName, s]) => [wanted.get(fileName)!, { s, type: types.get(fileName)! }]));
  return (name) => {
    const hit = byReadName.get(name);
    if (!hit) return null;
    return { min: hit.s.min, max: hit.s.max, nullCount: hit.s.nullCount, rowCount: file.rowCount, orderable: isOrderable(hit.type) };
  };
}
