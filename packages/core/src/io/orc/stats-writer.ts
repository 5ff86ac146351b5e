/**
 * Column statistics of the ORC writer (orc_proto.proto ColumnStatistics), as
 * Java ORC's ColumnStatisticsImpl serializes them: per row group (row index),
 * per stripe (Metadata) and per file (Footer). Accumulators merge upwards.
 */
import { ProtoWriter } from './byte-sink.js';

export type StatsKind = 'plain' | 'int' | 'double' | 'string' | 'binary' | 'bool' | 'decimal' | 'date' | 'timestamp' | 'collection';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Longest string minimum/maximum kept (longer ones become lower/upper bounds). */
export const MAX_STRING_STAT_BYTES = 1024;

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export class StatsAcc {
  count = 0;
  hasNull = false;
  // int / date (numbers for date)
  intMin: bigint | null = null;
  intMax: bigint | null = null;
  intSum: bigint | null = 0n;
  // double
  dblMin: number | null = null;
  dblMax: number | null = null;
  dblSum = 0;
  // string / binary
  strMin: Uint8Array | null = null;
  strMax: Uint8Array | null = null;
  bytesSum = 0;
  // bool
  trueCount = 0;
  // decimal (unscaled at `scale`)
  decMin: bigint | null = null;
  decMax: bigint | null = null;
  decSum: bigint | null = 0n;
  // date
  dateMin: number | null = null;
  dateMax: number | null = null;
  // timestamp: UTC milliseconds and the nanoseconds within the millisecond
  tsMinMs = 0;
  tsMinNs = 0;
  tsMaxMs = 0;
  tsMaxNs = 0;
  tsSet = false;
  // collection
  childMin = 0;
  childMax = 0;
  childSum = 0;

  constructor(
    readonly kind: StatsKind,
    readonly scale = 0,
  ) {}

  updateInt(min: bigint, max: bigint, sum: bigint | null): void {
    if (this.intMin === null || min < this.intMin) this.intMin = min;
    if (this.intMax === null || max > this.intMax) this.intMax = max;
    this.intSum = this.intSum === null || sum === null ? null : this.intSum + sum;
  }

  updateDouble(min: number | null, max: number | null, sum: number): void {
    if (min !== null && (this.dblMin === null || min < this.dblMin)) this.dblMin = min;
    if (max !== null && (this.dblMax === null || max > this.dblMax)) this.dblMax = max;
    this.dblSum += sum;
  }

  updateString(min: Uint8Array, max: Uint8Array): void {
    if (this.strMin === null || compareBytes(min, this.strMin) < 0) this.strMin = min;
    if (this.strMax === null || compareBytes(max, this.strMax) > 0) this.strMax = max;
  }

  updateDecimal(min: bigint, max: bigint, sum: bigint): void {
    if (this.decMin === null || min < this.decMin) this.decMin = min;
    if (this.decMax === null || max > this.decMax) this.decMax = max;
    if (this.decSum !== null) this.decSum += sum;
  }

  updateDate(min: number, max: number): void {
    if (this.dateMin === null || min < this.dateMin) this.dateMin = min;
    if (this.dateMax === null || max > this.dateMax) this.dateMax = max;
  }

  updateTimestamp(minMs: number, minNs: number, maxMs: number, maxNs: number): void {
    if (!this.tsSet || minMs < this.tsMinMs || (minMs === this.tsMinMs && minNs < this.tsMinNs)) {
      this.tsMinMs = minMs;
      this.tsMinNs = minNs;
    }
    if (!this.tsSet || maxMs > this.tsMaxMs || (maxMs === this.tsMaxMs && maxNs > this.tsMaxNs)) {
      this.tsMaxMs = maxMs;
      this.tsMaxNs = maxNs;
    }
    this.tsSet = true;
  }

  updateCollection(min: number, max: number, sum: number): void {
    if (this.count === 0 || min < this.childMin) this.childMin = min;
    if (this.count === 0 || max > this.childMax) this.childMax = max;
    this.childSum += sum;
  }

  merge(o: StatsAcc): void {
    if (o.count > 0) {
      switch (this.kind) {
        case 'int':
          this.updateInt(o.intMin!, o.intMax!, o.intSum);
          break;
        case 'double':
          this.updateDouble(o.dblMin, o.dblMax, o.dblSum);
          break;
        case 'string':
          this.updateString(o.strMin!, o.strMax!);
          this.bytesSum += o.bytesSum;
          break;
        case 'binary':
          this.bytesSum += o.bytesSum;
          break;
        case 'bool':
          this.trueCount += o.trueCount;
          break;
        case 'decimal':
          this.decMin = this.decMin === null || o.decMin! < this.decMin ? o.decMin : this.decMin;
          this.decMax = this.decMax === null || o.decMax! > this.decMax ? o.decMax : this.decMax;
          this.decSum = this.decSum === null || o.decSum === null ? null : this.decSum + o.decSum;
          break;
        case 'date':
          this.updateDate(o.dateMin!, o.dateMax!);
          break;
        case 'timestamp':
          this.updateTimestamp(o.tsMinMs, o.tsMinNs, o.tsMaxMs, o.tsMaxNs);
          break;
        case 'collection':
          this.updateCollection(o.childMin, o.childMax, o.childSum);
          break;
      }
    }
    this.count += o.count;
    this.hasNull ||= o.hasNull;
  }

  /** The ColumnStatistics message. */
  encode(): ProtoWriter {
    const m = new ProtoWriter();
    m.uint(1, this.count);
    const has = this.count > 0;
    switch (this.kind) {
      case 'int': {
        const s = new ProtoWriter();
        if (has) s.sint(1, this.intMin!).sint(2, this.intMax!);
        if (this.intSum !== null && this.intSum >= INT64_MIN && this.intSum <= INT64_MAX) s.sint(3, this.intSum);
        m.message(2, s);
        break;
      }
      case 'double': {
        const s = new ProtoWriter();
        if (has && this.dblMin !== null) s.double(1, this.dblMin).double(2, this.dblMax!);
        s.double(3, this.dblSum);
        m.message(3, s);
        break;
      }
      case 'string': {
        const s = new ProtoWriter();
        if (has) {
          const min = this.strMin!;
          const max = this.strMax!;
          if (min.length > MAX_STRING_STAT_BYTES) s.bytes(4, lowerBound(min));
          else s.bytes(1, min);
          if (max.length > MAX_STRING_STAT_BYTES) s.bytes(5, upperBound(max));
          else s.bytes(2, max);
          s.sint(3, this.bytesSum);
        }
        m.message(4, s);
        break;
      }
      case 'bool':
        m.message(5, new ProtoWriter().packed(1, [this.trueCount]));
        break;
      case 'decimal': {
        const s = new ProtoWriter();
        if (has) s.string(1, decimalString(this.decMin!, this.scale)).string(2, decimalString(this.decMax!, this.scale));
        if (this.decSum !== null && fitsDecimal38(this.decSum)) s.string(3, decimalString(this.decSum, this.scale));
        m.message(6, s);
        break;
      }
      case 'date': {
        const s = new ProtoWriter();
        if (has) s.sint(1, this.dateMin!).sint(2, this.dateMax!);
        m.message(7, s);
        break;
      }
      case 'binary':
        m.message(8, new ProtoWriter().sint(1, this.bytesSum));
        break;
      case 'timestamp': {
        const s = new ProtoWriter();
        if (has) {
          s.sint(3, this.tsMinMs).sint(4, this.tsMaxMs);
          // Stored plus one (0 means unset); Java leaves out the defaults 0 and 999999.
          if (this.tsMinNs !== 0) s.int32(5, this.tsMinNs + 1);
          if (this.tsMaxNs !== 999_999) s.int32(6, this.tsMaxNs + 1);
        }
        m.message(9, s);
        break;
      }
      case 'collection': {
        const s = new ProtoWriter();
        if (has) s.uint(1, this.childMin).uint(2, this.childMax);
        if (this.childSum !== 0) s.uint(3, this.childSum);
        m.message(12, s);
        break;
      }
    }
    m.bool(10, this.hasNull);
    return m;
  }
}

