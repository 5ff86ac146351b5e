/**
 * partial-update with sequence groups (Paimon's PartialUpdateMergeFunction):
 * input sequences and the row after each record, first on the merge engine
 * itself, then through real tables (write buffers, files, merge on read,
 * full compaction). The sequences are those of Paimon's own unit tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mergeEngineFor, RowKind } from '../src/merge/merge-function.js';
import { CoreOptions } from '../src/table/options.js';
import type { DataField } from '../src/types/data-type.js';
import type { Value } from '../src/types/values.js';
import { batchToRows } from '../src/read/rows.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

type Rec = [kind: RowKind, ...values: (number | null)[]];
const I = RowKind.INSERT;
const UB = RowKind.UPDATE_BEFORE;
const D = RowKind.DELETE;

/** Columns f0..f(n-1), all INT, key f0. */
function intFields(n: number): DataField[] {
  return Array.from({ length: n }, (_, i) => ({ id: i, name: `f${i}`, type: { kind: 'INT', nullable: i !== 0 } }) as DataField);
}

/** Feeds records one by one; returns the merged row (and kind) after each, as Paimon's test validates the running state. */
function runningRows(options: Record<string, string>, columns: number, records: Rec[]): { kind: RowKind; row: Value[] }[] {
  const engine = mergeEngineFor(new CoreOptions({ 'merge-engine': 'partial-update', ...options }), 't', intFields(columns), ['f0']);
  if (engine.kind !== 'combine') throw new Error('partial-update combines');
  return records.map((_, end) => {
    const group = { size: end + 1, kind: (i: number) => records[i]![0], value: (i: number, c: number) => records[i]![c + 1] ?? null };
    return engine.combine(group, columns)!;
  });
}

const rowsOf = (results: { row: Value[] }[]) => results.map((r) => r.row);

