/**
 * ORC encodings with hand-made byte vectors, most taken from the worked
 * examples of the ORC v1 specification (site/specification/ORCv1.md).
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compress as zstdCompress } from 'zstd-napi';
import { BooleanDecoder, ByteRleDecoder } from '../src/io/orc/byte-rle.js';
import { Decompressor } from '../src/io/orc/compression.js';
import { parseNanos } from '../src/io/orc/timestamp-reader.js';
import { InStream } from '../src/io/orc/in-stream.js';
import { IntRleV1Decoder } from '../src/io/orc/int-rle.js';
import { IntRleV2Decoder, closestFixedBits, decodeBitWidth } from '../src/io/orc/int-rle-v2.js';
import { lz4Decompress } from '../src/io/orc/lz4.js';
import { ProtoReader, decodeMessage } from '../src/io/orc/protobuf.js';
import { snappyDecompress } from '../src/io/orc/snappy.js';
import { zoneConverter } from '../src/io/orc/timezone.js';
import { scaleOf, writeInt128FromBigint, writeInt128FromNumber, writeMulAdd64, writeScaled64 } from '../src/io/orc/wide-ints.js';
import { OrcFormatError } from '../src/io/orc/orc-errors.js';

const stream = (bytes: number[] | Uint8Array): InStream => new InStream(Uint8Array.from(bytes), 'test');

function v1(bytes: number[], count: number, signed = false): number[] {
  const out = new Float64Array(count);
  new IntRleV1Decoder(stream(bytes), signed).readNumbers(out, 0, count);
  return [...out];
}

function v2(bytes: number[] | Uint8Array, count: number, signed = false): number[] {
  const out = new Float64Array(count);
  new IntRleV2Decoder(stream(bytes), signed).readNumbers(out, 0, count);
  return [...out];
}

function v2big(bytes: number[] | Uint8Array, count: number, signed = false): bigint[] {
  const out = new BigInt64Array(count);
  new IntRleV2Decoder(stream(bytes), signed).readInt64(out, 0, count);
  return [...out];
}

/** Packs unsigned bigints into `width`-bit big-endian fields (a DIRECT run body). */
function pack(values: bigint[], width: number): number[] {
  const bits: number[] = [];
  for (const v of values) for (let b = width - 1; b >= 0; b--) bits.push(Number((v >> BigInt(b)) & 1n));
  while (bits.length % 8) bits.push(0);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  return out;
}

const zigzag = (v: bigint): bigint => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));

/** A DIRECT run header for `len` values of the width with 5-bit code `code`. */
const directHeader = (code: number, len: number): number[] => [0x40 | (code << 1) | ((len - 1) >> 8), (len - 1) & 0xff];

describe('base 128 varints', () => {
  it('decodes the spec table', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x01], 1],
      [[0x7f], 127],
      [[0x80, 0x01], 128],
      [[0x81, 0x01], 129],
      [[0xff, 0x7f], 16383],
      [[0x80, 0x80, 0x01], 16384],
      [[0x81, 0x80, 0x01], 16385],
    ];
    for (const [bytes, value] of cases) expect(stream(bytes).uvarint()).toBe(value);
  });

  it('decodes zigzag signed values', () => {
    expect([0, 1, 2, 3, 4].map((u) => stream([u]).svarint())).toEqual([0, -1, 1, -2, 2]);
  });

  it('reads 64-bit values exactly as bigints', () => {
    const bytes = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(stream(bytes).uvarintBig()).toBe(2n ** 64n - 1n);
    expect(stream(bytes).svarintBig()).toBe(-(2n ** 63n));
  });

  it('rejects truncated and overlong varints', () => {
    expect(() => stream([0x80]).uvarint()).toThrow(OrcFormatError);
    expect(() => stream(new Array(12).fill(0x80)).uvarint()).toThrow(OrcFormatError);
  });
});

