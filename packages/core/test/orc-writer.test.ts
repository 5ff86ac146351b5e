/**
 * The ORC writer, read back through our ORC reader: every Paimon type with
 * and without nulls, several stripes and row groups, every codec; string
 * encodings; statistics; row index positions (checked by seeking the streams
 * to them); Paimon's type attributes; and garbled copies of files we wrote,
 * which must fail with a PaimonError.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import { BooleanDecoder, ByteRleDecoder } from '../src/io/orc/byte-rle.js';
import { Decompressor } from '../src/io/orc/compression.js';
import {
  ENCODING_DICTIONARY_V2,
  ENCODING_DIRECT,
  ENCODING_DIRECT_V2,
  STREAM_DATA,
  STREAM_LENGTH,
  STREAM_PRESENT,
  STREAM_ROW_INDEX,
  STREAM_SECONDARY,
} from '../src/io/orc/footer.js';
import { InStream } from '../src/io/orc/in-stream.js';
import { encodeOrc, encodeOrcWithReport, openOrc, typeToString, type OrcFile, type OrcWriteOptions } from '../src/io/orc/index.js';
import { IntRleV2Decoder } from '../src/io/orc/int-rle-v2.js';
import { decodeStripeFooter } from '../src/io/orc/footer.js';
import { ProtoReader, decodeMessage } from '../src/io/orc/protobuf.js';
import { decodeColumnStatistics, type ColumnStatistics } from '../src/io/orc/statistics.js';
import { Stripe } from '../src/io/orc/stripe.js';
import { ByteSink } from '../src/io/orc/byte-sink.js';
import { IntRleV2Encoder, encodeBooleans, encodeByteRle } from '../src/io/orc/rle-writers.js';
import { lz4Compress, snappyCompress } from '../src/io/orc/compressors.js';
import { lz4Decompress } from '../src/io/orc/lz4.js';
import { snappyDecompress } from '../src/io/orc/snappy.js';
import { decimalString } from '../src/io/orc/stats-writer.js';
import { arrayElementFieldId, mapKeyFieldId, mapValueFieldId } from '../src/io/orc/orc-writer.js';
import { toArrowSchema, toArrowType } from '../src/types/arrow-type.js';
import { buildData, getValue } from '../src/types/arrow-values.js';
import { MAX_LENGTH, type DataField, type DataType } from '../src/types/data-type.js';
import type { Value } from '../src/types/values.js';

// ---------------------------------------------------------------- helpers

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nn = <T extends DataType>(t: T): T => ({ ...t, nullable: true });
const T = {
  bool: nn({ kind: 'BOOLEAN', nullable: true }),
  tinyint: nn({ kind: 'TINYINT', nullable: true }),
  smallint: nn({ kind: 'SMALLINT', nullable: true }),
  int: nn({ kind: 'INT', nullable: true }),
  bigint: nn({ kind: 'BIGINT', nullable: true }),
  float: nn({ kind: 'FLOAT', nullable: true }),
  double: nn({ kind: 'DOUBLE', nullable: true }),
  date: nn({ kind: 'DATE', nullable: true }),
  string: { kind: 'VARCHAR', length: MAX_LENGTH, nullable: true } as DataType,
  bytes: { kind: 'VARBINARY', length: MAX_LENGTH, nullable: true } as DataType,
  decimal: (precision: number, scale: number): DataType => ({ kind: 'DECIMAL', precision, scale, nullable: true }),
  char: (length: number): DataType => ({ kind: 'CHAR', length, nullable: true }),
  varchar: (length: number): DataType => ({ kind: 'VARCHAR', length, nullable: true }),
  time: { kind: 'TIME', precision: 3, nullable: true } as DataType,
  ts: (precision: number): DataType => ({ kind: 'TIMESTAMP', precision, nullable: true }),
  ltz: (precision: number): DataType => ({ kind: 'TIMESTAMP_LTZ', precision, nullable: true }),
  array: (element: DataType): DataType => ({ kind: 'ARRAY', element, nullable: true }),
  map: (key: DataType, value: DataType): DataType => ({ kind: 'MAP', key: { ...key, nullable: false }, value, nullable: true }),
  row: (fields: DataField[]): DataType => ({ kind: 'ROW', fields, nullable: true }),
};

function batchOf(fields: DataField[], columns: Value[][]): arrow.RecordBatch {
  const schema = toArrowSchema(fields);
  const n = columns[0]?.length ?? 0;
  const children = fields.map((f, i) => buildData(toArrowType(f.type), columns[i]!));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

/** Every column of the file as values (timestamps in nanoseconds). */
function readColumns(bytes: Uint8Array): Value[][] {
  const file = openOrc(bytes, 'test.orc');
  const table = file.readTable({ timestampUnit: 'ns' });
  return table.schema.fields.map((_, c) => {
    const out: Value[] = [];
    for (const d of table.getChildAt(c)!.data) for (let i = 0; i < d.length; i++) out.push(getValue(d, i));
    return out;
  });
}

const cut = (s: string, n: number): string => [...s].slice(0, n).join('');

/** What reading gives back for a written value: timestamps in ns, CHAR/VARCHAR fitted to their length. */
function expected(type: DataType, v: Value): Value {
  if (v === null) return null;
  switch (type.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return BigInt(v as bigint) * (type.precision <= 3 ? 1_000_000n : type.precision <= 6 ? 1000n : 1n);
    case 'CHAR':
      return cut(v as string, type.length).replace(/ +$/, '');
    case 'VARCHAR':
      return type.length === MAX_LENGTH ? v : cut(v as string, type.length);
    case 'ARRAY':
      return (v as Value[]).map((e) => expected(type.element, e));
    case 'MAP':
      return (v as [Value, Value][]).map(([k, x]) => [expected(type.key, k), expected(type.value, x)]);
    case 'ROW':
      return (v as Value[]).map((x, i) => expected(type.fields[i]!.type, x));
    default:
      return v;
  }
}

function roundTrip(fields: DataField[], columns: Value[][], options: OrcWriteOptions = {}): Uint8Array {
  const bytes = encodeOrc(fields, [batchOf(fields, columns)], options);
  const back = readColumns(bytes);
  fields.forEach((f, c) => {
    const want = columns[c]!.map((v) => expected(f.type, v));
    expect(back[c], `column ${f.name}`).toEqual(want);
  });
  return bytes;
}

// ---------------------------------------------------------------- generators

const ALPHABET = ['a', 'b', 'z', 'A', ' ', 'é', 'ß', '中', '😀', '0', '~'];

