/**
 * Reads one data file in any supported format into Arrow batches whose
 * columns are the requested file fields, conformed to our Arrow mapping.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { readParquet } from '../io/parquet-format.js';
import { readAvroData } from '../io/avro-format.js';
import { toArrowField } from '../types/arrow-type.js';
import type { DataField } from '../types/data-type.js';
import { nullData } from '../types/arrow-values.js';
import { conformData } from './conform.js';

export type FileFormat = 'parquet' | 'orc' | 'avro';

/** The format from a data file name (`data-<uuid>-0.parquet`, or `.zstd.parquet` with compression in the suffix). */
export function formatOfFile(fileName: string): FileFormat {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'parquet' || ext === 'orc' || ext === 'avro') return ext;
  throw new PaimonError('UNSUPPORTED_FORMAT', `data file ${fileName} has an unknown format "${ext}"`);
}

/** Optional format hooks, so a format codec can register itself (the ORC reader does). */
export type BatchReader = (bytes: Uint8Array, columns: readonly string[], fileName: string) => arrow.RecordBatch[] | Promise<arrow.RecordBatch[]>;
const extraReaders = new Map<FileFormat, BatchReader>();
export function registerFormatReader(format: FileFormat, reader: BatchReader): void {
  extraReaders.set(format, reader);
}

export async function readDataFile(fileIO: FileIO, path: string, columns: readonly DataField[]): Promise<arrow.RecordBatch[]> {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const format = formatOfFile(fileName);
  const bytes = await fileIO.readFile(path);
  const names = columns.map((c) => c.name);
  let batches: arrow.RecordBatch[];
  if (format === 'parquet') batches = await readParquet(bytes, names, path);
  else if (format === 'avro') batches = readAvroData(bytes, columns, path);
  else {
    const reader = extraReaders.get(format);
    if (!reader) throw new PaimonError('UNSUPPORTED_FORMAT', `data file ${path}: the ${format.toUpperCase()} format is not supported yet`);
    batches = await reader(bytes, names, path);
  }
  const schema = new arrow.Schema(columns.map(toArrowField));
  return batches.map((b) => conformBatch(b, schema, path));
}

function conformBatch(batch: arrow.RecordBatch, schema: arrow.Schema, path: string): arrow.RecordBatch {
  const children = schema.fields.map((f) => {
    const idx = batch.schema.fields.findIndex((x) => x.name === f.name);
    if (idx < 0) {
      if (!f.nullable) throw new PaimonError('CORRUPT_FILE', `data file ${path} has no column ${f.name}`);
      return nullData(f.type, batch.numRows);
    }
    return conformData(batch.data.children[idx]!, f.type);
  });
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}