describe('byte RLE', () => {
  it('decodes a run of a hundred zeros [0x61, 0x00]', () => {
    const out = new Uint8Array(100).fill(9);
    new ByteRleDecoder(stream([0x61, 0x00])).read(out, 0, 100);
    expect([...out]).toEqual(new Array(100).fill(0));
  });

  it('decodes literals [0xfe, 0x44, 0x45]', () => {
    const out = new Uint8Array(2);
    new ByteRleDecoder(stream([0xfe, 0x44, 0x45])).read(out, 0, 2);
    expect([...out]).toEqual([0x44, 0x45]);
  });

  it('reads across group boundaries in small pieces, signed into an Int8Array', () => {
    const d = new ByteRleDecoder(stream([0x00, 0xff, 0xfe, 0x01, 0x80]));
    const out = new Int8Array(5);
    d.read(out, 0, 2);
    d.read(out, 2, 3);
    expect([...out]).toEqual([-1, -1, -1, 1, -128]);
  });

  it('fails on a truncated stream', () => {
    expect(() => new ByteRleDecoder(stream([0xfd, 0x01])).read(new Uint8Array(3), 0, 3)).toThrow(OrcFormatError);
  });
});

describe('boolean RLE', () => {
  it('decodes [0xff, 0x80] as one true then seven false', () => {
    const out = new Uint8Array(8);
    const ones = new BooleanDecoder(stream([0xff, 0x80])).read(out, 0, 8);
    expect([...out]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ones).toBe(1);
  });

  it('keeps partial bytes between reads', () => {
    // literal bytes 0b10110011, 0b01000000 → bits 1,0,1,1,0,0,1,1, 0,1
    const d = new BooleanDecoder(stream([0xfe, 0xb3, 0x40]));
    const out = new Uint8Array(10);
    d.read(out, 0, 3);
    d.read(out, 3, 4);
    d.read(out, 7, 3);
    expect([...out]).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 0, 1]);
  });

  it('decodes long runs through full bytes', () => {
    const out = new Uint8Array(1040);
    // 130 bytes of 0xaa: bits alternate 1,0
    const ones = new BooleanDecoder(stream([0x7f, 0xaa])).read(out, 0, 1040);
    expect(ones).toBe(520);
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(0);
    expect(out[1039]).toBe(0);
  });
});

describe('integer RLE v1', () => {
  it('decodes a run of 100 sevens [0x61, 0x00, 0x07]', () => {
    expect(v1([0x61, 0x00, 0x07], 100)).toEqual(new Array(100).fill(7));
  });

  it('decodes 100 down to 1 [0x61, 0xff, 0x64]', () => {
    expect(v1([0x61, 0xff, 0x64], 100)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
  });

  it('decodes literals [2, 3, 6, 7, 11]', () => {
    expect(v1([0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b], 5)).toEqual([2, 3, 6, 7, 11]);
  });

  it('zigzag-decodes signed values', () => {
    expect(v1([0xfd, 0x01, 0x02, 0x03], 3, true)).toEqual([-1, 1, -2]);
    // run of 3 starting at -1 with delta -2
    expect(v1([0x00, 0xfe, 0x01], 3, true)).toEqual([-1, -3, -5]);
  });

  it('keeps 64-bit values exact', () => {
    const max = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]; // zigzag(2^63 - 1)
    const out = new BigInt64Array(2);
    new IntRleV1Decoder(stream([0xfe, ...max, 0x01]), true).readInt64(out, 0, 2);
    expect([...out]).toEqual([2n ** 63n - 1n, -1n]);
  });
});