function randomString(r: () => number, max: number): string {
  const len = Math.floor(r() * (max + 1));
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function randomBigint(r: () => number, bits: number): bigint {
  let v = 0n;
  for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(Math.floor(r() * 65536));
  v &= (1n << BigInt(bits)) - 1n;
  return r() < 0.5 ? -v : v;
}

/** Timestamps away from (-1 s, 0): ORC (Java's writer and reader alike) cannot hold those with a fraction of a millisecond or more. */
function timestamp(r: () => number, unitsPerSecond: bigint, bits: number): bigint {
  let v = randomBigint(r, bits);
  if (v < 0n && v > -unitsPerSecond) v -= unitsPerSecond;
  return v;
}

interface Col {
  name: string;
  type: DataType;
  gen: (r: () => number, i: number) => Value;
}

const SPECIAL_LONGS = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 52n, -(2n ** 52n), 2n ** 52n - 1n, -(2n ** 52n) - 1n];

const COLUMNS: Col[] = [
  { name: 'bool', type: T.bool, gen: (r) => r() < 0.3 },
  { name: 'tiny', type: T.tinyint, gen: (r, i) => (i % 50 < 10 ? 7 : Math.floor(r() * 256) - 128) },
  { name: 'small', type: T.smallint, gen: (r) => Math.floor(r() * 65536) - 32768 },
  {
    name: 'int',
    type: T.int,
    gen: (r, i) => {
      const phase = Math.floor(i / 700) % 5;
      if (phase === 0) return i * 3 - 1000; // fixed delta
      if (phase === 1) return 42; // repeats
      if (phase === 2) return r() < 0.97 ? Math.floor(r() * 100) : Math.floor(r() * 2 ** 31) - 2 ** 30; // outliers: patched base
      if (phase === 3) return i + Math.floor(r() * 10); // increasing with jitter
      return Math.floor(r() * 2 ** 32) - 2 ** 31;
    },
  },
  {
    name: 'big',
    type: T.bigint,
    gen: (r, i) => {
      const phase = Math.floor(i / 600) % 4;
      if (phase === 0) return BigInt(i) * 1_000_000_007n;
      if (phase === 1) return SPECIAL_LONGS[Math.floor(r() * SPECIAL_LONGS.length)]!;
      if (phase === 2) return randomBigint(r, 63);
      return BigInt(Math.floor(r() * 1000));
    },
  },
  {
    name: 'float',
    type: T.float,
    gen: (r, i) => (i % 97 === 0 ? [NaN, Infinity, -Infinity, -0][i % 4]! : Math.fround(r() * 1e6 - 5e5)),
  },
  { name: 'double', type: T.double, gen: (r, i) => (i % 101 === 0 ? NaN : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)) },
  { name: 'dec52', type: T.decimal(5, 2), gen: (r) => BigInt(Math.floor(r() * 199999) - 99999) },
  {
    name: 'dec3810',
    type: T.decimal(38, 10),
    gen: (r, i) => (i % 3 === 0 ? BigInt(Math.floor(r() * 1000) - 500) : randomBigint(r, 120) % 10n ** 38n),
  },
  { name: 'date', type: T.date, gen: (r, i) => (i % 2 ? 18000 + (i % 400) : Math.floor(r() * 1_400_000) - 700_000) },
  { name: 'time', type: T.time, gen: (r) => Math.floor(r() * 86_400_000) },
  { name: 'ts3', type: T.ts(3), gen: (r) => timestamp(r, 1000n, 42) },
  { name: 'ts6', type: T.ts(6), gen: (r, i) => (i % 4 === 0 ? 1_700_000_000_000_000n + BigInt(i) * 1_000_000n : timestamp(r, 1_000_000n, 52)) },
  { name: 'ts9', type: T.ts(9), gen: (r) => timestamp(r, 1_000_000_000n, 63) },
  { name: 'ltz3', type: T.ltz(3), gen: (r) => timestamp(r, 1000n, 42) },
  { name: 'ltz6', type: T.ltz(6), gen: (r) => timestamp(r, 1_000_000n, 52) },
  { name: 'str', type: T.string, gen: (r) => randomString(r, 12) },
  { name: 'lowcard', type: T.string, gen: (r) => ['', 'apple', 'banana', 'cherry', 'd😀'][Math.floor(r() * 5)]! },
  { name: 'char5', type: T.char(5), gen: (r) => randomString(r, 7) },
  { name: 'vc4', type: T.varchar(4), gen: (r) => randomString(r, 7) },
  {
    name: 'bin',
    type: T.bytes,
    gen: (r) => Uint8Array.from({ length: Math.floor(r() * 9) }, () => Math.floor(r() * 256)),
  },
  { name: 'ints', type: T.array(T.int), gen: (r) => Array.from({ length: Math.floor(r() * 5) }, () => (r() < 0.1 ? null : Math.floor(r() * 1000))) },
  { name: 'strs', type: T.array(T.string), gen: (r) => Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.1 ? null : randomString(r, 5))) },
  {
    name: 'smap',
    type: T.map(T.string, T.int),
    gen: (r) => Array.from({ length: Math.floor(r() * 4) }, (_, k) => [`k${k}${randomString(r, 3)}`, r() < 0.2 ? null : Math.floor(r() * 99)] as [Value, Value]),
  },
  {
    name: 'imap',
    type: T.map(T.int, T.array(T.double)),
    gen: (r) =>
      Array.from({ length: Math.floor(r() * 3) }, (_, k) => [k * 7 - 3, r() < 0.2 ? null : Array.from({ length: Math.floor(r() * 3) }, () => r())] as [Value, Value]),
  },
  {
    name: 'row',
    type: T.row([
      { id: 101, name: 'a', type: T.int },
      { id: 102, name: 'b', type: T.string },
      { id: 103, name: 'c', type: T.row([{ id: 104, name: 'd', type: T.bigint }, { id: 105, name: 'e', type: T.ts(9) }]) },
    ]),
    gen: (r) => [
      r() < 0.1 ? null : Math.floor(r() * 100),
      r() < 0.1 ? null : randomString(r, 4),
      r() < 0.2 ? null : [r() < 0.1 ? null : BigInt(Math.floor(r() * 1e9)), r() < 0.1 ? null : timestamp(r, 1_000_000_000n, 60)],
    ],
  },
];

function fieldsOf(cols: Col[]): DataField[] {
  return cols.map((c, i) => ({ id: i + 1, name: c.name, type: c.type }));
}

function columnsOf(cols: Col[], rows: number, nullRate: number, seed = 7): Value[][] {
  return cols.map((c, ci) => {
    const r = rng(seed * 1000 + ci);
    return Array.from({ length: rows }, (_, i) => (r() < nullRate ? null : c.gen(r, i)));
  });
}

// ---------------------------------------------------------------- round trips

