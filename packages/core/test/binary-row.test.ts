import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  decodeBinaryRow,
  deserializeBinaryRow,
  encodeBinaryRow,
  hashBinaryRowBytes,
  serializeBinaryRow,
} from '../src/spec/binary-row.js';
import { parseTypeString } from '../src/types/type-json.js';
import type { DataType } from '../src/types/data-type.js';
import type { Value } from '../src/types/values.js';

const t = (s: string): DataType => parseTypeString(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('BinaryRow layout (spec 5.3 worked bytes)', () => {
  it('encodes INT 1 as 16 bytes', () => {
    expect(hex(encodeBinaryRow([1], [t('INT')]))).toBe('0000000000000000' + '0100000000000000');
  });

  it('inlines a string of up to 7 bytes with 0x80|len in the last byte', () => {
    expect(hex(encodeBinaryRow(['hello'], [t('STRING')]))).toBe('0000000000000000' + '68656c6c6f000085');
  });

  it('puts a longer string in the variable part with offset and length', () => {
    expect(hex(encodeBinaryRow(['2024-01-01'], [t('STRING')]))).toBe(
      '0000000000000000' + '0a00000010000000' + '323032342d30312d3031000000000000',
    );
    expect(hex(serializeBinaryRow(['2024-01-01'], [t('STRING')])).slice(0, 8)).toBe('00000001');
  });

  it('writes the empty row as 8 zero bytes (12 serialized)', () => {
    expect(hex(serializeBinaryRow([], []))).toBe('00000000' + '0000000000000000');
  });

  it('sets the null bit of field pos at bit pos + 8 and zeroes the slot', () => {
    const row = encodeBinaryRow([null, 5], [t('INT'), t('INT')]);
    expect(row[1]).toBe(0b01);
    expect(hex(row.subarray(8, 16))).toBe('0000000000000000');
    expect(decodeBinaryRow(row, [t('INT'), t('INT')])).toEqual([null, 5]);
  });
});

describe('BinaryRow hashing and buckets (spec 5.4, 5.5)', () => {
  const cases: [Value[], string[], number, number[]][] = [
    [[0], ['INT'], -300363099, [1, 3, 9, 11]],
    [[1], ['INT'], 1465514398, [0, 2, 8, 14]],
    [[2], ['INT'], 1340390384, [0, 0, 4, 0]],
    [[3], ['INT'], -771300025, [1, 1, 5, 9]],
    [[100], ['INT'], 694654213, [1, 1, 3, 5]],
    [[1n], ['BIGINT'], 1465514398, [0, 2, 8, 14]],
    [['a'], ['STRING'], 943281246, [0, 2, 6, 14]],
    [['hello'], ['STRING'], 243722546, [0, 2, 6, 2]],
    [['abcdefgh'], ['STRING'], -843760178, [0, 2, 8, 2]],
    [[1, 2], ['INT', 'INT'], 1909828896, [0, 0, 6, 0]],
  ];
  for (const [values, types, hash, buckets] of cases) {
    it(`hashes ${JSON.stringify(values, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))} to ${hash}`, () => {
      const typed = types.map(t);
      expect(hashBinaryRowBytes(encodeBinaryRow(values, typed))).toBe(hash);
      expect([2, 4, 10, 16].map((n) => bucketOf(values, typed, n))).toEqual(buckets);
    });
  }
});

describe('BinaryRow round trips', () => {
  const cases: [string, Value][] = [
    ['BOOLEAN', true],
    ['TINYINT', -7],
    ['SMALLINT', 32000],
    ['INT', -2147483648],
    ['BIGINT', 9223372036854775807n],
    ['FLOAT', 1.5],
    ['DOUBLE', -2.25],
    ['DECIMAL(10, 2)', 12345n],
    ['DECIMAL(38, 10)', -123456789012345678901234567890n],
    ['DECIMAL(20, 0)', 128n],
    ['STRING', ''],
    ['STRING', 'seven77'],
    ['STRING', 'a string longer than seven bytes, with ünïcode'],
    ['BYTES', Uint8Array.from([0, 255, 1, 2, 3, 4, 5, 6, 7])],
    ['DATE', 19723],
    ['TIME(3)', 45296789],
    ['TIMESTAMP(3)', 1717000000123n],
    ['TIMESTAMP(6)', 1717000000123456n],
    ['TIMESTAMP(9)', 1717000000123456789n],
    ['TIMESTAMP(9)', -1n],
    ['TIMESTAMP(6) WITH LOCAL TIME ZONE', 42n],
  ];
  for (const [type, value] of cases) {
    it(`${type} ${String(value).slice(0, 20)}`, () => {
      const types = [t(type), t('INT')];
      const bytes = serializeBinaryRow([value, 7], types);
      expect(bytes.length % 8).toBe(4);
      expect(deserializeBinaryRow(bytes, types)).toEqual([value, 7]);
    });
  }

  it('reads a row with fewer fields than the types as trailing nulls (stats of an older schema)', () => {
    const bytes = encodeBinaryRow([3], [t('INT')]);
    expect(decodeBinaryRow(bytes, [t('INT'), t('STRING')], 1)).toEqual([3, null]);
  });

  it('rejects a row too short for its arity', () => {
    expect(() => decodeBinaryRow(new Uint8Array(8), [t('INT')])).toThrow(/needs 16 bytes/);
  });
});
