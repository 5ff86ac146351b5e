/**
 * Byte run-length encoding (runs of 3..130 equal bytes, or 1..128 literal
 * bytes) and boolean RLE on top of it (8 values per byte, most significant
 * bit first). Used for TINYINT and BOOLEAN data, union tags and PRESENT streams.
 */
import type { InStream } from './in-stream.js';

export class ByteRleDecoder {
  private left = 0;
  private literal = false;
  private value = 0;

  constructor(readonly input: InStream) {}

  /** An upper bound on the bytes left (a 2-byte run holds 130). */
  maxRemaining(): number {
    return this.left + this.input.remaining * 65;
  }

  /** Reads `count` bytes into out[off..] (an Int8Array gets them as signed bytes). */
  read(out: Uint8Array | Int8Array, off: number, count: number): void {
    const s = this.input;
    while (count > 0) {
      if (this.left === 0) {
        const control = s.byte();
        if (control < 0x80) {
          this.left = control + 3;
          this.literal = false;
          this.value = s.byte();
        } else {
          this.left = 256 - control;
          this.literal = true;
        }
      }
      const n = count < this.left ? count : this.left;
      if (this.literal) {
        s.need(n);
        out.set(s.buf.subarray(s.pos, s.pos + n), off);
        s.pos += n;
      } else {
        out.fill(this.value, off, off + n);
      }
      this.left -= n;
      off += n;
      count -= n;
    }
  }
}

export class BooleanDecoder {
  private readonly bytes: ByteRleDecoder;
  private current = 0;
  private bitsLeft = 0;
  private scratch = new Uint8Array(0);

  constructor(input: InStream) {
    this.bytes = new ByteRleDecoder(input);
  }

  /** An upper bound on the booleans left. */
  maxRemaining(): number {
    return this.bitsLeft + this.bytes.maxRemaining() * 8;
  }

  /** Reads `count` booleans as 0/1 bytes into out[off..]; returns the number of ones. */
  read(out: Uint8Array, off: number, count: number): number {
    let ones = 0;
    let i = 0;
    while (i < count && this.bitsLeft > 0) {
      const bit = (this.current >>> --this.bitsLeft) & 1;
      out[off + i++] = bit;
      ones += bit;
    }
    const full = (count - i) >>> 3;
    if (full > 0) {
      if (this.scratch.length < full) this.scratch = new Uint8Array(Math.max(full, 1024));
      const scratch = this.scratch;
      this.bytes.read(scratch, 0, full);
      let o = off + i;
      for (let k = 0; k < full; k++) {
        const b = scratch[k]!;
        out[o] = b >>> 7;
        out[o + 1] = (b >>> 6) & 1;
        out[o + 2] = (b >>> 5) & 1;
        out[o + 3] = (b >>> 4) & 1;
        out[o + 4] = (b >>> 3) & 1;
        out[o + 5] = (b >>> 2) & 1;
        out[o + 6] = (b >>> 1) & 1;
        out[o + 7] = b & 1;
        ones += POPCOUNT[b]!;
        o += 8;
      }
      i += full << 3;
    }
    if (i < count) {
      const one = new Uint8Array(1);
      this.bytes.read(one, 0, 1);
      this.current = one[0]!;
      this.bitsLeft = 8;
      while (i < count) {
        const bit = (this.current >>> --this.bitsLeft) & 1;
        out[off + i++] = bit;
        ones += bit;
      }
    }
    return ones;
  }
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >>> 1]!;