describe('ORC writer round trip through our reader', () => {
  const fields = fieldsOf(COLUMNS);
  const rows = 3000;
  const withNulls = columnsOf(COLUMNS, rows, 0.15);
  const noNulls = columnsOf(COLUMNS, rows, 0, 11);

  for (const compression of ['zstd', 'zlib', 'snappy', 'lz4', 'none'] as const) {
    it(`every type, with nulls, several stripes and row groups (${compression})`, () => {
      const bytes = roundTrip(fields, withNulls, { compression, stripeRows: 1100, rowIndexStride: 250 });
      const file = openOrc(bytes, 'test.orc');
      expect(file.compression).toBe(compression.toUpperCase());
      expect(file.stripes.length).toBe(3);
      expect(file.numRows).toBe(rows);
    });
  }

  it('every type without nulls writes no PRESENT stream', () => {
    const bytes = roundTrip(fields, noNulls, { stripeRows: 2000, rowIndexStride: 500 });
    const file = openOrc(bytes, 'test.orc');
    for (const stripe of stripesOf(file, bytes)) {
      const present = stripe.footer.streams.filter((s) => s.kind === STREAM_PRESENT);
      // Only nested children with nulls inside (list elements, map values, struct fields) have one.
      for (const s of present) expect(file.types[s.column]!.attributes['paimon.id']).not.toBe(undefined);
      const topLevel = new Set(file.schema.children.filter((c) => c.kind !== 'LIST' && c.kind !== 'MAP' && c.kind !== 'STRUCT').map((c) => c.id));
      expect(present.filter((s) => topLevel.has(s.column))).toEqual([]);
    }
  });

  it('all-null columns, empty strings, empty lists and maps', () => {
    const n = 700;
    const cols = COLUMNS.map((c) => ({ ...c }));
    const data = cols.map(() => new Array<Value>(n).fill(null));
    roundTrip(fieldsOf(cols), data, { rowIndexStride: 100 });
    const empties: Value[][] = [
      Array.from({ length: n }, () => ''),
      Array.from({ length: n }, () => new Uint8Array(0)),
      Array.from({ length: n }, (_, i) => (i % 3 ? [] : null)),
      Array.from({ length: n }, (_, i) => (i % 4 ? [] : null)),
    ];
    roundTrip(
      [
        { id: 1, name: 's', type: T.string },
        { id: 2, name: 'b', type: T.bytes },
        { id: 3, name: 'l', type: T.array(T.string) },
        { id: 4, name: 'm', type: T.map(T.string, T.string) },
      ],
      empties,
      { rowIndexStride: 64 },
    );
  });

  it('batches with offsets (sliced Arrow data) and many batches', () => {
    const cols = columnsOf(COLUMNS, 2000, 0.2, 3);
    const batch = batchOf(fields, cols);
    const pieces = [batch.slice(0, 3), batch.slice(3, 517), batch.slice(517, 1001), batch.slice(1001, 2000)];
    const bytes = encodeOrc(fields, pieces, { stripeRows: 777, rowIndexStride: 100 });
    const back = readColumns(bytes);
    fields.forEach((f, c) => expect(back[c], f.name).toEqual(cols[c]!.map((v) => expected(f.type, v))));
  });

  it('MULTISET (as Paimon: MAP<T, INT NOT NULL>), BINARY(n) and BLOB', () => {
    const f: DataField[] = [
      { id: 1, name: 'ms', type: { kind: 'MULTISET', element: T.string, nullable: true } },
      { id: 2, name: 'b4', type: { kind: 'BINARY', length: 4, nullable: true } },
      { id: 3, name: 'blob', type: { kind: 'BLOB', nullable: true } },
    ];
    const cols: Value[][] = [
      [[['a', 2], ['b', 1]], null, [], [['', 3]]],
      [Uint8Array.of(1, 2, 3, 4), null, Uint8Array.of(0, 0, 0, 0), Uint8Array.of(9, 9, 9, 9)],
      [new Uint8Array(0), Uint8Array.of(7), null, Uint8Array.of(1, 2)],
    ];
    const bytes = roundTrip(f, cols);
    const file = openOrc(bytes, 'ms.orc');
    expect(typeToString(file.schema)).toBe('struct<ms:map<string,int>,b4:binary,blob:binary>');
    expect(file.types[2]!.attributes['paimon.id']).toBe(String(mapKeyFieldId(1, 1)));
    expect(file.types[3]!.attributes['paimon.id']).toBe(String(mapValueFieldId(1, 1)));
  });

  it('no rows: a file without stripes', () => {
    const bytes = encodeOrc(fields, []);
    const file = openOrc(bytes, 'empty.orc');
    expect(file.numRows).toBe(0);
    expect(file.stripes).toEqual([]);
    expect(file.readTable().numRows).toBe(0);
    expect(file.statistics[1]!.numberOfValues).toBe(0);
  });

  it('rowIndexStride 0 writes no row index', () => {
    const bytes = roundTrip(fields, withNulls, { rowIndexStride: 0, stripeRows: 2000 });
    const file = openOrc(bytes, 'test.orc');
    expect(file.footer.rowIndexStride).toBe(0);
    for (const stripe of stripesOf(file, bytes)) {
      expect(stripe.footer.streams.some((s) => s.kind === STREAM_ROW_INDEX)).toBe(false);
      expect(stripe.info.indexLength).toBe(0);
    }
  });

  it('a big stripe: 256 KiB compression chunks, long runs', () => {
    const n = 200_000;
    const f: DataField[] = [
      { id: 1, name: 'id', type: T.bigint },
      { id: 2, name: 'v', type: T.double },
      { id: 3, name: 's', type: T.string },
    ];
    const r = rng(5);
    const cols: Value[][] = [
      Array.from({ length: n }, (_, i) => BigInt(i)),
      Array.from({ length: n }, () => r()),
      Array.from({ length: n }, (_, i) => `row-${i}`),
    ];
    for (const compression of ['zstd', 'none'] as const) {
      const bytes = roundTrip(f, cols, { compression });
      const file = openOrc(bytes, 'big.orc');
      expect(file.stripes.length).toBe(1);
      checkRowIndex(file, bytes, f, cols);
    }
  });
});

// ---------------------------------------------------------------- file layout

function stripesOf(file: OrcFile, bytes: Uint8Array): Stripe[] {
  const d = new Decompressor(file.compression, file.postScript.compressionBlockSize);
  return file.stripes.map((info, i) => new Stripe(bytes, info, i, d, file.types.length));
}

