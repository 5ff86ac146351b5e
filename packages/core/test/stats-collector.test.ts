import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ColumnStatsCollector, toStatsMode } from '../src/write/stats-collector.js';
import { parseTypeString } from '../src/types/type-json.js';

const strings = (values: (string | null)[]) => arrow.vectorFromArray(values, new arrow.Utf8()).data[0]!;

describe('write-side column statistics', () => {
  it('orders strings by UTF-8 bytes and truncates to 16 characters, rounding the max up', () => {
    const c = new ColumnStatsCollector(parseTypeString('STRING'), toStatsMode('truncate(16)'));
    c.add(strings(['b', null, 'ü', 'a-very-long-string-beyond-sixteen', 'z']));
    c.add(strings(['aa', null]));
    expect(c.result()).toEqual({ min: 'a-very-long-stri', max: 'ü', nullCount: 2 });
    const long = new ColumnStatsCollector(parseTypeString('STRING'), toStatsMode('truncate(4)'));
    long.add(strings(['abcdefgh']));
    expect(long.result()).toEqual({ min: 'abcd', max: 'abce', nullCount: 0 });
  });

  it('keeps counts only, or nothing, as the mode says', () => {
    const counts = new ColumnStatsCollector(parseTypeString('INT'), toStatsMode('counts'));
    counts.add(arrow.vectorFromArray([1, null, 3], new arrow.Int32()).data[0]!);
    expect(counts.result()).toEqual({ min: null, max: null, nullCount: 1 });
    const none = new ColumnStatsCollector(parseTypeString('INT'), toStatsMode('none'));
    none.add(arrow.vectorFromArray([1], new arrow.Int32()).data[0]!);
    expect(none.result()).toEqual({ min: null, max: null, nullCount: null });
  });

  it('ignores NaN for float bounds and keeps BIGINT exact', () => {
    const d = new ColumnStatsCollector(parseTypeString('DOUBLE'), toStatsMode('full'));
    d.add(arrow.vectorFromArray([2.5, NaN, -1], new arrow.Float64()).data[0]!);
    expect(d.result()).toEqual({ min: -1, max: 2.5, nullCount: 0 });
    const b = new ColumnStatsCollector(parseTypeString('BIGINT'), toStatsMode('full'));
    b.add(arrow.makeData({ type: new arrow.Int64(), length: 2, nullCount: 0, data: BigInt64Array.from([9007199254740993n, -5n]) }));
    expect(b.result()).toEqual({ min: -5n, max: 9007199254740993n, nullCount: 0 });
  });
});
