/**
 * DECIMAL columns: unbounded zigzag varints (the unscaled values) in DATA,
 * each value's scale in SECONDARY; written as Arrow 128-bit decimals at the
 * type's scale.
 */
import * as arrow from 'apache-arrow';
import { ColumnReader, spread, type ReadOptions } from './column-reader.js';
import { STREAM_DATA, STREAM_SECONDARY } from './footer.js';
import type { InStream } from './in-stream.js';
import type { IntegerReader } from './int-rle.js';
import { OrcFormatError } from './orc-errors.js';
import type { Stripe } from './stripe.js';
import type { OrcType } from './types.js';
import { writeInt128FromBigint, writeInt128FromNumber } from './wide-ints.js';

const POW10 = Array.from({ length: 39 }, (_, i) => 10n ** BigInt(i));

/** DECIMAL: unbounded zigzag varints in DATA, each value's scale in SECONDARY. */
export class DecimalReader extends ColumnReader {
  private readonly values: InStream;
  private readonly scales: IntegerReader;
  private scaleScratch = new Int32Array(0);

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    this.expectDirect();
    this.values = stripe.required(type.id, STREAM_DATA);
    this.scales = this.integers(STREAM_SECONDARY, true);
  }

  protected valueCapacity(): number {
    return this.values.remaining;
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const count = v.nonNull;
    const words = new Uint32Array(4 * n);
    if (this.scaleScratch.length < count) this.scaleScratch = new Int32Array(Math.max(count, 1024));
    const scales = this.scaleScratch;
    const typeScale = this.type.scale!;
    const s = this.values;
    const buf = s.buf;
    // Decode values first (the DATA stream), then apply each value's scale.
    const small = new Float64Array(count);
    let bigs: Map<number, bigint> | null = null;
    for (let k = 0; k < count; k++) {
      let p = s.pos;
      const end = Math.min(s.end, p + 20);
      while (p < end && buf[p]! >= 0x80) p++;
      if (p >= end) throw p >= s.end ? s.truncated() : new OrcFormatError(`decimal varint too long in column ${this.type.id}`);
      const len = p - s.pos + 1;
      if (len <= 7) {
        let u = 0;
        let mul = 1;
        for (let q = s.pos; q <= p; q++, mul *= 128) u += (buf[q]! & 0x7f) * mul;
        small[k] = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
        s.pos = p + 1;
      } else {
        bigs ??= new Map();
        bigs.set(k, s.svarintBig(20));
      }
    }
    this.scales.readNumbers(scales, 0, count);
    for (let k = 0; k < count; k++) {
      const scale = scales[k]!;
      const big = bigs?.get(k);
      if (scale === typeScale) {
        if (big === undefined) writeInt128FromNumber(words, k, small[k]!);
        else writeInt128FromBigint(words, k, big);
        continue;
      }
      if (scale < typeScale && big === undefined) {
        const scaled = small[k]! * 10 ** (typeScale - scale);
        if (Number.isSafeInteger(scaled)) {
          writeInt128FromNumber(words, k, scaled);
          continue;
        }
      }
      writeInt128FromBigint(words, k, rescale(big ?? BigInt(small[k]!), scale, typeScale));
    }
    if (v.valid) spread(words, 4, v.valid, n, count);
    return this.data({ data: words }, n, v);
  }
}

/** Changes the scale of an unscaled value, rounding half up like Hive's decimals. */
export function rescale(value: bigint, from: number, to: number): bigint {
  if (from < 0 || from > 38) throw new OrcFormatError(`bad decimal scale ${from}`);
  if (from < to) return value * POW10[to - from]!;
  const div = POW10[from - to]!;
  const q = value / div;
  const r = value % div;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= div) return value < 0n ? q - 1n : q + 1n;
  return q;
}
