/**
 * Column writers of the ORC writer: for one stripe, each gathers its slots
 * from Arrow data (skipping slots its parent does not have: rows of a null
 * struct, entries of a null list), encodes its streams, records where every
 * row group starts in them (row index positions) and computes row group
 * statistics. Values are read straight from the Arrow typed arrays.
 *
 * Nulls follow ORC: a PRESENT stream only when the stripe has a null in the
 * column, and the value streams hold the non-null values only.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../../errors.js';
import { ByteSink } from './byte-sink.js';
import { BytesDictionary } from './bytes-dictionary.js';
import {
  ENCODING_DICTIONARY_V2,
  ENCODING_DIRECT,
  ENCODING_DIRECT_V2,
  STREAM_DATA,
  STREAM_DICTIONARY_DATA,
  STREAM_LENGTH,
  STREAM_PRESENT,
  STREAM_SECONDARY,
} from './footer.js';
import { IntRleV2Encoder, Marks, encodeBooleans, encodeByteRle, type RleV2Counts } from './rle-writers.js';
import { StatsAcc, type StatsKind } from './stats-writer.js';
import { ORC_EPOCH_SECONDS } from './timezone.js';

/** Slots data[start, end) of one Arrow Data (logical indexes). */
export interface Segment {
  data: arrow.Data;
  start: number;
  end: number;
}

/** One encoded stream of a stripe, uncompressed, with its row group positions. */
export interface StreamResult {
  kind: number;
  raw: Uint8Array;
  marks: Marks | null;
}

export interface ColumnResult {
  column: number;
  encoding: number;
  dictionarySize: number;
  /** Streams in stripe order (by kind). */
  streams: StreamResult[];
  /** Streams whose positions make up a row index entry, in the order ORC readers seek them. */
  indexStreams: StreamResult[];
  /** Statistics per row group. */
  groupStats: StatsAcc[];
}

export interface StripeContext {
  /** Whether row groups are indexed (rowIndexStride > 0). */
  readonly indexed: boolean;
  readonly dictionaryKeySizeThreshold: number;
  /** Results by column id. */
  readonly results: ColumnResult[];
  /** Integer RLE v2 run kinds written (for tests and the report). */
  readonly rle: RleV2Counts;
}

// ---------------------------------------------------------------- gathering

type NumericArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

function nullBitmap(data: arrow.Data): Uint8Array | null {
  const bm = data.nullBitmap as Uint8Array | undefined;
  return bm && bm.length > 0 && data.nullCount > 0 ? bm : null;
}

/** PRESENT bits of the slots (null when none is null) and the non-null count. */
function gatherPresent(segs: readonly Segment[], n: number): { present: Uint8Array | null; nonNull: number } {
  let present: Uint8Array | null = null;
  let k = 0;
  let nonNull = 0;
  for (const { data, start, end } of segs) {
    const bm = nullBitmap(data);
    if (!bm) {
      if (present) present.fill(1, k, k + end - start);
      k += end - start;
      nonNull += end - start;
      continue;
    }
    present ??= new Uint8Array(n).fill(1, 0, k);
    const off = data.offset;
    for (let i = start; i < end; i++) {
      const j = off + i;
      const b = (bm[j >>> 3]! >>> (j & 7)) & 1;
      present[k++] = b;
      nonNull += b;
    }
  }
  return { present: nonNull === n ? null : present, nonNull };
}

/** Non-null slots before each slot bound. */
function valueBoundsOf(present: Uint8Array, slotBounds: Int32Array): Int32Array {
  const out = new Int32Array(slotBounds.length);
  let c = 0;
  let s = 0;
  for (let g = 0; g < slotBounds.length; g++) {
    const b = slotBounds[g]!;
    while (s < b) c += present[s++]!;
    out[g] = c;
  }
  return out;
}

/** The non-null values of numeric Arrow data, `stride` array elements per value. */
function gatherTyped<T extends NumericArray>(segs: readonly Segment[], count: number, out: T, stride = 1): T {
  let k = 0;
  for (const { data, start, end } of segs) {
    const vals = data.values as NumericArray;
    const bm = nullBitmap(data);
    if (!bm) {
      out.set(vals.subarray(start * stride, end * stride), k);
      k += (end - start) * stride;
      continue;
    }
    const off = data.offset;
    for (let i = start; i < end; i++) {
      const j = off + i;
      if ((bm[j >>> 3]! >>> (j & 7)) & 1) {
        if (stride === 1) out[k++] = vals[i]!;
        else for (let s = 0; s < stride; s++) out[k++] = vals[i * stride + s]!;
      }
    }
  }
  if (k !== count * stride) throw new Error(`internal: gathered ${k / stride} values, expected ${count}`);
  return out;
}

