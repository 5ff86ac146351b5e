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
import { openOrc, type OrcFile, type ColumnStatistics } from '../io/orc/index.js';
import type { Value } from '../types/values.js';
import { parseDecimalText } from '../types/value-parse.js';
import { nullData } from '../types/arrow-values.js';
import { conformData } from './conform.js';

export type FileFormat = 'parquet' | 'orc' | 'avro';

/** The format from a data file name (`data-<uuid>-0.parquet`, or `.zstd.parquet` with compression in the suffix). */
export function formatOfFile(fileName: string): FileFormat {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'parquet' || ext === 'orc' || ext === 'avro') return ext;
  throw new PaimonError('UNSUPPORTED_FORMAT', `data file ${fileName} has an unknown format "${ext}"`);
}

/** Column statistics of part of a file (a stripe), by file column name; null where unknown. */
export type PartStats = (column: string) => { min: Value; max: Value; nullCount: number | null; rowCount: number } | null;

/** Whether a part of a file with these statistics may hold matching rows. */
export type PartFilter = (stats: PartStats) => boolean;

/** Our value of an ORC statistic bound, for the types where it is exact and unambiguous. */
function orcBound(s: ColumnStatistics, type: DataType, which: 'minimum' | 'maximum'): Value | undefined {
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return s.int?.[which] === undefined ? undefined : Number(s.int[which]);
    case 'BIGINT':
      return s.int?.[which];
    case 'FLOAT':
    case 'DOUBLE':
      return s.double?.[which];
    case 'DATE':
      return s.date?.[which];
    case 'CHAR':
    case 'VARCHAR':
      return s.string?.[which];
    case 'DECIMAL': {
      const text = s.decimal?.[which];
      return text === undefined ? undefined : parseDecimalText(text, type.scale);
    }
    default:
      return undefined; // timestamps carry writer time zones; others are not orderable here
  }
}

function orcStripeFilter(file: OrcFile, columns: readonly DataField[], filter: PartFilter) {
  const ids = new Map(columns.map((c) => [c.name, file.field(c.name)?.id]));
  return (stats: readonly ColumnStatistics[], rows: number): boolean =>
    filter((name) => {
      const column = columns.find((c) => c.name === name);
      const id = ids.get(name);
      const s = id === undefined ? undefined : stats[id];
      if (!column || !s) return null;
      const nullCount = s.hasNull === undefined || s.numberOfValues === undefined ? null : s.hasNull ? rows - s.numberOfValues : 0;
      const min = orcBound(s, column.type, 'minimum');
      const max = orcBound(s, column.type, 'maximum');
      if (min === undefined || max === undefined) return nullCount === null ? null : { min: null, max: null, nullCount, rowCount: rows };
      return { min, max, nullCount, rowCount: rows };
    });
}

/**
 * Reads `columns` of one data file; `prune` (optional) lets formats with
 * per-part statistics (ORC stripes) skip parts that cannot match. Only for
 * reads that need no row positions (no deletion vector) and no merge.
 */
export async function readDataFile(fileIO: FileIO, path: string, columns: readonly DataField[], prune?: PartFilter): Promise<arrow.RecordBatch[]> {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const format = formatOfFile(fileName);
  const bytes = await fileIO.readFile(path);
  const names = columns.map((c) => c.name);
  let batches: arrow.RecordBatch[];
  if (format === 'parquet') batches = await readParquet(bytes, names, path);
  else if (format === 'avro') batches = readAvroData(bytes, columns, path);
  else {
    const file = openOrc(bytes, path);
    const stripeFilter = prune ? orcStripeFilter(file, columns, prune) : undefined;
    batches = [...file.read({ columns: names, timestampUnit: orcTimestampUnit(columns), ...(stripeFilter ? { stripeFilter } : {}) })];
  }
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