describe('ORC writer file layout', () => {
  it('postscript, footer, writer identity and time zone', () => {
    const f: DataField[] = [{ id: 1, name: 't', type: T.ts(6) }];
    const bytes = encodeOrc(f, [batchOf(f, [[1n, 2n, null]])]);
    const file = openOrc(bytes, 'x.orc');
    expect(String.fromCharCode(...bytes.subarray(0, 3))).toBe('ORC');
    expect(file.postScript.version).toEqual([0, 12]);
    expect(file.postScript.writerVersion).toBe(6);
    expect(file.postScript.compression).toBe('ZSTD');
    expect(file.postScript.compressionBlockSize).toBe(256 * 1024);
    expect(file.footer.headerLength).toBe(3);
    expect(file.footer.rowIndexStride).toBe(10000);
    expect(file.footer.calendar).toBe(1);
    expect(file.writer).toBe('writer 1000 paimon-ts 0.1.0');
    const [stripe] = stripesOf(file, bytes);
    expect(stripe!.writerTimezone).toBe('UTC');
    expect(file.footer.contentLength).toBe(stripe!.info.offset + stripe!.info.indexLength + stripe!.info.dataLength + stripe!.info.footerLength);
  });

  it("types carry Paimon's paimon.id attributes (OrcTypeUtil)", () => {
    const f: DataField[] = [
      { id: 3, name: 'a', type: T.array(T.array(T.int)) },
      { id: 5, name: 'm', type: T.map(T.string, T.row([{ id: 7, name: 'x', type: T.array(T.bigint) }])) },
      { id: 9, name: 'c', type: T.char(3) },
      { id: 10, name: 'v', type: T.varchar(8) },
      { id: 11, name: 'd', type: T.decimal(7, 3) },
      { id: 12, name: 'l', type: T.ltz(3) },
      { id: 13, name: 'tm', type: T.time },
    ];
    const file = openOrc(encodeOrc(f, []), 'types.orc');
    expect(typeToString(file.schema)).toBe(
      'struct<a:array<array<int>>,m:map<string,struct<x:array<long>>>,c:char(3),v:varchar(8),d:decimal(7,3),l:timestamp with local time zone,tm:int>',
    );
    const id = (c: number): string | undefined => file.types[c]!.attributes['paimon.id'];
    expect(file.types[0]!.attributes).toEqual({});
    // a: list (3), inner list: element id at depth 1, int: element id at depth 2
    expect([id(1), id(2), id(3)]).toEqual(['3', String(arrayElementFieldId(3, 1)), String(arrayElementFieldId(3, 2))]);
    // m: map (5), key and value ids at depth 1; the struct's own field keeps its id; its list element uses field 7
    expect([id(4), id(5), id(6), id(7), id(8)]).toEqual([
      '5',
      String(mapKeyFieldId(5, 1)),
      String(mapValueFieldId(5, 1)),
      '7',
      String(arrayElementFieldId(7, 1)),
    ]);
    expect(arrayElementFieldId(3, 1)).toBe(536870911 + 3 * 1024 + 1);
    expect(mapKeyFieldId(5, 1)).toBe(536870911 - 5 * 1024 - 1);
    expect([id(9), id(10), id(11), id(12), id(13)]).toEqual(['9', '10', '11', '12', '13']);
  });

  it('dictionary or direct string encoding by distinct/values of the first row group', () => {
    const n = 5000;
    const f: DataField[] = [
      { id: 1, name: 'few', type: T.string },
      { id: 2, name: 'unique', type: T.string },
      { id: 3, name: 'bin', type: T.bytes },
      { id: 4, name: 'allnull', type: T.string },
    ];
    const cols: Value[][] = [
      Array.from({ length: n }, (_, i) => `v${i % 17}`),
      Array.from({ length: n }, (_, i) => `u${i}`),
      Array.from({ length: n }, (_, i) => Uint8Array.of(i % 3)),
      new Array<Value>(n).fill(null),
    ];
    const { bytes, report } = encodeOrcWithReport(f, [batchOf(f, cols)], { rowIndexStride: 1000 });
    const file = openOrc(bytes, 'dict.orc');
    const [stripe] = stripesOf(file, bytes);
    expect(stripe!.encoding(1)).toEqual({ kind: ENCODING_DICTIONARY_V2, dictionarySize: 17 });
    expect(stripe!.encoding(2).kind).toBe(ENCODING_DIRECT_V2);
    expect(stripe!.encoding(3).kind).toBe(ENCODING_DIRECT_V2);
    expect(stripe!.encoding(4)).toEqual({ kind: ENCODING_DICTIONARY_V2, dictionarySize: 0 }); // as Java: no values, ratio 0
    expect(stripe!.encoding(0).kind).toBe(ENCODING_DIRECT);
    expect(report.encodings.get(1)).toEqual(['DICTIONARY_V2']);
    expect(readColumns(bytes)).toEqual(cols);

    // Threshold 0 turns dictionaries off; a ratio just over the threshold is direct (a float ratio, as Java).
    const direct = encodeOrc(f, [batchOf(f, cols)], { dictionaryKeySizeThreshold: 0 });
    expect(stripesOf(openOrc(direct, 'x'), direct)[0]!.encoding(1).kind).toBe(ENCODING_DIRECT_V2);
    const edge: DataField[] = [{ id: 1, name: 's', type: T.string }];
    const edgeCols = [Array.from({ length: 10 }, (_, i) => `x${i % 8}`)]; // 8 / 10 = 0.8f > 0.8
    const edgeBytes = encodeOrc(edge, [batchOf(edge, edgeCols)]);
    expect(stripesOf(openOrc(edgeBytes, 'x'), edgeBytes)[0]!.encoding(1).kind).toBe(ENCODING_DIRECT_V2);
    const below = [Array.from({ length: 10 }, (_, i) => `x${i % 7}`)];
    const belowBytes = encodeOrc(edge, [batchOf(edge, below)]);
    expect(stripesOf(openOrc(belowBytes, 'x'), belowBytes)[0]!.encoding(1).kind).toBe(ENCODING_DICTIONARY_V2);
  });

  it('writes all four integer RLE v2 run kinds', () => {
    const f = fieldsOf(COLUMNS.filter((c) => c.name === 'int' || c.name === 'big'));
    const cols = columnsOf(COLUMNS.filter((c) => c.name === 'int' || c.name === 'big'), 4000, 0);
    const { report } = encodeOrcWithReport(f, [batchOf(f, cols)]);
    expect(report.rle.shortRepeat).toBeGreaterThan(0);
    expect(report.rle.direct).toBeGreaterThan(0);
    expect(report.rle.patchedBase).toBeGreaterThan(0);
    expect(report.rle.delta).toBeGreaterThan(0);
  });

  it('CHAR is padded with spaces in the file (as Java writes it) and VARCHAR cut', () => {
    const f: DataField[] = [
      { id: 1, name: 'c', type: T.char(4) },
      { id: 2, name: 'v', type: T.varchar(3) },
    ];
    const bytes = encodeOrc(f, [batchOf(f, [['ab', 'abcdef', '中', null], ['abcd', 'é😀xy', '', null]])], { dictionaryKeySizeThreshold: 0 });
    const file = openOrc(bytes, 'c.orc');
    expect(file.statistics[1]!.string).toEqual({ minimum: 'ab  ', maximum: '中   ', sum: 14n });
    expect(file.statistics[2]!.string).toEqual({ minimum: '', maximum: 'é😀x', sum: 10n });
    expect(readColumns(bytes)).toEqual([
      ['ab', 'abcd', '中', null],
      ['abc', 'é😀x', '', null],
    ]);
  });

  it('timestamps between -1 s and 0 come back as Java ORC reads them', () => {
    // Java's writer stores -0.5 s as seconds 0 and 500 ms (seconds rounded towards zero),
    // and its reader (like ours) cannot tell that from +0.5 s; -1.5 s and -0.0005 s are fine.
    const f: DataField[] = [{ id: 1, name: 't', type: T.ts(6) }];
    const bytes = encodeOrc(f, [batchOf(f, [[-1_500_000n, -500_000n, -999_500n, -1000n, 0n, 1n]])]);
    expect(readColumns(bytes)[0]).toEqual([-1_500_000_000n, 500_000_000n, -999_500_000n, 999_000_000n, 0n, 1000n]);
  });
});

