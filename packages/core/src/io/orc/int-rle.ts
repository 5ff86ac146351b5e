/**
 * Integer run-length decoding: the shared run buffer and the version 1
 * encoding (runs with a fixed delta, and literal varints). Runs are decoded
 * as JS numbers when every value is below 2^53 and as bigints otherwise, so
 * 64-bit columns stay exact while the common case stays fast.
 */
import { InStream, TOO_BIG } from './in-stream.js';
import { OrcFormatError } from './orc-errors.js';

export type NumberArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

export interface IntegerReader {
  /** Reads `count` values into out[off..]; values beyond what out holds wrap as typed arrays do. */
  readNumbers(out: NumberArray, off: number, count: number): void;
  /** Reads `count` values exactly as 64-bit integers. */
  readInt64(out: BigInt64Array, off: number, count: number): void;
  /** An upper bound on the values left (guards allocations against garbled counts). */
  maxRemaining(): number;
}

const MAX_RUN = 512;
const TWO32 = 4294967296;

export abstract class RunDecoder implements IntegerReader {
  protected readonly num = new Float64Array(MAX_RUN);
  /** A run of 64-bit values (two's complement), also seen as little-endian 32-bit words. */
  protected readonly big = new BigInt64Array(MAX_RUN);
  protected readonly bigWords = new Int32Array(this.big.buffer);
  protected isBig = false;
  protected len = 0;
  protected idx = 0;

  constructor(
    readonly input: InStream,
    readonly signed: boolean,
  ) {}

  /** Decodes the next run as numbers into `num` (throws TOO_BIG if a value does not fit); returns its length. */
  protected abstract runAsNumbers(): number;
  /** Decodes the next run as 64-bit values into `big`; returns its length. */
  protected abstract runAsBigints(): number;

  maxRemaining(): number {
    // The densest run, RLE v2 DELTA with zero width, packs 512 values into 4 bytes.
    return this.len - this.idx + this.input.remaining * 128;
  }

  private nextRun(): void {
    const s = this.input;
    if (s.pos >= s.end) throw s.truncated();
    const start = s.pos;
    try {
      this.len = this.runAsNumbers();
      this.isBig = false;
    } catch (e) {
      if (e !== TOO_BIG) throw e;
      s.pos = start;
      this.len = this.runAsBigints();
      this.isBig = true;
    }
    this.idx = 0;
  }

  readNumbers(out: NumberArray, off: number, count: number): void {
    while (count > 0) {
      if (this.idx >= this.len) this.nextRun();
      const n = Math.min(count, this.len - this.idx);
      const j = this.idx;
      if (!this.isBig) {
        if (n === 1) out[off] = this.num[j]!;
        else out.set(this.num.subarray(j, j + n), off);
      } else {
        const words = this.bigWords;
        for (let i = 0; i < n; i++) {
          const w = (j + i) << 1;
          const v = words[w + 1]! * TWO32 + (words[w]! >>> 0);
          if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) {
            throw new OrcFormatError(`integer ${this.big[j + i]} out of range in stream ${this.input.name}`);
          }
          out[off + i] = v;
        }
      }
      this.idx += n;
      off += n;
      count -= n;
    }
  }

  readInt64(out: BigInt64Array, off: number, count: number): void {
    const words = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
    while (count > 0) {
      if (this.idx >= this.len) this.nextRun();
      const n = Math.min(count, this.len - this.idx);
      const j = this.idx;
      if (!this.isBig) {
        const num = this.num;
        for (let i = 0; i < n; i++) {
          const v = num[j + i]!;
          const hi = Math.floor(v / TWO32);
          const w = (off + i) << 1;
          words[w] = (v - hi * TWO32) | 0;
          words[w + 1] = hi | 0;
        }
      } else {
        words.set(this.bigWords.subarray(j << 1, (j + n) << 1), off << 1);
      }
      this.idx += n;
      off += n;
      count -= n;
    }
  }
}

/** RLE version 1 (spec "Integer Run Length Encoding, version 1"). */
export class IntRleV1Decoder extends RunDecoder {
  protected runAsNumbers(): number {
    const s = this.input;
    const control = s.byte();
    const num = this.num;
    if (control < 0x80) {
      const len = control + 3;
      const deltaByte = s.byte();
      const delta = deltaByte < 0x80 ? deltaByte : deltaByte - 256;
      const base = this.signed ? s.svarint() : s.uvarint();
      const last = base + (len - 1) * delta;
      if (!Number.isSafeInteger(last)) throw TOO_BIG;
      for (let i = 0; i < len; i++) num[i] = base + i * delta;
      return len;
    }
    const len = 256 - control;
    if (this.signed) for (let i = 0; i < len; i++) num[i] = s.svarint();
    else for (let i = 0; i < len; i++) num[i] = s.uvarint();
    return len;
  }

  protected runAsBigints(): number {
    const s = this.input;
    const control = s.byte();
    const big = this.big;
    if (control < 0x80) {
      const len = control + 3;
      const deltaByte = s.byte();
      const delta = BigInt(deltaByte < 0x80 ? deltaByte : deltaByte - 256);
      const base = this.signed ? s.svarintBig() : s.uvarintBig();
      for (let i = 0; i < len; i++) big[i] = BigInt.asIntN(64, base + BigInt(i) * delta);
      return len;
    }
    const len = 256 - control;
    for (let i = 0; i < len; i++) big[i] = BigInt.asIntN(64, this.signed ? s.svarintBig() : s.uvarintBig());
    return len;
  }
}
