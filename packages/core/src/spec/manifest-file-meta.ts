/** ManifestFileMeta (spec 4.4): one manifest file as a manifest list names it. */
import { PaimonError } from '../errors.js';
import { RecordReader, type RawRecord } from './record-fields.js';
import { readStats, statsAvroSchema, statsToAvro, type SimpleStats } from './stats.js';

export const MANIFEST_FILE_META_VERSION = 2;

export interface ManifestFileMeta {
  fileName: string;
  fileSize: number;
  numAddedFiles: number;
  numDeletedFiles: number;
  /** Stats over the partition columns of every entry in the file. */
  partitionStats: SimpleStats;
  schemaId: number;
  minBucket: number | null;
  maxBucket: number | null;
  minLevel: number | null;
  maxLevel: number | null;
  minRowId: bigint | null;
  maxRowId: bigint | null;
}

export function readManifestFileMeta(record: RawRecord, where: string): ManifestFileMeta {
  const r = new RecordReader(record, where);
  const version = r.int('_VERSION');
  if (version !== MANIFEST_FILE_META_VERSION) {
    throw new PaimonError('UNSUPPORTED_VERSION', `${where}: manifest list version ${version} is not supported (expected ${MANIFEST_FILE_META_VERSION})`);
  }
  return {
    fileName: r.string('_FILE_NAME'),
    fileSize: r.int('_FILE_SIZE'),
    numAddedFiles: r.int('_NUM_ADDED_FILES'),
    numDeletedFiles: r.int('_NUM_DELETED_FILES'),
    partitionStats: readStats(r.nested('_PARTITION_STATS')),
    schemaId: r.int('_SCHEMA_ID'),
    minBucket: r.optInt('_MIN_BUCKET'),
    maxBucket: r.optInt('_MAX_BUCKET'),
    minLevel: r.optInt('_MIN_LEVEL'),
    maxLevel: r.optInt('_MAX_LEVEL'),
    minRowId: r.has('_MIN_ROW_ID') ? r.long('_MIN_ROW_ID') : null,
    maxRowId: r.has('_MAX_ROW_ID') ? r.long('_MAX_ROW_ID') : null,
  };
}

export function manifestFileMetaToAvro(m: ManifestFileMeta): Record<string, unknown> {
  return {
    _VERSION: MANIFEST_FILE_META_VERSION,
    _FILE_NAME: m.fileName,
    _FILE_SIZE: BigInt(m.fileSize),
    _NUM_ADDED_FILES: BigInt(m.numAddedFiles),
    _NUM_DELETED_FILES: BigInt(m.numDeletedFiles),
    _PARTITION_STATS: statsToAvro(m.partitionStats),
    _SCHEMA_ID: BigInt(m.schemaId),
    _MIN_BUCKET: m.minBucket,
    _MAX_BUCKET: m.maxBucket,
    _MIN_LEVEL: m.minLevel,
    _MAX_LEVEL: m.maxLevel,
    _MIN_ROW_ID: m.minRowId,
    _MAX_ROW_ID: m.maxRowId,
  };
}

const nullable = (type: string) => ({ type: ['null', type], default: null });

export const MANIFEST_FILE_META_AVRO_SCHEMA = {
  type: 'record',
  name: 'record',
  namespace: 'org.apache.paimon.avro.generated',
  fields: [
    { name: '_VERSION', type: 'int' },
    { name: '_FILE_NAME', type: 'string' },
    { name: '_FILE_SIZE', type: 'long' },
    { name: '_NUM_ADDED_FILES', type: 'long' },
    { name: '_NUM_DELETED_FILES', type: 'long' },
    { name: '_PARTITION_STATS', type: statsAvroSchema('record__PARTITION_STATS') },
    { name: '_SCHEMA_ID', type: 'long' },
    { name: '_MIN_BUCKET', ...nullable('int') },
    { name: '_MAX_BUCKET', ...nullable('int') },
    { name: '_MIN_LEVEL', ...nullable('int') },
    { name: '_MAX_LEVEL', ...nullable('int') },
    { name: '_MIN_ROW_ID', ...nullable('long') },
    { name: '_MAX_ROW_ID', ...nullable('long') },
  ],
};
