/**
 * Writes one data file (Parquet) and describes it as a DataFileMeta: name
 * `data-<uuid>-<n>.parquet` (DataFilePathFactory), stats per column, key
 * range and sequence range.
 */
import { randomUUID } from 'node:crypto';
import type * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { encodeParquet } from '../io/parquet-writer.js';
import { encodeAvroData } from '../io/avro-format.js';
import { encodeOrc } from '../io/orc/index.js';
import { formatOfFile } from '../read/data-file-reader.js';
import { avroCodecOf } from './manifest-writer.js';
import { serializeBinaryRow } from '../spec/binary-row.js';
import { FileSource, type DataFileMeta } from '../spec/data-file-meta.js';
import { EMPTY_STATS, encodeStats, type SimpleStats } from '../spec/stats.js';
import { toArrowSchema } from '../types/arrow-type.js';
import { type DataField, withNullable } from '../types/data-type.js';
import type { Value } from '../types/values.js';
import { ColumnStatsCollector, type StatsMode } from './stats-collector.js';

/** One UUID per writer and a counter from 0, as Paimon names files. */
export class DataFileNamer {
  private readonly uuid = randomUUID();
  private counter = 0;

  constructor(
    private readonly prefix: string,
    private readonly extension: string,
  ) {}

  next(): string {
    return `${this.prefix}${this.uuid}-${this.counter++}${this.extension}`;
  }
}

export interface FileToWrite {
  dir: string;
  fileName: string;
  /** The physical columns, in file order (for primary-key tables: keys, sequence, kind, values). */
  fields: DataField[];
  batches: arrow.RecordBatch[];
  /** Which physical columns hold the values (the table's columns) and, for primary-key files, the keys. */
  valueColumns: number[];
  keyColumns: number[];
  /** Stats modes of the value columns, and of the key columns (same fields' modes). */
  statsModes: StatsMode[];
  keyStatsModes: StatsMode[];
  minSequenceNumber: bigint;
  maxSequenceNumber: bigint;
  minKey: Value[];
  maxKey: Value[];
  deleteRowCount: number;
  schemaId: number;
  level: number;
  compression: string;
  /** Compaction output is marked COMPACT (Paimon's FileSource). */
  fileSource?: FileSource;
}

function collectStats(file: FileToWrite, columns: number[], modes: StatsMode[]): { stats: SimpleStats; covered: string[] } {
  const collectors = columns.map((c, i) => new ColumnStatsCollector(file.fields[c]!.type, modes[i]!));
  for (const batch of file.batches) columns.forEach((c, i) => collectors[i]!.add(batch.data.children[c]!));
  const kept = columns.map((_, i) => i).filter((i) => modes[i]!.kind !== 'none');
  const results = collectors.map((c) => c.result());
  const types = kept.map((i) => withNullable(file.fields[columns[i]!]!.type, true));
  const stats = encodeStats(
    { min: kept.map((i) => results[i]!.min), max: kept.map((i) => results[i]!.max), nullCounts: kept.map((i) => results[i]!.nullCount) },
    types,
  );
  return { stats, covered: kept.map((i) => file.fields[columns[i]!]!.name) };
}

function encodeDataFile(file: FileToWrite): Uint8Array {
  const format = formatOfFile(file.fileName);
  if (format === 'parquet') return encodeParquet(toArrowSchema(file.fields), file.batches, file.compression);
  if (format === 'avro') return encodeAvroData(file.fields, file.batches, avroCodecOf(file.compression));
  return encodeOrc(file.fields, file.batches, { compression: orcCodec(file.compression, file.fileName) });
}

function orcCodec(compression: string, fileName: string): 'zstd' | 'zlib' | 'snappy' | 'lz4' | 'none' {
  const c = compression.toLowerCase();
  if (c === 'zstd' || c === 'zlib' || c === 'snappy' || c === 'lz4' || c === 'none') return c;
  if (c === 'uncompressed') return 'none';
  throw new PaimonError('UNSUPPORTED', `writing ${fileName}: ORC files cannot use file.compression ${compression} (zstd, zlib, snappy, lz4, none)`);
}

export async function writeDataFile(fileIO: FileIO, file: FileToWrite, keyFieldsForRow: DataField[]): Promise<DataFileMeta> {
  const rowCount = file.batches.reduce((n, b) => n + b.numRows, 0);
  const bytes = encodeDataFile(file);
  const path = `${file.dir}/${file.fileName}`;
  await fileIO.writeFile(path, bytes, false);
  const value = collectStats(file, file.valueColumns, file.statsModes);
  const isPk = file.keyColumns.length > 0;
  const keyStats = isPk ? collectStats(file, file.keyColumns, file.keyStatsModes).stats : EMPTY_STATS;
  const keyTypes = keyFieldsForRow.map((f) => f.type);
  return {
    fileName: file.fileName,
    fileSize: bytes.length,
    rowCount,
    minKey: serializeBinaryRow(file.minKey, keyTypes),
    maxKey: serializeBinaryRow(file.maxKey, keyTypes),
    keyStats,
    valueStats: value.stats,
    minSequenceNumber: file.minSequenceNumber,
    maxSequenceNumber: file.maxSequenceNumber,
    schemaId: file.schemaId,
    level: file.level,
    extraFiles: [],
    // Paimon stores LocalDateTime.now() as if it were UTC.
    creationTime: Date.now() - new Date().getTimezoneOffset() * 60_000,
    deleteRowCount: file.deleteRowCount,
    embeddedIndex: null,
    fileSource: file.fileSource ?? FileSource.APPEND,
    valueStatsCols: value.covered.length === file.valueColumns.length ? null : value.covered,
    externalPath: null,
    firstRowId: null,
    writeCols: null,
  };
}