describe('integer RLE v2', () => {
  it('has the spec width tables', () => {
    expect([0, 1, 3, 7, 15, 23, 27, 28, 29, 30, 31].map(decodeBitWidth)).toEqual([1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64]);
    expect([1, 24, 25, 27, 31, 33, 41, 49, 57].map(closestFixedBits)).toEqual([1, 24, 26, 28, 32, 40, 48, 56, 64]);
  });

  it('decodes SHORT_REPEAT [0x0a, 0x27, 0x10] as five 10000s', () => {
    expect(v2([0x0a, 0x27, 0x10], 5)).toEqual([10000, 10000, 10000, 10000, 10000]);
  });

  it('decodes DIRECT [23713, 43806, 57005, 48879]', () => {
    expect(v2([0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef], 4)).toEqual([23713, 43806, 57005, 48879]);
  });

  it('decodes the spec PATCHED_BASE example', () => {
    const bytes = [
      0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70, 0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82, 0x8c, 0x96, 0xa0,
      0xaa, 0xb4, 0xbe, 0xfc, 0xe8,
    ];
    const expected = [2030, 2000, 2020, 1000000, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110, 2120, 2130, 2140, 2150, 2160, 2170, 2180, 2190];
    expect(v2(bytes, 20)).toEqual(expected);
    expect(v2big(bytes, 20)).toEqual(expected.map(BigInt));
  });

  it('decodes the spec DELTA example [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]', () => {
    const bytes = [0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46];
    expect(v2(bytes, 10)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    expect(v2big(bytes, 10)).toEqual([2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n]);
  });

  it('decodes a fixed DELTA (width 0), decreasing and signed', () => {
    // 5 values, base zigzag(-10) = 19, delta base zigzag(-3) = 5
    expect(v2([0xc0, 0x04, 19, 5], 5, true)).toEqual([-10, -13, -16, -19, -22]);
    // delta base 0: a repeat
    expect(v2([0xc0, 0x03, 7, 0], 4)).toEqual([7, 7, 7, 7]);
  });

  it('decodes a decreasing DELTA with packed deltas', () => {
    // 4 values from 100: first delta -5, then deltas 3 and 1 (4 bits)
    expect(v2([0xc6, 0x03, 100, 9, 0x31], 4)).toEqual([100, 95, 92, 91]);
  });

  it('zigzag-decodes signed DIRECT runs', () => {
    const values = [0n, -1n, 1n, -64n, 63n];
    const bytes = [...directHeader(7, values.length), ...pack(values.map(zigzag), 8)];
    expect(v2(bytes, 5, true)).toEqual(values.map(Number));
  });

  it('decodes odd (deprecated) widths', () => {
    const values = [5n, 0n, 7n, 3n, 6n, 1n, 2n, 4n, 7n];
    const bytes = [...directHeader(2, values.length), ...pack(values, 3)];
    expect(v2(bytes, values.length)).toEqual(values.map(Number));
    const w26 = [2n ** 26n - 1n, 12345678n, 0n];
    expect(v2([...directHeader(24, 3), ...pack(w26, 26)], 3)).toEqual(w26.map(Number));
    const w44 = [2n ** 44n - 1n, 98765432109n, 1n];
    // width 48 (code 29) and 40 (code 28)
    expect(v2([...directHeader(29, 3), ...pack(w44, 48)], 3)).toEqual(w44.map(Number));
    expect(v2([...directHeader(28, 3), ...pack(w44.map((v) => v >> 4n), 40)], 3)).toEqual(w44.map((v) => Number(v >> 4n)));
  });

  it('keeps 64-bit DIRECT values exact (bigint path)', () => {
    const values = [2n ** 63n - 1n, -(2n ** 63n), 1n, -2n, 2n ** 53n + 1n];
    const bytes = [...directHeader(31, values.length), ...pack(values.map(zigzag), 64)];
    expect(v2big(bytes, values.length, true)).toEqual(values);
    // numbers refuse values they cannot hold
    expect(() => v2(bytes, values.length, true)).toThrow(/out of range/);
  });

  it('decodes 56-bit DIRECT runs, signed and unsigned', () => {
    const unsigned = [2n ** 56n - 1n, 12345n, 0n];
    expect(v2big([...directHeader(30, 3), ...pack(unsigned, 56)], 3)).toEqual(unsigned);
    const signed = [-(2n ** 54n), 2n ** 54n - 1n, -1n];
    expect(v2big([...directHeader(30, 3), ...pack(signed.map(zigzag), 56)], 3, true)).toEqual(signed);
    // small values in a wide run still read as numbers
    expect(v2([...directHeader(31, 2), ...pack([5n, 2n ** 52n].map(zigzag), 64)], 2, true)).toEqual([5, 2 ** 52]);
  });

  it('decodes PATCHED_BASE runs with an 8-byte base exactly', () => {
    // W=8, L=4, BW=8, PW=8, PGW=2, one patch (gap 2, patch 5)
    const body = [0x01, 0x02, 0x03, 0x04, 0x81, 0x40];
    const base = 2n ** 60n;
    expect(v2big([0x8e, 0x03, 0xe7, 0x21, 0x10, 0, 0, 0, 0, 0, 0, 0, ...body], 4, true)).toEqual([1n, 2n, 1283n, 4n].map((v) => base + v));
    expect(v2big([0x8e, 0x03, 0xe7, 0x21, 0x90, 0, 0, 0, 0, 0, 0, 0, ...body], 4, true)).toEqual([1n, 2n, 1283n, 4n].map((v) => v - base));
    // the same run with a 2-byte base takes the number path
    expect(v2([0x8e, 0x03, 0x27, 0x21, 0x80, 0x10, ...body], 4, true)).toEqual([1, 2, 1283, 4].map((v) => v - 16));
  });

  it('keeps wide SHORT_REPEAT and DELTA values exact', () => {
    // SHORT_REPEAT width 8 bytes, 3 times, zigzag(-(2^62))
    const z = zigzag(-(2n ** 62n));
    const be = Array.from({ length: 8 }, (_, i) => Number((z >> BigInt(8 * (7 - i))) & 0xffn));
    expect(v2big([0x38, ...be], 3, true)).toEqual([-(2n ** 62n), -(2n ** 62n), -(2n ** 62n)]);
    // DELTA from 2^60 step 1 (unsigned base varint)
    const base = 2n ** 60n;
    const varint: number[] = [];
    for (let v = base; ; v >>= 7n) {
      if (v < 128n) {
        varint.push(Number(v));
        break;
      }
      varint.push(Number(v & 0x7fn) | 0x80);
    }
    expect(v2big([0xc0, 0x02, ...varint, 0x02], 3)).toEqual([base, base + 1n, base + 2n]);
  });

  it('mixes runs and reads across them in pieces', () => {
    const bytes = [0x0a, 0x27, 0x10, 0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef];
    const d = new IntRleV2Decoder(stream(bytes), false);
    const out = new Int32Array(9);
    d.readNumbers(out, 0, 2);
    d.readNumbers(out, 2, 6);
    d.readNumbers(out, 8, 1);
    expect([...out]).toEqual([10000, 10000, 10000, 10000, 10000, 23713, 43806, 57005, 48879]);
  });

  it('fails cleanly on truncated runs', () => {
    expect(() => v2([0x5e, 0x03, 0x5c, 0xa1], 4)).toThrow(OrcFormatError);
    expect(() => v2([0xc6], 2)).toThrow(OrcFormatError);
    expect(() => v2([], 1)).toThrow(OrcFormatError);
  });
});

describe('timestamp nanoseconds', () => {
  it('decodes the trailing-zero count in the low 3 bits', () => {
    expect(parseNanos(0x0a)).toBe(1000);
    expect(parseNanos(0x0c)).toBe(100000);
    expect(parseNanos(0)).toBe(0);
    expect(parseNanos(123456789 * 8)).toBe(123456789);
    expect(parseNanos((1 << 3) | 7)).toBe(100000000);
  });
});

describe('compression chunks', () => {
  const text = new TextEncoder().encode('ORC files are columnar. '.repeat(50));

  function chunked(body: Uint8Array, original = false): Uint8Array {
    const header = (body.length << 1) | (original ? 1 : 0);
    return Uint8Array.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, ...body]);
  }

  it('parses the spec headers', () => {
    // [0x0b, 0x00, 0x00]: 5 bytes stored original
    const d = new Decompressor('ZLIB', 1024);
    expect([...d.decompress(Uint8Array.from([0x0b, 0x00, 0x00, 1, 2, 3, 4, 5]))]).toEqual([1, 2, 3, 4, 5]);
    // [0x40, 0x0d, 0x03]: 100,000 compressed bytes
    const h = [0x40, 0x0d, 0x03];
    expect((h[0]! | (h[1]! << 8) | (h[2]! << 16)) >>> 1).toBe(100000);
  });

  it('inflates ZLIB (raw deflate) chunks, concatenating several', () => {
    const a = deflateRawSync(text.subarray(0, 600));
    const b = deflateRawSync(text.subarray(600));
    const out = new Decompressor('ZLIB', 1024).decompress(Uint8Array.from([...chunked(a), ...chunked(b)]));
    expect(Buffer.from(out).equals(Buffer.from(text))).toBe(true);
  });

  it('decompresses ZSTD chunks and bounds them by the block size', () => {
    const z = zstdCompress(text);
    expect(Buffer.from(new Decompressor('ZSTD', 2048).decompress(chunked(z))).equals(Buffer.from(text))).toBe(true);
    expect(() => new Decompressor('ZSTD', 100).decompress(chunked(z))).toThrow(OrcFormatError);
  });

  it('passes NONE through and rejects truncated chunks', () => {
    expect(new Decompressor('NONE', 0).decompress(text)).toBe(text);
    expect(() => new Decompressor('ZLIB', 1024).decompress(Uint8Array.from([0x20, 0x00]))).toThrow(OrcFormatError);
    expect(() => new Decompressor('ZLIB', 1024).decompress(Uint8Array.from([0x20, 0x00, 0x00, 1, 2]))).toThrow(OrcFormatError);
  });

  it('refuses LZO', () => {
    expect(() => new Decompressor('LZO', 1024)).toThrow(/not supported/);
  });

  it('decodes snappy literals and overlapping copies', () => {
    // "abc" literal, then a 1-byte-offset copy of 9 bytes at offset 3
    const src = Uint8Array.from([12, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03]);
    expect(new TextDecoder().decode(snappyDecompress(src, 64))).toBe('abcabcabcabc');
    // 2-byte-offset copy (tag type 2) of 4 bytes at offset 2 after "xy"
    const src2 = Uint8Array.from([6, 0x04, 0x78, 0x79, 0x0e, 0x02, 0x00]);
    expect(new TextDecoder().decode(snappyDecompress(src2, 64))).toBe('xyxyxy');
    const d = new Decompressor('SNAPPY', 64);
    expect(new TextDecoder().decode(d.decompress(chunked(src)))).toBe('abcabcabcabc');
    expect(() => snappyDecompress(Uint8Array.from([12, 0x08, 0x61, 0x62, 0x63, 0x15, 0x09]), 64)).toThrow(OrcFormatError);
    expect(() => snappyDecompress(src, 8)).toThrow(OrcFormatError);
  });

  it('decodes LZ4 blocks with overlapping matches and long lengths', () => {
    // literals "abc", match offset 3 length 9, then final literal "x"
    const src = Uint8Array.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x78]);
    expect(new TextDecoder().decode(lz4Decompress(src, 64))).toBe('abcabcabcabcx');
    // one literal then a match of 15 + 10 + 4 = 29 bytes at offset 1
    const long = Uint8Array.from([0x1f, 0x7a, 0x01, 0x00, 10, 0x10, 0x21]);
    expect(new TextDecoder().decode(lz4Decompress(long, 64))).toBe('z'.repeat(30) + '!');
    expect(new TextDecoder().decode(new Decompressor('LZ4', 64).decompress(chunked(src)))).toBe('abcabcabcabcx');
    expect(() => lz4Decompress(Uint8Array.from([0x35, 0x61, 0x62, 0x63, 0x09, 0x00]), 64)).toThrow(OrcFormatError);
    expect(() => lz4Decompress(long, 16)).toThrow(OrcFormatError);
  });
});

