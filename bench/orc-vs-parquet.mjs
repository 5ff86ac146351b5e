/**
 * ORC (our writer and reader) next to Parquet (parquet-wasm) on the same
 * Arrow data: 1M rows x 6 columns (BIGINT, INT, DOUBLE, STRING with few
 * distinct values, DATE, BOOLEAN), ZSTD for both (Paimon's default), plus the
 * other ORC codecs. Prints rows/s of writing and reading and file sizes.
 *
 * Runs against the built package: build first with
 *   cd packages/core && npx tsc -p tsconfig.json
 * then: node bench/orc-vs-parquet.mjs [rows] [runs]
 */
import * as arrow from 'apache-arrow';
import { encodeOrc, openOrc } from '../packages/core/dist/io/orc/index.js';
import { encodeParquet } from '../packages/core/dist/io/parquet-writer.js';
import { readParquet } from '../packages/core/dist/io/parquet-format.js';
import { toArrowSchema } from '../packages/core/dist/types/arrow-type.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const BATCH = 65536;

const fields = [
  { id: 1, name: 'id', type: { kind: 'BIGINT', nullable: false } },
  { id: 2, name: 'qty', type: { kind: 'INT', nullable: true } },
  { id: 3, name: 'price', type: { kind: 'DOUBLE', nullable: true } },
  { id: 4, name: 'category', type: { kind: 'VARCHAR', length: 2147483647, nullable: true } },
  { id: 5, name: 'day', type: { kind: 'DATE', nullable: true } },
  { id: 6, name: 'flag', type: { kind: 'BOOLEAN', nullable: true } },
];
const schema = toArrowSchema(fields);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
/** 800 distinct categories like "charlie-00042". */
const CATEGORIES = Array.from({ length: 800 }, (_, i) => new TextEncoder().encode(`${WORDS[i % WORDS.length]}-${String(i).padStart(5, '0')}`));

function makeBatch(start, n, r) {
  const ids = new BigInt64Array(n);
  const qty = new Int32Array(n);
  const price = new Float64Array(n);
  const day = new Int32Array(n);
  const flags = new Uint8Array((n + 7) >> 3);
  const offsets = new Int32Array(n + 1);
  const picks = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    ids[i] = BigInt(start + i);
    qty[i] = Math.floor(r() * 1000);
    price[i] = Math.round(r() * 100000) / 100;
    day[i] = 18262 + Math.floor(r() * 1461); // 2020..2023
    if (r() < 0.5) flags[i >> 3] |= 1 << (i & 7);
    const c = Math.floor(r() ** 2 * CATEGORIES.length);
    picks[i] = c;
    total += CATEGORIES[c].length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) bytes.set(CATEGORIES[picks[i]], offsets[i]);
  const children = [
    arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: ids }),
    arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: qty }),
    arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: price }),
    arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes }),
    arrow.makeData({ type: new arrow.DateDay(), length: n, nullCount: 0, data: day }),
    arrow.makeData({ type: new arrow.Bool(), length: n, nullCount: 0, data: flags }),
  ];
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children }));
}

const r = mulberry32(42);
const batches = [];
for (let start = 0; start < ROWS; start += BATCH) batches.push(makeBatch(start, Math.min(BATCH, ROWS - start), r));

function best(fn) {
  let bestMs = Infinity;
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = fn();
    const ms = performance.now() - t0;
    if (ms < bestMs) bestMs = ms;
  }
  return { ms: bestMs, result };
}

async function bestAsync(fn) {
  let bestMs = Infinity;
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = await fn();
    const ms = performance.now() - t0;
    if (ms < bestMs) bestMs = ms;
  }
  return { ms: bestMs, result };
}

const rate = (ms) => `${((ROWS / ms) * 1000 / 1e6).toFixed(2)} M rows/s`;
const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;
const rowsOf = (list) => list.reduce((n, b) => n + b.numRows, 0);

console.log(`${ROWS} rows x ${fields.length} columns (${fields.map((f) => f.type.kind).join(', ')}), best of ${RUNS} runs`);
const results = [];

for (const compression of ['zstd', 'snappy', 'lz4', 'zlib', 'none']) {
  const w = best(() => encodeOrc(fields, batches, { compression }));
  const bytes = w.result;
  const rd = best(() => {
    let n = 0;
    for (const b of openOrc(bytes, 'bench.orc').read()) n += b.numRows;
    return n;
  });
  if (rd.result !== ROWS) throw new Error(`ORC read ${rd.result} rows`);
  results.push({ format: `ORC ${compression}`, write: rate(w.ms), read: rate(rd.ms), size: mib(bytes.length), writeMs: w.ms.toFixed(0), readMs: rd.ms.toFixed(0) });
}

for (const compression of ['zstd', 'snappy']) {
  const w = best(() => encodeParquet(schema, batches, compression));
  const bytes = w.result;
  const rd = await bestAsync(() => readParquet(bytes, null, 'bench.parquet'));
  if (rowsOf(rd.result) !== ROWS) throw new Error(`Parquet read ${rowsOf(rd.result)} rows`);
  results.push({ format: `Parquet ${compression}`, write: rate(w.ms), read: rate(rd.ms), size: mib(bytes.length), writeMs: w.ms.toFixed(0), readMs: rd.ms.toFixed(0) });
}

console.table(results);
