/**
 * Column statistics from a Parquet footer (row-group min/max/null counts),
 * for files whose manifest entry carries none (`metadata.stats-mode` none,
 * or columns outside `_VALUE_STATS_COLS`). Reads only the file's tail.
 */
import { parquetMetadata } from 'hyparquet';
import type { FileIO } from './file-io.js';
import type { DataType } from '../types/data-type.js';
import type { Value } from '../types/values.js';
import { compareValues } from '../types/values.js';

export interface FooterColumnStats {
  min: Value;
  max: Value;
  nullCount: number | null;
}

/** Converts a hyparquet statistic to our value for the types where the conversion is unambiguous. */
function statValue(v: unknown, type: DataType): Value | undefined {
  if (v === undefined || v === null) return undefined;
  switch (type.kind) {
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : undefined;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
      return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
    case 'BIGINT':
      return typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
    case 'CHAR':
    case 'VARCHAR':
      return typeof v === 'string' ? v : undefined;
    default:
      return undefined; // dates, timestamps, decimals: the manifest's own stats or nothing
  }
}

/** Stats per top-level column name, merged over row groups; a column missing from the map has none. */
export async function readParquetFooterStats(
  fileIO: FileIO,
  path: string,
  fileSize: number,
  columns: ReadonlyMap<string, DataType>,
): Promise<Map<string, FooterColumnStats>> {
  const tail = await fileIO.readRange(path, fileSize - 8, 8);
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 8).getInt32(0, true);
  const start = Math.max(0, fileSize - 8 - footerLength);
  const bytes = await fileIO.readRange(path, start, fileSize - start);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const out = new Map<string, FooterColumnStats>();
  const unusable = new Set<string>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const path = chunk.meta_data?.path_in_schema;
      if (!path || path.length !== 1) continue;
      const name = path[0]!;
      const type = columns.get(name);
      const s = chunk.meta_data?.statistics;
      if (!type || unusable.has(name)) continue;
      const min = statValue(s?.min_value ?? s?.min, type);
      const max = statValue(s?.max_value ?? s?.max, type);
      const nulls = s?.null_count === undefined ? null : Number(s.null_count);
      if (!s || ((min === undefined || max === undefined) && nulls !== Number(group.num_rows))) {
        unusable.add(name);
        out.delete(name);
        continue;
      }
      const prev = out.get(name);
      const merged: FooterColumnStats = {
        min: prev?.min === undefined || prev.min === null ? (min ?? null) : min === undefined || min === null ? prev.min : compareValues(min, prev.min) < 0 ? min : prev.min,
        max: prev?.max === undefined || prev.max === null ? (max ?? null) : max === undefined || max === null ? prev.max : compareValues(max, prev.max) > 0 ? max : prev.max,
        nullCount: prev && (prev.nullCount === null || nulls === null) ? null : (prev?.nullCount ?? 0) + (nulls ?? 0),
      };
      out.set(name, merged);
    }
  }
  return out;
}
