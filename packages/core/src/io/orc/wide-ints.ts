/**
 * Writing 64- and 128-bit integers into typed arrays from JS numbers without
 * going through BigInt (little-endian 32-bit words, as Arrow stores them).
 */

const TWO16 = 65536;
const TWO32 = 4294967296;

/**
 * words[2i], words[2i+1] = a * m + b as a signed 64-bit integer, for integers
 * a (|a| < 2^53), 0 < m <= 2^30 and 0 <= b < 2^32. Returns false if the result
 * does not fit in 64 bits.
 */
export function writeMulAdd64(words: Int32Array, i: number, a: number, m: number, b: number): boolean {
  const aHi = Math.floor(a / TWO16);
  const aLo = a - aHi * TWO16;
  const x = aHi * m; // exact whenever the result fits in 64 bits
  const y = aLo * m + b; // < 2^47
  const xHi = Math.floor(x / TWO16);
  const xLo = x - xHi * TWO16;
  const yHi = Math.floor(y / TWO32);
  const yLo = y - yHi * TWO32;
  let lo = xLo * TWO16 + yLo;
  let hi = xHi + yHi;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  if (hi < -2147483648 || hi > 2147483647) return false;
  words[2 * i] = lo | 0;
  words[2 * i + 1] = hi;
  return true;
}

/** words[4i..4i+3] = v as a signed 128-bit integer, for a safe integer v. */
export function writeInt128FromNumber(words: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  const o = 4 * i;
  words[o] = v - hi * TWO32;
  words[o + 1] = hi >>> 0;
  const ext = v < 0 ? 0xffffffff : 0;
  words[o + 2] = ext;
  words[o + 3] = ext;
}

const MASK32 = 0xffffffffn;

/** words[4i..4i+3] = v as a signed 128-bit integer (wrapping). */
export function writeInt128FromBigint(words: Uint32Array, i: number, v: bigint): void {
  let u = BigInt.asUintN(128, v);
  const o = 4 * i;
  for (let k = 0; k < 4; k++) {
    words[o + k] = Number(u & MASK32);
    u >>= 32n;
  }
}

/** A multiplier m = odd * 2^k, split for writeScaled64. */
export interface Scale {
  readonly m: number;
  readonly odd: number;
  readonly pow2: number;
  /** 2^(32 - k) */
  readonly div: number;
}

export function scaleOf(m: number): Scale {
  let odd = m;
  let k = 0;
  while (odd % 2 === 0 && k < 31) {
    odd /= 2;
    k++;
  }
  return { m, odd, pow2: 2 ** k, div: 2 ** (32 - k) };
}

/**
 * Like writeMulAdd64 (a * m + b), faster: while a * odd stays below 2^53 the
 * power-of-two part of m is a shift across the word boundary.
 */
export function writeScaled64(words: Int32Array, i: number, a: number, s: Scale, b: number): boolean {
  const p = a * s.odd;
  if (p > Number.MAX_SAFE_INTEGER || p < -Number.MAX_SAFE_INTEGER) return writeMulAdd64(words, i, a, s.m, b);
  let hi = Math.floor(p / s.div);
  let lo = (p - hi * s.div) * s.pow2 + b;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  if (hi > 2147483647) return writeMulAdd64(words, i, a, s.m, b);
  words[2 * i] = lo | 0;
  words[2 * i + 1] = hi;
  return true;
}
