/**
 * LZ4 raw block decompression (the format of one ORC LZ4 chunk; no frame
 * header): sequences of literals followed by a back-reference.
 */
import { OrcFormatError } from './orc-errors.js';

export function lz4Decompress(src: Uint8Array, maxLength: number): Uint8Array {
  // Grown on demand up to maxLength, so a garbled block size costs no huge allocation.
  let out = new Uint8Array(Math.min(maxLength, src.length * 8 + 64));
  let pos = 0;
  let op = 0;
  const end = src.length;
  const room = (need: number): void => {
    if (need <= out.length) return;
    if (need > maxLength) throw new OrcFormatError('lz4 chunk exceeds the compression block size');
    const bigger = new Uint8Array(Math.min(maxLength, Math.max(need, out.length * 2)));
    bigger.set(out.subarray(0, op));
    out = bigger;
  };
  while (pos < end) {
    const token = src[pos++]!;
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        if (pos >= end) throw new OrcFormatError('truncated lz4 literal length');
        b = src[pos++]!;
        litLen += b;
      } while (b === 255);
    }
    if (pos + litLen > end) throw new OrcFormatError('lz4 literal out of bounds');
    room(op + litLen);
    out.set(src.subarray(pos, pos + litLen), op);
    pos += litLen;
    op += litLen;
    if (pos === end) break; // the last sequence has literals only
    if (pos + 2 > end) throw new OrcFormatError('truncated lz4 match offset');
    const offset = src[pos]! | (src[pos + 1]! << 8);
    pos += 2;
    let matchLen = token & 15;
    if (matchLen === 15) {
      let b: number;
      do {
        if (pos >= end) throw new OrcFormatError('truncated lz4 match length');
        b = src[pos++]!;
        matchLen += b;
      } while (b === 255);
    }
    matchLen += 4;
    if (offset === 0 || offset > op) throw new OrcFormatError('lz4 match out of bounds');
    room(op + matchLen);
    let from = op - offset;
    if (offset >= matchLen) {
      out.copyWithin(op, from, from + matchLen);
      op += matchLen;
    } else {
      for (let i = 0; i < matchLen; i++) out[op++] = out[from++]!;
    }
  }
  return out.subarray(0, op);
}
