/** Query results as JSON values, for printing (the CLI's table, jsonl and csv output). */
import { DuckDBTypeId, type DuckDBResultReader } from '@duckdb/node-api';
import type { JsonValue } from '@paimon-ts/core';

const BIG_INTEGERS = new Set<number>([DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT]);

/**
 * Column names and rows of a result as JSON values: numbers as numbers
 * (64-bit integers too, while they fit a double exactly), DECIMAL, dates,
 * times and timestamps as text, LIST as arrays, STRUCT as objects, MAP as
 * an array of {key, value}.
 */
export function jsonRows(reader: DuckDBResultReader): { columns: string[]; rows: JsonValue[][] } {
  const big = reader.columnTypes().map((t) => BIG_INTEGERS.has(t.typeId));
  const rows = (reader.getRowsJson() as JsonValue[][]).map((row) =>
    row.map((v, i) => {
      if (big[i] && typeof v === 'string' && /^-?\d+$/.test(v)) {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : v;
      }
      return v;
    }),
  );
  return { columns: reader.columnNames(), rows };
}