// ---------------------------------------------------------------- statistics

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('ORC writer statistics', () => {
  const fields = fieldsOf(COLUMNS);
  const rows = 2600;
  const cols = columnsOf(COLUMNS, rows, 0.1, 21);
  const bytes = encodeOrc(fields, [batchOf(fields, cols)], { stripeRows: 1000, rowIndexStride: 300 });
  const file = openOrc(bytes, 'stats.orc');
  const byName = (name: string): { id: number; values: Value[]; type: DataType } => {
    const i = COLUMNS.findIndex((c) => c.name === name);
    return { id: file.field(name)!.id, values: cols[i]!.filter((v) => v !== null), type: COLUMNS[i]!.type };
  };

  it('counts and nulls of every column, file and stripes', () => {
    expect(file.statistics[0]).toEqual({ numberOfValues: rows, hasNull: false });
    const stripeStats = file.stripeStatistics();
    expect(stripeStats.length).toBe(3);
    COLUMNS.forEach((c, i) => {
      const id = file.field(c.name)!.id;
      const nonNull = cols[i]!.filter((v) => v !== null).length;
      expect(file.statistics[id]!.numberOfValues, c.name).toBe(nonNull);
      expect(file.statistics[id]!.hasNull, c.name).toBe(nonNull < rows);
      expect(stripeStats.reduce((n, s) => n + s[id]!.numberOfValues!, 0)).toBe(nonNull);
    });
    expect(stripeStats.map((s) => s[0]!.numberOfValues)).toEqual([1000, 1000, 600]);
  });

  it('integers, dates, booleans, binary', () => {
    for (const name of ['tiny', 'small', 'int', 'time']) {
      const { id, values } = byName(name);
      const nums = values as number[];
      expect(file.statistics[id]!.int, name).toEqual({
        minimum: BigInt(Math.min(...nums)),
        maximum: BigInt(Math.max(...nums)),
        sum: nums.reduce((a, b) => a + BigInt(b), 0n),
      });
    }
    const big = byName('big').values as bigint[];
    const sum = big.reduce((a, b) => a + b, 0n);
    const bigStats = file.statistics[byName('big').id]!.int!;
    expect(bigStats.minimum).toBe(big.reduce((a, b) => (b < a ? b : a)));
    expect(bigStats.maximum).toBe(big.reduce((a, b) => (b > a ? b : a)));
    expect(bigStats.sum).toBe(sum >= -(2n ** 63n) && sum < 2n ** 63n ? sum : undefined);
    const dates = byName('date').values as number[];
    expect(file.statistics[byName('date').id]!.date).toEqual({ minimum: Math.min(...dates), maximum: Math.max(...dates) });
    const bools = byName('bool').values as boolean[];
    expect(file.statistics[byName('bool').id]!.trueCount).toBe(BigInt(bools.filter((b) => b).length));
    const bins = byName('bin').values as Uint8Array[];
    expect(file.statistics[byName('bin').id]!.binary).toEqual({ sum: BigInt(bins.reduce((n, b) => n + b.length, 0)) });
  });

  it('floating point: min and max without NaN, sum', () => {
    for (const name of ['float', 'double']) {
      const values = byName(name).values as number[];
      const finite = values.filter((v) => !Number.isNaN(v));
      const s = file.statistics[byName(name).id]!.double!;
      expect(s.minimum).toBe(Math.min(...finite));
      expect(s.maximum).toBe(Math.max(...finite));
      expect(Number.isNaN(s.sum)).toBe(values.some((v) => Number.isNaN(v)) || values.includes(Infinity) === values.includes(-Infinity) && values.includes(Infinity));
    }
  });

  it('strings: byte-wise minimum and maximum, total length', () => {
    for (const name of ['str', 'lowcard', 'char5', 'vc4']) {
      const { id, values, type } = byName(name);
      const stored = (values as string[]).map((v) => {
        if (type.kind === 'CHAR') {
          const c = cut(v, type.length);
          return c + ' '.repeat(type.length - [...c].length);
        }
        return type.kind === 'VARCHAR' && type.length !== MAX_LENGTH ? cut(v, type.length) : v;
      });
      const encoded = stored.map(utf8).sort(cmpBytes);
      const s = file.statistics[id]!.string!;
      const dec = new TextDecoder();
      expect(s.minimum, name).toBe(dec.decode(encoded[0]));
      expect(s.maximum, name).toBe(dec.decode(encoded[encoded.length - 1]));
      expect(s.sum, name).toBe(BigInt(encoded.reduce((n, b) => n + b.length, 0)));
    }
  });

  it('decimals as Hive prints them, timestamps in UTC milliseconds plus nanos', () => {
    for (const name of ['dec52', 'dec3810']) {
      const { id, values, type } = byName(name);
      const scale = (type as { scale: number }).scale;
      const v = values as bigint[];
      const sum = v.reduce((a, b) => a + b, 0n);
      expect(file.statistics[id]!.decimal, name).toEqual({
        minimum: decimalString(v.reduce((a, b) => (b < a ? b : a)), scale),
        maximum: decimalString(v.reduce((a, b) => (b > a ? b : a)), scale),
        ...(sum < 10n ** 38n && sum > -(10n ** 38n) ? { sum: decimalString(sum, scale) } : {}),
      });
    }
    expect(decimalString(150n, 2)).toBe('1.5');
    expect(decimalString(-5n, 3)).toBe('-0.005');
    expect(decimalString(200n, 2)).toBe('2');
    expect(decimalString(0n, 4)).toBe('0');
    for (const name of ['ts3', 'ts6', 'ts9', 'ltz6']) {
      const { id, values, type } = byName(name);
      const ns = (values as bigint[]).map((v) => expected(type, v) as bigint);
      const min = ns.reduce((a, b) => (b < a ? b : a));
      const max = ns.reduce((a, b) => (b > a ? b : a));
      const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
      const s = file.statistics[id]!.timestamp!;
      expect(s.minimumUtc, name).toBe(floorDiv(min, 1_000_000n));
      expect(s.maximumUtc, name).toBe(floorDiv(max, 1_000_000n));
      const minNs = Number(min - floorDiv(min, 1_000_000n) * 1_000_000n);
      const maxNs = Number(max - floorDiv(max, 1_000_000n) * 1_000_000n);
      expect(s.minimumNanos ?? 0, name).toBe(minNs);
      expect(s.maximumNanos ?? 999_999, name).toBe(maxNs);
    }
  });

  it('lists and maps: children counts', () => {
    for (const name of ['ints', 'smap']) {
      const { id, values } = byName(name);
      const lens = (values as Value[][]).map((v) => v.length);
      expect(file.statistics[id]!.collection, name).toEqual({
        minChildren: Math.min(...lens),
        maxChildren: Math.max(...lens),
        totalChildren: lens.reduce((a, b) => a + b, 0),
      });
      expect(file.statistics[id + 1]!.numberOfValues).toBe(
        (values as Value[][]).flat().filter((e) => e !== null && !(Array.isArray(e) && name === 'smap' && e[0] === null)).length,
      );
    }
  });

  it('row group statistics in the row index add up to the stripe statistics', () => {
    const stripes = stripesOf(file, bytes);
    const stripeStats = file.stripeStatistics();
    stripes.forEach((stripe, si) => {
      for (const t of file.types) {
        const entries = rowIndex(stripe, t.id);
        expect(entries.length).toBe(Math.ceil(stripe.rows / 300));
        const count = entries.reduce((n, e) => n + (e.stats.numberOfValues ?? 0), 0);
        expect(count).toBe(stripeStats[si]![t.id]!.numberOfValues);
        expect(entries.some((e) => e.stats.hasNull)).toBe(stripeStats[si]![t.id]!.hasNull);
        if (t.kind === 'INT' || t.kind === 'LONG') {
          const mins = entries.filter((e) => e.stats.int?.minimum !== undefined).map((e) => e.stats.int!.minimum!);
          expect(mins.reduce((a, b) => (b < a ? b : a))).toBe(stripeStats[si]![t.id]!.int!.minimum);
        }
      }
    });
  });
});

