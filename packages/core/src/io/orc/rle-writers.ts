/**
 * Run-length encoders of the ORC writer: byte RLE, boolean RLE (bits on top
 * of byte RLE) and integer RLE version 2 (SHORT_REPEAT, DIRECT, PATCHED_BASE
 * and DELTA, chosen with the heuristics of Java ORC's RunLengthIntegerWriterV2).
 *
 * Every encoder can record "marks": for sorted value indexes (row group
 * starts) it records where the run holding that value starts in the
 * uncompressed stream and how many values of the run come before it, which is
 * what a row index position is made of.
 */
import { ByteSink } from './byte-sink.js';
import { closestFixedBits } from './int-rle-v2.js';

/** Positions recorded for marks, in mark order: an uncompressed byte offset and the RLE numbers after it. */
export class Marks {
  readonly offsets: number[] = [];
  readonly extra: number[][] = [];

  add(offset: number, ...extra: number[]): void {
    this.offsets.push(offset);
    this.extra.push(extra);
  }
}

// ---------------------------------------------------------------- byte RLE

/**
 * Byte RLE: runs of 3..130 equal bytes (control 0..127, then the byte) and
 * literal groups of 1..128 bytes (control -1..-128, then the bytes).
 */
export function encodeByteRle(out: ByteSink, bytes: Uint8Array, n: number, marks: ArrayLike<number> | null, rec: Marks | null, bitMarks?: ArrayLike<number>): void {
  out.ensure(n + Math.ceil(n / 128) + 2);
  const buf = out.buf;
  let p = out.pos;
  const base = p;
  let mk = 0;
  const nm = marks ? marks.length : 0;
  let i = 0;
  while (i < n) {
    const v = bytes[i]!;
    const lim = Math.min(n, i + 130);
    let r = 1;
    while (i + r < lim && bytes[i + r] === v) r++;
    if (r >= 3) {
      while (mk < nm && marks![mk]! < i + r) {
        rec!.add(p - base, marks![mk]! - i, ...(bitMarks ? [bitMarks[mk]!] : []));
        mk++;
      }
      buf[p++] = r - 3;
      buf[p++] = v;
      i += r;
      continue;
    }
    let j = i + 1;
    const litLim = Math.min(n, i + 128);
    while (j < litLim) {
      if (j + 2 < n && bytes[j] === bytes[j + 1] && bytes[j] === bytes[j + 2]) break;
      j++;
    }
    while (mk < nm && marks![mk]! < j) {
      rec!.add(p - base, marks![mk]! - i, ...(bitMarks ? [bitMarks[mk]!] : []));
      mk++;
    }
    buf[p++] = (256 - (j - i)) & 0xff;
    for (let k = i; k < j; k++) buf[p++] = bytes[k]!;
    i = j;
  }
  while (mk < nm) {
    rec!.add(p - base, 0, ...(bitMarks ? [bitMarks[mk]!] : []));
    mk++;
  }
  out.pos = p;
}

/**
 * Boolean RLE: 0/1 bytes packed 8 to a byte, most significant bit first, then
 * byte RLE. A mark's position is the byte RLE position of its byte plus the
 * bits of that byte to skip.
 */
export function encodeBooleans(out: ByteSink, bits: Uint8Array, n: number, marks: ArrayLike<number> | null, rec: Marks | null): void {
  const nb = (n + 7) >>> 3;
  const packed = new Uint8Array(nb);
  const full = n >>> 3;
  for (let b = 0, i = 0; b < full; b++, i += 8) {
    packed[b] =
      (bits[i]! << 7) |
      (bits[i + 1]! << 6) |
      (bits[i + 2]! << 5) |
      (bits[i + 3]! << 4) |
      (bits[i + 4]! << 3) |
      (bits[i + 5]! << 2) |
      (bits[i + 6]! << 1) |
      bits[i + 7]!;
  }
  for (let i = full << 3; i < n; i++) packed[i >>> 3]! |= bits[i]! << (7 - (i & 7));
  if (!marks || marks.length === 0) {
    encodeByteRle(out, packed, nb, null, null);
    return;
  }
  const byteMarks = new Int32Array(marks.length);
  const bitOffsets = new Int32Array(marks.length);
  for (let k = 0; k < marks.length; k++) {
    byteMarks[k] = marks[k]! >>> 3;
    bitOffsets[k] = marks[k]! & 7;
  }
  encodeByteRle(out, packed, nb, byteMarks, rec, bitOffsets);
}

