/**
 * Deletion vectors (spec 7), byte-compatible with Paimon Java.
 *
 * An index file (`index-<uuid>-<n>`, type DELETION_VECTORS) is one version byte
 * (1) followed by the serialized vectors back to back. Each vector is
 *   int32 BE size | `size` bytes of bitmap data (4 magic bytes + bitmap) | int32 BE CRC32 of the bitmap data
 * - v1 (BitmapDeletionVector, default): magic 1581511376 written big-endian, a
 *   32-bit portable RoaringBitmap; the index manifest's length is `size`.
 * - v2 (Bitmap64DeletionVector, `deletion-vectors.bitmap64`): magic 1681511377
 *   written little-endian, a 64-bit portable bitmap with one bucket for every key
 *   from 0 up; the index manifest's length is the whole record, `size + 8`.
 * In both, the manifest's offset points at the size field.
 */
import { crc32 } from 'node:zlib';
import { PaimonError } from '../errors.js';
import { Roaring64Bitmap, RoaringBitmap } from './roaring-bitmap.js';

export const DELETION_VECTOR_INDEX_VERSION = 1;
export const BITMAP_DV_MAGIC = 1581511376;
export const BITMAP64_DV_MAGIC = 1681511377;
/** v1 stores positions as Java ints. */
const MAX_V1_POSITION = 0x7fffffff;
/** Size field and CRC around the bitmap data. */
const FRAME_BYTES = 8;

export interface DeletionVector {
  /** Number of deleted rows. */
  readonly cardinality: number;
  isDeleted(pos: number): boolean;
  isEmpty(): boolean;
  /** Sets out[i] = value (default 1) for every deleted position start + i, i < out.length. */
  markDeleted(out: Uint8Array, start: number, value?: number): void;
  /** 1 for rows start .. start + n - 1 that survive, 0 for deleted ones. */
  keepMask(start: number, n: number): Uint8Array;
  /** Deleted positions below `limit`, ascending. */
  positions(limit?: number): Float64Array;
}

/** The one DeletionVector implementation; `bitmap64` is the on-disk format it was read from or should be written in. */
export class BitmapDeletionVector implements DeletionVector {
  constructor(
    readonly bitmap: Roaring64Bitmap = new Roaring64Bitmap(),
    readonly bitmap64: boolean = false,
  ) {}

  static of(positions: Iterable<number>, bitmap64 = false): BitmapDeletionVector {
    const dv = new BitmapDeletionVector(new Roaring64Bitmap(), bitmap64);
    for (const p of positions) dv.delete(p);
    return dv;
  }

  get cardinality(): number {
    return this.bitmap.cardinality;
  }

  isEmpty(): boolean {
    return this.bitmap.isEmpty();
  }

  isDeleted(pos: number): boolean {
    return this.bitmap.contains(pos);
  }

  /** Marks a row deleted; returns whether it was not deleted before. */
  delete(pos: number): boolean {
    if (!this.bitmap64 && pos > MAX_V1_POSITION) {
      throw new PaimonError('INVALID_ARGUMENT', `row position ${pos} exceeds ${MAX_V1_POSITION}; a 32-bit deletion vector cannot hold it (set deletion-vectors.bitmap64)`);
    }
    if (!Number.isSafeInteger(pos) || pos < 0) throw new PaimonError('INVALID_ARGUMENT', `invalid row position ${pos}`);
    return this.bitmap.add(pos);
  }

  merge(other: DeletionVector): void {
    const ps = other.positions();
    for (let i = 0; i < ps.length; i++) this.delete(ps[i]!);
  }

  markDeleted(out: Uint8Array, start: number, value = 1): void {
    this.bitmap.fillMask(out, start, value);
  }

  keepMask(start: number, n: number): Uint8Array {
    const keep = new Uint8Array(n).fill(1);
    this.bitmap.fillMask(keep, start, 0);
    return keep;
  }

  positions(limit?: number): Float64Array {
    return this.bitmap.toFloat64Array(limit);
  }
}

function corrupt(fileName: string, offset: number, what: string, cause?: unknown): PaimonError {
  return new PaimonError('CORRUPT_FILE', `deletion vector at offset ${offset} of index file ${fileName}: ${what}`, { cause });
}

/**
 * Reads the vector whose size field starts at `offset` of the index file bytes.
 * `length` is the index manifest's length (checked per format; null skips the check).
 * Verifies magic and CRC; throws CORRUPT_FILE naming `fileName`.
 */
export function readDeletionVector(fileBytes: Uint8Array, offset: number, length: number | null, fileName: string): BitmapDeletionVector {
  if (!Number.isInteger(offset) || offset < 0 || offset + FRAME_BYTES > fileBytes.length) {
    throw corrupt(fileName, offset, `truncated (file has ${fileBytes.length} bytes)`);
  }
  const view = new DataView(fileBytes.buffer, fileBytes.byteOffset, fileBytes.byteLength);
  const size = view.getInt32(offset);
  let bitmap64: boolean;
  if (view.getInt32(offset + 4) === BITMAP_DV_MAGIC) {
    bitmap64 = false;
    if (length !== null && size !== length) throw corrupt(fileName, offset, `size field ${size} does not match index manifest length ${length}`);
  } else if (view.getInt32(offset + 4, true) === BITMAP64_DV_MAGIC) {
    bitmap64 = true;
    if (length !== null && size + FRAME_BYTES !== length) {
      throw corrupt(fileName, offset, `size field ${size} does not match index manifest length ${length} (64-bit vectors count size and CRC fields)`);
    }
  } else {
    throw corrupt(fileName, offset, `bad magic number ${view.getInt32(offset + 4)}`);
  }
  if (size < 4 || offset + FRAME_BYTES + size > fileBytes.length) {
    throw corrupt(fileName, offset, `size ${size} runs past the end of the file (${fileBytes.length} bytes)`);
  }
  const data = fileBytes.subarray(offset + 4, offset + 4 + size);
  const stored = view.getUint32(offset + 4 + size);
  const actual = crc32(data);
  if (stored !== actual) throw corrupt(fileName, offset, `CRC mismatch (stored ${stored}, computed ${actual})`);
  try {
    const body = data.subarray(4);
    const bitmap = bitmap64 ? Roaring64Bitmap.deserialize(body) : Roaring64Bitmap.fromRoaring32(RoaringBitmap.deserialize(body));
    return new BitmapDeletionVector(bitmap, bitmap64);
  } catch (e) {
    throw corrupt(fileName, offset, e instanceof Error ? e.message : String(e), e);
  }
}

