/**
 * ORC generic compression. Every compressed part of the file (footer,
 * metadata, stripe footers, streams) is a sequence of chunks, each with a
 * 3-byte little-endian header `length << 1 | isOriginal`; an original chunk is
 * stored as is. No chunk expands beyond the PostScript's compressionBlockSize.
 */
import { inflateRawSync } from 'node:zlib';
import zstd from 'zstd-napi/binding.js';
import type { CompressionKind } from './footer.js';
import { lz4Decompress } from './lz4.js';
import { OrcFormatError, unsupported } from './orc-errors.js';
import { snappyDecompress } from './snappy.js';

/** Largest compression block size we accept (ORC writers use 256 KiB by default). */
const MAX_BLOCK_SIZE = 1 << 30;

export class Decompressor {
  private scratch: Uint8Array | null = null;
  private dctx: zstd.DCtx | null = null;

  constructor(
    readonly kind: CompressionKind,
    readonly blockSize: number,
  ) {
    if (kind === 'LZO' || kind === 'BROTLI') throw unsupported(`ORC compression ${kind} is not supported`);
    if (kind !== 'NONE' && (!(blockSize > 0) || blockSize > MAX_BLOCK_SIZE)) {
      throw new OrcFormatError(`bad compression block size ${blockSize}`);
    }
  }

  /** Decompresses a whole stream (or footer) of chunks; NONE returns the input. */
  decompress(src: Uint8Array): Uint8Array {
    if (this.kind === 'NONE') return src;
    const parts: Uint8Array[] = [];
    let total = 0;
    let pos = 0;
    while (pos < src.length) {
      if (pos + 3 > src.length) throw new OrcFormatError('truncated compression chunk header');
      const header = src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16);
      pos += 3;
      const len = header >>> 1;
      if (len > src.length - pos) throw new OrcFormatError(`compression chunk of ${len} bytes runs past the end of its stream`);
      const chunk = src.subarray(pos, pos + len);
      pos += len;
      let out: Uint8Array;
      if (header & 1) {
        if (len > this.blockSize) throw new OrcFormatError('original chunk larger than the compression block size');
        out = chunk;
      } else {
        out = this.chunk(chunk);
      }
      parts.push(out);
      total += out.length;
    }
    if (parts.length === 1) return parts[0]!;
    const result = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      result.set(p, off);
      off += p.length;
    }
    return result;
  }

  /** One zstd frame, into a buffer of the size its header declares (else the block size). */
  private zstdChunk(chunk: Uint8Array): Uint8Array {
    this.dctx ??= new zstd.DCtx();
    let size: number | null;
    try {
      size = zstd.getFrameContentSize(chunk);
    } catch (e) {
      throw new OrcFormatError(`bad zstd chunk: ${(e as Error).message}`);
    }
    if (size !== null && size > this.blockSize) {
      throw new OrcFormatError(`zstd chunk of ${size} bytes exceeds the compression block size ${this.blockSize}`);
    }
    if (size !== null) {
      const out = new Uint8Array(size);
      try {
        const n = this.dctx.decompress(out, chunk);
        return n === size ? out : out.subarray(0, n);
      } catch {
        // e.g. several frames in one chunk: fall through to a block-sized buffer
      }
    }
    this.scratch ??= new Uint8Array(this.blockSize);
    let n: number;
    try {
      n = this.dctx.decompress(this.scratch, chunk);
    } catch (e) {
      throw new OrcFormatError(`bad zstd chunk: ${(e as Error).message}`);
    }
    return this.scratch.slice(0, n);
  }

  private chunk(chunk: Uint8Array): Uint8Array {
    switch (this.kind) {
      case 'ZLIB':
        try {
          return inflateRawSync(chunk, { maxOutputLength: this.blockSize });
        } catch (e) {
          throw new OrcFormatError(`bad zlib chunk: ${(e as Error).message}`);
        }
      case 'SNAPPY':
        return snappyDecompress(chunk, this.blockSize);
      case 'LZ4':
        return lz4Decompress(chunk, this.blockSize);
      case 'ZSTD':
        return this.zstdChunk(chunk);
      default:
        throw unsupported(`ORC compression ${this.kind} is not supported`);
    }
  }
}
