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
import type { DataField, DataType } from '../types/data-type.js';
import { openOrc } from '../io/orc/index.js';
import { nullData } from '../types/arrow-values.js';
import { conformData } from './conform.js';

export type FileFormat = 'parquet' | 'orc' | 'avro';

/** The format from a data file name (`data-<uuid>-0.parquet`, or `.zstd.parquet` with compression in the suffix). */
export function formatOfFile(fileName: string): FileFormat {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'parquet' || ext === 'orc' || ext === 'avro') return ext;
  throw new PaimonError('UNSUPPORTED_FORMAT', `data file ${fileName} has an unknown format "${ext}"`);
}

export async function readDataFile(fileIO: FileIO, path: string, columns: readonly DataField[]): Promise<arrow.RecordBatch[]> {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const format = formatOfFile(fileName);
  const bytes = await fileIO.readFile(path);
  const names = columns.map((c) => c.name);
  let batches: arrow.RecordBatch[];
  if (format === 'parquet') batches = await readParquet(bytes, names, path);
  else if (format === 'avro') batches = readAvroData(bytes, columns, path);
  else batches = [...openOrc(bytes, path).read({ columns: names, timestampUnit: orcTimestampUnit(columns) })];
  const schema = new arrow.Schema(columns.map(toArrowField));
  return batches.map((b) => conformBatch(b, schema, path));
}

/** Nanoseconds only where a column needs them: they cover just the years 1677-2262. */
function orcTimestampUnit(columns: readonly DataField[]): 'ns' | 'us' {
  const needsNanos = (t: DataType): boolean =>
    ((t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') && t.precision > 6) ||
    (t.kind === 'ARRAY' || t.kind === 'MULTISET' || t.kind === 'VECTOR' ? needsNanos(t.element) : false) ||
    (t.kind === 'MAP' ? needsNanos(t.key) || needsNanos(t.value) : false) ||
    (t.kind === 'ROW' ? t.fields.some((f) => needsNanos(f.type)) : false);
  return columns.some((c) => needsNanos(c.type)) ? 'ns' : 'us';
}

/** Paimon map keys are never NULL; Paimon's readers fail on a file holding one, and so do we. */
function checkMapKeys(data: arrow.Data, column: string, path: string): void {
  const type = data.type as arrow.DataType;
  if (type.typeId === arrow.Type.Map) {
    const keys = data.children[0]!.children[0]!;
    if (keys.nullCount > 0) throw new PaimonError('CORRUPT_FILE', `data file ${path}: column ${column} has a NULL map key`);
  }
  data.children.forEach((c, i) => checkMapKeys(c, `${column}.${type.children?.[i]?.name ?? i}`, path));
}

function conformBatch(batch: arrow.RecordBatch, schema: arrow.Schema, path: string): arrow.RecordBatch {
  const children = schema.fields.map((f) => {
    const idx = batch.schema.fields.findIndex((x) => x.name === f.name);
    if (idx < 0) {
      if (!f.nullable) throw new PaimonError('CORRUPT_FILE', `data file ${path} has no column ${f.name}`);
      return nullData(f.type, batch.numRows);
    }
    const data = conformData(batch.data.children[idx]!, f.type);
    checkMapKeys(data, f.name, path);
    return data;
  });
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}
