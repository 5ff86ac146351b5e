/**
 * Compression for the ORC writer: block compressors for SNAPPY and LZ4 (raw
 * blocks, written here: greedy hash-table matchers, valid for any standard
 * decoder), and the chunking every compressed part of an ORC file uses: at
 * most `blockSize` input bytes per chunk, each behind a 3-byte little-endian
 * header `length << 1 | isOriginal`, stored as is when compressing does not
 * make it smaller.
 */
import { deflateRawSync } from 'node:zlib';
import zstd from 'zstd-napi/binding.js';
import { ByteSink } from './byte-sink.js';

export type OrcCodec = 'none' | 'zstd' | 'zlib' | 'snappy' | 'lz4';

/** CompressionKind numbers of the PostScript. */
export const CODEC_KIND: Record<OrcCodec, number> = { none: 0, zlib: 1, snappy: 2, lz4: 4, zstd: 5 };

const HASH_BITS = 14;
const HASH_SIZE = 1 << HASH_BITS;
const MAX_OFFSET = 65535;

function hash4(src: Uint8Array, i: number): number {
  const v = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
  return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

function same4(src: Uint8Array, a: number, b: number): boolean {
  return src[a] === src[b] && src[a + 1] === src[b + 1] && src[a + 2] === src[b + 2] && src[a + 3] === src[b + 3];
}

// ---------------------------------------------------------------- snappy

function snappyLiteral(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  const len = end - start;
  if (len === 0) return;
  out.ensure(len + 5);
  const buf = out.buf;
  const n = len - 1;
  if (n < 60) buf[out.pos++] = n << 2;
  else if (n < 0x100) {
    buf[out.pos++] = 60 << 2;
    buf[out.pos++] = n;
  } else if (n < 0x10000) {
    buf[out.pos++] = 61 << 2;
    buf[out.pos++] = n & 0xff;
    buf[out.pos++] = n >>> 8;
  } else {
    buf[out.pos++] = 62 << 2;
    buf[out.pos++] = n & 0xff;
    buf[out.pos++] = (n >>> 8) & 0xff;
    buf[out.pos++] = n >>> 16;
  }
  buf.set(src.subarray(start, end), out.pos);
  out.pos += len;
}

function snappyCopy(out: ByteSink, offset: number, len: number): void {
  out.ensure(3 * Math.ceil(len / 64) + 3);
  const buf = out.buf;
  while (len > 0) {
    // Keep every piece at least 4 long so copy-1 stays possible for the tail.
    const piece = len > 64 ? (len - 64 < 4 ? 60 : 64) : len;
    if (piece >= 4 && piece <= 11 && offset < 2048) {
      buf[out.pos++] = 1 | ((piece - 4) << 2) | ((offset >>> 8) << 5);
      buf[out.pos++] = offset & 0xff;
    } else {
      buf[out.pos++] = 2 | ((piece - 1) << 2);
      buf[out.pos++] = offset & 0xff;
      buf[out.pos++] = offset >>> 8;
    }
    len -= piece;
  }
}

/** Snappy raw block: varint length preamble, then literal and copy elements. */
export function snappyCompress(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new ByteSink(n + (n >>> 4) + 16);
  out.uvarint(n);
  const table = new Int32Array(HASH_SIZE).fill(-1);
  let lit = 0;
  let i = 0;
  let misses = 0;
  const limit = n - 4;
  while (i <= limit) {
    const h = hash4(src, i);
    const cand = table[h]!;
    table[h] = i;
    if (cand >= 0 && i - cand <= MAX_OFFSET && same4(src, cand, i)) {
      let len = 4;
      while (i + len < n && src[cand + len] === src[i + len]) len++;
      snappyLiteral(out, src, lit, i);
      snappyCopy(out, i - cand, len);
      i += len;
      lit = i;
      misses = 0;
      if (i - 1 <= limit) table[hash4(src, i - 1)] = i - 1;
    } else {
      // Skip ahead faster through data that does not compress.
      i += 1 + (misses++ >>> 5);
    }
  }
  snappyLiteral(out, src, lit, n);
  return out.view();
}

// ---------------------------------------------------------------- lz4

const LZ4_MIN_MATCH = 4;
/** The last 5 bytes are always literals, and no match starts in the last 12 bytes. */
const LZ4_LAST_LITERALS = 5;
const LZ4_MF_LIMIT = 12;

function lz4Length(out: ByteSink, extra: number): void {
  while (extra >= 255) {
    out.buf[out.pos++] = 255;
    extra -= 255;
  }
  out.buf[out.pos++] = extra;
}

function lz4Sequence(out: ByteSink, src: Uint8Array, litStart: number, litEnd: number, offset: number, matchLen: number): void {
  const litLen = litEnd - litStart;
  out.ensure(litLen + Math.ceil(litLen / 255) + Math.ceil(matchLen / 255) + 8);
  const m = matchLen - LZ4_MIN_MATCH;
  const tokenPos = out.pos++;
  out.buf[tokenPos] = ((litLen >= 15 ? 15 : litLen) << 4) | (matchLen === 0 ? 0 : m >= 15 ? 15 : m);
  if (litLen >= 15) lz4Length(out, litLen - 15);
  out.buf.set(src.subarray(litStart, litEnd), out.pos);
  out.pos += litLen;
  if (matchLen === 0) return;
  out.buf[out.pos++] = offset & 0xff;
  out.buf[out.pos++] = offset >>> 8;
  if (m >= 15) lz4Length(out, m - 15);
}

/** LZ4 raw block (no frame): sequences of literals and back-references, ending in literals. */
export function lz4Compress(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new ByteSink(n + (n >>> 7) + 32);
  const table = new Int32Array(HASH_SIZE).fill(-1);
  let lit = 0;
  let i = 0;
  let misses = 0;
  const matchLimit = n - LZ4_MF_LIMIT; // last position a match may start at (exclusive)
  const matchEnd = n - LZ4_LAST_LITERALS; // a match must end before this
  while (i < matchLimit) {
    const h = hash4(src, i);
    const cand = table[h]!;
    table[h] = i;
    if (cand >= 0 && i - cand <= MAX_OFFSET && same4(src, cand, i)) {
      let len = 4;
      while (i + len < matchEnd && src[cand + len] === src[i + len]) len++;
      lz4Sequence(out, src, lit, i, i - cand, len);
      i += len;
      lit = i;
      misses = 0;
    } else {
      i += 1 + (misses++ >>> 5);
    }
  }
  lz4Sequence(out, src, lit, n, 0, 0);
  return out.view();
}

// ---------------------------------------------------------------- chunking

/** A compressed part: its bytes and where each chunk (of blockSize input bytes) starts in them. */
export interface Compressed {
  bytes: Uint8Array;
  chunkStarts: number[];
}

export class ChunkCompressor {
  private cctx: zstd.CCtx | null = null;

  constructor(
    readonly codec: OrcCodec,
    readonly blockSize: number,
    private readonly zstdLevel = 1,
    private readonly zlibLevel = 2,
  ) {}

  private compressBlock(block: Uint8Array): Uint8Array {
    switch (this.codec) {
      case 'zstd': {
        this.cctx ??= new zstd.CCtx();
        const dst = new Uint8Array(zstd.compressBound(block.length));
        const n = this.cctx.compress(dst, block, this.zstdLevel);
        return dst.subarray(0, n);
      }
      case 'zlib':
        return deflateRawSync(block, { level: this.zlibLevel });
      case 'snappy':
        return snappyCompress(block);
      case 'lz4':
        return lz4Compress(block);
      default:
        return block;
    }
  }

  /** The chunks of a stream (or footer); 'none' returns the bytes as they are. */
  compress(raw: Uint8Array): Compressed {
    if (this.codec === 'none') return { bytes: raw, chunkStarts: [] };
    const out = new ByteSink(Math.min(raw.length, this.blockSize) + 64);
    const chunkStarts: number[] = [];
    for (let start = 0; start < raw.length; start += this.blockSize) {
      const block = raw.subarray(start, Math.min(raw.length, start + this.blockSize));
      const packed = this.compressBlock(block);
      const original = packed.length >= block.length;
      const body = original ? block : packed;
      const header = body.length * 2 + (original ? 1 : 0);
      chunkStarts.push(out.pos);
      out.ensure(3 + body.length);
      out.buf[out.pos++] = header & 0xff;
      out.buf[out.pos++] = (header >>> 8) & 0xff;
      out.buf[out.pos++] = (header >>> 16) & 0xff;
      out.bytes(body);
    }
    return { bytes: out.view(), chunkStarts };
  }

  /** A row index position for an uncompressed offset: [offset] or [chunk start, offset in chunk]. */
  position(c: Compressed, offset: number): number[] {
    if (this.codec === 'none') return [offset];
    const chunk = Math.floor(offset / this.blockSize);
    if (chunk >= c.chunkStarts.length) return [c.bytes.length, 0];
    return [c.chunkStarts[chunk]!, offset - chunk * this.blockSize];
  }
}