// ---------------------------------------------------------------- bit widths

/** Byte-friendly widths (Java's default SPEED encoding strategy aligns DIRECT and DELTA to these). */
export function closestAlignedFixedBits(n: number): number {
  if (n <= 1) return 1;
  if (n <= 2) return 2;
  if (n <= 4) return 4;
  if (n <= 8) return 8;
  if (n <= 16) return 16;
  if (n <= 24) return 24;
  if (n <= 32) return 32;
  if (n <= 40) return 40;
  if (n <= 48) return 48;
  if (n <= 56) return 56;
  return 64;
}

/** The 5-bit code of a width (rounded up to a storable width first). */
export function encodeBitWidth(n: number): number {
  n = closestFixedBits(n);
  if (n <= 24) return n - 1;
  switch (n) {
    case 26:
      return 24;
    case 28:
      return 25;
    case 30:
      return 26;
    case 32:
      return 27;
    case 40:
      return 28;
    case 48:
      return 29;
    case 56:
      return 30;
    default:
      return 31;
  }
}

/** encodeBitWidth of each count of significant bits (0..64). */
const CODE_OF_BITS = Uint8Array.from({ length: 65 }, (_, bits) => encodeBitWidth(bits));

const WIDTH_OF_CODE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 28, 30, 32, 40, 48, 56, 64];

const TWO24 = 16777216;
const TWO32 = 4294967296;

/** Significant bits of a non-negative integer below 2^53. */
export function numBits(v: number): number {
  if (v < TWO32) return 32 - Math.clz32(v);
  return 64 - Math.clz32(Math.floor(v / TWO32));
}

// ---------------------------------------------------------------- bit packing

/** Big-endian bit packing into a sink; values are non-negative numbers below 2^53. */
class BitPacker {
  private acc = 0;
  private nb = 0;

  constructor(private readonly out: ByteSink) {}

  /** Appends the low `w` (<= 24) bits of x. */
  put24(x: number, w: number): void {
    let acc = (this.acc << w) | x;
    let nb = this.nb + w;
    const out = this.out;
    while (nb >= 8) {
      nb -= 8;
      out.buf[out.pos++] = (acc >>> nb) & 0xff;
    }
    this.acc = acc & ((1 << nb) - 1);
    this.nb = nb;
  }

  /** Appends x in w bits (1..64; x < 2^53). */
  put(x: number, w: number): void {
    if (w <= 24) {
      this.put24(x, w);
    } else if (w <= 48) {
      const hi = Math.floor(x / TWO24);
      this.put24(hi, w - 24);
      this.put24(x - hi * TWO24, 24);
    } else {
      const top = Math.floor(x / 281474976710656); // 2^48
      const rest = x - top * 281474976710656;
      const mid = Math.floor(rest / TWO24);
      this.put24(top, w - 48);
      this.put24(mid, 24);
      this.put24(rest - mid * TWO24, 24);
    }
  }

  /** Appends a 64-bit value given as two 32-bit words in w bits (1..64). */
  putWords(lo: number, hi: number, w: number): void {
    if (w > 32) {
      this.putBits32(hi >>> 0, w - 32);
      this.putBits32(lo >>> 0, 32);
    } else {
      this.putBits32(lo >>> 0, w);
    }
  }

