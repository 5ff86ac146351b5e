import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import {
  BITMAP64_DV_MAGIC,
  BITMAP_DV_MAGIC,
  BitmapDeletionVector,
  readDeletionVector,
  readDeletionVectorIndexFile,
  serializeDeletionVector,
  writeDeletionVectorIndexFile,
  type DeletionVector,
} from '../src/spec/deletion-vector.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function expectCorrupt(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PaimonError);
    expect((e as PaimonError).code).toBe('CORRUPT_FILE');
    expect((e as PaimonError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected CORRUPT_FILE');
}

/** Writes the vectors into one index file and reads each back through its manifest range. */
function roundTrip(vectors: Record<string, number[]>, bitmap64: boolean): Map<string, DeletionVector> {
  const input = new Map(Object.entries(vectors).map(([k, ps]) => [k, BitmapDeletionVector.of(ps, bitmap64)] as const));
  const { bytes, ranges } = writeDeletionVectorIndexFile(input);
  expect(bytes[0]).toBe(1);
  expect(ranges.map((r) => r.fileName)).toEqual(Object.keys(vectors));
  const out = new Map<string, DeletionVector>();
  let next = 1;
  for (const r of ranges) {
    expect(r.offset).toBe(next);
    const size = new DataView(bytes.buffer).getInt32(r.offset);
    expect(r.length).toBe(bitmap64 ? size + 8 : size);
    next = r.offset + size + 8;
    const dv = readDeletionVector(bytes, r.offset, r.length, 'index-test-0');
    expect(dv.cardinality).toBe(r.cardinality);
    out.set(r.fileName, dv);
  }
  expect(next).toBe(bytes.length);
  const walked = readDeletionVectorIndexFile(bytes, 'index-test-0');
  expect(walked.map((w) => [w.offset, w.length])).toEqual(ranges.map((r) => [r.offset, r.length]));
  for (const [name, ps] of Object.entries(vectors)) {
    const sorted = [...new Set(ps)].sort((a, b) => a - b);
    expect(Array.from(out.get(name)!.positions())).toEqual(sorted);
    expect(out.get(name)!.cardinality).toBe(sorted.length);
  }
  return out;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('deletion vectors', () => {
  it('round-trips v1 vectors: empty, sparse, dense, several containers, near 2^31', () => {
    const dvs = roundTrip(
      {
        'data-empty.orc': [],
        'data-sparse.orc': [3, 0, 17, 1000],
        'data-dense.orc': range(0, 6000).map((i) => i * 2), // > 4096 in one container, then a second one
        'data-runs.orc': range(0, 50000),
        'data-many.orc': range(0, 40).map((i) => i * 70001),
        'data-high.orc': [2 ** 31 - 1, 2 ** 31 - 2, 2 ** 31 - 65537, 5],
      },
      false,
    );
    const high = dvs.get('data-high.orc')!;
    expect(high.isDeleted(2 ** 31 - 1)).toBe(true);
    expect(high.isDeleted(2 ** 31 - 3)).toBe(false);
    expect(dvs.get('data-empty.orc')!.isEmpty()).toBe(true);
    expect(dvs.get('data-dense.orc')!.isDeleted(11998)).toBe(true);
    expect(dvs.get('data-dense.orc')!.isDeleted(11999)).toBe(false);
  });

  it('round-trips v2 vectors with positions above 2^32', () => {
    const positions = [0, 9, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 3 * 2 ** 32 + 1, ...range(2 ** 33, 2 ** 33 + 5000)];
    const dvs = roundTrip({ 'data-a.parquet': positions, 'data-b.parquet': [], 'data-c.parquet': [1, 2, 3] }, true);
    const dv = dvs.get('data-a.parquet')!;
    expect(dv.isDeleted(3 * 2 ** 32 + 1)).toBe(true);
    expect(dv.isDeleted(3 * 2 ** 32)).toBe(false);
    expect(Array.from(dv.positions(2 ** 32 + 8))).toEqual([0, 9, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7]);
  });

  it('lays out v1 as size (magic + bitmap), BE magic, bitmap, BE CRC', () => {
    const record = serializeDeletionVector(BitmapDeletionVector.of([0]));
    // 22 = 4 magic + 18 bitmap bytes; same bytes Paimon Java wrote in the fixture tables.
    expect(hex(record)).toBe('00000016' + '5e43f2d0' + '3a300000010000000000000010000000' + '0000' + 'e33060d3');
    const view = new DataView(record.buffer);
    expect(view.getInt32(4)).toBe(BITMAP_DV_MAGIC);
    expect(view.getUint32(record.length - 4)).toBe(crc32(record.subarray(4, record.length - 4)));
  });

  it('lays out v2 as size, LE magic, 64-bit bitmap with dense keys, BE CRC; meta length is the whole record', () => {
    const dv = BitmapDeletionVector.of([2 ** 32 + 1], true);
    const record = serializeDeletionVector(dv);
    const view = new DataView(record.buffer);
    expect(hex(record.subarray(4, 8))).toBe('d1d33964');
    expect(view.getInt32(4, true)).toBe(BITMAP64_DV_MAGIC);
    // 8 count + (4 key + 8 empty bitmap) + (4 key + 18 bitmap {1}) = 42, plus magic
    expect(view.getInt32(0)).toBe(4 + 42);
    expect(view.getUint32(8, true)).toBe(2); // buckets 0 (empty) and 1
    expect(view.getUint32(record.length - 4)).toBe(crc32(record.subarray(4, record.length - 4)));
    const { ranges } = writeDeletionVectorIndexFile(new Map([['f', dv]]));
    expect(ranges).toEqual([{ fileName: 'f', offset: 1, length: record.length, cardinality: 1 }]);
    // The option overrides the vector's own format.
    const asV1 = serializeDeletionVector(BitmapDeletionVector.of([5], true), { bitmap64: false });
    expect(new DataView(asV1.buffer).getInt32(4)).toBe(BITMAP_DV_MAGIC);
  });

  it('refuses positions a 32-bit vector cannot hold', () => {
    expect(() => BitmapDeletionVector.of([2 ** 31])).toThrow(/bitmap64/);
    expect(() => serializeDeletionVector(BitmapDeletionVector.of([2 ** 31], true), { bitmap64: false })).toThrow(/bitmap64/);
    expect(() => serializeDeletionVector(BitmapDeletionVector.of([2 ** 32 + 1], true), { bitmap64: false })).toThrow(/bitmap64/);
    expect(() => BitmapDeletionVector.of([-1], true)).toThrow(PaimonError);
  });

  it('gives keep masks and marks deleted rows batch by batch', () => {
    const dv = BitmapDeletionVector.of([1, 2, 64, 65, 1000, 70000]);
    expect([...dv.keepMask(0, 4)]).toEqual([1, 0, 0, 1]);
    expect([...dv.keepMask(63, 4)]).toEqual([1, 0, 0, 1]);
    const mask = new Uint8Array(65540 - 65530);
    dv.markDeleted(mask, 69995);
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  describe('corruption', () => {
    const { bytes, ranges } = writeDeletionVectorIndexFile(
      new Map([
        ['a', BitmapDeletionVector.of([1, 2, 3])],
        ['b', BitmapDeletionVector.of([4, 2 ** 32 + 4], true)],
      ]),
    );
    const [a, b] = ranges as [(typeof ranges)[0], (typeof ranges)[0]];

    it('reads both formats from one file', () => {
      expect(Array.from(readDeletionVector(bytes, a.offset, a.length, 'idx').positions())).toEqual([1, 2, 3]);
      expect(Array.from(readDeletionVector(bytes, b.offset, b.length, 'idx').positions())).toEqual([4, 2 ** 32 + 4]);
    });

    it('detects CRC mismatches in bitmap bytes and in the stored CRC', () => {
      for (const at of [a.offset + 10, a.offset + 4 + a.length, b.offset + 20, b.offset + b.length - 1]) {
        const broken = bytes.slice();
        broken[at]! ^= 0x10;
        const r = at < b.offset ? a : b;
        expectCorrupt(() => readDeletionVector(broken, r.offset, r.length, 'index-broken-0'), /index-broken-0.*CRC mismatch/);
      }
    });

    it('detects bad magic, length mismatches and truncation', () => {
      const broken = bytes.slice();
      broken[a.offset + 4] = 0;
      expectCorrupt(() => readDeletionVector(broken, a.offset, a.length, 'index-x'), /index-x.*bad magic/);
      expectCorrupt(() => readDeletionVector(bytes, a.offset, a.length + 1, 'index-x'), /does not match/);
      expectCorrupt(() => readDeletionVector(bytes, b.offset, b.length - 8, 'index-x'), /does not match/);
      expectCorrupt(() => readDeletionVector(bytes.subarray(0, bytes.length - 1), b.offset, b.length, 'index-x'), /past the end/);
      expectCorrupt(() => readDeletionVector(bytes, bytes.length - 4, 10, 'index-x'), /truncated/);
      expectCorrupt(() => readDeletionVectorIndexFile(bytes.subarray(0, bytes.length - 3), 'index-x'), /index-x/);
    });

    it('wraps malformed bitmaps with a valid CRC as CORRUPT_FILE', () => {
      // v1 record whose bitmap has a bad cookie but a correct CRC.
      const data = Uint8Array.of(0x5e, 0x43, 0xf2, 0xd0, 0x39, 0x30, 0, 0, 0, 0, 0, 0);
      const rec = new Uint8Array(1 + 4 + data.length + 4);
      rec[0] = 1;
      const v = new DataView(rec.buffer);
      v.setInt32(1, data.length);
      rec.set(data, 5);
      v.setUint32(5 + data.length, crc32(data));
      expectCorrupt(() => readDeletionVector(rec, 1, data.length, 'index-cookie'), /index-cookie.*cookie/);
    });

    it('rejects an unknown index file version', () => {
      const other = bytes.slice();
      other[0] = 2;
      expect(() => readDeletionVectorIndexFile(other, 'idx')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_VERSION' }));
    });
  });
});

describe('deletion vectors written by Paimon Java (fixture tables)', () => {
  const root = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));
  const tables = ['pk_table_with_dv_cardinality-parquet', 'pk_table_with_dv_cardinality-orc', 'pk_09_with_dv-orc', 'pk_dv_index_in_data_no_external-orc'];

  function indexFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = `${dir}/${name}`;
      if (statSync(path).isDirectory()) return name === 'manifest' ? [] : indexFiles(path);
      return name.startsWith('index-') ? [path] : [];
    });
  }
  const files = tables.flatMap((t) => indexFiles(`${root}${t}`)).map((p) => p.slice(root.length)).sort();

  /** Decoded once and recorded here to catch regressions. */
  const expected: Record<string, number[][]> = {
    'pk_09_with_dv-orc/index/index-e1bac517-5e97-41ed-a719-e7ee11594946-0': [[0, 1]],
    'pk_dv_index_in_data_no_external-orc/f1=10/bucket-0/index-e0fc43ad-ea1c-4ce5-a5d0-89f13d4e5ab0-0': [[0]],
    'pk_dv_index_in_data_no_external-orc/f1=10/bucket-1/index-e0fc43ad-ea1c-4ce5-a5d0-89f13d4e5ab0-1': [[4]],
    'pk_table_with_dv_cardinality-orc/index/index-86356766-3238-46e6-990b-656cd7409eaa-0': [[0]],
    'pk_table_with_dv_cardinality-orc/index/index-86356766-3238-46e6-990b-656cd7409eaa-1': [[4, 5]],
    'pk_table_with_dv_cardinality-parquet/index/index-62372b7b-d1cf-4dde-a162-c9d9d35006b4-0': [[0]],
    'pk_table_with_dv_cardinality-parquet/index/index-62372b7b-d1cf-4dde-a162-c9d9d35006b4-1': [[4, 5]],
  };

  it('finds every index file', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(files)('decodes %s', (file) => {
    const bytes = new Uint8Array(readFileSync(`${root}${file}`));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Walk by hand: version byte, then (int32 BE size, size bytes, 4 CRC bytes) records.
    expect(bytes[0]).toBe(1);
    const decoded: number[][] = [];
    const input = new Map<string, DeletionVector>();
    let offset = 1;
    while (offset < bytes.length) {
      const size = view.getInt32(offset);
      expect(view.getInt32(offset + 4)).toBe(BITMAP_DV_MAGIC);
      expect(view.getUint32(offset + 4 + size)).toBe(crc32(bytes.subarray(offset + 4, offset + 4 + size)));
      const dv = readDeletionVector(bytes, offset, size, file);
      expect(dv.cardinality).toBeGreaterThan(0);
      decoded.push(Array.from(dv.positions()));
      input.set(`data-${offset}`, dv);
      offset += size + 8;
    }
    expect(offset).toBe(bytes.length);
    expect(decoded).toEqual(expected[file]);
    expect(readDeletionVectorIndexFile(bytes, file).map((e) => Array.from(e.deletionVector.positions()))).toEqual(decoded);
    // Writing the same vectors again reproduces Paimon's bytes exactly.
    expect(hex(writeDeletionVectorIndexFile(input).bytes)).toBe(hex(bytes));
  });

  it('agrees with the ranges in the parquet table index manifest', () => {
    // From manifest/index-manifest-8ed1d9a0-... (Avro), decoded out of band: f1 = offset, f2 = length.
    const manifest = [
      { file: 'index-62372b7b-d1cf-4dde-a162-c9d9d35006b4-0', offset: 1, length: 22, cardinality: 1 },
      { file: 'index-62372b7b-d1cf-4dde-a162-c9d9d35006b4-1', offset: 1, length: 24, cardinality: 2 },
    ];
    for (const m of manifest) {
      const bytes = new Uint8Array(readFileSync(`${root}pk_table_with_dv_cardinality-parquet/index/${m.file}`));
      expect(bytes.length).toBe(m.offset + m.length + 8); // fileSize 31 / 33
      const dv = readDeletionVector(bytes, m.offset, m.length, m.file);
      expect(dv.cardinality).toBe(m.cardinality);
      const { ranges } = writeDeletionVectorIndexFile(new Map([['data', dv]]));
      expect(ranges[0]).toMatchObject({ offset: m.offset, length: m.length, cardinality: m.cardinality });
    }
  });
});
