import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAvroContainer, writeAvroContainer } from '../src/io/avro.js';
import { FileKind, MANIFEST_ENTRY_AVRO_SCHEMA, manifestEntryToAvro, readManifestEntry, type ManifestEntry } from '../src/spec/manifest-entry.js';
import { MANIFEST_FILE_META_AVRO_SCHEMA, manifestFileMetaToAvro, readManifestFileMeta } from '../src/spec/manifest-file-meta.js';
import { INDEX_MANIFEST_ENTRY_AVRO_SCHEMA, indexManifestEntryToAvro, readIndexManifestEntry } from '../src/spec/index-manifest-entry.js';
import { deserializeBinaryRow, serializeBinaryRow } from '../src/spec/binary-row.js';
import { EMPTY_STATS, encodeStats, decodeStats } from '../src/spec/stats.js';
import { parseTypeString } from '../src/types/type-json.js';
import { PaimonError } from '../src/errors.js';
import { fixturePath } from './fixtures.js';

const INT = parseTypeString('INT');

/** Buffers and Uint8Arrays as hex, so equal bytes compare equal whatever their class. */
function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}
const STR = parseTypeString('STRING');

function entry(name: string, kind: FileKind): ManifestEntry {
  return {
    kind,
    partition: serializeBinaryRow([20240101], [INT]),
    bucket: 3,
    totalBuckets: 4,
    file: {
      fileName: name,
      fileSize: 1234,
      rowCount: 10,
      minKey: serializeBinaryRow(['a'], [STR]),
      maxKey: serializeBinaryRow(['z-is-a-long-key'], [STR]),
      keyStats: encodeStats({ min: ['a'], max: ['z-is-a-long-key'], nullCounts: [0] }, [STR]),
      valueStats: encodeStats({ min: ['a', 1], max: ['z', 9], nullCounts: [0, 2] }, [STR, INT]),
      minSequenceNumber: 0n,
      maxSequenceNumber: 9007199254740993n, // > 2^53: must survive as bigint
      schemaId: 0,
      level: 0,
      extraFiles: [],
      creationTime: 1717000000000,
      deleteRowCount: 1,
      embeddedIndex: null,
      fileSource: 0,
      valueStatsCols: null,
      externalPath: null,
      firstRowId: null,
      writeCols: null,
    },
  };
}

describe('Avro manifests', () => {
  it('writes and reads back manifest entries (zstandard codec)', () => {
    const entries = [entry('data-1.parquet', FileKind.ADD), entry('data-2.parquet', FileKind.DELETE)];
    const bytes = writeAvroContainer(MANIFEST_ENTRY_AVRO_SCHEMA, entries.map(manifestEntryToAvro));
    const container = readAvroContainer(bytes, 'manifest-test');
    expect(container.codec).toBe('zstandard');
    const back = container.records.map((r) => readManifestEntry(r as Record<string, unknown>, 'manifest-test'));
    expect(plain(back)).toEqual(plain(entries));
    expect(decodeStats(back[0]!.file.valueStats, [STR, INT])).toEqual({ min: ['a', 1], max: ['z', 9], nullCounts: [0, 2] });
    expect(deserializeBinaryRow(back[0]!.partition, [INT])).toEqual([20240101]);
  });

  it('writes and reads back a manifest list and an index manifest', () => {
    const meta = {
      fileName: 'manifest-x-0', fileSize: 99, numAddedFiles: 2, numDeletedFiles: 1, partitionStats: EMPTY_STATS, schemaId: 1,
      minBucket: 0, maxBucket: 3, minLevel: 0, maxLevel: 5, minRowId: null, maxRowId: null,
    };
    const list = readAvroContainer(writeAvroContainer(MANIFEST_FILE_META_AVRO_SCHEMA, [manifestFileMetaToAvro(meta)], { codec: 'deflate' }), 'l');
    expect(plain(readManifestFileMeta(list.records[0] as Record<string, unknown>, 'l'))).toEqual(plain(meta));
    const idx = {
      kind: FileKind.ADD, partition: serializeBinaryRow([], []), bucket: 0, indexType: 'DELETION_VECTORS', fileName: 'index-a-0',
      fileSize: 31, rowCount: 1, dvRanges: [{ dataFileName: 'data-1.parquet', offset: 1, length: 22, cardinality: 2 }], externalPath: null,
    };
    const im = readAvroContainer(writeAvroContainer(INDEX_MANIFEST_ENTRY_AVRO_SCHEMA, [indexManifestEntryToAvro(idx)], { codec: 'null' }), 'i');
    const back = readIndexManifestEntry(im.records[0] as Record<string, unknown>, 'i');
    expect(plain(back)).toEqual(plain(idx));
  });

  it('re-encodes every Avro manifest of a Paimon-written table to the same records', () => {
    const dir = `${fixturePath('pk_table_scan_and_read_mor-parquet')}/manifest`;
    let checked = 0;
    for (const name of readdirSync(dir).filter((n) => /^manifest-[0-9a-f]{8}-/.test(n))) {
      const original = readAvroContainer(readFileSync(`${dir}/${name}`), name);
      const entries = original.records.map((r) => readManifestEntry(r as Record<string, unknown>, name));
      const again = readAvroContainer(writeAvroContainer(MANIFEST_ENTRY_AVRO_SCHEMA, entries.map(manifestEntryToAvro)), name);
      const reread = again.records.map((r) => readManifestEntry(r as Record<string, unknown>, name));
      expect(plain(reread)).toEqual(plain(entries));
      checked += entries.length;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('reads the Paimon 1.x manifest list fields (buckets, levels)', () => {
    const dir = `${fixturePath('pk_table_scan_and_read_mor-parquet')}/manifest`;
    const lists = readdirSync(dir).filter((n) => n.startsWith('manifest-list-'));
    const metas = lists.flatMap((n) => readAvroContainer(readFileSync(`${dir}/${n}`), n).records.map((r) => readManifestFileMeta(r as Record<string, unknown>, n)));
    expect(metas.length).toBeGreaterThan(0);
    expect(metas.every((m) => m.minBucket !== null && m.maxLevel !== null)).toBe(true);
  });

  it('reports a truncated or garbled file as CORRUPT_FILE naming it', () => {
    const bytes = writeAvroContainer(MANIFEST_ENTRY_AVRO_SCHEMA, [manifestEntryToAvro(entry('d', FileKind.ADD))]);
    for (const broken of [bytes.subarray(0, bytes.length - 20), Uint8Array.from([1, 2, 3, 4, 5])]) {
      let err: unknown;
      try {
        readAvroContainer(broken, 'manifest-broken-0');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PaimonError);
      expect((err as PaimonError).code).toBe('CORRUPT_FILE');
      expect((err as Error).message).toContain('manifest-broken-0');
    }
  });

  it('rejects manifest entries of another version', () => {
    const rec = { ...manifestEntryToAvro(entry('d', FileKind.ADD)), _VERSION: 1 };
    expect(() => readManifestEntry(rec, 'm')).toThrow(/version 1/);
  });
});