describe('protobuf wire format', () => {
  it('reads varints, strings, packed fields and skips unknown ones', () => {
    // field 1 varint 150, field 2 string "ORC", field 3 packed [3, 270], field 9 fixed64 (skipped), field 4 sint64 -2
    const bytes = Uint8Array.from([
      0x08, 0x96, 0x01, 0x12, 0x03, 0x4f, 0x52, 0x43, 0x1a, 0x03, 0x03, 0x8e, 0x02, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x20, 0x03,
    ]);
    const seen: Record<string, unknown> = {};
    decodeMessage(new ProtoReader(bytes), (f, w, r) => {
      if (f === 1) seen.a = r.uint();
      else if (f === 2) seen.b = r.string();
      else if (f === 3) {
        const xs: number[] = [];
        r.packedUints(w, xs);
        seen.c = xs;
      } else if (f === 4) seen.d = r.sint64();
      else return false;
      return true;
    });
    expect(seen).toEqual({ a: 150, b: 'ORC', c: [3, 270], d: -2n });
  });

  it('rejects fields running past the message', () => {
    expect(() => decodeMessage(new ProtoReader(Uint8Array.from([0x12, 0x05, 0x41])), () => false)).toThrow(OrcFormatError);
    expect(() => decodeMessage(new ProtoReader(Uint8Array.from([0x0b])), () => false)).toThrow(OrcFormatError);
  });
});

