/**
 * A decompressed ORC stream being read, with the base-128 varint readers the
 * encodings share. Number readers are exact up to 2^53; beyond that they throw
 * TOO_BIG so the caller can decode the same bytes again with bigints.
 */
import { OrcFormatError } from './orc-errors.js';

/** Thrown (not an Error: cheap) when a value does not fit a JS number exactly. */
export const TOO_BIG = { tooBig: true } as const;

export class InStream {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    readonly name: string,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  truncated(): OrcFormatError {
    return new OrcFormatError(`stream ${this.name} ends early`);
  }

  byte(): number {
    if (this.pos >= this.end) throw this.truncated();
    return this.buf[this.pos++]!;
  }

  /** Ensures n more bytes are there. */
  need(n: number): void {
    if (n > this.end - this.pos) throw this.truncated();
  }

  /** Unsigned varint as a number; throws TOO_BIG above 2^53 - 1. */
  uvarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    if (pos >= end) throw this.truncated();
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let result = b & 0x7f;
    let mul = 128;
    for (;;) {
      if (pos >= end) throw this.truncated();
      b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
      if (mul > 2 ** 63) {
        // more than 9 continuation bytes: longer than any 64-bit value
        this.pos = pos;
        throw new OrcFormatError(`varint too long in stream ${this.name}`);
      }
    }
    this.pos = pos;
    if (result > Number.MAX_SAFE_INTEGER) throw TOO_BIG;
    return result;
  }

  /** Zigzag signed varint as a number; throws TOO_BIG beyond the safe range. */
  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Unsigned varint as a bigint, up to `maxBytes` bytes long. */
  uvarintBig(maxBytes = 10): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
    throw new OrcFormatError(`varint too long in stream ${this.name}`);
  }

  /** Zigzag signed varint as a bigint (unbounded up to maxBytes). */
  svarintBig(maxBytes = 10): bigint {
    const u = this.uvarintBig(maxBytes);
    return (u >> 1n) ^ -(u & 1n);
  }
}

/** Zigzag decode of a number (exact for values below 2^53). */
export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

export function unzigzagBig(u: bigint): bigint {
  return (u >> 1n) ^ -(u & 1n);
}
