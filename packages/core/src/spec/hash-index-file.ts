/**
 * HASH index files of dynamic-bucket tables (spec 5.6, Paimon's
 * HashIndexFile over IntFileUtils): the key hashes of one (partition,
 * bucket) as big-endian int32s, no header. `_ROW_COUNT` is the number of ints.
 */
import { PaimonError } from '../errors.js';

export function encodeHashIndex(hashes: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(hashes.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < hashes.length; i++) view.setInt32(i * 4, hashes[i]!, false);
  return bytes;
}

export function decodeHashIndex(bytes: Uint8Array, where: string): Int32Array {
  // Paimon stops at the first incomplete int; a partial tail can only come from a torn write.
  if (bytes.length % 4 !== 0) {
    throw new PaimonError('CORRUPT_FILE', `hash index ${where} is corrupt or truncated: ${bytes.length} bytes is not a whole number of int32 hashes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, false);
  return out;
}