export interface DeletionVectorAt {
  offset: number;
  /** As the index manifest records it (format dependent, see the module comment). */
  length: number;
  deletionVector: BitmapDeletionVector;
}

/** Walks a whole index file: the version byte, then every vector in order. */
export function readDeletionVectorIndexFile(fileBytes: Uint8Array, fileName: string): DeletionVectorAt[] {
  if (fileBytes.length === 0) throw new PaimonError('CORRUPT_FILE', `deletion vector index file ${fileName} is empty`);
  if (fileBytes[0] !== DELETION_VECTOR_INDEX_VERSION) {
    throw new PaimonError('UNSUPPORTED_VERSION', `deletion vector index file ${fileName} has version ${fileBytes[0]}, expected ${DELETION_VECTOR_INDEX_VERSION}`);
  }
  const view = new DataView(fileBytes.buffer, fileBytes.byteOffset, fileBytes.byteLength);
  const out: DeletionVectorAt[] = [];
  let offset = 1;
  while (offset < fileBytes.length) {
    const dv = readDeletionVector(fileBytes, offset, null, fileName);
    const size = view.getInt32(offset);
    const length = dv.bitmap64 ? size + FRAME_BYTES : size;
    out.push({ offset, length, deletionVector: dv });
    offset += size + FRAME_BYTES;
  }
  return out;
}

function toBitmapDv(dv: DeletionVector, bitmap64: boolean): BitmapDeletionVector {
  return dv instanceof BitmapDeletionVector ? dv : BitmapDeletionVector.of(dv.positions(), bitmap64);
}

/**
 * One framed vector as Paimon Java writes it (size, bitmap data, CRC). Like
 * Java, this run-optimizes the vector's bitmap in place first (same members,
 * more compact containers). `bitmap64` defaults to the vector's own format.
 */
export function serializeDeletionVector(dv: DeletionVector, options: { bitmap64?: boolean } = {}): Uint8Array {
  const bitmap64 = options.bitmap64 ?? (dv instanceof BitmapDeletionVector && dv.bitmap64);
  const bitmap = toBitmapDv(dv, bitmap64).bitmap;
  let body: RoaringBitmap | null = null;
  let bodySize: number;
  if (bitmap64) {
    bitmap.runOptimize();
    bodySize = bitmap.serializedSizeInBytes({ denseKeys: true });
  } else {
    for (const key of bitmap.bucketKeys()) {
      if (key !== 0 && !bitmap.bucket(key)!.isEmpty()) {
        throw new PaimonError('INVALID_ARGUMENT', 'deletion vector holds positions above 2^32; write it with bitmap64');
      }
    }
    body = bitmap.bucket(0) ?? new RoaringBitmap();
    const last = body.last();
    if (last !== undefined && last > MAX_V1_POSITION) {
      throw new PaimonError('INVALID_ARGUMENT', `deletion vector holds position ${last} > ${MAX_V1_POSITION}; write it with bitmap64`);
    }
    body.runOptimize();
    bodySize = body.serializedSizeInBytes();
  }
  const size = 4 + bodySize;
  const out = new Uint8Array(size + FRAME_BYTES);
  const view = new DataView(out.buffer);
  view.setInt32(0, size);
  if (body) {
    view.setInt32(4, BITMAP_DV_MAGIC);
    body.serializeInto(out, 8);
  } else {
    view.setInt32(4, BITMAP64_DV_MAGIC, true);
    bitmap.serializeInto(out, 8, { denseKeys: true });
  }
  view.setUint32(4 + size, crc32(out.subarray(4, 4 + size)));
  return out;
}

export interface DeletionVectorIndexRange {
  fileName: string;
  /** Where the vector's size field starts. */
  offset: number;
  /** v1: bitmap data (magic + bitmap) only; v2: the whole record. */
  length: number;
  cardinality: number;
}

/**
 * Builds one index file holding the given vectors (keyed by data file name) in
 * map order, and the per-file ranges for the index manifest.
 */
export function writeDeletionVectorIndexFile(
  entries: Map<string, DeletionVector>,
  options: { bitmap64?: boolean } = {},
): { bytes: Uint8Array; ranges: DeletionVectorIndexRange[] } {
  const parts: Uint8Array[] = [Uint8Array.of(DELETION_VECTOR_INDEX_VERSION)];
  const ranges: DeletionVectorIndexRange[] = [];
  let offset = 1;
  for (const [fileName, dv] of entries) {
    const bitmap64 = options.bitmap64 ?? (dv instanceof BitmapDeletionVector && dv.bitmap64);
    const record = serializeDeletionVector(dv, { bitmap64 });
    ranges.push({ fileName, offset, length: bitmap64 ? record.length : record.length - FRAME_BYTES, cardinality: dv.cardinality });
    parts.push(record);
    offset += record.length;
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, ranges };
}