/** Non-null 64-bit values as little-endian 32-bit word pairs. */
function gatherWords(segs: readonly Segment[], count: number): Int32Array {
  let k = 0;
  const out = new Int32Array(2 * count);
  for (const { data, start, end } of segs) {
    const v = data.values as BigInt64Array;
    const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
    const bm = nullBitmap(data);
    if (!bm) {
      out.set(w.subarray(2 * start, 2 * end), 2 * k);
      k += end - start;
      continue;
    }
    const off = data.offset;
    for (let i = start; i < end; i++) {
      const j = off + i;
      if ((bm[j >>> 3]! >>> (j & 7)) & 1) {
        out[2 * k] = w[2 * i]!;
        out[2 * k + 1] = w[2 * i + 1]!;
        k++;
      }
    }
  }
  return out;
}

const EMPTY = new Uint8Array(0);

/** Non-null variable-width values: offsets (count + 1) into one byte buffer. */
function gatherBytes(segs: readonly Segment[], count: number): { offsets: Int32Array; bytes: Uint8Array } {
  let total = 0;
  for (const { data, start, end } of segs) {
    const vo = data.valueOffsets as Int32Array;
    const bm = nullBitmap(data);
    if (!bm) {
      total += vo[end]! - vo[start]!;
      continue;
    }
    const off = data.offset;
    for (let i = start; i < end; i++) {
      const j = off + i;
      if ((bm[j >>> 3]! >>> (j & 7)) & 1) total += vo[i + 1]! - vo[i]!;
    }
  }
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(count + 1);
  let k = 0;
  let p = 0;
  for (const { data, start, end } of segs) {
    const vo = data.valueOffsets as Int32Array;
    const vals = (data.values as Uint8Array | undefined) ?? EMPTY;
    const bm = nullBitmap(data);
    if (!bm) {
      const a = vo[start]!;
      const b = vo[end]!;
      bytes.set(vals.subarray(a, b), p);
      const shift = p - a;
      for (let i = start; i < end; i++) offsets[++k] = vo[i + 1]! + shift;
      p += b - a;
      continue;
    }
    const off = data.offset;
    for (let i = start; i < end; i++) {
      const j = off + i;
      if ((bm[j >>> 3]! >>> (j & 7)) & 1) {
        const a = vo[i]!;
        const b = vo[i + 1]!;
        if (b - a < 16) for (let q = a; q < b; q++) bytes[p++] = vals[q]!;
        else {
          bytes.set(vals.subarray(a, b), p);
          p += b - a;
        }
        offsets[++k] = p;
      }
    }
  }
  return { offsets, bytes };
}

/** Segments of the slots of a struct's child: the struct's non-null slots. */
function structChildSegments(segs: readonly Segment[], field: number): Segment[] {
  const out: Segment[] = [];
  for (const { data, start, end } of segs) {
    const child = data.children[field]!;
    const bm = nullBitmap(data);
    if (!bm) {
      if (end > start) out.push({ data: child, start, end });
      continue;
    }
    const off = data.offset;
    let runStart = -1;
    for (let i = start; i < end; i++) {
      const j = off + i;
      const valid = (bm[j >>> 3]! >>> (j & 7)) & 1;
      if (valid && runStart < 0) runStart = i;
      else if (!valid && runStart >= 0) {
        out.push({ data: child, start: runStart, end: i });
        runStart = -1;
      }
    }
    if (runStart >= 0) out.push({ data: child, start: runStart, end });
  }
  return out;
}

// ---------------------------------------------------------------- base class

const STATS_SCRATCH_LIMIT = 2 ** 53;

export abstract class ColumnWriter {
  readonly fileStats: StatsAcc;
  protected encoding = ENCODING_DIRECT_V2;

  constructor(
    /** Column id (pre-order index in the type list). */
    readonly id: number,
    /** Field path for error messages. */
    readonly label: string,
    readonly statsKind: StatsKind,
    readonly scale = 0,
  ) {
    this.fileStats = new StatsAcc(statsKind, scale);
  }

  /** Encodes the value streams of `count` non-null values (value bounds `vb` per row group) and recurses into children. */
  protected abstract writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void;

  /** Checks the Arrow data of a segment (once per distinct Data). */
  protected abstract check(data: arrow.Data): void;

