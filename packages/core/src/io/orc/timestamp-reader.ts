/**
 * TIMESTAMP and TIMESTAMP_INSTANT columns as Arrow 64-bit timestamps
 * (nanoseconds by default). See timezone.ts for the writer time zone.
 */
import * as arrow from 'apache-arrow';
import { ColumnReader, spread, type ReadOptions } from './column-reader.js';
import { STREAM_DATA, STREAM_SECONDARY } from './footer.js';
import type { IntegerReader } from './int-rle.js';
import { OrcFormatError, unsupported } from './orc-errors.js';
import type { Stripe } from './stripe.js';
import { ORC_EPOCH_SECONDS, zoneConverter } from './timezone.js';
import type { OrcType } from './types.js';
import { scaleOf, writeScaled64 } from './wide-ints.js';

/** SECONDARY stream value to nanoseconds: the low 3 bits count removed trailing zeros (minus one). */
export function parseNanos(raw: number): number {
  const zeros = raw % 8;
  const ns = (raw - zeros) / 8;
  return zeros === 0 ? ns : ns * NANO_SCALE[zeros]!;
}

const NANO_SCALE = [1, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

const UNIT_SCALE = { ms: scaleOf(1000), us: scaleOf(1_000_000), ns: scaleOf(1_000_000_000) } as const;
const NANOS_PER_UNIT = { ms: 1_000_000, us: 1000, ns: 1 } as const;

/**
 * TIMESTAMP (wall clock, read with UTC semantics: see timezone.ts) and
 * TIMESTAMP_INSTANT (an instant): seconds since 2015-01-01 in DATA, nanoseconds
 * in SECONDARY with the count of removed trailing zeros in the low 3 bits.
 */
export class TimestampReader extends ColumnReader {
  private readonly seconds: IntegerReader;
  private readonly nanos: IntegerReader;
  private secScratch = new Float64Array(0);
  private nanoScratch = new Float64Array(0);

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    this.expectDirect();
    this.seconds = this.integers(STREAM_DATA, true);
    this.nanos = this.integers(STREAM_SECONDARY, false);
  }

  protected valueCapacity(): number {
    return this.seconds.maxRemaining();
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const count = v.nonNull;
    if (this.secScratch.length < count) {
      this.secScratch = new Float64Array(Math.max(count, 1024));
      this.nanoScratch = new Float64Array(Math.max(count, 1024));
    }
    const secs = this.secScratch;
    const nanos = this.nanoScratch;
    this.seconds.readNumbers(secs, 0, count);
    this.nanos.readNumbers(nanos, 0, count);
    const out = new BigInt64Array(n);
    const words = new Int32Array(out.buffer);
    const zone = this.type.kind === 'TIMESTAMP' ? zoneConverter(this.stripe.writerTimezone) : null;
    const base = zone ? zone.base : ORC_EPOCH_SECONDS;
    const unit = this.options.timestampUnit;
    const scale = UNIT_SCALE[unit];
    const div = NANOS_PER_UNIT[unit];
    for (let k = 0; k < count; k++) {
      const ns = parseNanos(nanos[k]!);
      if (ns > 999_999_999) throw new OrcFormatError(`bad nanoseconds ${ns} in column ${this.type.id}`);
      let sec = secs[k]! + base;
      // Java's writer truncates negative milliseconds towards zero; its reader undoes that like this.
      if (sec < 1 && ns > 999_999 && sec * 1000 + Math.floor(ns / 1_000_000) < 0) sec -= 1;
      if (zone) sec += zone.offset(sec);
      const sub = div === 1 ? ns : Math.floor(ns / div);
      if (!writeScaled64(words, k, sec, scale, sub)) {
        throw unsupported(`timestamp ${sec}s in column ${this.type.id} does not fit 64-bit ${unit}; read with a coarser timestampUnit`);
      }
    }
    if (v.valid) spread(words, 2, v.valid, n, count);
    return this.data({ data: out }, n, v);
  }
}
