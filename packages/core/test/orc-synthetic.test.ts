/**
 * ORC files built here by a tiny test-only writer, to cover what the Paimon
 * fixtures do not: RLE v1 (DIRECT / DICTIONARY encodings), ZLIB, SNAPPY and
 * LZ4 compression, several chunks per stream and stripes per file, CHAR,
 * every primitive type, nulls inside structs, decimals with other scales,
 * timestamps before 1970 and a daylight-saving writer time zone.
 */
import { deflateRawSync } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { compress as zstdCompress } from 'zstd-napi';
import { PaimonError } from '../src/errors.js';
import { openOrc, type OrcFile } from '../src/io/orc/index.js';

// ---------------------------------------------------------------- protobuf

class Pb {
  readonly out: number[] = [];
  private varint(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.out.push(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    this.out.push(Number(u));
  }
  uint(field: number, v: number | bigint): this {
    this.varint(BigInt(field << 3));
    this.varint(BigInt(v));
    return this;
  }
  sint(field: number, v: bigint): this {
    return this.uint(field, (v << 1n) ^ (v >> 63n));
  }
  bytes(field: number, b: ArrayLike<number>): this {
    this.varint(BigInt((field << 3) | 2));
    this.varint(BigInt(b.length));
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: Pb): this {
    return this.bytes(field, m.out);
  }
  packed(field: number, values: number[]): this {
    const inner = new Pb();
    for (const v of values) inner.varint(BigInt(v));
    return this.bytes(field, inner.out);
  }
}

// ---------------------------------------------------------------- encoders

/** push(...items) without the argument-count limit. */
function pushAll(out: number[], items: ArrayLike<number>): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

function varintBytes(u: bigint): number[] {
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return out;
}
const zigzag = (v: bigint): bigint => (v < 0n ? (-v << 1n) - 1n : v << 1n);

function byteRle(values: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && run < 130 && values[i + run] === values[i]) run++;
    if (run >= 3) {
      out.push(run - 3, values[i]! & 0xff);
      i += run;
      continue;
    }
    let n = 0;
    const start = i;
    while (i < values.length && n < 128) {
      if (i + 2 < values.length && values[i] === values[i + 1] && values[i] === values[i + 2]) break;
      i++;
      n++;
    }
    out.push(256 - n, ...values.slice(start, start + n).map((v) => v & 0xff));
  }
  return out;
}

function boolRle(bits: boolean[]): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let b = 0;
    for (let k = 0; k < 8; k++) if (bits[i + k]) b |= 0x80 >> k;
    bytes.push(b);
  }
  return byteRle(bytes);
}

/** RLE v1: runs (delta 0) for 3+ equal values, literals otherwise. */
function rleV1(values: bigint[], signed: boolean): number[] {
  const enc = (v: bigint): number[] => varintBytes(signed ? zigzag(v) : v);
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && run < 130 && values[i + run] === values[i]) run++;
    if (run >= 3) {
      out.push(run - 3, 0, ...enc(values[i]!));
      i += run;
      continue;
    }
    const n = Math.min(128, values.length - i, run);
    out.push(256 - n);
    for (let k = 0; k < n; k++) out.push(...enc(values[i + k]!));
    i += n;
  }
  return out;
}

const WIDTHS = [1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64];
const WIDTH_CODE: Record<number, number> = { 1: 0, 2: 1, 4: 3, 8: 7, 16: 15, 24: 23, 32: 27, 40: 28, 48: 29, 56: 30, 64: 31 };

/** RLE v2: SHORT_REPEAT for short repeats, DIRECT otherwise. */
function rleV2(values: bigint[], signed: boolean): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && run < 10 && values[i + run] === values[i]) run++;
    if (run >= 3) {
      const u = signed ? zigzag(values[i]!) : values[i]!;
      let width = 1;
      while (u >> BigInt(8 * width) > 0n) width++;
      out.push(((width - 1) << 3) | (run - 3));
      for (let b = width - 1; b >= 0; b--) out.push(Number((u >> BigInt(8 * b)) & 0xffn));
      i += run;
      continue;
    }
    const chunk = values.slice(i, i + Math.min(512, values.length - i)).map((v) => (signed ? zigzag(v) : v));
    const max = chunk.reduce((a, b) => (a > b ? a : b), 0n);
    const width = WIDTHS.find((w) => w === 64 || max < 1n << BigInt(w))!;
    out.push(0x40 | (WIDTH_CODE[width]! << 1) | ((chunk.length - 1) >> 8), (chunk.length - 1) & 0xff);
    let acc = 0n;
    let bits = 0;
    for (const v of chunk) {
      acc = (acc << BigInt(width)) | v;
      bits += width;
      while (bits >= 8) {
        bits -= 8;
        out.push(Number((acc >> BigInt(bits)) & 0xffn));
      }
      acc &= (1n << BigInt(bits)) - 1n;
    }
    if (bits > 0) out.push(Number((acc << BigInt(8 - bits)) & 0xffn));
    i += chunk.length;
  }
  return out;
}

