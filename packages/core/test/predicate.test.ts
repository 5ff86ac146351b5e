import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parsePredicate } from '../src/scan/predicate-parser.js';
import { bindPredicate, evaluate, exactStats, mayMatch, negationNormalForm, type ColumnStats, type Predicate } from '../src/scan/predicate.js';
import { parseTypeString } from '../src/types/type-json.js';
import { PaimonError } from '../src/errors.js';
import type { DataField } from '../src/types/data-type.js';
import { FileStoreTable } from '../src/table/table.js';
import { fixturePath } from './fixtures.js';

const fields: DataField[] = [
  { id: 0, name: 'a', type: parseTypeString('INT') },
  { id: 1, name: 's', type: parseTypeString('STRING') },
  { id: 2, name: 'd', type: parseTypeString('DECIMAL(10, 2)') },
  { id: 3, name: 'dt', type: parseTypeString('DATE') },
  { id: 4, name: 'ts', type: parseTypeString('TIMESTAMP(3)') },
];
const bind = (text: string) => negationNormalForm(bindPredicate(parsePredicate(text), fields, 't'));

describe('filter text', () => {
  it('parses comparisons, IN, IS NULL, BETWEEN, AND/OR/NOT with SQL precedence', () => {
    expect(parsePredicate("a = 1 OR s IN ('x', 'y') AND NOT d IS NULL")).toEqual({
      op: 'or',
      children: [
        { op: '=', field: 'a', literal: 1 },
        { op: 'and', children: [{ op: 'in', field: 's', literals: ['x', 'y'] }, { op: 'not', child: { op: 'isNull', field: 'd' } }] },
      ],
    });
    expect(parsePredicate('a BETWEEN 1 AND 3')).toEqual({ op: 'and', children: [{ op: '>=', field: 'a', literal: 1 }, { op: '<=', field: 'a', literal: 3 }] });
    expect(parsePredicate("`weird col` <> 'it''s'")).toEqual({ op: '!=', field: 'weird col', literal: "it's" });
  });

  it('binds literals to column types (dates, timestamps, decimals)', () => {
    expect(bind("dt = '1970-01-11'")).toEqual({ op: '=', field: 'dt', literal: 10 });
    expect(bind("ts >= '1970-01-01 00:00:01.5'")).toEqual({ op: '>=', field: 'ts', literal: 1500n });
    expect(bind('d < 1.5')).toEqual({ op: '<', field: 'd', literal: 150n });
    expect(bind("a = '7'")).toEqual({ op: '=', field: 'a', literal: 7 });
  });

  it('rejects unknown columns and malformed text with INVALID_PREDICATE', () => {
    for (const bad of ['zz = 1', 'a = ', 'a == 1', '(a = 1', "dt = 'yesterday'"]) {
      let err: unknown;
      try {
        bind(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(PaimonError);
      expect((err as PaimonError).code, bad).toBe('INVALID_PREDICATE');
    }
  });

  it('pushes NOT to the leaves', () => {
    expect(negationNormalForm(parsePredicate('NOT (a < 1 OR s IS NULL)'))).toEqual({
      op: 'and',
      children: [{ op: '>=', field: 'a', literal: 1 }, { op: 'isNotNull', field: 's' }],
    });
  });
});

describe('pruning by statistics', () => {
  const stats = (min: number, max: number, nulls = 0, rows = 10): ColumnStats => ({ min, max, nullCount: nulls, rowCount: rows, orderable: true });
  const cases: [string, ColumnStats, boolean][] = [
    ['a = 5', stats(1, 9), true],
    ['a = 10', stats(1, 9), false],
    ['a < 1', stats(1, 9), false],
    ['a <= 1', stats(1, 9), true],
    ['a > 9', stats(1, 9), false],
    ['a >= 9', stats(1, 9), true],
    ['a IN (0, 10)', stats(1, 9), false],
    ['a IN (0, 5)', stats(1, 9), true],
    ['a != 3', stats(3, 3), false],
    ['a NOT IN (3)', stats(3, 3), false],
    ['a IS NULL', stats(1, 9, 0), false],
    ['a IS NULL', stats(1, 9, 2), true],
    ['a IS NOT NULL', { min: null, max: null, nullCount: 10, rowCount: 10, orderable: true }, false],
    ['a = 5 OR a = 20', stats(1, 9), true],
    ['a = 5 AND a = 20', stats(1, 9), false],
    ['NOT a >= 1', stats(1, 9), false],
  ];
  for (const [text, s, expected] of cases) {
    it(`${text} on [${s.min}, ${s.max}] nulls ${s.nullCount} -> ${expected ? 'may match' : 'pruned'}`, () => {
      expect(mayMatch(bind(text), (f) => (f === 'a' ? s : null))).toBe(expected);
    });
  }

  it('never prunes on columns without stats', () => {
    expect(mayMatch(bind("s = 'x'"), () => null)).toBe(true);
  });

  it('prunes a partition value exactly', () => {
    expect(mayMatch(bind('a = 1'), () => exactStats(2, fields[0]!.type))).toBe(false);
    expect(mayMatch(bind('a IS NULL'), () => exactStats(null, fields[0]!.type))).toBe(true);
  });
});

describe('row filtering', () => {
  const batch = new arrow.RecordBatch({
    a: arrow.vectorFromArray([1, 2, null, 4], new arrow.Int32()),
    s: arrow.vectorFromArray(['x', null, 'y', 'x'], new arrow.Utf8()),
  });
  const run = (p: Predicate) => [...evaluate(p, batch)];
  it('uses three-valued logic: NULL comparisons drop the row, also under NOT', () => {
    expect(run(bind('a > 1'))).toEqual([0, 1, 0, 1]);
    expect(run(parsePredicate('NOT a > 1'))).toEqual([1, 0, 0, 0]);
    expect(run(bind("s = 'x' OR a = 2"))).toEqual([1, 1, 0, 1]);
    expect(run(bind('a IS NULL'))).toEqual([0, 0, 1, 0]);
    expect(run(bind("s NOT IN ('x')"))).toEqual([0, 0, 1, 0]);
  });
});

describe('filters on a real table', () => {
  const path = fixturePath('pk_table_scan_and_read_mor-parquet');

  it('prunes partitions and buckets in the plan and filters rows exactly', async () => {
    const table = await FileStoreTable.open(path);
    const all = await table.newScan().plan();
    const plan = await table.newScan().filter(parsePredicate('f1 = 20')).plan();
    expect(all.splits.length).toBe(3);
    expect(plan.splits.map((s) => s.partition)).toEqual([[20]]);
    // bucket-key f2: an equality picks the one bucket it hashes to
    const byBucket = await table.newScan().filter(parsePredicate('f2 = 0')).plan();
    expect(new Set(byBucket.splits.map((s) => s.bucket))).toEqual(new Set([1])); // INT 0 hashes to bucket 1 of 2 (spec 5.5)
    const rows = await table.newScan().filter(parsePredicate("f1 = 10 AND f0 >= 'M'")).select(['f0']).toArrow();
    expect(rows.getChild('f0')!.toArray().sort()).toEqual(['Marco', 'Marco2', 'Skye', 'Skye2', 'Two roads diverged in a wood, and I took the one less traveled by, And that has made all the difference.']);
  });

  it('applies a value filter after the merge, so an old version of a row never shows', async () => {
    const table = await FileStoreTable.open(path);
    // Alice was 11.1, updated to 19.1: a filter on the old value finds nothing.
    const rows = await table.newScan().filter(parsePredicate('f3 = 11.1')).toArrow();
    expect(rows.numRows).toBe(0);
  });

  it('prunes by Parquet footer statistics where the manifest has none (stats-mode none)', async () => {
    const table = await FileStoreTable.open(fixturePath('pk_table_with_dv_cardinality-parquet'));
    expect(table.schema.options['fields.f3.stats-mode']).toBe('none');
    const files = (plan: { splits: { files: unknown[] }[] }) => plan.splits.reduce((n, s) => n + s.files.length, 0);
    const all = files(await table.newScan().plan());
    expect(all).toBeGreaterThan(1);
    expect(files(await table.newScan().filter(parsePredicate('f3 > 1000')).plan())).toBe(0);
    const some = files(await table.newScan().filter(parsePredicate('f3 = 16.1')).plan());
    expect(some).toBeGreaterThan(0);
    expect(some).toBeLessThan(all);
  });
});