  private putBits32(x: number, w: number): void {
    if (w <= 24) this.put24(x & (w === 32 ? -1 : (1 << w) - 1) & 0xffffff, w);
    else {
      this.put24(Math.floor(x / TWO24) & ((1 << (w - 24)) - 1), w - 24);
      this.put24(x & 0xffffff, 24);
    }
  }

  /** Pads the last byte with zeros. */
  flush(): void {
    if (this.nb > 0) {
      const out = this.out;
      out.buf[out.pos++] = (this.acc << (8 - this.nb)) & 0xff;
      this.acc = 0;
      this.nb = 0;
    }
  }
}

/** Packs vals[start..start+count) in w bits each (callers ensured the room). */
function packNumbers(out: ByteSink, vals: Float64Array, start: number, count: number, w: number): void {
  out.ensure(Math.ceil((count * w) / 8) + 8);
  const buf = out.buf;
  let p = out.pos;
  const end = start + count;
  switch (w) {
    case 8:
      for (let i = start; i < end; i++) buf[p++] = vals[i]!;
      out.pos = p;
      return;
    case 16:
      for (let i = start; i < end; i++) {
        const v = vals[i]!;
        buf[p++] = v >>> 8;
        buf[p++] = v & 0xff;
      }
      out.pos = p;
      return;
    case 24:
      for (let i = start; i < end; i++) {
        const v = vals[i]!;
        buf[p++] = v >>> 16;
        buf[p++] = (v >>> 8) & 0xff;
        buf[p++] = v & 0xff;
      }
      out.pos = p;
      return;
    case 32:
      for (let i = start; i < end; i++) {
        const v = vals[i]!;
        buf[p++] = v >>> 24;
        buf[p++] = (v >>> 16) & 0xff;
        buf[p++] = (v >>> 8) & 0xff;
        buf[p++] = v & 0xff;
      }
      out.pos = p;
      return;
  }
  const packer = new BitPacker(out);
  for (let i = start; i < end; i++) packer.put(vals[i]!, w);
  packer.flush();
}

// ---------------------------------------------------------------- integer RLE v2

const MAX_SCOPE = 512;
const MIN_REPEAT = 3;
const MAX_SHORT_REPEAT = 10;
const BASE_VALUE_LIMIT = 2 ** 56;

const OP_SHORT_REPEAT = 0;
const OP_DIRECT = 1 << 6;
const OP_PATCHED_BASE = 2 << 6;
const OP_DELTA = 3 << 6;

/** Which encodings one encoder instance wrote (tests and the report use it). */
export interface RleV2Counts {
  shortRepeat: number;
  direct: number;
  patchedBase: number;
  delta: number;
}

/**
 * Integer RLE v2 encoder. Values come as a Float64Array of integers with
 * |v| < 2^51 (so deltas and zigzag values stay exact); a NaN stands for a
 * value outside that range, whose exact 64 bits
 * are then read from `wide` (little-endian 32-bit word pairs, one per value)
 * and written in a DIRECT run.
 */
export class IntRleV2Encoder {
  private readonly zz = new Float64Array(MAX_SCOPE);
  private readonly br = new Float64Array(MAX_SCOPE);
  private readonly deltas = new Float64Array(MAX_SCOPE);
  private readonly hist = new Int32Array(32);
  readonly counts: RleV2Counts = { shortRepeat: 0, direct: 0, patchedBase: 0, delta: 0 };

  constructor(
    private readonly out: ByteSink,
    private readonly signed: boolean,
  ) {}