// ---------------------------------------------------------------- types and writer

interface T {
  kind: string;
  children?: T[];
  names?: string[];
  precision?: number;
  scale?: number;
  maxLength?: number;
}

const KINDS = ['BOOLEAN', 'BYTE', 'SHORT', 'INT', 'LONG', 'FLOAT', 'DOUBLE', 'STRING', 'BINARY', 'TIMESTAMP', 'LIST', 'MAP', 'STRUCT', 'UNION', 'DECIMAL', 'DATE', 'VARCHAR', 'CHAR', 'TIMESTAMP_INSTANT'];

type Codec = 'NONE' | 'ZLIB' | 'SNAPPY' | 'LZ4' | 'ZSTD' | 'LZO';
const CODEC_ID: Record<Codec, number> = { NONE: 0, ZLIB: 1, SNAPPY: 2, LZO: 3, LZ4: 4, ZSTD: 5 };

interface WriteOptions {
  codec: Codec;
  blockSize: number;
  rle: 1 | 2;
  /** Dictionary-encode strings in these stripes. */
  dictionaryStripes?: number[];
  writerTimezone?: string;
}

/** Timestamp values are written like Java ORC: seconds truncated towards zero from epoch millis, relative to `base`. */
interface Ts {
  epochNanos: bigint;
  base: bigint;
}

function snappyLiteral(raw: Uint8Array): number[] {
  const out = varintBytes(BigInt(raw.length));
  for (let i = 0; i < raw.length; i += 65536) {
    const part = raw.subarray(i, i + 65536);
    out.push(61 << 2, (part.length - 1) & 0xff, (part.length - 1) >> 8);
    pushAll(out, part);
  }
  return out;
}

function lz4Literal(raw: Uint8Array): number[] {
  const out = [raw.length >= 15 ? 0xf0 : raw.length << 4];
  if (raw.length >= 15) {
    let rest = raw.length - 15;
    while (rest >= 255) {
      out.push(255);
      rest -= 255;
    }
    out.push(rest);
  }
  pushAll(out, raw);
  return out;
}

function compress(codec: Codec, blockSize: number, raw: number[]): number[] {
  if (codec === 'NONE') return raw;
  const out: number[] = [];
  for (let i = 0; i < raw.length; i += blockSize) {
    const part = Uint8Array.from(raw.slice(i, i + blockSize));
    let body: number[];
    let original = false;
    if (codec === 'ZLIB') body = [...deflateRawSync(part)];
    else if (codec === 'ZSTD') body = [...zstdCompress(part)];
    else if (codec === 'SNAPPY') body = snappyLiteral(part);
    else body = lz4Literal(part);
    if ((codec === 'ZLIB' || codec === 'ZSTD') && body.length >= part.length) {
      body = [...part];
      original = true;
    }
    const header = (body.length << 1) | (original ? 1 : 0);
    out.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff);
    pushAll(out, body);
  }
  return out;
}

interface Stream {
  kind: number;
  column: number;
  bytes: number[];
}

function flatten(t: T, out: T[] = []): T[] {
  out.push(t);
  for (const c of t.children ?? []) flatten(c, out);
  return out;
}