describe('wide integers', () => {
  it('writes a * m + b as 64-bit words without BigInt', () => {
    const out = new BigInt64Array(6);
    const words = new Int32Array(out.buffer);
    const cases: [number, number, number][] = [
      [0, 1e9, 5],
      [-1, 1e9, 999_999_999],
      [1_700_000_000, 1e9, 123_456_789],
      [-2_240_521_241, 1e9, 1_001_001],
      [9_223_372_036, 1e9, 854_775_807],
      [-9_223_372_037, 1e9, 145_224_192],
    ];
    cases.forEach(([a, m, b], i) => expect(writeMulAdd64(words, i, a, m, b)).toBe(true));
    expect([...out]).toEqual(cases.map(([a, m, b]) => BigInt(a) * BigInt(m) + BigInt(b)));
    out.fill(0n);
    cases.forEach(([a, m, b], i) => expect(writeScaled64(words, i, a, scaleOf(m), b)).toBe(true));
    expect([...out]).toEqual(cases.map(([a, m, b]) => BigInt(a) * BigInt(m) + BigInt(b)));
    for (const [a, m, b] of [[-5, 1000, 999], [4_294_967_295, 1e9, 999_999_999], [-4_294_967_297, 1e6, 0], [123_456_789_012, 1000, 7]] as const) {
      expect(writeScaled64(words, 0, a, scaleOf(m), b)).toBe(true);
      expect(out[0]).toBe(BigInt(a) * BigInt(m) + BigInt(b));
    }
    expect(writeScaled64(words, 0, 9_223_372_037, scaleOf(1e9), 0)).toBe(false);
    expect(writeMulAdd64(words, 0, 9_223_372_037, 1e9, 0)).toBe(false);
    expect(writeMulAdd64(words, 0, -9_223_372_037, 1e9, 0)).toBe(false);
  });

  it('writes 128-bit two’s complement words', () => {
    const words = new Uint32Array(12);
    writeInt128FromNumber(words, 0, -2);
    writeInt128FromNumber(words, 1, 2 ** 40 + 3);
    writeInt128FromBigint(words, 2, -(10n ** 30n));
    const read = (i: number): bigint =>
      BigInt.asIntN(128, [0, 1, 2, 3].reduce((acc, k) => acc | (BigInt(words[4 * i + k]!) << BigInt(32 * k)), 0n));
    expect([read(0), read(1), read(2)]).toEqual([-2n, 2n ** 40n + 3n, -(10n ** 30n)]);
  });
});

