/**
 * DataFileMeta (spec 4.6): one data file as a manifest entry describes it.
 * Fields added after 0.9 read as null from older manifests.
 */
import type { RecordReader } from './record-fields.js';
import { readStats, statsAvroSchema, statsToAvro, type SimpleStats } from './stats.js';

export enum FileSource {
  APPEND = 0,
  COMPACT = 1,
}

export interface DataFileMeta {
  fileName: string;
  fileSize: number;
  rowCount: number;
  /** Serialized BinaryRow of the first / last key (empty row for append tables). */
  minKey: Uint8Array;
  maxKey: Uint8Array;
  keyStats: SimpleStats;
  valueStats: SimpleStats;
  minSequenceNumber: bigint;
  maxSequenceNumber: bigint;
  schemaId: number;
  level: number;
  extraFiles: string[];
  /** Writer's local wall clock encoded as if UTC, epoch millis. */
  creationTime: number | null;
  deleteRowCount: number | null;
  embeddedIndex: Uint8Array | null;
  fileSource: FileSource | null;
  /** Columns `valueStats` covers; null = all columns of the file's schema. */
  valueStatsCols: string[] | null;
  externalPath: string | null;
  firstRowId: bigint | null;
  writeCols: string[] | null;
}

export function readDataFileMeta(r: RecordReader): DataFileMeta {
  const creation = r.has('_CREATION_TIME') ? Number(r.long('_CREATION_TIME')) : null;
  return {
    fileName: r.string('_FILE_NAME'),
    fileSize: r.int('_FILE_SIZE'),
    rowCount: r.int('_ROW_COUNT'),
    minKey: r.bytes('_MIN_KEY'),
    maxKey: r.bytes('_MAX_KEY'),
    keyStats: readStats(r.nested('_KEY_STATS')),
    valueStats: readStats(r.nested('_VALUE_STATS')),
    minSequenceNumber: r.long('_MIN_SEQUENCE_NUMBER'),
    maxSequenceNumber: r.long('_MAX_SEQUENCE_NUMBER'),
    schemaId: r.int('_SCHEMA_ID'),
    level: r.int('_LEVEL'),
    extraFiles: r.stringArray('_EXTRA_FILES'),
    creationTime: creation,
    deleteRowCount: r.optInt('_DELETE_ROW_COUNT'),
    embeddedIndex: r.optBytes('_EMBEDDED_FILE_INDEX'),
    fileSource: r.optInt('_FILE_SOURCE') as FileSource | null,
    valueStatsCols: r.optStringArray('_VALUE_STATS_COLS'),
    externalPath: r.optString('_EXTERNAL_PATH'),
    firstRowId: r.has('_FIRST_ROW_ID') ? r.long('_FIRST_ROW_ID') : null,
    writeCols: r.optStringArray('_WRITE_COLS'),
  };
}

const big = (n: number | null) => (n === null ? null : BigInt(n));

export function dataFileMetaToAvro(f: DataFileMeta): Record<string, unknown> {
  return {
    _FILE_NAME: f.fileName,
    _FILE_SIZE: BigInt(f.fileSize),
    _ROW_COUNT: BigInt(f.rowCount),
    _MIN_KEY: Buffer.from(f.minKey),
    _MAX_KEY: Buffer.from(f.maxKey),
    _KEY_STATS: statsToAvro(f.keyStats),
    _VALUE_STATS: statsToAvro(f.valueStats),
    _MIN_SEQUENCE_NUMBER: f.minSequenceNumber,
    _MAX_SEQUENCE_NUMBER: f.maxSequenceNumber,
    _SCHEMA_ID: BigInt(f.schemaId),
    _LEVEL: f.level,
    _EXTRA_FILES: f.extraFiles,
    _CREATION_TIME: big(f.creationTime),
    _DELETE_ROW_COUNT: big(f.deleteRowCount),
    _EMBEDDED_FILE_INDEX: f.embeddedIndex ? Buffer.from(f.embeddedIndex) : null,
    _FILE_SOURCE: f.fileSource,
    _VALUE_STATS_COLS: f.valueStatsCols,
    _EXTERNAL_PATH: f.externalPath,
    _FIRST_ROW_ID: f.firstRowId,
    _WRITE_COLS: f.writeCols,
  };
}

const nullable = (type: unknown) => ({ type: ['null', type], default: null });

/** The `_FILE` record as Paimon 1.3+ writes it (fields 0-19). */
export function dataFileMetaAvroSchema(name: string): Record<string, unknown> {
  return {
    type: 'record',
    name,
    fields: [
      { name: '_FILE_NAME', type: 'string' },
      { name: '_FILE_SIZE', type: 'long' },
      { name: '_ROW_COUNT', type: 'long' },
      { name: '_MIN_KEY', type: 'bytes' },
      { name: '_MAX_KEY', type: 'bytes' },
      { name: '_KEY_STATS', type: statsAvroSchema(`${name}__KEY_STATS`) },
      { name: '_VALUE_STATS', type: statsAvroSchema(`${name}__VALUE_STATS`) },
      { name: '_MIN_SEQUENCE_NUMBER', type: 'long' },
      { name: '_MAX_SEQUENCE_NUMBER', type: 'long' },
      { name: '_SCHEMA_ID', type: 'long' },
      { name: '_LEVEL', type: 'int' },
      { name: '_EXTRA_FILES', type: { type: 'array', items: 'string' } },
      { name: '_CREATION_TIME', ...nullable({ type: 'long', logicalType: 'timestamp-millis' }) },
      { name: '_DELETE_ROW_COUNT', ...nullable('long') },
      { name: '_EMBEDDED_FILE_INDEX', ...nullable('bytes') },
      { name: '_FILE_SOURCE', ...nullable('int') },
      { name: '_VALUE_STATS_COLS', ...nullable({ type: 'array', items: 'string' }) },
      { name: '_EXTERNAL_PATH', ...nullable('string') },
      { name: '_FIRST_ROW_ID', ...nullable('long') },
      { name: '_WRITE_COLS', ...nullable({ type: 'array', items: 'string' }) },
    ],
  };
}