function buildOrc(schema: T, stripes: unknown[][][], options: WriteOptions): Uint8Array {
  const types = flatten(schema);
  const ids = new Map(types.map((t, i) => [t, i]));
  const ints = (values: bigint[], signed: boolean): number[] => (options.rle === 1 ? rleV1(values, signed) : rleV2(values, signed));
  const direct = options.rle === 1 ? 0 : 2;
  const dict = options.rle === 1 ? 1 : 3;
  const file: number[] = [0x4f, 0x52, 0x43];
  const stripeInfos: Pb[] = [];
  let totalRows = 0;

  stripes.forEach((rows, stripeIndex) => {
    const streams: Stream[] = [];
    const encodings: { kind: number; dictionarySize?: number }[] = types.map(() => ({ kind: 0 }));
    const useDict = options.dictionaryStripes?.includes(stripeIndex) ?? false;

    const encode = (t: T, values: unknown[]): void => {
      const id = ids.get(t)!;
      if (values.some((v) => v === null)) streams.push({ kind: 0, column: id, bytes: boolRle(values.map((v) => v !== null)) });
      const present = values.filter((v) => v !== null);
      const enc = encodings[id]!;
      switch (t.kind) {
        case 'BOOLEAN':
          streams.push({ kind: 1, column: id, bytes: boolRle(present as boolean[]) });
          break;
        case 'BYTE':
          streams.push({ kind: 1, column: id, bytes: byteRle(present as number[]) });
          break;
        case 'SHORT':
        case 'INT':
        case 'LONG':
        case 'DATE':
          enc.kind = direct;
          streams.push({ kind: 1, column: id, bytes: ints(present.map((v) => BigInt(v as number | bigint)), true) });
          break;
        case 'FLOAT':
        case 'DOUBLE': {
          const arr = t.kind === 'FLOAT' ? Float32Array.from(present as number[]) : Float64Array.from(present as number[]);
          streams.push({ kind: 1, column: id, bytes: [...new Uint8Array(arr.buffer)] });
          break;
        }
        case 'STRING':
        case 'VARCHAR':
        case 'CHAR':
        case 'BINARY': {
          const bytes = present.map((v) => (typeof v === 'string' ? [...new TextEncoder().encode(v)] : [...(v as Uint8Array)]));
          if (useDict && t.kind !== 'BINARY') {
            const keys = [...new Set(bytes.map((b) => JSON.stringify(b)))].sort();
            const entries = keys.map((k) => JSON.parse(k) as number[]);
            enc.kind = dict;
            enc.dictionarySize = entries.length;
            streams.push({ kind: 3, column: id, bytes: entries.flat() });
            streams.push({ kind: 2, column: id, bytes: ints(entries.map((e) => BigInt(e.length)), false) });
            streams.push({ kind: 1, column: id, bytes: ints(bytes.map((b) => BigInt(keys.indexOf(JSON.stringify(b)))), false) });
          } else {
            enc.kind = direct;
            streams.push({ kind: 1, column: id, bytes: bytes.flat() });
            streams.push({ kind: 2, column: id, bytes: ints(bytes.map((b) => BigInt(b.length)), false) });
          }
          break;
        }
        case 'DECIMAL': {
          enc.kind = direct;
          const ds = present as [bigint, number][];
          streams.push({ kind: 1, column: id, bytes: ds.flatMap(([u]) => varintBytes(zigzag(u))) });
          streams.push({ kind: 5, column: id, bytes: ints(ds.map(([, s]) => BigInt(s)), true) });
          break;
        }
        case 'TIMESTAMP':
        case 'TIMESTAMP_INSTANT': {
          enc.kind = direct;
          const secs: bigint[] = [];
          const nanos: bigint[] = [];
          for (const { epochNanos, base } of present as Ts[]) {
            const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
            const millis = floorDiv(epochNanos, 1_000_000n);
            const nanoOfSecond = epochNanos - floorDiv(epochNanos, 1_000_000_000n) * 1_000_000_000n;
            secs.push(millis / 1000n - base); // Java long division truncates towards zero
            let n = nanoOfSecond;
            let formatted: bigint;
            if (n === 0n) formatted = 0n;
            else if (n % 100n !== 0n) formatted = n << 3n;
            else {
              n /= 100n;
              let zeros = 1n;
              while (n % 10n === 0n && zeros < 7n) {
                n /= 10n;
                zeros++;
              }
              formatted = (n << 3n) | zeros;
            }
            nanos.push(formatted);
          }
          streams.push({ kind: 1, column: id, bytes: ints(secs, true) });
          streams.push({ kind: 5, column: id, bytes: ints(nanos, false) });
          break;
        }
        case 'LIST': {
          enc.kind = direct;
          const lists = present as unknown[][];
          streams.push({ kind: 2, column: id, bytes: ints(lists.map((l) => BigInt(l.length)), false) });
          encode(t.children![0]!, lists.flat(1));
          break;
        }
        case 'MAP': {
          enc.kind = direct;
          const maps = present as [unknown, unknown][][];
          streams.push({ kind: 2, column: id, bytes: ints(maps.map((m) => BigInt(m.length)), false) });
          encode(t.children![0]!, maps.flatMap((m) => m.map((e) => e[0])));
          encode(t.children![1]!, maps.flatMap((m) => m.map((e) => e[1])));
          break;
        }
        case 'STRUCT':
          t.children!.forEach((c, i) => encode(c, (present as unknown[][]).map((r) => r[i])));
          break;
        case 'UNION':
          streams.push({ kind: 1, column: id, bytes: byteRle(present.map(() => 0)) });
          encode(t.children![0]!, present);
          break;
        default:
          throw new Error(`cannot write ${t.kind}`);
      }
    };
    encode(schema, rows);

    const offset = file.length;
    let dataLength = 0;
    const footer = new Pb();
    for (const s of streams) {
      const body = compress(options.codec, options.blockSize, s.bytes);
      pushAll(file, body);
      dataLength += body.length;
      footer.msg(1, new Pb().uint(1, s.kind).uint(2, s.column).uint(3, body.length));
    }
    for (const e of encodings) {
      const m = new Pb().uint(1, e.kind);
      if (e.dictionarySize !== undefined) m.uint(2, e.dictionarySize);
      footer.msg(2, m);
    }
    if (options.writerTimezone) footer.str(3, options.writerTimezone);
    const footerBytes = compress(options.codec, options.blockSize, footer.out);
    pushAll(file, footerBytes);
    stripeInfos.push(new Pb().uint(1, offset).uint(2, 0).uint(3, dataLength).uint(4, footerBytes.length).uint(5, rows.length));
    totalRows += rows.length;
  });

  const footer = new Pb().uint(1, 3).uint(2, file.length);
  for (const s of stripeInfos) footer.msg(3, s);
  for (const t of types) {
    const m = new Pb().uint(1, KINDS.indexOf(t.kind));
    if (t.children) m.packed(2, t.children.map((c) => ids.get(c)!));
    for (const n of t.names ?? []) m.str(3, n);
    if (t.maxLength !== undefined) m.uint(4, t.maxLength);
    if (t.precision !== undefined) m.uint(5, t.precision).uint(6, t.scale ?? 0);
    m.msg(7, new Pb().str(1, 'test.id').str(2, String(ids.get(t))));
    footer.msg(4, m);
  }
  footer.msg(5, new Pb().str(1, 'written.by').bytes(2, [...new TextEncoder().encode('orc-synthetic.test')]));
  footer.uint(6, totalRows);
  for (let i = 0; i < types.length; i++) footer.msg(7, new Pb().uint(1, i === 0 ? totalRows : 0).uint(10, 1));
  footer.uint(8, 10000).uint(9, 0).str(12, 'synthetic');
  const footerBytes = compress(options.codec, options.blockSize, footer.out);
  pushAll(file, footerBytes);
  const ps = new Pb()
    .uint(1, footerBytes.length)
    .uint(2, CODEC_ID[options.codec])
    .uint(3, options.blockSize)
    .packed(4, [0, 12])
    .uint(5, 0)
    .uint(6, 9)
    .str(8000, 'ORC');
  file.push(...ps.out, ps.out.length);
  return Uint8Array.from(file);
}