describe('writer time zones', () => {
  it('treats UTC-like and fixed-offset zones as plain UTC wall clocks', () => {
    for (const z of [undefined, '', 'UTC', 'GMT', 'Etc/UTC', 'GMT+08:00']) expect(zoneConverter(z)).toBeNull();
  });

  it('finds the 2015 base and offsets of a named zone', () => {
    const shanghai = zoneConverter('Asia/Shanghai')!;
    expect(shanghai.base).toBe(1420070400 - 8 * 3600);
    expect(shanghai.offset(0)).toBe(8 * 3600);
    // China observed daylight saving time in 1988 (offset +9 on 1988-07-01)
    expect(shanghai.offset(Date.UTC(1988, 6, 1) / 1000)).toBe(9 * 3600);
    const ny = zoneConverter('America/New_York')!;
    expect(ny.base).toBe(1420070400 + 5 * 3600);
    expect(ny.offset(Date.UTC(2024, 6, 1) / 1000)).toBe(-4 * 3600);
    expect(ny.offset(Date.UTC(2024, 0, 1) / 1000)).toBe(-5 * 3600);
    // the day daylight saving time starts (2024-03-10 07:00 UTC), on both sides of the change
    expect(ny.offset(Date.UTC(2024, 2, 10, 6, 59, 59) / 1000)).toBe(-5 * 3600);
    expect(ny.offset(Date.UTC(2024, 2, 10, 7, 0, 0) / 1000)).toBe(-4 * 3600);
    expect(ny.offset(Date.UTC(2024, 2, 10, 6, 50) / 1000)).toBe(-5 * 3600);
    expect(ny.offset(Date.UTC(2024, 2, 10, 12) / 1000)).toBe(-4 * 3600);
  });

  it('falls back to GMT for unknown zones, like Java', () => {
    expect(zoneConverter('Not/AZone')).toBeNull();
  });
});