  /**
   * Encodes vals[0..n). `marks` (sorted value indexes, may equal n) get their
   * positions recorded in `rec` as [byte offset of the run, values before it in the run].
   */
  encode(vals: Float64Array, n: number, wide: Int32Array | null = null, marks: ArrayLike<number> | null = null, rec: Marks | null = null): void {
    const out = this.out;
    const base = out.pos;
    let mk = 0;
    const nm = marks ? marks.length : 0;
    let i = 0;
    while (i < n) {
      const v = vals[i]!;
      let r = 1;
      if (v === v) {
        const lim = Math.min(n, i + MAX_SCOPE);
        while (i + r < lim && vals[i + r] === v) r++;
      }
      let len: number;
      const runStart = out.pos - base;
      if (r >= MIN_REPEAT) {
        len = r;
        if (r <= MAX_SHORT_REPEAT) this.shortRepeat(v, r);
        else this.deltaFixed(v, 0, r);
      } else {
        let j = i + 1;
        const lim = Math.min(n, i + MAX_SCOPE);
        while (j < lim) {
          const x = vals[j]!;
          if (j + 2 < n && x === vals[j + 1] && x === vals[j + 2]) break;
          j++;
        }
        len = j - i;
        this.variableRun(vals, i, len, wide);
      }
      while (mk < nm && marks![mk]! < i + len) {
        rec!.add(runStart, marks![mk]! - i);
        mk++;
      }
      i += len;
    }
    while (mk < nm) {
      rec!.add(out.pos - base, 0);
      mk++;
    }
  }

  private zigzag(v: number): number {
    return this.signed ? (v < 0 ? -2 * v - 1 : 2 * v) : v;
  }

  private shortRepeat(v: number, r: number): void {
    const u = this.zigzag(v);
    const bytes = Math.max(1, Math.ceil(numBits(u) / 8));
    const out = this.out;
    out.ensure(1 + bytes);
    out.buf[out.pos++] = OP_SHORT_REPEAT | ((bytes - 1) << 3) | (r - MIN_REPEAT);
    for (let k = bytes - 1; k >= 0; k--) out.buf[out.pos++] = Math.floor(u / 2 ** (8 * k)) % 256;
    this.counts.shortRepeat++;
  }

  /** DELTA with width 0: first, first + d, first + 2d, ... */
  private deltaFixed(first: number, delta: number, len: number): void {
    const out = this.out;
    out.ensure(2);
    out.buf[out.pos++] = OP_DELTA | ((len - 1) >>> 8);
    out.buf[out.pos++] = (len - 1) & 0xff;
    if (this.signed) out.svarint(first);
    else out.uvarint(first);
    out.svarint(delta);
    this.counts.delta++;
  }

  private variableRun(vals: Float64Array, start: number, len: number, wide: Int32Array | null): void {
    if (len <= MIN_REPEAT) {
      for (let k = 0; k < len; k++) {
        if (vals[start + k] !== vals[start + k]) {
          this.wideDirect(start, len, wide!);
          return;
        }
      }
      this.direct(vals, start, len);
      return;
    }
    const first = vals[start]!;
    let min = first;
    let max = first;
    const initialDelta = vals[start + 1]! - first;
    let fixedDelta = true;
    let increasing = true;
    let decreasing = true;
    let deltaMax = 0;
    let nan = first !== first;
    const deltas = this.deltas;
    let prev = first;
    for (let k = 1; k < len; k++) {
      const x = vals[start + k]!;
      if (x !== x) nan = true;
      const d = x - prev;
      if (x < min) min = x;
      if (x > max) max = x;
      if (prev > x) increasing = false;
      if (prev < x) decreasing = false;
      if (d !== initialDelta) fixedDelta = false;
      if (k > 1) {
        const a = d < 0 ? -d : d;
        deltas[k - 1] = a;
        if (a > deltaMax) deltaMax = a;
      }
      prev = x;
    }
    if (nan) {
      this.wideDirect(start, len, wide!);
      return;
    }
    if (min === max || fixedDelta) {
      this.deltaFixed(first, min === max ? 0 : initialDelta, len);
      return;
    }
    if (initialDelta !== 0 && (increasing || decreasing)) {
      this.deltaPacked(first, initialDelta, deltaMax, len);
      return;
    }
    const zz = this.zz;
    if (this.signed) {
      for (let k = 0; k < len; k++) {
        const x = vals[start + k]!;
        zz[k] = x < 0 ? -2 * x - 1 : 2 * x;
      }
    } else {
      for (let k = 0; k < len; k++) zz[k] = vals[start + k]!;
    }
    const zzHist = this.histogram(zz, len);
    const zz100 = IntRleV2Encoder.percentile(zzHist, len, 1.0);
    const zz90 = IntRleV2Encoder.percentile(zzHist, len, 0.9);
    if (zz100 - zz90 > 1) {
      const br = this.br;
      for (let k = 0; k < len; k++) br[k] = vals[start + k]! - min;
      const brHist = this.histogram(br, len);
      const br95 = IntRleV2Encoder.percentile(brHist, len, 0.95);
      const br100 = IntRleV2Encoder.percentile(brHist, len, 1.0);
      if (br100 - br95 !== 0 && Math.abs(min) < BASE_VALUE_LIMIT) {
        this.patchedBase(min, br95, br100, len);
        return;
      }
    }
    this.directZigzagged(zz100, len);
  }