  /** Writes `n` slots of this column for one stripe; slotBounds holds the first slot of each row group, then n. */
  write(segs: readonly Segment[], n: number, slotBounds: Int32Array, ctx: StripeContext): void {
    let last: arrow.Data | null = null;
    for (const s of segs) {
      if (s.data !== last) this.check(s.data);
      last = s.data;
    }
    const { present, nonNull } = gatherPresent(segs, n);
    const groups = slotBounds.length - 1;
    const vb = present ? valueBoundsOf(present, slotBounds) : slotBounds;
    const r: ColumnResult = { column: this.id, encoding: this.encoding, dictionarySize: 0, streams: [], indexStreams: [], groupStats: [] };
    ctx.results[this.id] = r;
    for (let g = 0; g < groups; g++) {
      const s = new StatsAcc(this.statsKind, this.scale);
      s.count = vb[g + 1]! - vb[g]!;
      s.hasNull = slotBounds[g + 1]! - slotBounds[g]! > s.count;
      r.groupStats.push(s);
    }
    if (present) {
      const out = new ByteSink((n >>> 3) + 16);
      const marks = ctx.indexed ? new Marks() : null;
      encodeBooleans(out, present, n, marks ? slotBounds.subarray(0, groups) : null, marks);
      const stream = { kind: STREAM_PRESENT, raw: out.view(), marks };
      r.streams.push(stream);
      r.indexStreams.push(stream);
    }
    this.writeValues(segs, nonNull, vb, r, r.groupStats, ctx);
    r.encoding = this.encoding;
    r.streams.sort((a, b) => a.kind - b.kind);
  }

  protected wrongType(data: arrow.Data, expected: string): PaimonError {
    return new PaimonError('INVALID_ARGUMENT', `ORC writer: column ${this.label} needs Arrow ${expected}, got ${data.type}`);
  }

  /** An integer RLE v2 stream of vals[0..count) with row group marks. */
  protected intStream(kind: number, vals: Float64Array, count: number, signed: boolean, vb: Int32Array, ctx: StripeContext, wide: Int32Array | null = null): StreamResult {
    const out = new ByteSink(count * 2 + 16);
    const enc = new IntRleV2Encoder(out, signed);
    const marks = ctx.indexed ? new Marks() : null;
    enc.encode(vals, count, wide, marks ? vb.subarray(0, vb.length - 1) : null, marks);
    ctx.rle.shortRepeat += enc.counts.shortRepeat;
    ctx.rle.direct += enc.counts.direct;
    ctx.rle.patchedBase += enc.counts.patchedBase;
    ctx.rle.delta += enc.counts.delta;
    return { kind, raw: out.view(), marks };
  }

  /** A stream of raw bytes; row groups start at byteAt(value index). */
  protected rawStream(kind: number, raw: Uint8Array, vb: Int32Array, ctx: StripeContext, byteAt: (valueIndex: number) => number): StreamResult {
    let marks: Marks | null = null;
    if (ctx.indexed) {
      marks = new Marks();
      for (let g = 0; g < vb.length - 1; g++) marks.add(byteAt(vb[g]!));
    }
    return { kind, raw, marks };
  }
}

/**
 * Integer statistics per row group over vals (integers below 2^51 in
 * magnitude; NaN marks a value read exactly through bigAt).
 */
