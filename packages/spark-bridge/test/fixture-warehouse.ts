/**
 * The Paimon-Java fixture tables (../shared/fixtures, read in place) as one
 * warehouse: `<tmp>/fixtures.db/<name>` links to each fixture folder, so a
 * real FileSystemCatalog serves them.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { batchToRows, type Value } from '@paimon-ts/core';

export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));

/** Paimon itself fails to read this one (a NULL map key); core's tests expect the failure too. */
export const UNREADABLE = new Set(['nullable_map_key-orc']);

export function fixtureNames(): string[] {
  return existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'schema'))).sort() : [];
}

export function fixtureWarehouse(): { warehouse: string; cleanup: () => void } {
  const warehouse = mkdtempSync(join(tmpdir(), 'spark-fixtures-'));
  mkdirSync(join(warehouse, 'fixtures.db'));
  for (const name of fixtureNames()) symlinkSync(join(FIXTURES, name), join(warehouse, 'fixtures.db', name), 'dir');
  return { warehouse, cleanup: () => rmSync(warehouse, { recursive: true, force: true }) };
}

const NANOS_PER_UNIT = [1_000_000_000n, 1_000_000n, 1_000n, 1n];

/**
 * A value in a form both core's Arrow types and the Spark face's compare
 * equal in: instants at microsecond precision (what Spark keeps), bytes as
 * hex, 64-bit integers as text.
 */
export function canonical(v: Value, type: arrow.DataType): unknown {
  if (v === null) return null;
  if (arrow.DataType.isTimestamp(type)) {
    const nanos = (v as bigint) * NANOS_PER_UNIT[type.unit]!;
    const q = nanos / 1000n;
    return String(nanos < 0n && q * 1000n !== nanos ? q - 1n : q);
  }
  if (arrow.DataType.isList(type)) return (v as Value[]).map((x) => canonical(x, type.children[0]!.type));
  if (arrow.DataType.isMap(type)) {
    const [k, x] = type.children[0]!.type.children as arrow.Field[];
    return (v as [Value, Value][]).map(([a, b]) => [canonical(a, k!.type), canonical(b, x!.type)]);
  }
  if (arrow.DataType.isStruct(type)) return (v as Value[]).map((x, i) => canonical(x, type.children[i]!.type));
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return v;
}

/** Sorted JSON lines of a table's rows, in canonical form. */
export function canonicalRows(table: arrow.Table): string[] {
  const out: string[] = [];
  for (const batch of table.batches) {
    for (const row of batchToRows(batch)) out.push(JSON.stringify(batch.schema.fields.map((f) => canonical(row[f.name] ?? null, f.type))));
  }
  return out.sort();
}