  /** Histogram of the 5-bit width codes of data[0..len). */
  private histogram(data: Float64Array, len: number): Int32Array {
    const hist = this.hist;
    hist.fill(0);
    for (let k = 0; k < len; k++) {
      const v = data[k]!;
      const bits = v < TWO32 ? 32 - Math.clz32(v) : 64 - Math.clz32(Math.floor(v / TWO32));
      hist[CODE_OF_BITS[bits]!]!++;
    }
    return hist;
  }

  /** Java's percentileBits over a histogram: the width (a storable one) that holds the p-th percentile. */
  private static percentile(hist: Int32Array, len: number, p: number): number {
    let perLen = Math.trunc(len * (1.0 - p));
    for (let c = 31; c >= 0; c--) {
      perLen -= hist[c]!;
      if (perLen < 0) return WIDTH_OF_CODE[c]!;
    }
    return 0;
  }

  private direct(vals: Float64Array, start: number, len: number): void {
    const zz = this.zz;
    let max = 0;
    for (let k = 0; k < len; k++) {
      const u = this.zigzag(vals[start + k]!);
      zz[k] = u;
      if (u > max) max = u;
    }
    this.directZigzagged(closestFixedBits(numBits(max)), len);
  }

  private directZigzagged(bits100: number, len: number): void {
    const w = closestAlignedFixedBits(bits100);
    const out = this.out;
    out.ensure(2);
    out.buf[out.pos++] = OP_DIRECT | (encodeBitWidth(w) << 1) | ((len - 1) >>> 8);
    out.buf[out.pos++] = (len - 1) & 0xff;
    packNumbers(out, this.zz, 0, len, w);
    this.counts.direct++;
  }

  /** DIRECT for a run holding values beyond ±2^51: the exact 64-bit words. */
  private wideDirect(start: number, len: number, wide: Int32Array): void {
    const lo = new Int32Array(len);
    const hi = new Int32Array(len);
    let bits = 1;
    for (let k = 0; k < len; k++) {
      let l = wide[2 * (start + k)]!;
      let h = wide[2 * (start + k) + 1]!;
      if (this.signed) {
        const sign = h >> 31;
        h = ((h << 1) | (l >>> 31)) ^ sign;
        l = (l << 1) ^ sign;
      }
      lo[k] = l;
      hi[k] = h;
      const b = h !== 0 ? 64 - Math.clz32(h) : 32 - Math.clz32(l);
      if (b > bits) bits = b;
    }
    const w = closestAlignedFixedBits(closestFixedBits(bits));
    const out = this.out;
    out.ensure(2 + Math.ceil((len * w) / 8) + 8);
    out.buf[out.pos++] = OP_DIRECT | (encodeBitWidth(w) << 1) | ((len - 1) >>> 8);
    out.buf[out.pos++] = (len - 1) & 0xff;
    const packer = new BitPacker(out);
    for (let k = 0; k < len; k++) packer.putWords(lo[k]!, hi[k]!, w);
    packer.flush();
    this.counts.direct++;
  }

