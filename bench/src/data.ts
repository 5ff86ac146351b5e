/**
 * Deterministic benchmark data: a seeded PRNG (mulberry32), one generator of
 * raw columns per batch, and two adapters over the same raw columns, one to an
 * Arrow table (what paimon-ts is given) and one to DuckDB data chunks (what the
 * DuckDB baseline is loaded with), so both sides see identical values.
 *
 * Each batch has its own seed, so any batch can be regenerated on its own:
 * nothing but one batch is ever held in memory.
 */
import * as arrow from 'apache-arrow';
import { BIGINT, BOOLEAN, DATE, DOUBLE, DuckDBDataChunk, DuckDBDateValue, INTEGER, VARCHAR, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';

/** mulberry32: a tiny 32-bit PRNG; returns uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Vocabulary of the STRING column: `<word>-<6 digits>`, 9 to 14 characters, about 12.4 on average. */
export const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'oscar', 'papa', 'romeo'];
const WORD_BYTES = WORDS.map((w) => new TextEncoder().encode(w));
const EPOCH_2000 = 10957; // 2000-01-01 in days since 1970-01-01

/** The table's columns, as Paimon types and as DuckDB SQL types. */
export const FIELDS = [
  { name: 'id', type: 'BIGINT', duck: 'BIGINT' },
  { name: 'i', type: 'INT', duck: 'INTEGER' },
  { name: 'd', type: 'DOUBLE', duck: 'DOUBLE' },
  { name: 's', type: 'STRING', duck: 'VARCHAR' },
  { name: 'dt', type: 'DATE', duck: 'DATE' },
  { name: 'b', type: 'BOOLEAN', duck: 'BOOLEAN' },
] as const;

export interface RawBatch {
  rows: number;
  /** Row number of the first row in the whole data set (the upsert sequence). */
  firstRow: number;
  id: BigInt64Array;
  i: Int32Array;
  d: Float64Array;
  /** s = WORDS[word] + '-' + num padded to 6 digits. */
  word: Uint8Array;
  num: Uint32Array;
  dt: Int32Array;
  b: Uint8Array;
}

export type DataKind = 'append' | 'upsert';

/**
 * Rows [firstRow, firstRow + rows) of a data set. Append data has id = row
 * number; upsert data draws id uniformly from [0, keys).
 */
export function generateBatch(kind: DataKind, batchIndex: number, firstRow: number, rows: number, keys: number): RawBatch {
  const next = mulberry32(Math.imul(batchIndex + 1, 0x9e3779b1) ^ (kind === 'append' ? 0x0a11e9d : 0x0ab5e27));
  const out: RawBatch = {
    rows,
    firstRow,
    id: new BigInt64Array(rows),
    i: new Int32Array(rows),
    d: new Float64Array(rows),
    word: new Uint8Array(rows),
    num: new Uint32Array(rows),
    dt: new Int32Array(rows),
    b: new Uint8Array(rows),
  };
  for (let r = 0; r < rows; r++) {
    const key = next();
    out.id[r] = BigInt(kind === 'append' ? firstRow + r : Math.floor((key / 4294967296) * keys));
    out.i[r] = next() % 1_000_000;
    out.d[r] = (next() % 10_000_000) / 100; // a price: 0.00 .. 99999.99
    const w = next();
    out.word[r] = w & 15;
    out.b[r] = (w >>> 4) & 1;
    out.num[r] = next() % 1_000_000;
    out.dt[r] = EPOCH_2000 + (next() % 9131); // 2000-01-01 .. 2024-12-31
  }
  return out;
}

/** The ids of a batch as plain numbers (they are all below 2^53). */
export function idNumber(raw: RawBatch, r: number): number {
  return Number(raw.id[r]);
}

function utf8Column(raw: RawBatch): arrow.Data<arrow.Utf8> {
  const n = raw.rows;
  const offsets = new Int32Array(n + 1);
  let size = 0;
  for (let r = 0; r < n; r++) size += WORD_BYTES[raw.word[r]!]!.length + 7;
  const bytes = new Uint8Array(size);
  let p = 0;
  for (let r = 0; r < n; r++) {
    const w = WORD_BYTES[raw.word[r]!]!;
    bytes.set(w, p);
    p += w.length;
    bytes[p++] = 0x2d; // '-'
    let v = raw.num[r]!;
    for (let k = 5; k >= 0; k--) {
      bytes[p + k] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    p += 6;
    offsets[r + 1] = p;
  }
  return arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes });
}

function boolColumn(raw: RawBatch): arrow.Data<arrow.Bool> {
  const bits = new Uint8Array((raw.rows + 7) >> 3);
  for (let r = 0; r < raw.rows; r++) if (raw.b[r]) bits[r >> 3]! |= 1 << (r & 7);
  return arrow.makeData({ type: new arrow.Bool(), length: raw.rows, nullCount: 0, data: bits });
}

/** The batch as an Arrow table with columns id, i, d, s, dt, b. */
export function toArrowTable(raw: RawBatch): arrow.Table {
  const n = raw.rows;
  return new arrow.Table({
    id: arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: raw.id })),
    i: arrow.makeVector(arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: raw.i })),
    d: arrow.makeVector(arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: raw.d })),
    s: arrow.makeVector(utf8Column(raw)),
    dt: arrow.makeVector(arrow.makeData({ type: new arrow.DateDay(), length: n, nullCount: 0, data: raw.dt })),
    b: arrow.makeVector(boolColumn(raw)),
  });
}

export function stringOf(raw: RawBatch, r: number): string {
  return `${WORDS[raw.word[r]!]}-${String(raw.num[r]).padStart(6, '0')}`;
}

const DUCK_TYPES: DuckDBType[] = [BIGINT, INTEGER, DOUBLE, VARCHAR, DATE, BOOLEAN];
const CHUNK_ROWS = 2048; // DuckDB's vector size: a data chunk holds at most this many rows

/**
 * Appends the batch to a DuckDB table (id, i, d, s, dt, b[, seq]) through the
 * Appender, one whole data chunk (2048 rows) at a time. `withSeq` adds the row
 * number as a BIGINT `seq` column (the upsert order).
 */
export function appendToDuckDB(appender: DuckDBAppender, raw: RawBatch, withSeq: boolean): void {
  const types = withSeq ? [...DUCK_TYPES, BIGINT] : DUCK_TYPES;
  for (let start = 0; start < raw.rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, raw.rows - start);
    const id: bigint[] = new Array(n);
    const i: number[] = new Array(n);
    const d: number[] = new Array(n);
    const s: string[] = new Array(n);
    const dt: DuckDBDateValue[] = new Array(n);
    const b: boolean[] = new Array(n);
    const seq: bigint[] = withSeq ? new Array(n) : [];
    for (let k = 0; k < n; k++) {
      const r = start + k;
      id[k] = raw.id[r]!;
      i[k] = raw.i[r]!;
      d[k] = raw.d[r]!;
      s[k] = stringOf(raw, r);
      dt[k] = new DuckDBDateValue(raw.dt[r]!);
      b[k] = raw.b[r] === 1;
      if (withSeq) seq[k] = BigInt(raw.firstRow + r);
    }
    const chunk = DuckDBDataChunk.create(types, n);
    chunk.setColumns(withSeq ? [id, i, d, s, dt, b, seq] : [id, i, d, s, dt, b]);
    appender.appendDataChunk(chunk);
  }
}
