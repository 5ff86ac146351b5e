import { describe, expect, it } from 'vitest';
import { Roaring64Bitmap, RoaringBitmap, RoaringFormatError } from '../src/spec/roaring-bitmap.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Little-endian byte builder for hand-made serializations. */
class Bytes {
  private readonly out: number[] = [];
  u8(...v: number[]): this {
    this.out.push(...v);
    return this;
  }
  u16(...v: number[]): this {
    for (const x of v) this.out.push(x & 0xff, (x >>> 8) & 0xff);
    return this;
  }
  u32(...v: number[]): this {
    for (const x of v) this.out.push(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 0x1_0000_0000;
  };
}

function roundTrip(b: RoaringBitmap): RoaringBitmap {
  const bytes = b.serialize();
  expect(bytes.length).toBe(b.serializedSizeInBytes());
  const back = RoaringBitmap.deserialize(bytes);
  expect(back.equals(b)).toBe(true);
  expect(hex(back.serialize())).toBe(hex(bytes));
  return back;
}

describe('RoaringBitmap', () => {
  it('serializes the empty bitmap as cookie 12346 with no containers', () => {
    const b = new RoaringBitmap();
    expect(hex(b.serialize())).toBe('3a30000000000000');
    const back = roundTrip(b);
    expect(back.cardinality).toBe(0);
    expect(back.isEmpty()).toBe(true);
    expect([...back]).toEqual([]);
    expect(back.last()).toBeUndefined();
  });

  it('matches the Java bytes of {0} (taken from a Paimon-written deletion vector)', () => {
    // cookie 12346 | 1 container | key 0, card-1 0 | offset 16 | value 0
    expect(hex(RoaringBitmap.of(0).serialize())).toBe('3a300000' + '01000000' + '00000000' + '10000000' + '0000');
  });

  it('round-trips sparse values across containers, up to 2^32 - 1', () => {
    const values = [0, 5, 65535, 65536, 1 << 20, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1];
    const b = RoaringBitmap.from([...values].reverse());
    expect(b.cardinality).toBe(values.length);
    expect([...b]).toEqual(values);
    expect(Array.from(b.toUint32Array())).toEqual(values);
    expect(b.last()).toBe(2 ** 32 - 1);
    for (const v of values) expect(b.contains(v)).toBe(true);
    for (const v of [1, 4, 6, 65534, 65537, 2 ** 31 + 1, -1, 2 ** 32, 0.5]) expect(b.contains(v)).toBe(false);
    const back = roundTrip(b);
    expect([...back]).toEqual(values);
    expect(b.add(5)).toBe(false);
    expect(b.add(6)).toBe(true);
    expect(() => b.add(2 ** 32)).toThrow(RangeError);
    expect(() => b.add(-1)).toThrow(RangeError);
  });

  it('keeps an array container up to 4096 values and a bitmap container beyond', () => {
    const b = new RoaringBitmap();
    for (let i = 0; i < 4096; i++) b.add(i * 3);
    expect(b.containerKinds()).toEqual(['array']);
    expect(b.serializedSizeInBytes()).toBe(8 + 8 + 2 * 4096);
    b.add(1);
    expect(b.containerKinds()).toEqual(['bitmap']);
    expect(b.cardinality).toBe(4097);
    expect(b.serializedSizeInBytes()).toBe(8 + 8 + 8192);
    const back = roundTrip(b);
    expect(back.containerKinds()).toEqual(['bitmap']);
    expect(back.contains(1)).toBe(true);
    expect(back.contains(2)).toBe(false);
    expect(back.contains(3 * 4095)).toBe(true);
    expect(back.last()).toBe(3 * 4095);
  });

  it('matches a Set model on random data over several containers', () => {
    const next = rng(42);
    const model = new Set<number>();
    const b = new RoaringBitmap();
    // A dense container, a sparse one, and scattered values across the 32-bit range.
    for (let i = 0; i < 30000; i++) model.add(Math.floor(next() * 65536));
    for (let i = 0; i < 300; i++) model.add(3 * 65536 + Math.floor(next() * 65536));
    for (let i = 0; i < 500; i++) model.add(Math.floor(next() * 2 ** 32));
    for (const v of model) expect(b.add(v)).toBe(true);
    const sorted = [...model].sort((x, y) => x - y);
    expect(b.cardinality).toBe(sorted.length);
    expect(Array.from(b.toUint32Array())).toEqual(sorted);
    const limit = 3 * 65536 + 30000;
    expect(Array.from(b.toUint32Array(limit))).toEqual(sorted.filter((v) => v < limit));
    for (let i = 0; i < 5000; i++) {
      const v = Math.floor(next() * 4 * 65536);
      expect(b.contains(v)).toBe(model.has(v));
    }
    const back = roundTrip(b);
    expect(back.containerKinds()).toEqual(b.containerKinds());
    expect(b.containerKinds().slice(0, 2)).toEqual(['bitmap', 'array']);
  });

  it.each(['random', 'runs'])('fills masks over windows that cut words and containers (%s)', (kind) => {
    const next = rng(7);
    const model = new Set<number>();
    if (kind === 'random') {
      for (let i = 0; i < 20000; i++) model.add(Math.floor(next() * 140000));
      for (let v = 70000; v < 70100; v++) model.add(v);
    } else {
      for (let k = 0; k < 140; k++) for (let v = k * 1000 + 7; v < k * 1000 + 500; v++) model.add(v);
    }
    const optimized = RoaringBitmap.from(model);
    optimized.runOptimize();
    if (kind === 'runs') expect(new Set(optimized.containerKinds())).toEqual(new Set(['run']));
    for (const bm of [RoaringBitmap.from(model), optimized]) {
      const mask = bm.toMask(140000);
      for (let i = 0; i < mask.length; i++) if (mask[i] !== (model.has(i) ? 1 : 0)) throw new Error(`mask mismatch at ${i}`);
      for (const [start, len] of [[3, 29], [31, 1], [65530, 20], [69990, 200], [100, 0], [139990, 50]] as const) {
        const keep = new Uint8Array(len).fill(1);
        bm.fillMask(keep, start, 0);
        for (let i = 0; i < len; i++) expect(keep[i]).toBe(model.has(start + i) ? 0 : 1);
      }
    }
  });

  it('runOptimize follows the Java container rules', () => {
    // Array: becomes runs only when 2 * card > 2 + 4 * runs.
    const two = RoaringBitmap.of(0, 1);
    two.runOptimize();
    expect(two.containerKinds()).toEqual(['array']);
    const four = RoaringBitmap.of(10, 11, 12, 13);
    four.runOptimize();
    expect(four.containerKinds()).toEqual(['run']);
    // Bitmap: runs when 2 + 4 * runs < 8192, i.e. at most 2047 runs.
    const alternating = (runs: number) => {
      const b = new RoaringBitmap();
      for (let r = 0; r < runs; r++) for (let k = 0; k < 3; k++) b.add(r * 30 + k);
      for (let v = 0; b.cardinality <= 4096; v++) b.add(62000 + v); // ensure a bitmap container
      return b;
    };
    const few = alternating(2000);
    expect(few.containerKinds()).toEqual(['bitmap']);
    few.runOptimize();
    expect(few.containerKinds()).toEqual(['run']);
    const edge = alternating(2047);
    edge.runOptimize();
    expect(edge.containerKinds()).toEqual(['run']); // 2047 runs: 8190 bytes
    const many = alternating(2048);
    many.runOptimize();
    expect(many.containerKinds()).toEqual(['bitmap']); // 2048 runs: 8194 bytes
    roundTrip(few);
    roundTrip(many);
  });

  it('writes runs with cookie 12347 and no offset header below 4 containers', () => {
    const b = new RoaringBitmap();
    for (let v = 0; v < 10000; v++) b.add(v);
    expect(b.containerKinds()).toEqual(['bitmap']);
    b.runOptimize();
    // cookie 12347 | (1-1)<<16 | run flags 0x01 | key 0, card-1 9999 | 1 run | start 0, length-1 9999
    expect(hex(b.serialize())).toBe('3b300000' + '01' + '0000' + '0f27' + '0100' + '0000' + '0f27');
    const back = roundTrip(b);
    expect(back.containerKinds()).toEqual(['run']);
    expect(back.cardinality).toBe(10000);
    expect(back.contains(9999)).toBe(true);
    expect(back.contains(10000)).toBe(false);
  });

  it('reads hand-built run containers with the offset header (>= 4 containers)', () => {
    // Containers: key 0 run {1..3, 10..10}, key 1 array {7, 9}, key 2 run {0..65535}, key 5 run {100..199}, key 9 array {0}
    const b = new Bytes().u32(12347 | ((5 - 1) << 16)).u8(0b00001101);
    b.u16(0, 3, 1, 1, 2, 65535, 5, 99, 9, 0); // key, card - 1
    const body = [
      new Bytes().u16(2, 1, 2, 10, 0),
      new Bytes().u16(7, 9),
      new Bytes().u16(1, 0, 65535),
      new Bytes().u16(1, 100, 99),
      new Bytes().u16(0),
    ];
    let off = b.length + 4 * 5;
    for (const c of body) {
      b.u32(off);
      off += c.length;
    }
    const bytes = Uint8Array.from([...b.build(), ...body.flatMap((c) => [...c.build()])]);
    const bm = RoaringBitmap.deserialize(bytes);
    expect(bm.containerKinds()).toEqual(['run', 'array', 'run', 'run', 'array']);
    expect(bm.cardinality).toBe(4 + 2 + 65536 + 100 + 1);
    const expected = [1, 2, 3, 10, 65536 + 7, 65536 + 9];
    for (let v = 0; v < 65536; v++) expected.push(2 * 65536 + v);
    for (let v = 100; v < 200; v++) expected.push(5 * 65536 + v);
    expected.push(9 * 65536);
    expect(Array.from(bm.toUint32Array())).toEqual(expected);
    expect([...bm]).toEqual(expected);
    expect(bm.contains(4)).toBe(false);
    expect(bm.contains(5 * 65536 + 199)).toBe(true);
    expect(bm.contains(5 * 65536 + 200)).toBe(false);
    expect(bm.last()).toBe(9 * 65536);
    // Java writes the containers back as they are.
    expect(hex(bm.serialize())).toBe(hex(bytes));
  });

  it('reads a hand-built run container without offsets (< 4 containers)', () => {
    const bytes = new Bytes().u32(12347 | (1 << 16)).u8(0b10).u16(0, 1, 4, 5).u16(3, 5).u16(2, 0, 2, 10, 2).build();
    const bm = RoaringBitmap.deserialize(bytes);
    expect(bm.containerKinds()).toEqual(['array', 'run']);
    expect([...bm]).toEqual([3, 5, 4 * 65536, 4 * 65536 + 1, 4 * 65536 + 2, 4 * 65536 + 10, 4 * 65536 + 11, 4 * 65536 + 12]);
  });

  it('adds into run containers like Java (extend, join, insert)', () => {
    const model = new Set<number>();
    const next = rng(3);
    for (let k = 0; k < 100; k++) for (let v = k * 20; v < k * 20 + 10; v++) model.add(v);
    const b = RoaringBitmap.from(model);
    b.runOptimize();
    expect(b.containerKinds()).toEqual(['run']);
    for (let i = 0; i < 3000; i++) {
      const v = Math.floor(next() * 3200);
      expect(b.add(v)).toBe(!model.has(v));
      model.add(v);
    }
    expect(b.containerKinds()).toEqual(['run']);
    expect(Array.from(b.toUint32Array())).toEqual([...model].sort((x, y) => x - y));
    roundTrip(b);
  });

  it('rejects malformed input', () => {
    const good = RoaringBitmap.of(1, 2, 3).serialize();
    expect(() => RoaringBitmap.deserialize(good.subarray(0, good.length - 1))).toThrow(RoaringFormatError);
    expect(() => RoaringBitmap.deserialize(Uint8Array.of(...good, 0))).toThrow(/trailing/);
    expect(() => RoaringBitmap.deserialize(new Bytes().u32(12345, 0).build())).toThrow(/cookie/);
    expect(() => RoaringBitmap.deserialize(new Bytes().u32(12346, 1).u16(0, 1).u32(16).u16(5, 5).build())).toThrow(/ascending/);
    expect(() => RoaringBitmap.deserialize(new Bytes().u32(12347).u8(1).u16(0, 5).u16(1, 0, 1).build())).toThrow(/cardinality/);
  });
});

describe('Roaring64Bitmap', () => {
  it('round-trips positions above 2^32 in sorted buckets', () => {
    const values = [0, 7, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 3 * 2 ** 32 + 1, 2 ** 40, Number.MAX_SAFE_INTEGER];
    const b = Roaring64Bitmap.from([...values].reverse());
    expect(b.cardinality).toBe(values.length);
    expect([...b]).toEqual(values);
    expect(Array.from(b.toFloat64Array())).toEqual(values);
    expect(Array.from(b.toFloat64Array(3 * 2 ** 32 + 1))).toEqual(values.slice(0, 6));
    for (const v of values) expect(b.contains(v)).toBe(true);
    for (const v of [1, 2 ** 32 + 1, 2 * 2 ** 32, 2 ** 40 + 1, -1, 1.5]) expect(b.contains(v)).toBe(false);
    const sparse = b.serialize();
    expect(sparse.length).toBe(b.serializedSizeInBytes());
    const back = Roaring64Bitmap.deserialize(sparse);
    expect([...back]).toEqual(values);
    expect(back.bucketKeys()).toEqual([0, 1, 3, 256, Math.floor(Number.MAX_SAFE_INTEGER / 2 ** 32)]);
  });

  it('writes every key from 0 up in dense mode, as Iceberg and Paimon do', () => {
    const b = Roaring64Bitmap.from([3 * 2 ** 32 + 1]);
    const dense = b.serialize({ denseKeys: true });
    const expected = new Bytes().u32(4, 0);
    for (let k = 0; k < 3; k++) expected.u32(k, 12346, 0); // empty buckets
    expected.u32(3).u32(12346, 1).u16(0, 0).u32(16).u16(1);
    expect(hex(dense)).toBe(hex(expected.build()));
    const back = Roaring64Bitmap.deserialize(dense);
    expect([...back]).toEqual([3 * 2 ** 32 + 1]);
    expect(hex(back.serialize({ denseKeys: true }))).toBe(hex(dense));
    expect(hex(new Roaring64Bitmap().serialize({ denseKeys: true }))).toBe('0000000000000000');
  });

  it('fills masks across the 2^32 bucket boundary', () => {
    const base = 2 ** 32 - 10;
    const b = Roaring64Bitmap.from([base + 1, base + 9, base + 10, base + 12, base + 30]);
    const keep = new Uint8Array(20).fill(1);
    b.fillMask(keep, base, 0);
    expect([...keep].flatMap((k, i) => (k === 0 ? [i] : []))).toEqual([1, 9, 10, 12]);
    const mask = new Uint8Array(8);
    b.fillMask(mask, 2 ** 32 + 1, 1);
    expect([...mask]).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('rejects out-of-order keys, keys beyond 2^53 and truncation', () => {
    const bad = new Bytes().u32(2, 0).u32(1, 12346, 0).u32(0, 12346, 0).build();
    expect(() => Roaring64Bitmap.deserialize(bad)).toThrow(/ascending/);
    expect(() => Roaring64Bitmap.deserialize(new Bytes().u32(1, 0).u32(1 << 21, 12346, 0).build())).toThrow(/2\^53/);
    expect(() => Roaring64Bitmap.deserialize(new Bytes().u32(1, 0).u32(0).build())).toThrow(RoaringFormatError);
    expect(() => Roaring64Bitmap.deserialize(new Bytes().u32(0, 1).build())).toThrow(/count/);
  });
});
