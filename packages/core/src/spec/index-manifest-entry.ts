/** IndexManifestEntry (spec 4.8): the complete set of live index files of a snapshot. */
import { PaimonError } from '../errors.js';
import { RecordReader, type RawRecord } from './record-fields.js';
import { FileKind } from './manifest-entry.js';

export const INDEX_MANIFEST_ENTRY_VERSION = 1;
export const DELETION_VECTORS_INDEX = 'DELETION_VECTORS';
export const HASH_INDEX = 'HASH';

export interface DeletionVectorRange {
  dataFileName: string;
  offset: number;
  length: number;
  cardinality: number | null;
}

export interface IndexManifestEntry {
  kind: FileKind;
  partition: Uint8Array;
  bucket: number;
  indexType: string;
  fileName: string;
  fileSize: number;
  rowCount: number;
  dvRanges: DeletionVectorRange[] | null;
  externalPath: string | null;
}

export function readIndexManifestEntry(record: RawRecord, where: string): IndexManifestEntry {
  const r = new RecordReader(record, where);
  const version = r.int('_VERSION');
  if (version !== INDEX_MANIFEST_ENTRY_VERSION) {
    throw new PaimonError('UNSUPPORTED_VERSION', `${where}: index manifest entry version ${version} is not supported`);
  }
  const ranges = r.optArray('_DELETIONS_VECTORS_RANGES');
  return {
    kind: r.int('_KIND') as FileKind,
    partition: r.bytes('_PARTITION'),
    bucket: r.int('_BUCKET'),
    indexType: r.string('_INDEX_TYPE'),
    fileName: r.string('_FILE_NAME'),
    fileSize: r.int('_FILE_SIZE'),
    rowCount: r.int('_ROW_COUNT'),
    dvRanges: ranges
      ? ranges.map((x) => {
          const d = new RecordReader(x as RawRecord, `${where}._DELETIONS_VECTORS_RANGES`);
          return { dataFileName: d.string('f0'), offset: d.int('f1'), length: d.int('f2'), cardinality: d.optInt('_CARDINALITY') };
        })
      : null,
    externalPath: r.optString('_EXTERNAL_PATH'),
  };
}

export function indexManifestEntryToAvro(e: IndexManifestEntry): Record<string, unknown> {
  return {
    _VERSION: INDEX_MANIFEST_ENTRY_VERSION,
    _KIND: e.kind,
    _PARTITION: Buffer.from(e.partition),
    _BUCKET: e.bucket,
    _INDEX_TYPE: e.indexType,
    _FILE_NAME: e.fileName,
    _FILE_SIZE: BigInt(e.fileSize),
    _ROW_COUNT: BigInt(e.rowCount),
    _DELETIONS_VECTORS_RANGES: e.dvRanges
      ? e.dvRanges.map((d) => ({ f0: d.dataFileName, f1: d.offset, f2: d.length, _CARDINALITY: d.cardinality === null ? null : BigInt(d.cardinality) }))
      : null,
    _EXTERNAL_PATH: e.externalPath,
  };
}

/** As Paimon 1.3 writes it (fields 0-8; 1.4's `_GLOBAL_INDEX` is only for global indexes). */
export const INDEX_MANIFEST_ENTRY_AVRO_SCHEMA = {
  type: 'record',
  name: 'record',
  namespace: 'org.apache.paimon.avro.generated',
  fields: [
    { name: '_VERSION', type: 'int' },
    { name: '_KIND', type: 'int' },
    { name: '_PARTITION', type: 'bytes' },
    { name: '_BUCKET', type: 'int' },
    { name: '_INDEX_TYPE', type: 'string' },
    { name: '_FILE_NAME', type: 'string' },
    { name: '_FILE_SIZE', type: 'long' },
    { name: '_ROW_COUNT', type: 'long' },
    {
      name: '_DELETIONS_VECTORS_RANGES',
      type: [
        'null',
        {
          type: 'array',
          items: [
            'null',
            {
              type: 'record',
              name: 'record__DELETIONS_VECTORS_RANGES',
              fields: [
                { name: 'f0', type: 'string' },
                { name: 'f1', type: 'int' },
                { name: 'f2', type: 'int' },
                { name: '_CARDINALITY', type: ['null', 'long'], default: null },
              ],
            },
          ],
        },
      ],
      default: null,
    },
    { name: '_EXTERNAL_PATH', type: ['null', 'string'], default: null },
  ],
};