describe('partial-update merge function with sequence groups', () => {
  it('updates a group only when its sequence is not older; a NULL sequence leaves the group alone', () => {
    const options = { 'fields.f3.sequence-group': 'f1,f2', 'fields.f6.sequence-group': 'f4,f5' };
    const rows = rowsOf(
      runningRows(options, 7, [
        [I, 1, 1, 1, 1, 1, 1, 1],
        [I, 1, 2, 2, 2, 2, 2, null], // group f6 has a NULL sequence: f4, f5 stay
        [I, 1, 3, 3, 1, 3, 3, 3], // group f3 is older (1 < 2): f1, f2 stay
        [D, 1, 1, 1, 3, 1, 1, null], // retracts group f3 (3 >= 2): f1, f2 NULL, f3 = 3
        [D, 1, 1, 1, 3, 1, 1, 4], // retracts group f6 (4 >= 3)
        [I, 1, 4, 4, 4, 5, 5, 5],
        [D, 1, 1, 1, 6, 1, 1, 6],
      ]),
    );
    expect(rows).toEqual([
      [1, 1, 1, 1, 1, 1, 1],
      [1, 2, 2, 2, 1, 1, 1],
      [1, 2, 2, 2, 3, 3, 3],
      [1, null, null, 3, 3, 3, 3],
      [1, null, null, 3, null, null, 4],
      [1, 4, 4, 4, 5, 5, 5],
      [1, null, null, 6, null, null, 6],
    ]);
  });

  it('overwrites the whole group, NULLs included, when the sequence ties or advances', () => {
    const rows = rowsOf(
      runningRows({ 'fields.f3.sequence-group': 'f1,f2' }, 4, [
        [I, 1, 10, 100, 1],
        [I, 1, 20, 200, null],
        [I, 1, 30, 300, 2],
        [I, 1, 40, 400, 2],
        [I, 1, 50, null, 3],
        [I, 1, 60, 100, 2],
      ]),
    );
    expect(rows).toEqual([
      [1, 10, 100, 1],
      [1, 10, 100, 1],
      [1, 30, 300, 2],
      [1, 40, 400, 2],
      [1, 50, null, 3],
      [1, 50, null, 3],
    ]);
  });

  it('removes the row on a -D of a group named in partial-update.remove-record-on-sequence-group', () => {
    const options = {
      'fields.f3.sequence-group': 'f1,f2',
      'fields.f6.sequence-group': 'f4,f5',
      'partial-update.remove-record-on-sequence-group': 'f6',
    };
    const results = runningRows(options, 7, [
      [I, 1, 1, 1, 1, 1, 1, 1],
      [I, 1, 2, 2, 2, 2, 2, null],
      [I, 1, 3, 3, 1, 3, 3, 3],
      [D, 1, 1, 1, 3, 1, 1, null], // group f3: retracted, the row stays
      [D, 1, 1, 1, 3, 1, 1, 4], // group f6: the row is removed (it becomes the -D's values)
      [I, 1, 4, 4, 4, 5, 5, 5],
      [D, 1, 1, 1, 6, 1, 1, 6],
    ]);
    expect(rowsOf(results)).toEqual([
      [1, 1, 1, 1, 1, 1, 1],
      [1, 2, 2, 2, 1, 1, 1],
      [1, 2, 2, 2, 3, 3, 3],
      [1, null, null, 3, 3, 3, 3],
      [1, 1, 1, 3, 1, 1, 4],
      [1, 4, 4, 4, 5, 5, 5],
      [1, 1, 1, 6, 1, 1, 6],
    ]);
    expect(results.map((r) => r.kind)).toEqual([I, I, I, I, D, I, D]);
  });

  it('orders a group by several sequence fields, field by field', () => {
    const options = { 'fields.f3,f4.sequence-group': 'f1,f2', 'fields.f7,f8.sequence-group': 'f5,f6' };
    expect(rowsOf(runningRows(options, 9, [[I, 1, null, null, null, null, 1, 1, 1, 3], [I, 1, 2, 2, null, null, 2, 2, 1, 3]]))[1]).toEqual([
      1, null, null, null, null, 2, 2, 1, 3,
    ]);
    const rows = rowsOf(
      runningRows(options, 9, [
        [I, 1, 1, 1, 1, 1, 1, 1, 1, 3],
        [I, 1, 2, 2, 2, 2, 2, 1, 1, null], // (1, NULL) < (1, 3): f5, f6 stay
        [I, 1, 1, 3, 1, 3, 3, 3, 3, 2],
        [D, 1, 1, 1, 3, 3, 1, 1, null, null],
        [D, 1, 1, 1, 3, 1, 1, 1, 4, 4],
        [I, 1, 4, 4, 4, 4, 5, 5, 5, 5],
        [D, 1, 1, 1, 6, 1, 1, 1, 6, 1],
      ]),
    );
    expect(rows).toEqual([
      [1, 1, 1, 1, 1, 1, 1, 1, 3],
      [1, 2, 2, 2, 2, 1, 1, 1, 3],
      [1, 2, 2, 2, 2, 3, 3, 3, 2],
      [1, null, null, 3, 3, 3, 3, 3, 2],
      [1, null, null, 3, 3, null, null, 4, 4],
      [1, 4, 4, 4, 4, 5, 5, 5, 5],
      [1, null, null, 6, 1, null, null, 6, 1],
    ]);
  });

  it('runs aggregate functions inside groups, reversed for older records, retracting on -U/-D', () => {
    // f1 orders f2 (sum), f3, f4 (last_value, ignore-retract); f5 is in no group; f7 orders f6 (last_non_null_value)
    const options = {
      'fields.f1.sequence-group': 'f2,f3,f4',
      'fields.f7.sequence-group': 'f6',
      'fields.f0.aggregate-function': 'listagg', // a key column: never aggregated
      'fields.f2.aggregate-function': 'sum',
      'fields.f4.aggregate-function': 'last_value',
      'fields.f6.aggregate-function': 'last_non_null_value',
      'fields.f4.ignore-retract': 'true',
      'fields.f6.ignore-retract': 'true',
    };
    const results = runningRows(options, 8, [
      [I, 1, 1, 1, 1, 1, 1, 1, 1],
      [I, 1, 2, 1, 2, 2, 2, 2, 0],
      [I, 1, 1, 1, 1, 1, 1, 2, 0], // both groups older
      [I, 1, 1, -1, 1, 1, 2, 2, 0],
      [I, 1, 3, null, null, null, null, null, 2],
      [I, 1, 3, 1, 1, 1, 1, 1, 3],
      [UB, 1, 3, 2, 1, 1, 1, 1, 3],
      [D, 1, 3, 2, 1, 1, 1, 1, 3],
      [D, 1, 2, 2, 1, 1, 1, 1, 3], // older than the group: only the sum retracts
    ]);
    const rows = rowsOf(results);
    expect(rows[1]).toEqual([1, 2, 2, 2, 2, 2, 1, 1]);
    expect(rows[2]).toEqual([1, 2, 3, 2, 2, 1, 1, 1]);
    expect(rows[4]).toEqual([1, 3, 2, null, null, 2, 1, 2]);
    expect(rows[5]).toEqual([1, 3, 3, 1, 1, 1, 1, 3]);
    expect(rows[6]).toEqual([1, 3, 1, null, 1, 1, 1, 3]);
    expect(rows[7]).toEqual([1, 3, -1, null, 1, 1, 1, 3]);
    expect(rows[8]).toEqual([1, 3, -3, null, 1, 1, 1, 3]);
    expect(results[8]!.kind).toBe(I);
  });

  it('first_value in a group keeps the first input, and an older record replaces it through the reversed fold', () => {
    const options = { 'fields.f1.sequence-group': 'f2,f3', 'fields.f2.aggregate-function': 'first_value', 'fields.f3.aggregate-function': 'last_value' };
    expect(rowsOf(runningRows(options, 4, [[I, 1, 1, 1, 1], [I, 1, 2, 2, 2], [I, 1, 0, 3, 3]])).slice(1)).toEqual([
      [1, 2, 1, 2],
      [1, 2, 3, 2],
    ]);
  });

  it('fields.default-aggregate-function applies to the fields of groups', () => {
    const options = { 'fields.f3.sequence-group': 'f1,f2', 'fields.f6.sequence-group': 'f4,f5', 'fields.default-aggregate-function': 'last_non_null_value' };
    const rows = rowsOf(
      runningRows(options, 7, [
        [I, 1, 1, 1, 1, 1, 1, 1],
        [I, 1, 2, 2, 2, 2, 2, null],
        [I, 1, 3, 3, 1, 3, 3, 3],
        [I, 1, 4, null, 4, 5, null, 5],
      ]),
    );
    expect(rows.slice(1)).toEqual([
      [1, 2, 2, 2, 1, 1, 1],
      [1, 2, 2, 2, 3, 3, 3],
      [1, 4, 2, 4, 5, 3, 5],
    ]);
  });

  it('a single record passes through as it is; a key that only saw retractions merges to a -D seeded with the first', () => {
    const results = runningRows({ 'fields.f3.sequence-group': 'f1,f2' }, 4, [
      [UB, 1, 7, 8, 2],
      [UB, 1, 9, 9, 1],
    ]);
    expect(results).toEqual([
      { kind: UB, row: [1, 7, 8, 2] },
      { kind: D, row: [1, null, null, 2] },
    ]);
  });

  it('without groups, remove-record-on-delete resets the row to the -D record', () => {
    const results = runningRows({ 'partial-update.remove-record-on-delete': 'true' }, 4, [
      [I, 1, 3, 5, 7],
      [D, 1, 2, 2, null],
      [I, 1, null, 9, null],
    ]);
    expect(results.map((r) => [r.kind, ...r.row])).toEqual([
      [I, 1, 3, 5, 7],
      [D, 1, 2, 2, null],
      [I, 1, 2, 9, null],
    ]);
  });

  it('refuses configurations Paimon refuses, naming the option', () => {
    const fails = (options: Record<string, string>, columns: number, message: RegExp) =>
      expect(() => runningRows(options, columns, [[I, 1, 1, 1, 1, 1]])).toThrow(message);
    fails({ 'fields.f3.sequence-group': 'f1,f2', 'fields.f4.sequence-group': 'f1,f2' }, 5, /column f1 is in two sequence groups/);
    fails({ 'fields.f0.sequence-group': 'f1,f2' }, 4, /fields\.f0\.sequence-group contains primary key column f0/);
    fails({ 'fields.f4.sequence-group': 'f0,f2' }, 5, /fields\.f4\.sequence-group contains primary key column f0/);
    fails({ 'fields.f1.aggregate-function': 'sum' }, 3, /column f1 has aggregate function sum, which partial-update allows only inside a sequence group/);
    fails({ 'fields.f3.sequence-group': 'f1', 'partial-update.remove-record-on-delete': 'true' }, 4, /cannot be combined with sequence groups/);
    fails({ 'fields.f3.sequence-group': 'f1', 'partial-update.remove-record-on-sequence-group': 'f1' }, 4, /names f1, which is not the sequence field/);
    fails({ 'partial-update.remove-record-on-delete': 'true', 'ignore-delete': 'true' }, 3, /ignore-delete and partial-update\.remove-record-on-delete conflict/);
    fails({ 'fields.f3.sequence-group': 'f1,f2', 'fields.f2.aggregate-function': 'collect' }, 4, /collect of column f2 needs an ARRAY type/);
  });

  it('creating a table with such options fails the same way', async () => {
    await expect(
      scratchTable([['k', 'INT'], ['a', 'INT'], ['g', 'INT']], {
        primaryKeys: ['k'],
        options: { 'merge-engine': 'partial-update', 'fields.a.aggregate-function': 'sum' },
      }),
    ).rejects.toThrow(/INVALID_OPTION|column a has aggregate function sum/);
  });
});

