/**
 * Paimon's BinaryRow (paimon-common `BinaryRow`, `BinaryRowWriter`): the
 * byte layout of partition values, keys and stats inside manifests, and the
 * input of the bucket hash. Spec section 5.
 *
 *   [header byte + null bits][8-byte slot per field][variable part, 8-aligned]
 *
 * Slots and variable data are little-endian; the manifest serialization
 * prefixes a big-endian int32 arity.
 */
import { PaimonError } from '../errors.js';
import type { DataType } from '../types/data-type.js';
import { timestampUnitsPerMilli, type Value } from '../types/values.js';

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

export function nullBitsSizeInBytes(arity: number): number {
  return Math.floor((arity + 63 + 8) / 64) * 8;
}

export function fixedPartSize(arity: number): number {
  return nullBitsSizeInBytes(arity) + 8 * arity;
}

const roundUp8 = (n: number) => (n + 7) & ~7;

/** A decoded BinaryRow: the row kind byte and one value per field. */
export interface DecodedRow {
  rowKind: number;
  values: Value[];
}

/**
 * Decodes `bytes` (no arity prefix) as a BinaryRow whose fields have `types`.
 * A row with fewer fields than `types` (stats written before a column was
 * added) yields nulls for the missing ones.
 */
export function decodeBinaryRow(bytes: Uint8Array, types: readonly DataType[], arity = types.length): Value[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nullBytes = nullBitsSizeInBytes(arity);
  if (bytes.byteLength < nullBytes + 8 * arity) {
    throw new PaimonError('CORRUPT_FILE', `BinaryRow of arity ${arity} needs ${nullBytes + 8 * arity} bytes, got ${bytes.byteLength}`);
  }
  const out: Value[] = new Array(types.length);
  for (let pos = 0; pos < types.length; pos++) {
    if (pos >= arity) {
      out[pos] = null;
      continue;
    }
    const bit = pos + 8;
    if ((bytes[bit >> 3]! & (1 << (bit & 7))) !== 0) {
      out[pos] = null;
      continue;
    }
    out[pos] = readField(bytes, view, nullBytes + 8 * pos, types[pos]!);
  }
  return out;
}

function readVarBytes(bytes: Uint8Array, view: DataView, slot: number): Uint8Array {
  const hi = bytes[slot + 7]!;
  if ((hi & 0x80) !== 0) {
    const len = hi & 0x7f;
    return bytes.subarray(slot, slot + len);
  }
  const length = view.getUint32(slot, true);
  const offset = view.getUint32(slot + 4, true);
  if (offset + length > bytes.byteLength) {
    throw new PaimonError('CORRUPT_FILE', `BinaryRow variable field at ${offset}+${length} is past the row end ${bytes.byteLength}`);
  }
  return bytes.subarray(offset, offset + length);
}

function readField(bytes: Uint8Array, view: DataView, slot: number, type: DataType): Value {
  switch (type.kind) {
    case 'BOOLEAN':
      return bytes[slot] !== 0;
    case 'TINYINT':
      return view.getInt8(slot);
    case 'SMALLINT':
      return view.getInt16(slot, true);
    case 'INT':
    case 'DATE':
    case 'TIME':
      return view.getInt32(slot, true);
    case 'BIGINT':
      return view.getBigInt64(slot, true);
    case 'FLOAT':
      return view.getFloat32(slot, true);
    case 'DOUBLE':
      return view.getFloat64(slot, true);
    case 'CHAR':
    case 'VARCHAR':
      return decoder.decode(readVarBytes(bytes, view, slot));
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return readVarBytes(bytes, view, slot).slice();
    case 'DECIMAL': {
      if (type.precision <= 18) return view.getBigInt64(slot, true);
      const size = view.getUint32(slot, true);
      const offset = view.getUint32(slot + 4, true);
      return bigIntFromBytesBE(bytes.subarray(offset, offset + size));
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      if (type.precision <= 3) return view.getBigInt64(slot, true);
      const nanoOfMilli = view.getUint32(slot, true);
      const offset = view.getUint32(slot + 4, true);
      const millis = view.getBigInt64(offset, true);
      return millis * timestampUnitsPerMilli(type.precision) + BigInt(nanoOfMilli) / (1_000_000n / timestampUnitsPerMilli(type.precision));
    }
    default:
      throw new PaimonError('UNSUPPORTED', `reading ${type.kind} from a BinaryRow is not supported`);
  }
}