// ---------------------------------------------------------------- reading back

function isValid(data: arrow.Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap) return true;
  return ((data.nullBitmap[i >> 3]! >> (i & 7)) & 1) === 1;
}

function valueAt(data: arrow.Data, i: number): unknown {
  if (!isValid(data, i)) return null;
  const t = data.type;
  switch (t.typeId) {
    case arrow.Type.Bool:
      return ((data.values[i >> 3]! >> (i & 7)) & 1) === 1;
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
      return data.values[i];
    case arrow.Type.Utf8:
      return new TextDecoder().decode(data.values.subarray(data.valueOffsets[i], data.valueOffsets[i + 1]));
    case arrow.Type.Binary:
      return [...data.values.subarray(data.valueOffsets[i], data.valueOffsets[i + 1])];
    case arrow.Type.Decimal: {
      const w = (data.values as Uint32Array).subarray(4 * i, 4 * i + 4);
      return BigInt.asIntN(128, [0, 1, 2, 3].reduce((acc, k) => acc | (BigInt(w[k]!) << BigInt(32 * k)), 0n));
    }
    case arrow.Type.List: {
      const out: unknown[] = [];
      for (let k = data.valueOffsets[i]!; k < data.valueOffsets[i + 1]!; k++) out.push(valueAt(data.children[0]!, k));
      return out;
    }
    case arrow.Type.Map: {
      const e = data.children[0]!;
      const out: unknown[] = [];
      for (let k = data.valueOffsets[i]!; k < data.valueOffsets[i + 1]!; k++) out.push([valueAt(e.children[0]!, k), valueAt(e.children[1]!, k)]);
      return out;
    }
    case arrow.Type.Struct:
      return data.children.map((c) => valueAt(c, i));
    default:
      throw new Error(`no conversion for ${t}`);
  }
}