async function readAll(table: FileStoreTable): Promise<Record<string, unknown>[]> {
  const t = await (await table.reload()).newScan().toArrow();
  return t.batches.flatMap(batchToRows).sort((x, y) => (x['k'] as number) - (y['k'] as number));
}

describe('partial-update sequence groups through a table', () => {
  it('merges out-of-order group sequences and group deletes across commits, before and after full compaction', async () => {
    // Two producers update one order: a shipping group ordered by ship_ts and a payment group ordered by pay_ts.
    const table = await scratchTable(
      [['k', 'INT'], ['ship', 'STRING'], ['ship_ts', 'INT'], ['paid', 'INT'], ['pay_ts', 'INT'], ['note', 'STRING']],
      {
        primaryKeys: ['k'],
        options: {
          bucket: '1',
          'merge-engine': 'partial-update',
          'fields.ship_ts.sequence-group': 'ship',
          'fields.pay_ts.sequence-group': 'paid',
          'fields.paid.aggregate-function': 'sum',
        },
      },
    );
    const commit = async (rows: Record<string, unknown>[], kinds: string[]) => {
      const w = (await table.reload()).newBatchWrite();
      await w.write(rows, { kinds });
      await w.commit();
    };
    await commit(
      [
        { k: 1, ship: 'packed', ship_ts: 5, paid: null, pay_ts: null, note: 'a' },
        { k: 2, ship: 'packed', ship_ts: 1, paid: 10, pay_ts: 1, note: null },
      ],
      ['+I', '+I'],
    );
    await commit(
      [
        { k: 1, ship: 'ordered', ship_ts: 2, paid: 30, pay_ts: 3, note: null }, // ship group older: stays 'packed'
        { k: 2, ship: null, ship_ts: null, paid: 5, pay_ts: 2, note: 'b' }, // ship group NULL: untouched
      ],
      ['+U', '+U'],
    );
    await commit(
      [
        { k: 1, ship: 'sent', ship_ts: 9, paid: 7, pay_ts: 1, note: null }, // payment older: sum still adds (reversed fold)
        { k: 2, ship: 'packed', ship_ts: 4, paid: 10, pay_ts: 4, note: null }, // a -U at newer sequences retracts both groups
      ],
      ['+U', '-U'],
    );
    // A -D older than the ship group (3 < 4) and with no payment sequence changes nothing.
    await commit([{ k: 2, ship: 'x', ship_ts: 3, paid: null, pay_ts: null, note: null }], ['-D']);
    const expected = [
      { k: 1, ship: 'sent', ship_ts: 9, paid: 37, pay_ts: 3, note: 'a' },
      // the -U at ship_ts 4 nulled the ship group; at pay_ts 4 it took its 10 back from 10 + 5
      { k: 2, ship: null, ship_ts: 4, paid: 5, pay_ts: 4, note: 'b' },
    ];
    expect(await readAll(table)).toEqual(expected);
    await (await table.reload()).compact({ full: true });
    expect(await readAll(table)).toEqual(expected);
  });
});
