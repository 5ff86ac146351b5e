/**
 * Integer RLE version 2 (spec "Integer Run Length Encoding, version 2"):
 * SHORT_REPEAT, DIRECT, PATCHED_BASE and DELTA runs of up to 512 values.
 */
import { unpackBigints, unpackNumbers, unpackWords, unzigzagWords } from './bit-unpack.js';
import { TOO_BIG, unzigzag, unzigzagBig } from './in-stream.js';
import { RunDecoder } from './int-rle.js';
import { OrcFormatError } from './orc-errors.js';

const SHORT_REPEAT = 0;
const DIRECT = 1;
const PATCHED_BASE = 2;

/** The 5-bit width code (non-delta meaning: code 0 is 1 bit). */
export function decodeBitWidth(code: number): number {
  if (code < 24) return code + 1;
  switch (code) {
    case 24:
      return 26;
    case 25:
      return 28;
    case 26:
      return 30;
    case 27:
      return 32;
    case 28:
      return 40;
    case 29:
      return 48;
    case 30:
      return 56;
    default:
      return 64;
  }
}

/** Width a patch entry (gap + patch bits) is padded to. */
export function closestFixedBits(n: number): number {
  if (n === 0) return 1;
  if (n <= 24) return n;
  if (n <= 26) return 26;
  if (n <= 28) return 28;
  if (n <= 30) return 30;
  if (n <= 32) return 32;
  if (n <= 40) return 40;
  if (n <= 48) return 48;
  if (n <= 56) return 56;
  return 64;
}

export class IntRleV2Decoder extends RunDecoder {
  private patchScratch = new Float64Array(32);

  protected runAsNumbers(): number {
    const s = this.input;
    const b0 = s.byte();
    const kind = b0 >>> 6;
    const num = this.num;
    if (kind === SHORT_REPEAT) {
      const width = ((b0 >>> 3) & 7) + 1;
      const count = (b0 & 7) + 3;
      s.need(width);
      const buf = s.buf;
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + buf[s.pos + i]!;
      if (v > Number.MAX_SAFE_INTEGER) throw TOO_BIG;
      s.pos += width;
      if (this.signed) v = unzigzag(v);
      for (let i = 0; i < count; i++) num[i] = v;
      return count;
    }
    const b1 = s.byte();
    const len = (((b0 & 1) << 8) | b1) + 1;
    const code = (b0 >>> 1) & 31;
    if (kind === DIRECT) {
      const width = decodeBitWidth(code);
      if (width > 48) throw TOO_BIG;
      unpackNumbers(s, width, len, num, 0);
      if (this.signed) for (let i = 0; i < len; i++) num[i] = unzigzag(num[i]!);
      return len;
    }
    if (kind === PATCHED_BASE) return this.patchedBaseNumbers(code, len);
    return this.deltaNumbers(code, len);
  }

  private patchedBaseNumbers(code: number, len: number): number {
    const s = this.input;
    const width = decodeBitWidth(code);
    const b2 = s.byte();
    const b3 = s.byte();
    const baseBytes = ((b2 >>> 5) & 7) + 1;
    const patchWidth = decodeBitWidth(b2 & 31);
    const gapWidth = ((b3 >>> 5) & 7) + 1;
    const patchCount = b3 & 31;
    if (gapWidth + patchWidth > 64) throw new OrcFormatError(`bad patched-base header in stream ${s.name}`);
    const entryWidth = closestFixedBits(gapWidth + patchWidth);
    if (baseBytes > 6 || width + patchWidth > 52 || entryWidth > 48) throw TOO_BIG;
    s.need(baseBytes);
    let base = 0;
    for (let i = 0; i < baseBytes; i++) base = base * 256 + s.buf[s.pos + i]!;
    s.pos += baseBytes;
    const signBit = 2 ** (baseBytes * 8 - 1);
    if (base >= signBit) base = -(base - signBit);
    const num = this.num;
    unpackNumbers(s, width, len, num, 0);
    const patches = this.patchScratch;
    unpackNumbers(s, entryWidth, patchCount, patches, 0);
    const patchDiv = 2 ** patchWidth;
    const shift = 2 ** width;
    let at = 0;
    for (let p = 0; p < patchCount; p++) {
      const entry = patches[p]!;
      const gap = Math.floor(entry / patchDiv);
      const patch = entry - gap * patchDiv;
      at += gap;
      if (patch === 0) continue; // a gap-only entry (gaps over 255 are split)
      if (at >= len) throw new OrcFormatError(`patch position ${at} past run of ${len} in stream ${s.name}`);
      num[at] = num[at]! + patch * shift;
    }
    for (let i = 0; i < len; i++) num[i] = base + num[i]!;
    return len;
  }