function rowsOf(orc: OrcFile, options: Parameters<OrcFile['read']>[0] = {}): unknown[][] {
  const rows: unknown[][] = [];
  for (const b of orc.read(options)) for (let i = 0; i < b.numRows; i++) rows.push(b.data.children.map((c) => valueAt(c, i)));
  return rows;
}

// ---------------------------------------------------------------- the test table

const ORC_BASE = 1420070400n;
const utcTs = (iso: string, extraNanos = 0n): Ts => ({ epochNanos: BigInt(Date.parse(iso)) * 1_000_000n + extraNanos, base: ORC_BASE });
const nanosOf = (iso: string, extraNanos = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extraNanos;

const schema: T = {
  kind: 'STRUCT',
  names: ['b', 't', 's', 'i', 'l', 'f', 'd', 'str', 'c', 'bin', 'dec', 'dt', 'ts', 'tsi', 'lst', 'm', 'st'],
  children: [
    { kind: 'BOOLEAN' },
    { kind: 'BYTE' },
    { kind: 'SHORT' },
    { kind: 'INT' },
    { kind: 'LONG' },
    { kind: 'FLOAT' },
    { kind: 'DOUBLE' },
    { kind: 'STRING' },
    { kind: 'CHAR', maxLength: 5 },
    { kind: 'BINARY' },
    { kind: 'DECIMAL', precision: 10, scale: 2 },
    { kind: 'DATE' },
    { kind: 'TIMESTAMP' },
    { kind: 'TIMESTAMP_INSTANT' },
    { kind: 'LIST', children: [{ kind: 'INT' }] },
    { kind: 'MAP', children: [{ kind: 'STRING' }, { kind: 'LONG' }] },
    { kind: 'STRUCT', names: ['x', 'y'], children: [{ kind: 'INT' }, { kind: 'VARCHAR', maxLength: 10 }] },
  ],
};

const MAX64 = 2n ** 63n - 1n;
const MIN64 = -(2n ** 63n);

// [written values..., expected values...] per row
const rowsWritten: unknown[][] = [
  [true, -128, -32768, -2147483648, MIN64, 1.5, -0.25, 'alpha', 'ab   ', Uint8Array.of(0, 255), [12345n, 2], 0, utcTs('2024-02-29T12:34:56.789Z', 123456n), utcTs('2024-02-29T12:34:56Z'), [1, null, 3], [['k1', 10n], ['k2', null]], [7, 'seven']],
  [false, 127, 32767, 2147483647, MAX64, -3.25, 1e300, 'beta', 'xyz  ', Uint8Array.of(), [5n, 1], -719162, utcTs('1899-01-01T00:59:20.001Z', 1001n), utcTs('1969-12-31T23:59:58.500Z'), [], [], null],
  [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [null, null]],
  [true, 0, 1, 2, 3n, 0, 0, 'alpha', 'a    ', Uint8Array.of(1), [-123456789n, 4], 19000, utcTs('1970-01-01T00:00:00Z'), utcTs('2262-04-11T23:47:16Z'), [4, 5, 6, 7], [['k3', -1n]], [null, 'n']],
  [true, 1, 1, 1, 1n, 1, 1, 'gamma', 'qq   ', Uint8Array.of(2, 3), [1n, 2], 1, utcTs('2000-01-01T00:00:00Z', 1n), null, null, null, [1, null]],
];
const rowsExpected: unknown[][] = [
  [true, -128, -32768, -2147483648, MIN64, 1.5, -0.25, 'alpha', 'ab', [0, 255], 12345n, 0, nanosOf('2024-02-29T12:34:56.789Z', 123456n), nanosOf('2024-02-29T12:34:56Z'), [1, null, 3], [['k1', 10n], ['k2', null]], [7, 'seven']],
  [false, 127, 32767, 2147483647, MAX64, -3.25, 1e300, 'beta', 'xyz', [], 50n, -719162, nanosOf('1899-01-01T00:59:20.001Z', 1001n), nanosOf('1969-12-31T23:59:58.500Z'), [], [], null],
  [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [null, null]],
  // -1234.56789 at scale 4 → scale 2, rounded half up (away from zero)
  [true, 0, 1, 2, 3n, 0, 0, 'alpha', 'a', [1], -1234568n, 19000, nanosOf('1970-01-01T00:00:00Z'), nanosOf('2262-04-11T23:47:16Z'), [4, 5, 6, 7], [['k3', -1n]], [null, 'n']],
  [true, 1, 1, 1, 1n, 1, 1, 'gamma', 'qq', [2, 3], 1n, 1, nanosOf('2000-01-01T00:00:00Z', 1n), null, null, null, [1, null]],
];

describe('synthetic ORC files: every type, RLE version and codec', () => {
  for (const codec of ['NONE', 'ZLIB', 'SNAPPY', 'LZ4', 'ZSTD'] as const) {
    for (const rle of [1, 2] as const) {
      it(`${codec}, RLE v${rle}, dictionary and direct strings, small chunks, two stripes`, () => {
        const bytes = buildOrc(schema, [rowsWritten.slice(0, 3), rowsWritten.slice(3)], {
          codec,
          blockSize: 64,
          rle,
          dictionaryStripes: [0],
          writerTimezone: 'UTC',
        });
        const orc = openOrc(bytes, `synthetic-${codec}-v${rle}.orc`);
        expect(orc.compression).toBe(codec);
        expect(orc.numRows).toBe(5);
        expect(orc.stripes.length).toBe(2);
        expect(orc.userMetadata.get('written.by')).toEqual(new TextEncoder().encode('orc-synthetic.test'));
        expect(orc.field('st')!.attributes).toEqual({ 'test.id': '20' });
        for (const batchSize of [1, 2, 100]) expect(rowsOf(orc, { batchSize })).toEqual(rowsExpected);
        const schemaTypes = orc.arrowSchema().fields.map((f) => String(f.type));
        expect(schemaTypes).toEqual([
          'Bool',
          'Int8',
          'Int16',
          'Int32',
          'Int64',
          'Float32',
          'Float64',
          'Utf8',
          'Utf8',
          'Binary',
          'Decimal[10e+2]',
          'Date32<DAY>',
          'Timestamp<NANOSECOND>',
          'Timestamp<NANOSECOND, UTC>',
          'List<Int32>',
          'Map<{key:Utf8, value:Int64}>',
          'Struct<{x:Int32, y:Utf8}>',
        ]);
      });
    }
  }

  it('reads many values: long runs, several chunks and batches', () => {
    const n = 5000;
    const rows = Array.from({ length: n }, (_, i) => [
      i % 7 === 0 ? null : BigInt(i * 1_000_003) * (i % 2 ? -1n : 1n),
      i % 100 < 50 ? 42 : i,
      i % 3 === 0 ? 'same' : `s${i % 17}`,
    ]);
    const t: T = { kind: 'STRUCT', names: ['l', 'i', 's'], children: [{ kind: 'LONG' }, { kind: 'INT' }, { kind: 'STRING' }] };
    for (const rle of [1, 2] as const) {
      for (const codec of ['ZSTD', 'ZLIB'] as const) {
        const orc = openOrc(buildOrc(t, [rows.slice(0, 3000), rows.slice(3000)], { codec, blockSize: 1000, rle, dictionaryStripes: [1] }), 'many.orc');
        expect(rowsOf(orc, { batchSize: 777 })).toEqual(rows.map((r) => [r[0], r[1], r[2]]));
        expect(rowsOf(orc, { columns: ['s'], batchSize: 4096 })).toEqual(rows.map((r) => [r[2]]));
      }
    }
  });

  it('reads the wall clock of a daylight-saving writer time zone (America/New_York)', () => {
    // Java ORC writes the local instant minus the 2015-01-01 base of the zone (EST, UTC-5).
    const nyBase = ORC_BASE + 5n * 3600n;
    const summerWall = Date.parse('2024-07-01T12:00:00Z'); // EDT, UTC-4
    const winterWall = Date.parse('2024-01-15T08:30:00Z'); // EST, UTC-5
    const rows = [
      [{ epochNanos: BigInt(summerWall + 4 * 3600_000) * 1_000_000n, base: nyBase }],
      [{ epochNanos: BigInt(winterWall + 5 * 3600_000) * 1_000_000n + 5n, base: nyBase }],
    ];
    const t: T = { kind: 'STRUCT', names: ['ts'], children: [{ kind: 'TIMESTAMP' }] };
    const orc = openOrc(buildOrc(t, [rows], { codec: 'NONE', blockSize: 1024, rle: 2, writerTimezone: 'America/New_York' }), 'ny.orc');
    expect(rowsOf(orc)).toEqual([[BigInt(summerWall) * 1_000_000n], [BigInt(winterWall) * 1_000_000n + 5n]]);
  });

  it('reads timestamps between -1 s and 0 the way Java and C++ ORC do', () => {
    // Java's writer truncates -0.5 s to 0 seconds (+500 ms); both reference readers read that back as +0.5 s.
    const t: T = { kind: 'STRUCT', names: ['ts'], children: [{ kind: 'TIMESTAMP' }] };
    const orc = openOrc(buildOrc(t, [[[utcTs('1969-12-31T23:59:59.500Z')], [utcTs('1969-12-31T23:59:59.999Z', 1n)]]], { codec: 'NONE', blockSize: 1024, rle: 1 }), 'quirk.orc');
    expect(rowsOf(orc)).toEqual([[500_000_000n], [999_000_001n]]);
  });

  it('reads timestamps in coarser units, and rejects ones nanoseconds cannot hold', () => {
    const t: T = { kind: 'STRUCT', names: ['ts'], children: [{ kind: 'TIMESTAMP' }] };
    const far = utcTs('2500-06-01T00:00:00.123Z', 456_000n);
    const orc = openOrc(buildOrc(t, [[[far]]], { codec: 'NONE', blockSize: 1024, rle: 2 }), 'far.orc');
    expect(rowsOf(orc, { timestampUnit: 'us' })).toEqual([[BigInt(Date.parse('2500-06-01T00:00:00.123Z')) * 1000n + 456n]]);
    expect(rowsOf(orc, { timestampUnit: 'ms' })).toEqual([[BigInt(Date.parse('2500-06-01T00:00:00.123Z'))]]);
    let error: unknown;
    try {
      rowsOf(orc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PaimonError);
    expect((error as PaimonError).code).toBe('UNSUPPORTED_FORMAT');
    expect((error as PaimonError).message).toContain('far.orc');
  });

  it('gives a file without rows an empty table with its schema', () => {
    const t: T = { kind: 'STRUCT', names: ['a'], children: [{ kind: 'INT' }] };
    const orc = openOrc(buildOrc(t, [], { codec: 'ZSTD', blockSize: 1024, rle: 2 }), 'empty.orc');
    expect(orc.numRows).toBe(0);
    expect([...orc.read()]).toEqual([]);
    const table = orc.readTable();
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['a']);
  });

  it('reports unsupported features as UNSUPPORTED_FORMAT naming the file', () => {
    const union: T = { kind: 'STRUCT', names: ['u'], children: [{ kind: 'UNION', children: [{ kind: 'INT' }] }] };
    const orc = openOrc(buildOrc(union, [[[1]]], { codec: 'NONE', blockSize: 1024, rle: 2 }), 'union.orc');
    expect(orc.schema.children[0]!.kind).toBe('UNION');
    expect(() => [...orc.read()]).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT', message: expect.stringContaining('union.orc') }));
    const t: T = { kind: 'STRUCT', names: ['a'], children: [{ kind: 'INT' }] };
    expect(() => openOrc(buildOrc(t, [[[1]]], { codec: 'LZO', blockSize: 1024, rle: 2 }), 'lzo.orc')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT', message: expect.stringContaining('lzo.orc') }),
    );
  });

  it('reports non-ORC input as CORRUPT_FILE naming the file', () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.of(1, 2, 3), new TextEncoder().encode('PAR1 this is not orc PAR1')]) {
      expect(() => openOrc(bytes, 'bogus.bin')).toThrow(expect.objectContaining({ code: 'CORRUPT_FILE', message: expect.stringContaining('bogus.bin') }));
    }
  });
});