function integerGroupStats(vals: Float64Array, vb: Int32Array, stats: StatsAcc[], bigAt: ((k: number) => bigint) | null, asDate = false): void {
  for (let g = 0; g < stats.length; g++) {
    const a = vb[g]!;
    const b = vb[g + 1]!;
    if (a === b) continue;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let wide = false;
    for (let k = a; k < b; k++) {
      const v = vals[k]!;
      if (v !== v) {
        wide = true;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const s = stats[g]!;
    if (asDate) {
      s.dateMin = min;
      s.dateMax = max;
      continue;
    }
    let bmin = min === Infinity ? null : BigInt(min);
    let bmax = max === -Infinity ? null : BigInt(max);
    let bsum: bigint;
    if (!wide && Math.max(-min, max) * (b - a) < STATS_SCRATCH_LIMIT) {
      bsum = BigInt(sum);
    } else {
      bsum = 0n;
      for (let k = a; k < b; k++) {
        const v = vals[k]!;
        if (v === v) {
          bsum += BigInt(v);
          continue;
        }
        const big = bigAt!(k);
        bsum += big;
        if (bmin === null || big < bmin) bmin = big;
        if (bmax === null || big > bmax) bmax = big;
      }
    }
    s.intMin = bmin;
    s.intMax = bmax;
    s.intSum = bsum;
  }
}

// ---------------------------------------------------------------- primitives

export class BooleanWriter extends ColumnWriter {
  constructor(id: number, label: string) {
    super(id, label, 'bool');
    this.encoding = ENCODING_DIRECT;
  }

  protected check(data: arrow.Data): void {
    if (!arrow.DataType.isBool(data.type)) throw this.wrongType(data, 'Bool');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const bits = new Uint8Array(count);
    let k = 0;
    for (const { data, start, end } of segs) {
      const vals = data.values as Uint8Array;
      const bm = nullBitmap(data);
      const off = data.offset;
      for (let i = start; i < end; i++) {
        const j = off + i;
        if (bm && !((bm[j >>> 3]! >>> (j & 7)) & 1)) continue;
        bits[k++] = (vals[j >>> 3]! >>> (j & 7)) & 1;
      }
    }
    for (let g = 0; g < stats.length; g++) {
      let t = 0;
      for (let q = vb[g]!; q < vb[g + 1]!; q++) t += bits[q]!;
      stats[g]!.trueCount = t;
    }
    const out = new ByteSink((count >>> 3) + 16);
    const marks = ctx.indexed ? new Marks() : null;
    encodeBooleans(out, bits, count, marks ? vb.subarray(0, vb.length - 1) : null, marks);
    const s = { kind: STREAM_DATA, raw: out.view(), marks };
    r.streams.push(s);
    r.indexStreams.push(s);
  }
}

export class ByteWriter extends ColumnWriter {
  constructor(id: number, label: string) {
    super(id, label, 'int');
    this.encoding = ENCODING_DIRECT;
  }

  protected check(data: arrow.Data): void {
    if (!(data.values instanceof Int8Array)) throw this.wrongType(data, 'Int8');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const vals = gatherTyped(segs, count, new Int8Array(count));
    integerGroupStats(Float64Array.from(vals), vb, stats, null);
    const bytes = new Uint8Array(vals.buffer, vals.byteOffset, count);
    const out = new ByteSink(count + 16);
    const marks = ctx.indexed ? new Marks() : null;
    encodeByteRle(out, bytes, count, marks ? vb.subarray(0, vb.length - 1) : null, marks);
    const s = { kind: STREAM_DATA, raw: out.view(), marks };
    r.streams.push(s);
    r.indexStreams.push(s);
  }
}

/** SHORT, INT (also Paimon TIME, milliseconds of the day) and DATE (days since the epoch). */
export class IntWriter extends ColumnWriter {
  constructor(
    id: number,
    label: string,
    private readonly isDate: boolean,
  ) {
    super(id, label, isDate ? 'date' : 'int');
  }

  protected check(data: arrow.Data): void {
    const v = data.values;
    if (!(v instanceof Int32Array || v instanceof Int16Array || v instanceof Int8Array)) {
      throw this.wrongType(data, this.isDate ? 'DateDay' : 'Int16/Int32 or TimeMillisecond');
    }
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const vals = gatherTyped(segs, count, new Float64Array(count));
    integerGroupStats(vals, vb, stats, null, this.isDate);
    const s = this.intStream(STREAM_DATA, vals, count, true, vb, ctx);
    r.streams.push(s);
    r.indexStreams.push(s);
  }
}

const TWO32 = 4294967296;
/**
 * Values with |v| < 2^51 take the number path of the encoders (so differences
 * and their zigzag stay below 2^53); others go through their exact 64 bits.
 */
const SAFE_HI = 1 << 19;

function wordsToBigint(words: Int32Array, k: number): bigint {
  return (BigInt(words[2 * k + 1]!) << 32n) | BigInt(words[2 * k]! >>> 0);
}

export class LongWriter extends ColumnWriter {
  constructor(id: number, label: string) {
    super(id, label, 'int');
  }

  protected check(data: arrow.Data): void {
    if (!(data.values instanceof BigInt64Array)) throw this.wrongType(data, 'Int64');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const words = gatherWords(segs, count);
    const vals = new Float64Array(count);
    let wide = false;
    for (let k = 0; k < count; k++) {
      const hi = words[2 * k + 1]!;
      if (hi >= -SAFE_HI && hi < SAFE_HI) vals[k] = hi * TWO32 + (words[2 * k]! >>> 0);
      else {
        vals[k] = NaN;
        wide = true;
      }
    }
    integerGroupStats(vals, vb, stats, (k) => wordsToBigint(words, k));
    const s = this.intStream(STREAM_DATA, vals, count, true, vb, ctx, wide ? words : null);
    r.streams.push(s);
    r.indexStreams.push(s);
  }
}

/** FLOAT and DOUBLE: IEEE 754 little-endian values. */
export class FloatingWriter extends ColumnWriter {
  constructor(
    id: number,
    label: string,
    private readonly double: boolean,
  ) {
    super(id, label, 'double');
    this.encoding = ENCODING_DIRECT;
  }

  protected check(data: arrow.Data): void {
    const ok = this.double ? data.values instanceof Float64Array : data.values instanceof Float32Array;
    if (!ok) throw this.wrongType(data, this.double ? 'Float64' : 'Float32');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const vals = this.double ? gatherTyped(segs, count, new Float64Array(count)) : gatherTyped(segs, count, new Float32Array(count));
    for (let g = 0; g < stats.length; g++) {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let any = false;
      for (let k = vb[g]!; k < vb[g + 1]!; k++) {
        const v = vals[k]!;
        sum += v;
        if (v !== v) continue;
        any = true;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const s = stats[g]!;
      s.dblMin = any ? min : null;
      s.dblMax = any ? max : null;
      s.dblSum = sum;
    }
    const size = this.double ? 8 : 4;
    const s = this.rawStream(STREAM_DATA, new Uint8Array(vals.buffer, vals.byteOffset, count * size), vb, ctx, (k) => k * size);
    r.streams.push(s);
    r.indexStreams.push(s);
  }
}

// ---------------------------------------------------------------- strings and binary

/** UTF-8 characters in b[start, end). */
function charCount(b: Uint8Array, start: number, end: number): number {
  let c = 0;
  for (let i = start; i < end; i++) if ((b[i]! & 0xc0) !== 0x80) c++;
  return c;
}

/** Byte length of the first `chars` characters of b[start, end). */
function prefixBytes(b: Uint8Array, start: number, end: number, chars: number): number {
  let c = 0;
  for (let i = start; i < end; i++) {
    if ((b[i]! & 0xc0) !== 0x80) {
      if (c === chars) return i - start;
      c++;
    }
  }
  return end - start;
}

/** CHAR(n): padded with spaces or cut to n characters; VARCHAR(n): cut to n characters (as Java ORC writes them). */
function fitLength(offsets: Int32Array, bytes: Uint8Array, count: number, n: number, pad: boolean): { offsets: Int32Array; bytes: Uint8Array } {
  let changed = false;
  for (let k = 0; k < count && !changed; k++) {
    const c = charCount(bytes, offsets[k]!, offsets[k + 1]!);
    changed = c > n || (pad && c < n);
  }
  if (!changed) return { offsets, bytes };
  const out = new ByteSink(bytes.length + (pad ? count * n : 0) + 16);
  const newOffsets = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) {
    const a = offsets[k]!;
    const b = offsets[k + 1]!;
    const c = charCount(bytes, a, b);
    if (c > n) out.bytes(bytes.subarray(a, a + prefixBytes(bytes, a, b, n)));
    else {
      out.bytes(bytes.subarray(a, b));
      if (pad) for (let q = c; q < n; q++) out.byte(0x20);
    }
    newOffsets[k + 1] = out.pos;
  }
  return { offsets: newOffsets, bytes: out.view() };
}

function compareRanges(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0);
  for (let i = 0; i < n; i++) {
    const d = bytes[a0 + i]! - bytes[b0 + i]!;
    if (d !== 0) return d;
  }
  return a1 - a0 - (b1 - b0);
}

export type BytesKind = 'STRING' | 'VARCHAR' | 'CHAR' | 'BINARY';

/** STRING, VARCHAR, CHAR (DIRECT_V2 or DICTIONARY_V2) and BINARY (DIRECT_V2). */
export class BytesWriter extends ColumnWriter {
  /** Encoding chosen in the last stripe (tests look at it). */
  lastEncoding = '';

  constructor(
    id: number,
    label: string,
    private readonly kind: BytesKind,
    private readonly maxLength: number,
  ) {
    super(id, label, kind === 'BINARY' ? 'binary' : 'string');
  }

  protected check(data: arrow.Data): void {
    const t = data.type;
    const ok = this.kind === 'BINARY' ? arrow.DataType.isBinary(t) : arrow.DataType.isUtf8(t);
    if (!ok || !(data.valueOffsets instanceof Int32Array)) throw this.wrongType(data, this.kind === 'BINARY' ? 'Binary' : 'Utf8');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    let { offsets, bytes } = gatherBytes(segs, count);
    if (this.kind === 'CHAR' || (this.kind === 'VARCHAR' && this.maxLength > 0)) {
      ({ offsets, bytes } = fitLength(offsets, bytes, count, this.maxLength, this.kind === 'CHAR'));
    }
    for (let g = 0; g < stats.length; g++) stats[g]!.bytesSum = offsets[vb[g + 1]!]! - offsets[vb[g]!]!;
    if (this.kind !== 'BINARY') {
      const threshold = ctx.dictionaryKeySizeThreshold;
      if (threshold > 0 && this.writeDictionary(offsets, bytes, count, vb, r, stats, ctx, threshold)) return;
      this.directStats(offsets, bytes, vb, stats);
    }
    this.lastEncoding = 'DIRECT_V2';
    const data = this.rawStream(STREAM_DATA, bytes, vb, ctx, (k) => offsets[k]!);
    const lengths = new Float64Array(count);
    for (let k = 0; k < count; k++) lengths[k] = offsets[k + 1]! - offsets[k]!;
    const length = this.intStream(STREAM_LENGTH, lengths, count, false, vb, ctx);
    r.streams.push(data, length);
    r.indexStreams.push(data, length);
    this.encoding = ENCODING_DIRECT_V2;
  }

  private directStats(offsets: Int32Array, bytes: Uint8Array, vb: Int32Array, stats: StatsAcc[]): void {
    for (let g = 0; g < stats.length; g++) {
      const a = vb[g]!;
      const b = vb[g + 1]!;
      if (a === b) continue;
      let minK = a;
      let maxK = a;
      for (let k = a + 1; k < b; k++) {
        const s = offsets[k]!;
        const e = offsets[k + 1]!;
        // First bytes decide most comparisons.
        const first = s < e ? bytes[s]! : -1;
        const minFirst = offsets[minK]! < offsets[minK + 1]! ? bytes[offsets[minK]!]! : -1;
        if (first < minFirst || (first === minFirst && compareRanges(bytes, s, e, offsets[minK]!, offsets[minK + 1]!) < 0)) {
          minK = k;
          continue;
        }
        const maxFirst = offsets[maxK]! < offsets[maxK + 1]! ? bytes[offsets[maxK]!]! : -1;
        if (first > maxFirst || (first === maxFirst && compareRanges(bytes, s, e, offsets[maxK]!, offsets[maxK + 1]!) > 0)) maxK = k;
      }
      stats[g]!.strMin = bytes.subarray(offsets[minK]!, offsets[minK + 1]!);
      stats[g]!.strMax = bytes.subarray(offsets[maxK]!, offsets[maxK + 1]!);
    }
  }

  /**
   * DICTIONARY_V2 when the first row group (or the stripe, without row
   * groups) has few enough distinct values: distinct / values <= threshold,
   * compared as Java does (a float ratio). Returns false for direct.
   */
  private writeDictionary(
    offsets: Int32Array,
    bytes: Uint8Array,
    count: number,
    vb: Int32Array,
    r: ColumnResult,
    stats: StatsAcc[],
    ctx: StripeContext,
    threshold: number,
  ): boolean {
    const firstGroup = ctx.indexed ? vb[1]! - vb[0]! : count;
    const dict = new BytesDictionary(bytes, Math.min(count, 1 << 16));
    const ids = new Int32Array(count);
    for (let k = 0; k < firstGroup; k++) ids[k] = dict.add(offsets[k]!, offsets[k + 1]! - offsets[k]!);
    const ratio = firstGroup > 0 ? Math.fround(dict.size / firstGroup) : 0;
    if (ratio > threshold) return false;
    for (let k = firstGroup; k < count; k++) ids[k] = dict.add(offsets[k]!, offsets[k + 1]! - offsets[k]!);
    const size = dict.size;
    const order = dict.sortedOrder();
    const rank = new Int32Array(size);
    for (let q = 0; q < size; q++) rank[order[q]!] = q;
    const data = new Float64Array(count);
    for (let k = 0; k < count; k++) data[k] = rank[ids[k]!]!;
    for (let g = 0; g < stats.length; g++) {
      const a = vb[g]!;
      const b = vb[g + 1]!;
      if (a === b) continue;
      let lo = size;
      let hi = -1;
      for (let k = a; k < b; k++) {
        const q = data[k]!;
        if (q < lo) lo = q;
        if (q > hi) hi = q;
      }
      const e0 = order[lo]!;
      const e1 = order[hi]!;
      stats[g]!.strMin = bytes.subarray(dict.starts[e0]!, dict.starts[e0]! + dict.lengths[e0]!);
      stats[g]!.strMax = bytes.subarray(dict.starts[e1]!, dict.starts[e1]! + dict.lengths[e1]!);
    }
    const lengths = new Float64Array(size);
    let total = 0;
    for (let q = 0; q < size; q++) total += lengths[q] = dict.lengths[order[q]!]!;
    const blob = new Uint8Array(total);
    for (let q = 0, p = 0; q < size; q++) {
      const e = order[q]!;
      const s = dict.starts[e]!;
      const len = dict.lengths[e]!;
      blob.set(bytes.subarray(s, s + len), p);
      p += len;
    }
    const idStream = this.intStream(STREAM_DATA, data, count, false, vb, ctx);
    const noMarks = { indexed: false, dictionaryKeySizeThreshold: threshold, results: ctx.results, rle: ctx.rle };
    const lengthStream = this.intStream(STREAM_LENGTH, lengths, size, false, vb, noMarks);
    r.streams.push(idStream, lengthStream, { kind: STREAM_DICTIONARY_DATA, raw: blob, marks: null });
    r.indexStreams.push(idStream);
    r.dictionarySize = size;
    this.encoding = ENCODING_DICTIONARY_V2;
    this.lastEncoding = 'DICTIONARY_V2';
    return true;
  }
}

// ---------------------------------------------------------------- decimal

/** DECIMAL: unscaled values as zigzag varints in DATA, the scale of each in SECONDARY. */
export class DecimalWriter extends ColumnWriter {
  constructor(
    id: number,
    label: string,
    private readonly precision: number,
    scale: number,
  ) {
    super(id, label, 'decimal', scale);
  }

  protected check(data: arrow.Data): void {
    const t = data.type;
    if (!arrow.DataType.isDecimal(t) || t.bitWidth !== 128) throw this.wrongType(data, `Decimal128(${this.precision}, ${this.scale})`);
    if (t.scale !== this.scale) {
      throw new PaimonError('INVALID_ARGUMENT', `ORC writer: column ${this.label} is DECIMAL(${this.precision}, ${this.scale}) but its Arrow data has scale ${t.scale}`);
    }
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const words = gatherTyped(segs, count, new Uint32Array(4 * count), 4);
    const small = new Float64Array(count);
    const bigs = new Map<number, bigint>();
    const out = new ByteSink(count * 3 + 16);
    const marks = ctx.indexed ? new Marks() : null;
    const groups = vb.length - 1;
    let g = 0;
    for (let k = 0; k < count; k++) {
      // Row groups starting at this value start at its varint.
      for (; marks && g < groups && vb[g] === k; g++) marks.add(out.pos);
      const w0 = words[4 * k]!;
      const w1 = words[4 * k + 1]!;
      const w2 = words[4 * k + 2]!;
      const w3 = words[4 * k + 3]!;
      let v: number;
      if (w2 === 0 && w3 === 0 && w1 < SAFE_HI) v = w1 * TWO32 + w0;
      else if (w2 === 0xffffffff && w3 === 0xffffffff && w1 >= 0xfff80000) v = (w1 | 0) * TWO32 + w0;
      else {
        const big = BigInt.asIntN(128, (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(w0));
        bigs.set(k, big);
        small[k] = NaN;
        out.uvarintBig(big < 0n ? -2n * big - 1n : 2n * big);
        continue;
      }
      small[k] = v;
      out.svarint(v);
    }
    for (; marks && g < groups; g++) marks.add(out.pos);
    integerGroupStats(small, vb, stats, (k) => bigs.get(k)!);
    for (const s of stats) {
      s.decMin = s.intMin;
      s.decMax = s.intMax;
      s.decSum = s.count > 0 ? s.intSum : 0n;
    }
    const data: StreamResult = { kind: STREAM_DATA, raw: out.view(), marks };
    const scales = new Float64Array(count).fill(this.scale);
    const secondary = this.intStream(STREAM_SECONDARY, scales, count, true, vb, ctx);
    r.streams.push(data, secondary);
    r.indexStreams.push(data, secondary);
  }
}

// ---------------------------------------------------------------- timestamp

const UNITS_PER_SECOND = [1, 1e3, 1e6, 1e9];
const TWO20 = 1048576;

/** Java ORC's nanosecond encoding: trailing decimal zeros removed, their count (minus one) in the low 3 bits. */
export function formatNanos(nanos: number): number {
  if (nanos === 0) return 0;
  if (nanos % 100 !== 0) return nanos * 8;
  nanos /= 100;
  let zeros = 1;
  while (nanos % 10 === 0 && zeros < 7) {
    nanos /= 10;
    zeros++;
  }
  return nanos * 8 + zeros;
}

/**
 * TIMESTAMP (wall clock, stored as if in UTC: the stripe footers say
 * writerTimezone "UTC") and TIMESTAMP_INSTANT: seconds since 2015-01-01 in
 * DATA, nanoseconds in SECONDARY. Seconds are rounded like Java ORC's writer
 * does (towards zero for negative milliseconds), which its reader undoes.
 */
export class TimestampWriter extends ColumnWriter {
  constructor(id: number, label: string) {
    super(id, label, 'timestamp');
  }

  protected check(data: arrow.Data): void {
    if (!arrow.DataType.isTimestamp(data.type) || !(data.values instanceof BigInt64Array)) throw this.wrongType(data, 'Timestamp');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const secs = new Float64Array(count);
    const nanos = new Float64Array(count);
    const millis = new Float64Array(count);
    const subMs = new Int32Array(count);
    let k = 0;
    // Segments may differ in unit only if the caller mixes batches; convert each on its own.
    for (const seg of segs) {
      const words = gatherWords([seg], nonNullIn(seg));
      const u = UNITS_PER_SECOND[(seg.data.type as arrow.Timestamp).unit]!;
      const nsPer = 1e9 / u;
      const m = words.length >>> 1;
      for (let q = 0; q < m; q++, k++) {
        const lo = words[2 * q]! >>> 0;
        const hi = words[2 * q + 1]!;
        const approx = hi * TWO32 + lo;
        let s: number;
        let rem: number;
        if (approx > -9007199254740991 && approx < 9007199254740991) {
          s = Math.floor(approx / u);
          rem = approx - s * u;
        } else {
          // Exact floor division of the 64-bit value, in parts that stay below 2^53.
          s = Math.floor(approx / u);
          const s1 = Math.floor(s / TWO20);
          const s0 = s - s1 * TWO20;
          rem = (hi * 4096 - s1 * u) * TWO20 + (lo - s0 * u);
          while (rem < 0) {
            rem += u;
            s--;
          }
          while (rem >= u) {
            rem -= u;
            s++;
          }
        }
        const ns = rem * nsPer;
        secs[k] = s + (s < 0 && ns >= 1_000_000 ? 1 : 0) - ORC_EPOCH_SECONDS;
        nanos[k] = formatNanos(ns);
        const ms = Math.floor(ns / 1_000_000);
        millis[k] = s * 1000 + ms;
        subMs[k] = ns - ms * 1_000_000;
      }
    }
    for (let g = 0; g < stats.length; g++) {
      const a = vb[g]!;
      const b = vb[g + 1]!;
      if (a === b) continue;
      let minK = a;
      let maxK = a;
      for (let q = a + 1; q < b; q++) {
        const m = millis[q]!;
        if (m < millis[minK]! || (m === millis[minK]! && subMs[q]! < subMs[minK]!)) minK = q;
        if (m > millis[maxK]! || (m === millis[maxK]! && subMs[q]! > subMs[maxK]!)) maxK = q;
      }
      const s = stats[g]!;
      s.updateTimestamp(millis[minK]!, subMs[minK]!, millis[maxK]!, subMs[maxK]!);
    }
    const data = this.intStream(STREAM_DATA, secs, count, true, vb, ctx);
    const secondary = this.intStream(STREAM_SECONDARY, nanos, count, false, vb, ctx);
    r.streams.push(data, secondary);
    r.indexStreams.push(data, secondary);
  }
}

function nonNullIn(seg: Segment): number {
  const bm = nullBitmap(seg.data);
  if (!bm) return seg.end - seg.start;
  let c = 0;
  const off = seg.data.offset;
  for (let i = seg.start; i < seg.end; i++) {
    const j = off + i;
    c += (bm[j >>> 3]! >>> (j & 7)) & 1;
  }
  return c;
}

// ---------------------------------------------------------------- nested

export class StructWriter extends ColumnWriter {
  constructor(
    id: number,
    label: string,
    readonly children: ColumnWriter[],
  ) {
    super(id, label, 'plain');
    this.encoding = ENCODING_DIRECT;
  }

  protected check(data: arrow.Data): void {
    if (!arrow.DataType.isStruct(data.type) || data.children.length !== this.children.length) {
      throw this.wrongType(data, `Struct with ${this.children.length} fields`);
    }
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, _r: ColumnResult, _stats: StatsAcc[], ctx: StripeContext): void {
    this.children.forEach((c, f) => c.write(structChildSegments(segs, f), count, vb, ctx));
  }
}

/** LIST and MAP: a LENGTH per non-null slot, then the child columns' entries back to back. */
export class ListWriter extends ColumnWriter {
  constructor(
    id: number,
    label: string,
    /** The element, or the key and the value of a map. */
    readonly children: ColumnWriter[],
  ) {
    super(id, label, 'collection');
  }

  private get isMap(): boolean {
    return this.children.length === 2;
  }

  protected check(data: arrow.Data): void {
    const ok = this.isMap ? arrow.DataType.isMap(data.type) : arrow.DataType.isList(data.type);
    if (!ok || !(data.valueOffsets instanceof Int32Array)) throw this.wrongType(data, this.isMap ? 'Map' : 'List');
  }

  protected writeValues(segs: readonly Segment[], count: number, vb: Int32Array, r: ColumnResult, stats: StatsAcc[], ctx: StripeContext): void {
    const lengths = new Float64Array(count);
    const childSegs: Segment[][] = this.children.map(() => []);
    let k = 0;
    for (const { data, start, end } of segs) {
      const vo = data.valueOffsets as Int32Array;
      const bm = nullBitmap(data);
      const off = data.offset;
      const entries = data.children[0]!;
      const targets = this.isMap ? [entries.children[0]!, entries.children[1]!] : [entries];
      for (let i = start; i < end; i++) {
        const j = off + i;
        if (bm && !((bm[j >>> 3]! >>> (j & 7)) & 1)) continue;
        const a = vo[i]!;
        const b = vo[i + 1]!;
        lengths[k++] = b - a;
        if (b === a) continue;
        for (let c = 0; c < targets.length; c++) {
          const list = childSegs[c]!;
          const lastSeg = list[list.length - 1];
          if (lastSeg && lastSeg.data === targets[c] && lastSeg.end === a) lastSeg.end = b;
          else list.push({ data: targets[c]!, start: a, end: b });
        }
      }
    }
    const childBounds = new Int32Array(vb.length);
    let acc = 0;
    let q = 0;
    for (let g = 0; g < vb.length; g++) {
      const bound = vb[g]!;
      const from = q;
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      while (q < bound) {
        const len = lengths[q++]!;
        sum += len;
        if (len < min) min = len;
        if (len > max) max = len;
      }
      if (g > 0 && q > from) {
        const s = stats[g - 1]!;
        s.childMin = min;
        s.childMax = max;
        s.childSum = sum;
      }
      acc += sum;
      childBounds[g] = acc;
    }
    const s = this.intStream(STREAM_LENGTH, lengths, count, false, vb, ctx);
    r.streams.push(s);
    r.indexStreams.push(s);
    const total = childBounds[childBounds.length - 1]!;
    this.children.forEach((c, i) => c.write(childSegs[i]!, total, childBounds, ctx));
  }
}