  private deltaNumbers(code: number, len: number): number {
    const s = this.input;
    const width = code === 0 ? 0 : decodeBitWidth(code);
    const num = this.num;
    const first = this.signed ? s.svarint() : s.uvarint();
    num[0] = first;
    if (len === 1) return 1;
    const deltaBase = s.svarint();
    if (width === 0) {
      if (!Number.isSafeInteger(first + (len - 1) * deltaBase)) throw TOO_BIG;
      for (let i = 1; i < len; i++) num[i] = first + i * deltaBase;
      return len;
    }
    if (width > 48) throw TOO_BIG;
    num[1] = first + deltaBase;
    unpackNumbers(s, width, len - 2, num, 2);
    let prev = num[1]!;
    if (deltaBase < 0) {
      for (let i = 2; i < len; i++) num[i] = prev = prev - num[i]!;
    } else {
      for (let i = 2; i < len; i++) num[i] = prev = prev + num[i]!;
    }
    // Monotonic: all values lie between the first and the last one.
    if (!Number.isSafeInteger(num[1]!) || !Number.isSafeInteger(prev)) throw TOO_BIG;
    return len;
  }

  protected runAsBigints(): number {
    const s = this.input;
    const b0 = s.byte();
    const kind = b0 >>> 6;
    const big = this.big;
    if (kind === SHORT_REPEAT) {
      const width = ((b0 >>> 3) & 7) + 1;
      const count = (b0 & 7) + 3;
      let v = 0n;
      for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(s.byte());
      if (this.signed) v = unzigzagBig(v);
      v = BigInt.asIntN(64, v);
      for (let i = 0; i < count; i++) big[i] = v;
      return count;
    }
    const b1 = s.byte();
    const len = (((b0 & 1) << 8) | b1) + 1;
    const code = (b0 >>> 1) & 31;
    if (kind === DIRECT) {
      const width = decodeBitWidth(code);
      if (width === 56 || width === 64) {
        // Plain bit operations on 32-bit words: no BigInt per value.
        unpackWords(s, width, len, this.bigWords);
        if (this.signed) unzigzagWords(this.bigWords, len);
      } else {
        const values = new Array<bigint>(len);
        unpackBigints(s, width, len, values, 0);
        for (let i = 0; i < len; i++) big[i] = this.signed ? unzigzagBig(values[i]!) : values[i]!;
      }
      return len;
    }
    if (kind === PATCHED_BASE) {
      const width = decodeBitWidth(code);
      const b2 = s.byte();
      const b3 = s.byte();
      const baseBytes = ((b2 >>> 5) & 7) + 1;
      const patchWidth = decodeBitWidth(b2 & 31);
      const gapWidth = ((b3 >>> 5) & 7) + 1;
      const patchCount = b3 & 31;
      if (gapWidth + patchWidth > 64) throw new OrcFormatError(`bad patched-base header in stream ${s.name}`);
      let base = 0n;
      for (let i = 0; i < baseBytes; i++) base = (base << 8n) | BigInt(s.byte());
      const signBit = 1n << BigInt(baseBytes * 8 - 1);
      if (base & signBit) base = -(base & ~signBit);
      const values = new Array<bigint>(len);
      unpackBigints(s, width, len, values, 0);
      const patches: bigint[] = new Array<bigint>(patchCount);
      unpackBigints(s, closestFixedBits(gapWidth + patchWidth), patchCount, patches, 0);
      const pw = BigInt(patchWidth);
      const patchMask = (1n << pw) - 1n;
      let at = 0;
      for (let p = 0; p < patchCount; p++) {
        const gap = Number(patches[p]! >> pw);
        const patch = patches[p]! & patchMask;
        at += gap;
        if (patch === 0n) continue;
        if (at >= len) throw new OrcFormatError(`patch position ${at} past run of ${len} in stream ${s.name}`);
        values[at] = values[at]! | (patch << BigInt(width));
      }
      for (let i = 0; i < len; i++) big[i] = BigInt.asIntN(64, base + values[i]!);
      return len;
    }
    const width = code === 0 ? 0 : decodeBitWidth(code);
    const first = this.signed ? s.svarintBig() : s.uvarintBig();
    big[0] = BigInt.asIntN(64, first);
    if (len === 1) return 1;
    const deltaBase = s.svarintBig();
    if (width === 0) {
      for (let i = 1; i < len; i++) big[i] = BigInt.asIntN(64, first + BigInt(i) * deltaBase);
      return len;
    }
    big[1] = BigInt.asIntN(64, first + deltaBase);
    const deltas = new Array<bigint>(len);
    unpackBigints(s, width, len - 2, deltas, 2);
    let prev = big[1]!;
    for (let i = 2; i < len; i++) {
      prev = BigInt.asIntN(64, deltaBase < 0n ? prev - deltas[i]! : prev + deltas[i]!);
      big[i] = prev;
    }
    return len;
  }
}
