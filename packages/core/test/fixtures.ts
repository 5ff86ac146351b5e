/**
 * The Paimon-Java fixture tables in ../shared (read in place, never copied)
 * and their expected rows, compared by meaning: the expected rows come from
 * paimon-cpp's tests and render some types their own way (DATE as days,
 * BYTES as text, MAP as [key, value] pairs, ROW as a list).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataType } from '../src/types/data-type.js';
import { formatDecimal } from '../src/types/value-format.js';
import { timestampUnitsPerMilli, type Value } from '../src/types/values.js';

export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));

export interface Assertion {
  test: string;
  scan_snapshot_id: string[] | null;
  conditions: string[];
  expected_row_blocks: unknown[][][] | null;
}

export interface Expected {
  table: {
    snapshot_ids: number[];
    snapshot_LATEST: string;
    primaryKeys: string[];
    options: Record<string, string>;
    fields_latest_schema: string[];
    file_writers: Record<string, number>;
  };
  assertions_from_source_tests: Assertion[];
}

export function fixtureNames(): string[] {
  return existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];
}

export function fixturePath(name: string): string {
  return `${FIXTURES}${name}`;
}

export function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(`${FIXTURES}${name}/expected.json`, 'utf8')) as Expected;
}

/** Tables whose data and manifests are all Parquet or Avro (ORC ones belong to the ORC reader). */
export function isParquetOrAvroTable(name: string): boolean {
  const writers = Object.keys(expectedOf(name).table.file_writers);
  return writers.every((w) => !w.includes('ORC'));
}

/** Timestamp text (`1970-01-01 00:02:03.123123`) as epoch nanoseconds. */
function timestampNanos(text: string): bigint {
  const m = /^(-?\d+)-(\d+)-(\d+)[ T](\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`bad timestamp ${text}`);
  const millis = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return BigInt(millis) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}

/** A canonical, comparable form of one of our values. */
export function canonicalOurs(v: Value, type: DataType): unknown {
  if (v === null) return null;
  switch (type.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return String((v as bigint) * (1_000_000n / timestampUnitsPerMilli(type.precision)));
    case 'DECIMAL':
      return formatDecimal(v as bigint, type.scale);
    case 'BIGINT':
      return Number(v);
    case 'FLOAT':
      return Math.fround(v as number);
    case 'BINARY':
    case 'VARBINARY':
      return Buffer.from(v as Uint8Array).toString('utf8');
    case 'ARRAY':
      return (v as Value[]).map((x) => canonicalOurs(x, type.element));
    case 'MAP':
      return (v as [Value, Value][]).map(([k, x]) => [canonicalOurs(k, type.key), canonicalOurs(x, type.value)]);
    case 'ROW':
      return type.fields.map((f, i) => canonicalOurs((v as Value[])[i] ?? null, f.type));
    default:
      return v;
  }
}

/** The same canonical form of a value as the fixture writes it. */
export function canonicalExpected(v: unknown, type: DataType): unknown {
  if (v === null) return null;
  switch (type.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return String(timestampNanos(v as string));
    case 'DECIMAL':
      return v;
    case 'FLOAT':
      return Math.fround(v as number);
    case 'ARRAY':
      return (v as unknown[]).map((x) => canonicalExpected(x, type.element));
    case 'MAP':
      return (v as [unknown, unknown][]).map(([k, x]) => [canonicalExpected(k, type.key), canonicalExpected(x, type.value)]);
    case 'ROW':
      return type.fields.map((f, i) => canonicalExpected((v as unknown[])[i] ?? null, f.type));
    default:
      return v;
  }
}

/** Sorted JSON lines: compare row sets regardless of order. */
export function asSortedLines(rows: unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
