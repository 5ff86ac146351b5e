/**
 * Fixed-width columns moved between Arrow buffers and DuckDB vectors as
 * whole buffers (one copy per column and chunk) instead of one JS value per
 * row: booleans, integers, floats, DATE, TIME, timestamps and decimals.
 * Strings, bytes and nested types go through DuckDB values (the caller's
 * fallback). Uses `@duckdb/node-bindings` (the C API under
 * `@duckdb/node-api`): `copy_data_to_vector` / `vector_get_data` and the
 * validity masks (uint64 words, least significant bit first: the same bit
 * order as Arrow's null bitmaps).
 */
import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import type * as arrow from 'apache-arrow';
import type { DataType } from '@paimon-ts/core';

/** Bytes per value of a decimal in DuckDB, by precision. */
function decimalWidth(precision: number): 2 | 4 | 8 | 16 {
  return precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
}

/** Whether `type` takes the buffer path. */
export function isRawType(type: DataType): boolean {
  switch (type.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'DECIMAL':
      return true;
    default:
      return false;
  }
}

// ---- Arrow -> DuckDB ---------------------------------------------------------------

/** Copies rows [start, start + n) of an Arrow column (core's Arrow type for `type`) into column `col` of `chunk` (row count already set). */
export function arrowToVector(chunk: DuckDBDataChunk, col: number, data: arrow.Data, type: DataType, start: number, n: number): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  const values = data.values as ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayBufferView };
  let out: ArrayBufferView;
  switch (type.kind) {
    case 'BOOLEAN': {
      const bits = data.values as Uint8Array;
      const bytes = new Uint8Array(n);
      const base = data.offset + start;
      for (let i = 0; i < n; i++) bytes[i] = (bits[(base + i) >> 3]! >> ((base + i) & 7)) & 1;
      out = bytes;
      break;
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      out = values.subarray(start, start + n);
      break;
    case 'TIME': {
      // Arrow TimeMillisecond (int32) -> DuckDB TIME (int64 micros).
      const src = data.values as Int32Array;
      const micros = new BigInt64Array(n);
      for (let i = 0; i < n; i++) micros[i] = BigInt(src[start + i]!) * 1000n;
      out = micros;
      break;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const src = data.values as BigInt64Array;
      const p = type.precision;
      if ((p > 3 && p <= 6) || (p > 6 && type.kind === 'TIMESTAMP')) {
        out = src.subarray(start, start + n); // micros -> TIMESTAMP(TZ), nanos -> TIMESTAMP_NS
      } else {
        const conv = new BigInt64Array(n);
        if (p <= 3) for (let i = 0; i < n; i++) conv[i] = src[start + i]! * 1000n;
        else
          for (let i = 0; i < n; i++) {
            const v = src[start + i]!;
            const q = v / 1000n;
            conv[i] = v % 1000n !== 0n && v < 0n ? q - 1n : q; // nanos -> micros, floored
          }
        out = conv;
      }
      break;
    }
    case 'DECIMAL': {
      const words = data.values as Uint32Array; // 4 words per value (Decimal128)
      const width = decimalWidth(type.precision);
      if (width === 16) {
        out = words.subarray(start * 4, (start + n) * 4);
      } else if (width === 8) {
        const o = new BigInt64Array(n);
        for (let i = 0; i < n; i++) o[i] = BigInt.asIntN(64, (BigInt(words[(start + i) * 4 + 1]!) << 32n) | BigInt(words[(start + i) * 4]!));
        out = o;
      } else {
        const o = width === 4 ? new Int32Array(n) : new Int16Array(n);
        for (let i = 0; i < n; i++) o[i] = words[(start + i) * 4]! | 0;
        out = o;
      }
      break;
    }
    default:
      throw new Error(`arrowToVector: ${type.kind} is not a fixed-width type`);
  }
  duckdb.copy_data_to_vector(vector, 0, out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
  if (data.nullCount > 0 && data.nullBitmap) {
    const mask = new Uint8Array(Math.ceil(n / 64) * 8);
    const bitmap = data.nullBitmap;
    const base = data.offset + start;
    for (let i = 0; i < n; i++) if ((bitmap[(base + i) >> 3]! >> ((base + i) & 7)) & 1) mask[i >> 3]! |= 1 << (i & 7);
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
  }
}

// ---- DuckDB -> Arrow buffers ----------------------------------------------------------

/** A fixed-width column being collected from DuckDB chunks, in core's Arrow layout. */
export interface RawColumn {
  type: DataType;
  /** Values in Arrow's physical layout, one part per chunk. */
  parts: ArrayBufferView[];
  /** Validity bits per chunk (null = all valid), with the chunk's length. */
  validity: { bits: Uint8Array | null; length: number }[];
}

/** Bytes per value of the DuckDB vector holding `duckTypeSql(type)`. */
function duckWidth(type: DataType): number {
  switch (type.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
      return 1;
    case 'SMALLINT':
      return 2;
    case 'INT':
    case 'FLOAT':
    case 'DATE':
      return 4;
    case 'DECIMAL':
      return decimalWidth(type.precision);
    default:
      return 8;
  }
}

/** Appends the first `n` rows of column `col` of a result chunk to `column`. */
export function vectorToArrow(chunk: DuckDBDataChunk, col: number, n: number, column: RawColumn): void {
  const type = column.type;
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  const width = duckWidth(type);
  const view = duckdb.vector_get_data(vector, n * width);
  const bytes = view.slice(0, n * width); // the chunk's memory is freed with the chunk
  let part: ArrayBufferView;
  switch (type.kind) {
    case 'BOOLEAN': {
      const bits = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++) if (bytes[i]) bits[i >> 3]! |= 1 << (i & 7);
      part = bits;
      break;
    }
    case 'TIME': {
      // DuckDB TIME (int64 micros) -> Arrow TimeMillisecond (int32).
      const micros = new BigInt64Array(bytes.buffer, 0, n);
      const ms = new Int32Array(n);
      for (let i = 0; i < n; i++) ms[i] = Number(micros[i]! / 1000n);
      part = ms;
      break;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const src = new BigInt64Array(bytes.buffer, 0, n);
      const p = type.precision;
      if ((p > 3 && p <= 6) || (p > 6 && type.kind === 'TIMESTAMP')) {
        part = src;
      } else {
        const conv = new BigInt64Array(n);
        if (p <= 3)
          for (let i = 0; i < n; i++) {
            const v = src[i]!;
            const q = v / 1000n;
            conv[i] = v % 1000n !== 0n && v < 0n ? q - 1n : q; // micros -> millis, floored
          }
        else for (let i = 0; i < n; i++) conv[i] = src[i]! * 1000n; // TIMESTAMPTZ micros -> nanos
        part = conv;
      }
      break;
    }
    case 'DECIMAL': {
      const w = decimalWidth(type.precision);
      if (w === 16) {
        part = new Uint32Array(bytes.buffer, 0, n * 4);
      } else {
        const words = new Uint32Array(n * 4);
        const src = w === 8 ? new BigInt64Array(bytes.buffer, 0, n) : w === 4 ? new Int32Array(bytes.buffer, 0, n) : new Int16Array(bytes.buffer, 0, n);
        for (let i = 0; i < n; i++) {
          const v = BigInt(src[i]!);
          words[i * 4] = Number(v & 0xffffffffn);
          const hi = Number((v >> 32n) & 0xffffffffn);
          words[i * 4 + 1] = hi;
          const sign = v < 0n ? 0xffffffff : 0;
          words[i * 4 + 2] = sign;
          words[i * 4 + 3] = sign;
        }
        part = words;
      }
      break;
    }
    case 'TINYINT':
      part = new Int8Array(bytes.buffer, 0, n);
      break;
    case 'SMALLINT':
      part = new Int16Array(bytes.buffer, 0, n);
      break;
    case 'INT':
    case 'DATE':
      part = new Int32Array(bytes.buffer, 0, n);
      break;
    case 'FLOAT':
      part = new Float32Array(bytes.buffer, 0, n);
      break;
    case 'DOUBLE':
      part = new Float64Array(bytes.buffer, 0, n);
      break;
    default:
      part = new BigInt64Array(bytes.buffer, 0, n);
  }
  column.parts.push(part);
  const mask = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
  column.validity.push({ bits: mask ? mask.slice() : null, length: n });
}