// ---------------------------------------------------------------- row index positions

interface IndexEntry {
  positions: number[];
  stats: ColumnStatistics;
}

function rowIndex(stripe: Stripe, column: number): IndexEntry[] {
  const s = stripe.stream(column, STREAM_ROW_INDEX);
  if (!s) return [];
  const entries: IndexEntry[] = [];
  decodeMessage(new ProtoReader(s.buf, s.pos, s.end), (f, _w, r) => {
    if (f !== 1) return false;
    const entry: IndexEntry = { positions: [], stats: {} };
    decodeMessage(r.message(), (f2, w2, r2) => {
      if (f2 === 1) r2.packedUints(w2, entry.positions);
      else if (f2 === 2) entry.stats = decodeColumnStatistics(r2.message());
      else return false;
      return true;
    });
    entries.push(entry);
    return true;
  });
  return entries;
}

/** Raw (compressed) bytes of a stream and its decompressed bytes. */
function streamBytes(file: OrcFile, bytes: Uint8Array, stripe: Stripe, column: number, kind: number): { raw: Uint8Array; plain: Uint8Array } {
  let offset = stripe.info.offset;
  for (const s of stripe.footer.streams) {
    if (s.column === column && s.kind === kind) {
      const raw = bytes.subarray(offset, offset + s.length);
      const d = new Decompressor(file.compression, file.postScript.compressionBlockSize);
      return { raw, plain: d.decompress(raw).slice() };
    }
    offset += s.length;
  }
  return { raw: new Uint8Array(0), plain: new Uint8Array(0) };
}

type Reading = 'bool' | 'byte' | 'int' | 'uint' | 'raw';

/**
 * Follows the positions of each row index entry of one top-level column the way
 * a reader seeks, and checks that the value found there is the one a sequential
 * read gives at that row group's first value.
 */