const DECIMAL_38 = 10n ** 38n;

function fitsDecimal38(v: bigint): boolean {
  return v < DECIMAL_38 && v > -DECIMAL_38;
}

/** An unscaled decimal as Hive prints it: trailing fractional zeros dropped (1.50 -> "1.5", 2.00 -> "2"). */
export function decimalString(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    const int = digits.slice(0, digits.length - scale);
    const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return neg && digits !== '0' ? `-${digits}` : digits;
}

/** Start of the last UTF-8 character that begins at or before `limit`. */
function charStart(b: Uint8Array, limit: number): number {
  let i = Math.min(limit, b.length);
  while (i > 0 && (b[i]! & 0xc0) === 0x80) i--;
  return i;
}

/** A prefix of at most 1024 bytes cut at a character boundary (<= the value). */
export function lowerBound(b: Uint8Array): Uint8Array {
  return b.subarray(0, charStart(b, MAX_STRING_STAT_BYTES));
}

/** A prefix of at most 1024 bytes with its last character incremented (> the value). */
export function upperBound(b: Uint8Array): Uint8Array {
  let end = charStart(b, MAX_STRING_STAT_BYTES);
  for (;;) {
    const last = charStart(b, end - 1);
    const cp = decodeCodePoint(b, last, end);
    let next = cp + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) {
      const tail = new TextEncoder().encode(String.fromCodePoint(next));
      const out = new Uint8Array(last + tail.length);
      out.set(b.subarray(0, last));
      out.set(tail, last);
      return out;
    }
    end = last; // U+10FFFF cannot grow: drop it and increment the one before
    if (end === 0) return b.subarray(0, 0);
  }
}

function decodeCodePoint(b: Uint8Array, start: number, end: number): number {
  const b0 = b[start]!;
  if (b0 < 0x80 || end - start < 2) return b0;
  let cp = b0 & (b0 >= 0xf0 ? 0x07 : b0 >= 0xe0 ? 0x0f : 0x1f);
  for (let i = start + 1; i < end; i++) cp = (cp << 6) | (b[i]! & 0x3f);
  return cp;
}
