/**
 * Snappy raw block decompression (the format of one ORC SNAPPY chunk):
 * a varint with the uncompressed length, then literal and copy elements.
 */
import { OrcFormatError } from './orc-errors.js';

export function snappyDecompress(src: Uint8Array, maxLength: number): Uint8Array {
  let pos = 0;
  let length = 0;
  let mul = 1;
  for (let i = 0; ; i++) {
    if (i >= 5 || pos >= src.length) throw new OrcFormatError('bad snappy length preamble');
    const b = src[pos++]!;
    length += (b & 0x7f) * mul;
    if (b < 0x80) break;
    mul *= 128;
  }
  if (length > maxLength) throw new OrcFormatError(`snappy chunk of ${length} bytes exceeds the compression block size ${maxLength}`);
  const out = new Uint8Array(length);
  let op = 0;
  const end = src.length;
  while (pos < end) {
    const tag = src[pos++]!;
    const type = tag & 3;
    if (type === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > end) throw new OrcFormatError('truncated snappy literal');
        len = 0;
        for (let i = 0; i < extra; i++) len += src[pos + i]! * 2 ** (8 * i);
        pos += extra;
      }
      len += 1;
      if (pos + len > end || op + len > length) throw new OrcFormatError('snappy literal out of bounds');
      out.set(src.subarray(pos, pos + len), op);
      pos += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (type === 1) {
      if (pos >= end) throw new OrcFormatError('truncated snappy copy');
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else if (type === 2) {
      if (pos + 2 > end) throw new OrcFormatError('truncated snappy copy');
      len = (tag >>> 2) + 1;
      offset = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw new OrcFormatError('truncated snappy copy');
      len = (tag >>> 2) + 1;
      offset = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 16777216;
      pos += 4;
    }
    if (offset === 0 || offset > op || op + len > length) throw new OrcFormatError('snappy copy out of bounds');
    let from = op - offset;
    if (offset >= len) {
      out.copyWithin(op, from, from + len);
      op += len;
    } else {
      for (let i = 0; i < len; i++) out[op++] = out[from++]!;
    }
  }
  if (op !== length) throw new OrcFormatError(`snappy chunk decoded to ${op} bytes, expected ${length}`);
  return out;
}