function checkRowIndex(file: OrcFile, bytes: Uint8Array, fields: DataField[], cols: Value[][]): void {
  const stride = file.footer.rowIndexStride;
  const compressed = file.compression !== 'NONE';
  const stripes = stripesOf(file, bytes);
  let firstRow = 0;
  for (const stripe of stripes) {
    fields.forEach((f, c) => {
      const type = file.schema.children[c]!;
      const values = cols[c]!.slice(firstRow, firstRow + stripe.rows);
      const entries = rowIndex(stripe, type.id);
      const hasPresent = stripe.footer.streams.some((s) => s.column === type.id && s.kind === STREAM_PRESENT);
      const dict = stripe.encoding(type.id).kind === ENCODING_DICTIONARY_V2;
      const plan: [number, Reading][] = [];
      if (hasPresent) plan.push([STREAM_PRESENT, 'bool']);
      switch (type.kind) {
        case 'BOOLEAN':
          plan.push([STREAM_DATA, 'bool']);
          break;
        case 'BYTE':
          plan.push([STREAM_DATA, 'byte']);
          break;
        case 'FLOAT':
        case 'DOUBLE':
          plan.push([STREAM_DATA, 'raw']);
          break;
        case 'STRING':
        case 'VARCHAR':
        case 'CHAR':
        case 'BINARY':
          if (dict) plan.push([STREAM_DATA, 'uint']);
          else plan.push([STREAM_DATA, 'raw'], [STREAM_LENGTH, 'uint']);
          break;
        case 'DECIMAL':
          plan.push([STREAM_DATA, 'raw'], [STREAM_SECONDARY, 'int']);
          break;
        case 'TIMESTAMP':
        case 'TIMESTAMP_INSTANT':
          plan.push([STREAM_DATA, 'int'], [STREAM_SECONDARY, 'uint']);
          break;
        case 'LIST':
        case 'MAP':
          plan.push([STREAM_LENGTH, 'uint']);
          break;
        case 'STRUCT':
          break;
        default:
          plan.push([STREAM_DATA, 'int']);
      }
      const present = values.map((v) => v !== null);
      const nonNull = values.filter((v) => v !== null);
      // Prefix counts of non-null values and of the bytes they take in a raw DATA stream.
      const valuesBefore = new Int32Array(values.length + 1);
      present.forEach((p, i) => (valuesBefore[i + 1] = valuesBefore[i]! + (p ? 1 : 0)));
      const widthBefore = new Float64Array(nonNull.length + 1);
      nonNull.forEach((v, i) => (widthBefore[i + 1] = widthBefore[i]! + rawWidth(type.kind, v)));
      const streams = new Map<number, { raw: Uint8Array; plain: Uint8Array; whole: number[] | null }>();
      const streamOf = (kind: number, reading: Reading): { raw: Uint8Array; plain: Uint8Array; whole: number[] | null } => {
        let s = streams.get(kind);
        if (!s) {
          const { raw, plain } = streamBytes(file, bytes, stripe, type.id, kind);
          const total = kind === STREAM_PRESENT ? values.length : nonNull.length;
          s = { raw, plain, whole: reading === 'raw' ? null : decodeAll(plain, 0, reading, total) };
          streams.set(kind, s);
        }
        return s;
      };
      entries.forEach((entry, g) => {
        const startRow = g * stride;
        const valueIndex = valuesBefore[startRow]!;
        let p = 0;
        for (const [kind, reading] of plan) {
          const { raw, plain, whole } = streamOf(kind, reading);
          let at: number;
          if (compressed) {
            const chunkStart = entry.positions[p++]!;
            const d = new Decompressor(file.compression, file.postScript.compressionBlockSize);
            at = d.decompress(raw.subarray(0, chunkStart)).length + entry.positions[p++]!;
          } else {
            at = entry.positions[p++]!;
          }
          const index = kind === STREAM_PRESENT ? startRow : valueIndex;
          if (reading === 'raw') {
            // The byte offset of the group's first value: what the values before it take.
            expect(at, `${f.name} group ${g} ${kind}`).toBe(widthBefore[index]);
            continue;
          }
          const skip = entry.positions[p++]!;
          const bits = reading === 'bool' ? entry.positions[p++]! : 0;
          if (index >= whole!.length) {
            expect(at, `${f.name} group ${g} ${kind} at end`).toBe(plain.length);
            continue;
          }
          const sought = decodeAll(plain, at, reading, (reading === 'bool' ? skip * 8 + bits : skip) + 1);
          expect(sought[sought.length - 1], `${f.name} group ${g} stream ${kind}`).toBe(whole![index]);
        }
        expect(p, `${f.name} group ${g}: all positions used`).toBe(entry.positions.length);
      });
    });
    firstRow += stripe.rows;
  }
}

/** Bytes a value takes in a raw DATA stream. */
function rawWidth(kind: string, v: Value): number {
  if (kind === 'DOUBLE') return 8;
  if (kind === 'FLOAT') return 4;
  if (kind === 'DECIMAL') {
    let u = (v as bigint) < 0n ? -2n * (v as bigint) - 1n : 2n * (v as bigint);
    let len = 1;
    while (u >= 128n) {
      u >>= 7n;
      len++;
    }
    return len;
  }
  if (typeof v === 'string') return utf8(v).length;
  if (v instanceof Uint8Array) return v.length;
  return 0;
}

function decodeAll(plain: Uint8Array, at: number, reading: Reading, count: number): number[] {
  const s = new InStream(plain, 'test', at);
  if (reading === 'bool') {
    const out = new Uint8Array(count);
    new BooleanDecoder(s).read(out, 0, count);
    return [...out];
  }
  if (reading === 'byte') {
    const out = new Uint8Array(count);
    new ByteRleDecoder(s).read(out, 0, count);
    return [...out];
  }
  const out = new BigInt64Array(count);
  new IntRleV2Decoder(s, reading === 'int').readInt64(out, 0, count);
  return [...out].map(Number);
}

describe('ORC writer row index positions', () => {
  const pick = COLUMNS.filter((c) => ['bool', 'tiny', 'int', 'big', 'float', 'double', 'dec3810', 'date', 'ts9', 'str', 'lowcard', 'bin', 'ints', 'smap', 'row'].includes(c.name));
  const fields = fieldsOf(pick);
  const cols = columnsOf(pick, 5000, 0.25, 33);
  for (const compression of ['zstd', 'none', 'snappy'] as const) {
    it(`seeking to each row group finds its first value (${compression})`, () => {
      const bytes = encodeOrc(fields, [batchOf(fields, cols)], { compression, stripeRows: 2200, rowIndexStride: 333 });
      checkRowIndex(openOrc(bytes, 'idx.orc'), bytes, fields, cols);
    });
  }
});

// ---------------------------------------------------------------- encoders

