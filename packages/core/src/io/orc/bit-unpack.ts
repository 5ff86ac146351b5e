/**
 * Big-endian bit unpacking of fixed-width unsigned values (RLE v2 DIRECT,
 * PATCHED_BASE, DELTA). A run starts on a byte boundary and its last byte is
 * padded, so after unpacking the stream sits on the next byte boundary.
 */
import type { InStream } from './in-stream.js';

/** Unpacks `count` values of `width` bits (1..48) as numbers into out[off..]. */
export function unpackNumbers(s: InStream, width: number, count: number, out: Float64Array, off: number): void {
  if (count <= 0) return;
  const bytes = Math.ceil((width * count) / 8);
  s.need(bytes);
  const buf = s.buf;
  let pos = s.pos;
  s.pos = pos + bytes;
  switch (width) {
    case 8:
      for (let i = 0; i < count; i++) out[off + i] = buf[pos + i]!;
      return;
    case 16:
      for (let i = 0; i < count; i++, pos += 2) out[off + i] = (buf[pos]! << 8) | buf[pos + 1]!;
      return;
    case 24:
      for (let i = 0; i < count; i++, pos += 3) out[off + i] = (buf[pos]! << 16) | (buf[pos + 1]! << 8) | buf[pos + 2]!;
      return;
    case 32:
      for (let i = 0; i < count; i++, pos += 4) {
        out[off + i] = buf[pos]! * 16777216 + ((buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!);
      }
      return;
    case 40:
      for (let i = 0; i < count; i++, pos += 5) {
        out[off + i] = buf[pos]! * 4294967296 + (buf[pos + 1]! * 16777216 + ((buf[pos + 2]! << 16) | (buf[pos + 3]! << 8) | buf[pos + 4]!));
      }
      return;
    case 48:
      for (let i = 0; i < count; i++, pos += 6) {
        out[off + i] =
          ((buf[pos]! << 8) | buf[pos + 1]!) * 4294967296 +
          (buf[pos + 2]! * 16777216 + ((buf[pos + 3]! << 16) | (buf[pos + 4]! << 8) | buf[pos + 5]!));
      }
      return;
  }
  if (width <= 24) {
    // A bit accumulator that never holds more than 31 bits.
    const mask = (1 << width) - 1;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < count; i++) {
      while (bits < width) {
        acc = ((acc << 8) | buf[pos++]!) >>> 0;
        bits += 8;
      }
      bits -= width;
      out[off + i] = (acc >>> bits) & mask;
      acc &= (1 << bits) - 1;
    }
    return;
  }
  // 25..47 bits: a high part and a 24-bit low part.
  const hiWidth = width - 24;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < count; i++) {
    while (bits < hiWidth) {
      acc = ((acc << 8) | buf[pos++]!) >>> 0;
      bits += 8;
    }
    bits -= hiWidth;
    const hi = (acc >>> bits) & ((1 << hiWidth) - 1);
    acc &= (1 << bits) - 1;
    while (bits < 24) {
      acc = ((acc << 8) | buf[pos++]!) >>> 0;
      bits += 8;
    }
    bits -= 24;
    const lo = (acc >>> bits) & 0xffffff;
    acc &= (1 << bits) - 1;
    out[off + i] = hi * 16777216 + lo;
  }
}

/** Unpacks `count` values of `width` bits (1..64) as unsigned bigints into out[off..]. */
export function unpackBigints(s: InStream, width: number, count: number, out: bigint[], off: number): void {
  if (count <= 0) return;
  const bytes = Math.ceil((width * count) / 8);
  s.need(bytes);
  const buf = s.buf;
  let pos = s.pos;
  s.pos = pos + bytes;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < count; i++) {
    let v = 0n;
    let left = width;
    while (left > 0) {
      const take = left > 24 ? 24 : left;
      while (bits < take) {
        acc = ((acc << 8) | buf[pos++]!) >>> 0;
        bits += 8;
      }
      bits -= take;
      const part = (acc >>> bits) & ((1 << take) - 1);
      acc &= (1 << bits) - 1;
      v = (v << BigInt(take)) | BigInt(part);
      left -= take;
    }
    out[off + i] = v;
  }
}

/** Unpacks `count` values of 56 or 64 bits as 64-bit words (low, high pairs) into words[0..]. */
export function unpackWords(s: InStream, width: 56 | 64, count: number, words: Int32Array): void {
  const bytes = (width >>> 3) * count;
  s.need(bytes);
  const buf = s.buf;
  let pos = s.pos;
  s.pos = pos + bytes;
  if (width === 64) {
    for (let i = 0; i < count; i++, pos += 8) {
      words[2 * i + 1] = (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
      words[2 * i] = (buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!;
    }
  } else {
    for (let i = 0; i < count; i++, pos += 7) {
      words[2 * i + 1] = (buf[pos]! << 16) | (buf[pos + 1]! << 8) | buf[pos + 2]!;
      words[2 * i] = (buf[pos + 3]! << 24) | (buf[pos + 4]! << 16) | (buf[pos + 5]! << 8) | buf[pos + 6]!;
    }
  }
}

/** Zigzag-decodes `count` 64-bit words in place: (u >>> 1) ^ -(u & 1). */
export function unzigzagWords(words: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    const sign = -(lo & 1);
    words[2 * i] = ((lo >>> 1) | (hi << 31)) ^ sign;
    words[2 * i + 1] = (hi >>> 1) ^ sign;
  }
}