  private deltaPacked(first: number, initialDelta: number, deltaMax: number, len: number): void {
    let w = closestAlignedFixedBits(closestFixedBits(numBits(deltaMax)));
    if (w === 1) w = 2; // width code 0 would mean a fixed delta
    const out = this.out;
    out.ensure(2);
    out.buf[out.pos++] = OP_DELTA | (encodeBitWidth(w) << 1) | ((len - 1) >>> 8);
    out.buf[out.pos++] = (len - 1) & 0xff;
    if (this.signed) out.svarint(first);
    else out.uvarint(first);
    out.svarint(initialDelta);
    packNumbers(out, this.deltas, 1, len - 2, w);
    this.counts.delta++;
  }

  private patchedBase(min: number, br95: number, br100: number, len: number): void {
    const br = this.br;
    let patchWidth = closestFixedBits(br100 - br95);
    let fb = br95;
    if (patchWidth === 64) {
      patchWidth = 56;
      fb = 8;
    }
    const limit = 2 ** fb;
    const gaps: number[] = [];
    const patches: number[] = [];
    let prev = 0;
    let maxGap = 0;
    for (let k = 0; k < len; k++) {
      const x = br[k]!;
      if (x >= limit) {
        const gap = k - prev;
        if (gap > maxGap) maxGap = gap;
        prev = k;
        const patch = Math.floor(x / limit);
        gaps.push(gap);
        patches.push(patch);
        br[k] = x - patch * limit;
      }
    }
    let gapWidth = maxGap === 0 && gaps.length > 0 ? 1 : closestFixedBits(numBits(maxGap));
    if (gapWidth > 8) gapWidth = 8;
    // Gaps over 255 become extra entries with a zero patch.
    const entryGaps: number[] = [];
    const entryPatches: number[] = [];
    for (let e = 0; e < gaps.length; e++) {
      let g = gaps[e]!;
      while (g > 255) {
        entryGaps.push(255);
        entryPatches.push(0);
        g -= 255;
      }
      entryGaps.push(g);
      entryPatches.push(patches[e]!);
    }
    const isNegative = min < 0;
    const absMin = isNegative ? -min : min;
    const baseWidth = closestFixedBits(numBits(absMin)) + 1;
    const baseBytes = Math.ceil(baseWidth / 8);
    const out = this.out;
    const entryWidth = closestFixedBits(gapWidth + patchWidth);
    out.ensure(4 + baseBytes + Math.ceil((len * fb) / 8) + Math.ceil((entryGaps.length * entryWidth) / 8) + 16);
    const buf = out.buf;
    buf[out.pos++] = OP_PATCHED_BASE | (encodeBitWidth(fb) << 1) | ((len - 1) >>> 8);
    buf[out.pos++] = (len - 1) & 0xff;
    buf[out.pos++] = ((baseBytes - 1) << 5) | encodeBitWidth(patchWidth);
    buf[out.pos++] = ((gapWidth - 1) << 5) | entryGaps.length;
    for (let k = baseBytes - 1; k >= 0; k--) {
      let b = Math.floor(absMin / 2 ** (8 * k)) % 256;
      if (k === baseBytes - 1 && isNegative) b |= 0x80;
      buf[out.pos++] = b;
    }
    packNumbers(out, br, 0, len, fb);
    const packer = new BitPacker(out);
    for (let e = 0; e < entryGaps.length; e++) {
      packer.put(entryGaps[e]!, entryWidth - patchWidth);
      packer.put(entryPatches[e]!, patchWidth);
    }
    packer.flush();
    this.counts.patchedBase++;
  }
}