function concatBytes(parts: ArrayBufferView[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return out;
}

/** The collected column as Arrow Data of `arrowType` (core's type for the column). */
export function rawColumnData(column: RawColumn, arrowType: arrow.DataType, makeData: (props: Record<string, unknown>) => arrow.Data): arrow.Data {
  const length = column.validity.reduce((s, v) => s + v.length, 0);
  let nulls = 0;
  let bitmap: Uint8Array | null = null;
  if (column.validity.some((v) => v.bits !== null)) {
    bitmap = new Uint8Array(((length + 63) & ~63) >> 3);
    let at = 0;
    for (const v of column.validity) {
      for (let i = 0; i < v.length; i++) {
        const valid = v.bits === null || (v.bits[i >> 3]! >> (i & 7)) & 1;
        if (valid) bitmap[(at + i) >> 3]! |= 1 << ((at + i) & 7);
        else nulls++;
      }
      at += v.length;
    }
  }
  let data: ArrayBufferView;
  if (column.type.kind === 'BOOLEAN') {
    const bits = new Uint8Array(((length + 63) & ~63) >> 3);
    let at = 0;
    column.parts.forEach((p, k) => {
      const src = p as Uint8Array;
      const n = column.validity[k]!.length;
      for (let i = 0; i < n; i++) if ((src[i >> 3]! >> (i & 7)) & 1) bits[(at + i) >> 3]! |= 1 << ((at + i) & 7);
      at += n;
    });
    data = bits;
  } else {
    const bytes = concatBytes(column.parts);
    const Ctor = (column.parts[0]?.constructor ?? Uint8Array) as unknown as new (b: ArrayBuffer, o: number, l: number) => ArrayBufferView;
    const bpe = (column.parts[0] as unknown as { BYTES_PER_ELEMENT?: number } | undefined)?.BYTES_PER_ELEMENT ?? 1;
    data = new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / bpe);
  }
  return makeData({ type: arrowType, length, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : null, data });
}