export function bigIntFromBytesBE(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  if (b[0]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v;
}

/** Java `BigInteger.toByteArray`: minimal big-endian two's complement. */
export function bigIntToBytesBE(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(x & 0xffn);
    out.unshift(byte);
    x >>= 8n;
    if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

/** Encodes values as a BinaryRow with all padding zeroed (hash and equality cover every byte). */
export function encodeBinaryRow(values: readonly Value[], types: readonly DataType[], rowKind = 0): Uint8Array {
  const arity = types.length;
  const nullBytes = nullBitsSizeInBytes(arity);
  const fixed = nullBytes + 8 * arity;
  const varParts: Uint8Array[] = [];
  let cursor = fixed;
  const slots = new Uint8Array(fixed);
  const view = new DataView(slots.buffer);
  slots[0] = rowKind;
  const appendVar = (data: Uint8Array, reserve = data.length): number => {
    const at = cursor;
    const padded = new Uint8Array(roundUp8(reserve));
    padded.set(data);
    varParts.push(padded);
    cursor += padded.length;
    return at;
  };
  for (let pos = 0; pos < arity; pos++) {
    const v = values[pos];
    const type = types[pos]!;
    const slot = nullBytes + 8 * pos;
    if (v === null || v === undefined) {
      const bit = pos + 8;
      slots[bit >> 3]! |= 1 << (bit & 7);
      continue;
    }
    switch (type.kind) {
      case 'BOOLEAN':
        slots[slot] = v ? 1 : 0;
        break;
      case 'TINYINT':
        view.setInt8(slot, Number(v));
        break;
      case 'SMALLINT':
        view.setInt16(slot, Number(v), true);
        break;
      case 'INT':
      case 'DATE':
      case 'TIME':
        view.setInt32(slot, Number(v), true);
        break;
      case 'BIGINT':
        view.setBigInt64(slot, BigInt(v as number | bigint), true);
        break;
      case 'FLOAT':
        view.setFloat32(slot, Number(v), true);
        break;
      case 'DOUBLE':
        view.setFloat64(slot, Number(v), true);
        break;
      case 'CHAR':
      case 'VARCHAR':
      case 'BINARY':
      case 'VARBINARY':
      case 'BLOB': {
        const data = typeof v === 'string' ? encoder.encode(v) : (v as Uint8Array);
        if (data.length <= 7) {
          slots.set(data, slot);
          slots[slot + 7] = 0x80 | data.length;
        } else {
          const at = appendVar(data);
          view.setUint32(slot, data.length, true);
          view.setUint32(slot + 4, at, true);
        }
        break;
      }
      case 'DECIMAL': {
        const unscaled = BigInt(v as bigint);
        if (type.precision <= 18) {
          view.setBigInt64(slot, unscaled, true);
        } else {
          const data = bigIntToBytesBE(unscaled);
          const at = appendVar(data, 16);
          view.setUint32(slot, data.length, true);
          view.setUint32(slot + 4, at, true);
        }
        break;
      }
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ': {
        const units = timestampUnitsPerMilli(type.precision);
        const value = BigInt(v as bigint);
        if (type.precision <= 3) {
          view.setBigInt64(slot, value, true);
        } else {
          let millis = value / units;
          let rest = value % units;
          if (rest < 0n) {
            millis -= 1n;
            rest += units;
          }
          const millisBytes = new Uint8Array(8);
          new DataView(millisBytes.buffer).setBigInt64(0, millis, true);
          const at = appendVar(millisBytes);
          view.setUint32(slot, Number(rest * (1_000_000n / units)), true);
          view.setUint32(slot + 4, at, true);
        }
        break;
      }
      default:
        throw new PaimonError('UNSUPPORTED', `writing ${type.kind} into a BinaryRow is not supported`);
    }
  }
  const out = new Uint8Array(cursor);
  out.set(slots);
  let at = fixed;
  for (const part of varParts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `SerializationUtils.serializeBinaryRow`: big-endian int32 arity, then the row bytes. */
export function serializeBinaryRow(values: readonly Value[], types: readonly DataType[]): Uint8Array {
  const row = encodeBinaryRow(values, types);
  const out = new Uint8Array(4 + row.length);
  new DataView(out.buffer).setInt32(0, types.length, false);
  out.set(row, 4);
  return out;
}

/** Splits a serialized row into its arity and row bytes. */
export function splitSerializedRow(bytes: Uint8Array): { arity: number; row: Uint8Array } {
  if (bytes.byteLength < 4) throw new PaimonError('CORRUPT_FILE', `serialized BinaryRow of ${bytes.byteLength} bytes has no arity`);
  const arity = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, false);
  if (arity < 0 || arity > 1 << 16) throw new PaimonError('CORRUPT_FILE', `serialized BinaryRow has arity ${arity}`);
  return { arity, row: bytes.subarray(4) };
}

/** A serialized row as a map key (partitions, index entries). */
export function rowKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function deserializeBinaryRow(bytes: Uint8Array, types: readonly DataType[]): Value[] {
  const { arity, row } = splitSerializedRow(bytes);
  return decodeBinaryRow(row, types, arity);
}

// ---- hashing and buckets (spec 5.4, 5.5) ------------------------------------

/** `MurmurHashUtils.hashBytesByWords` with seed 42: MurmurHash3 x86_32 over whole 4-byte words. */
export function hashBinaryRowBytes(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let h = 42;
  for (let i = 0; i + 4 <= bytes.byteLength; i += 4) {
    let k = view.getInt32(i, true);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= bytes.byteLength;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Paimon's default bucket function: `Math.abs(hash % numBuckets)` with Java's truncating remainder. */
export function bucketOfHash(hash: number, numBuckets: number): number {
  return Math.abs(hash % numBuckets);
}

export function bucketOf(keyValues: readonly Value[], keyTypes: readonly DataType[], numBuckets: number): number {
  return bucketOfHash(hashBinaryRowBytes(encodeBinaryRow(keyValues, keyTypes)), numBuckets);
}
