/**
 * Key hashes and buckets for a whole batch at once: each row's key BinaryRow
 * is written into one reused buffer straight from the Arrow columns and
 * hashed (spec 5.4, 5.5), with no per-row objects. Key types without a fast
 * path fall back to the generic BinaryRow encoder.
 */
import type * as arrow from 'apache-arrow';
import { bucketOfHash, encodeBinaryRow, fixedPartSize, hashBinaryRowBytes, nullBitsSizeInBytes } from '../spec/binary-row.js';
import { getValue, isValid } from '../types/arrow-values.js';
import type { DataType } from '../types/data-type.js';

type SlotWriter = (data: arrow.Data, row: number, view: DataView, bytes: Uint8Array, slot: number, varAt: number) => number;

/** Writes a field into its slot (and variable part); returns the new end of the variable part. */
function slotWriter(type: DataType): SlotWriter | null {
  switch (type.kind) {
    case 'BOOLEAN':
      return (d, r, _v, b, slot, end) => {
        const p = d.offset + r;
        b[slot] = d.values[p >> 3]! & (1 << (p & 7)) ? 1 : 0;
        return end;
      };
    case 'TINYINT':
      return (d, r, v, _b, slot, end) => (v.setInt8(slot, d.values[r] as number), end);
    case 'SMALLINT':
      return (d, r, v, _b, slot, end) => (v.setInt16(slot, d.values[r] as number, true), end);
    case 'INT':
    case 'DATE':
    case 'TIME':
      return (d, r, v, _b, slot, end) => (v.setInt32(slot, d.values[r] as number, true), end);
    case 'BIGINT':
      return (d, r, v, _b, slot, end) => (v.setBigInt64(slot, d.values[r] as bigint, true), end);
    case 'FLOAT':
      return (d, r, v, _b, slot, end) => (v.setFloat32(slot, d.values[r] as number, true), end);
    case 'DOUBLE':
      return (d, r, v, _b, slot, end) => (v.setFloat64(slot, d.values[r] as number, true), end);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      if (type.precision > 3) return null;
      return (d, r, v, _b, slot, end) => (v.setBigInt64(slot, d.values[r] as bigint, true), end);
    case 'DECIMAL':
      if (type.precision > 18) return null;
      return (d, r, v, _b, slot, end) => {
        const w = d.values as Uint32Array;
        v.setUint32(slot, w[r * 4]!, true);
        v.setUint32(slot + 4, w[r * 4 + 1]!, true);
        return end;
      };
    case 'CHAR':
    case 'VARCHAR':
    case 'BINARY':
    case 'VARBINARY':
      // Arrow Utf8/Binary values are already the bytes BinaryRow stores.
      return (d, r, v, b, slot, end) => {
        const o = d.valueOffsets as Int32Array;
        const start = o[r]!;
        const len = o[r + 1]! - start;
        const src = (d.values as Uint8Array).subarray(start, start + len);
        if (len <= 7) {
          b.set(src, slot);
          b[slot + 7] = 0x80 | len;
          return end;
        }
        b.set(src, end);
        b.fill(0, end + len, end + ((len + 7) & ~7));
        v.setUint32(slot, len, true);
        v.setUint32(slot + 4, end, true);
        return end + ((len + 7) & ~7);
      };
    default:
      return null;
  }
}

/** `BinaryRow.hashCode()` of every row's projection onto the given key columns. */
export class KeyHasher {
  private readonly writers: (SlotWriter | null)[];
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);

  constructor(private readonly types: readonly DataType[]) {
    this.writers = types.map(slotWriter);
  }

  hashes(columns: readonly arrow.Data[], rows: number): Int32Array {
    const out = new Int32Array(rows);
    if (this.writers.some((w) => w === null)) {
      for (let r = 0; r < rows; r++) out[r] = hashBinaryRowBytes(encodeBinaryRow(columns.map((c) => getValue(c, r)), this.types));
      return out;
    }
    const arity = this.types.length;
    const nullBytes = nullBitsSizeInBytes(arity);
    const fixed = fixedPartSize(arity);
    for (let r = 0; r < rows; r++) {
      // room for the longest variable value of this row
      let need = fixed;
      for (const c of columns) if (c.valueOffsets) need += (((c.valueOffsets as Int32Array)[r + 1]! - (c.valueOffsets as Int32Array)[r]!) + 7) & ~7;
      if (need > this.buffer.length) {
        this.buffer = new Uint8Array(need * 2);
        this.view = new DataView(this.buffer.buffer);
      }
      const bytes = this.buffer;
      const view = this.view;
      bytes.fill(0, 0, fixed);
      let end = fixed;
      for (let k = 0; k < arity; k++) {
        const c = columns[k]!;
        if (!isValid(c, r)) {
          const bit = k + 8;
          bytes[bit >> 3]! |= 1 << (bit & 7);
          continue;
        }
        end = this.writers[k]!(c, r, view, bytes, nullBytes + 8 * k, end);
      }
      out[r] = hashBinaryRowBytes(bytes.subarray(0, end));
    }
    return out;
  }
}

/** Computes the bucket of every row of a batch for the given bucket-key columns (fixed-bucket tables). */
export class BucketAssigner {
  private readonly hasher: KeyHasher;

  constructor(
    types: readonly DataType[],
    private readonly numBuckets: number,
  ) {
    this.hasher = new KeyHasher(types);
  }

  assign(columns: readonly arrow.Data[], rows: number): Int32Array {
    const out = this.hasher.hashes(columns, rows);
    for (let r = 0; r < rows; r++) out[r] = bucketOfHash(out[r]!, this.numBuckets);
    return out;
  }
}