describe('ORC writer encoders', () => {
  const decodeInts = (bytes: Uint8Array, n: number, signed: boolean): bigint[] => {
    const out = new BigInt64Array(n);
    new IntRleV2Decoder(new InStream(bytes, 't'), signed).readInt64(out, 0, n);
    return [...out];
  };

  it('integer RLE v2 round trips (numbers and 64-bit values)', () => {
    const r = rng(99);
    const cases: number[][] = [
      [],
      [5],
      [1, 2],
      [7, 7, 7],
      new Array(600).fill(-3),
      Array.from({ length: 1000 }, (_, i) => i * 5),
      Array.from({ length: 1000 }, (_, i) => 1000 - i * (1 + (i % 3))),
      Array.from({ length: 1000 }, () => (r() < 0.95 ? Math.floor(r() * 16) : Math.floor(r() * 2 ** 40))),
      Array.from({ length: 1000 }, () => (r() < 0.95 ? -Math.floor(r() * 16) : -Math.floor(r() * 2 ** 50))),
      Array.from({ length: 1000 }, () => Math.floor((r() - 0.5) * 2 ** 52)),
      Array.from({ length: 513 }, (_, i) => (i === 300 ? 2 ** 45 : i % 2)),
      Array.from({ length: 512 }, (_, i) => (i === 511 ? 2 ** 30 : i % 3)),
    ];
    for (const signed of [true, false]) {
      for (const c of cases) {
        const values = signed ? c : c.map(Math.abs);
        const out = new ByteSink();
        new IntRleV2Encoder(out, signed).encode(Float64Array.from(values), values.length);
        expect(decodeInts(out.view(), values.length, signed)).toEqual(values.map(BigInt));
      }
    }
    // Values beyond 2^52 go through the 64-bit words.
    const wide = [0n, 2n ** 63n - 1n, -(2n ** 63n), 5n, 2n ** 52n, -(2n ** 52n) - 7n, 123456789012345678n, 1n];
    const words = new Int32Array(BigInt64Array.from(wide).buffer);
    const nums = Float64Array.from(wide, (v) => (v < 2n ** 51n && v >= -(2n ** 51n) ? Number(v) : NaN));
    const out = new ByteSink();
    new IntRleV2Encoder(out, true).encode(nums, wide.length, words);
    expect(decodeInts(out.view(), wide.length, true)).toEqual(wide);
  });

  it('BIGINT runs with the largest deltas and values around the 2^51 number path limit', () => {
    const e = 2n ** 51n;
    const seqs: bigint[][] = [
      [e - 1n, -e, -e + 5n, -e + 5n, -e + 9n, 0n],
      [-e, e - 1n, e - 1n, e - 1n, e - 1n],
      [2n * e - 1n, -2n * e, -2n * e + 3n, -2n * e + 3n, 0n],
      [2n * e - 1n, 2n * e - 3n, -2n * e, -2n * e - 1n, -2n * e - 9n],
      [-e, -e + 1n, e - 1n, e, e + 1n, 2n ** 62n, 2n ** 63n - 1n],
      [2n ** 63n - 1n, 0n, -(2n ** 63n), -(2n ** 63n), -(2n ** 63n), -(2n ** 63n)],
      Array.from({ length: 600 }, (_, i) => (i % 2 ? e - 1n : -e)),
      Array.from({ length: 600 }, (_, i) => -e + BigInt(i) * 7_000_000_000_000n),
    ];
    const f: DataField[] = [{ id: 1, name: 'v', type: T.bigint }];
    for (const seq of seqs) roundTrip(f, [seq]);
  });

  it('byte RLE and boolean RLE round trip', () => {
    const r = rng(4);
    for (const n of [0, 1, 2, 3, 129, 130, 131, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i % 200 < 140 ? 9 : Math.floor(r() * 4)));
      const out = new ByteSink();
      encodeByteRle(out, bytes, n, null, null);
      const back = new Uint8Array(n);
      new ByteRleDecoder(new InStream(out.view(), 't')).read(back, 0, n);
      expect(back).toEqual(bytes);
      const bits = Uint8Array.from({ length: n }, () => (r() < 0.8 ? 1 : 0));
      const outBits = new ByteSink();
      encodeBooleans(outBits, bits, n, null, null);
      const backBits = new Uint8Array(n);
      new BooleanDecoder(new InStream(outBits.view(), 't')).read(backBits, 0, n);
      expect(backBits).toEqual(bits);
    }
  });

  it('snappy and lz4 blocks decompress to the input', () => {
    const r = rng(8);
    const inputs: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(1),
      new Uint8Array(13).fill(7),
      new Uint8Array(100_000).fill(0),
      Uint8Array.from({ length: 70_000 }, () => Math.floor(r() * 256)),
      utf8('abcabcabcabcabcabcabc'.repeat(5000)),
      Uint8Array.from({ length: 262_144 }, (_, i) => (i % 1000 < 500 ? i & 0xff : Math.floor(r() * 4))),
      Uint8Array.from({ length: 200_000 }, (_, i) => ((i * 7919) >>> 3) & (i % 70_000 < 10 ? 0xff : 0x0f)),
    ];
    for (const input of inputs) {
      expect(Buffer.from(snappyDecompress(snappyCompress(input), 1 << 20)).equals(input)).toBe(true);
      expect(Buffer.from(lz4Decompress(lz4Compress(input), 1 << 20)).equals(input)).toBe(true);
    }
    expect(snappyCompress(utf8('x'.repeat(10000))).length).toBeLessThan(600);
    expect(lz4Compress(utf8('x'.repeat(10000))).length).toBeLessThan(100);
  });
});

// ---------------------------------------------------------------- garbled files

describe('garbled files we wrote fail with PaimonError', () => {
  const pick = COLUMNS.filter((c) => ['bool', 'int', 'big', 'double', 'dec3810', 'ts9', 'str', 'lowcard', 'ints', 'smap', 'row'].includes(c.name));
  const fields = fieldsOf(pick);
  const cols = columnsOf(pick, 600, 0.2, 44);

  const readAll = (b: Uint8Array): void => {
    const f = openOrc(b, 'garbled.orc');
    f.stripeStatistics();
    for (const batch of f.read({ batchSize: 256 })) void batch.numRows;
  };

  for (const compression of ['zstd', 'none', 'lz4'] as const) {
    it(`truncated and bit-flipped (${compression})`, () => {
      const bytes = encodeOrc(fields, [batchOf(fields, cols)], { compression, stripeRows: 250, rowIndexStride: 100 });
      readAll(bytes);
      const r = rng(compression.length);
      const failures: string[] = [];
      const attempt = (b: Uint8Array, what: string): void => {
        try {
          readAll(b);
        } catch (e) {
          if (!(e instanceof PaimonError)) failures.push(`${what}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
        }
      };
      for (let len = 0; len < bytes.length; len += Math.max(1, Math.floor(bytes.length / 150))) attempt(bytes.subarray(0, len), `truncated to ${len}`);
      for (let k = 0; k < 400; k++) {
        const b = bytes.slice();
        const at = Math.floor(r() * b.length);
        b[at]! ^= 1 << Math.floor(r() * 8);
        attempt(b, `bit flip at ${at}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('ORC writer errors', () => {
  it('rejects Arrow data of the wrong type and unsupported Paimon types', () => {
    const f: DataField[] = [{ id: 1, name: 'x', type: T.int }];
    const wrong = batchOf([{ id: 1, name: 'x', type: T.string }], [['a']]);
    expect(() => encodeOrc(f, [wrong])).toThrow(PaimonError);
    expect(() => encodeOrc([{ id: 1, name: 'v', type: { kind: 'VARIANT', nullable: true } }], [])).toThrow(/not supported/);
    expect(() => encodeOrc(f, [batchOf(f, [[1]])], { rowIndexStride: -1 })).toThrow(PaimonError);
  });

  it('the stripe footer lists streams in file order', () => {
    const f = fieldsOf(COLUMNS.slice(0, 6));
    const cols = columnsOf(COLUMNS.slice(0, 6), 100, 0.3);
    const bytes = encodeOrc(f, [batchOf(f, cols)]);
    const file = openOrc(bytes, 'x');
    const info = file.stripes[0]!;
    const d = new Decompressor(file.compression, file.postScript.compressionBlockSize);
    const footerStart = info.offset + info.indexLength + info.dataLength;
    const footer = decodeStripeFooter(d.decompress(bytes.subarray(footerStart, footerStart + info.footerLength)));
    const total = footer.streams.reduce((n, s) => n + s.length, 0);
    expect(total).toBe(info.indexLength + info.dataLength);
    const indexStreams = footer.streams.filter((s) => s.kind === STREAM_ROW_INDEX);
    expect(indexStreams.map((s) => s.column)).toEqual(file.types.map((t) => t.id));
    expect(footer.streams.slice(0, indexStreams.length)).toEqual(indexStreams);
  });
});
