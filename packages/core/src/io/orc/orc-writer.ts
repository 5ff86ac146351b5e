/**
 * The ORC writer: Arrow record batches (our Arrow mapping of Paimon types) to
 * an ORC file that Apache ORC's Java reader, and so Paimon, reads.
 *
 * Layout as Java ORC writes it: "ORC", stripes (ROW_INDEX streams, data
 * streams, stripe footer), Metadata (stripe statistics), Footer, PostScript
 * and its length byte. Types carry Paimon's `paimon.id` attributes exactly as
 * OrcTypeUtil sets them. Defaults follow Paimon/Java ORC: ZSTD (level 1),
 * 256 KiB compression chunks, row groups of 10000 rows, dictionary encoding of
 * strings when distinct/values <= 0.8 in the first row group, stripes of
 * about 64 MiB of input.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../../errors.js';
import { MAX_LENGTH, type DataField, type DataType } from '../../types/data-type.js';
import { ByteSink, ProtoWriter } from './byte-sink.js';
import {
  BooleanWriter,
  ByteWriter,
  BytesWriter,
  DecimalWriter,
  FloatingWriter,
  IntWriter,
  ListWriter,
  LongWriter,
  StructWriter,
  TimestampWriter,
  type ColumnResult,
  type ColumnWriter,
  type Segment,
  type StripeContext,
} from './column-writers.js';
import { CODEC_KIND, ChunkCompressor, type Compressed, type OrcCodec } from './compressors.js';
import { ENCODING_DICTIONARY_V2, STREAM_ROW_INDEX } from './footer.js';
import type { RleV2Counts } from './rle-writers.js';
import { StatsAcc } from './stats-writer.js';

export interface OrcWriteOptions {
  /** Compression codec (default 'zstd', Paimon's default). */
  compression?: OrcCodec;
  /** ZSTD level (default 1, Paimon's file.compression.zstd-level). */
  zstdLevel?: number;
  /** Most rows per stripe (default: stripes of about 64 MiB of Arrow input). */
  stripeRows?: number;
  /** Rows per row group in the row index (default 10000; 0 writes no row index). */
  rowIndexStride?: number;
  /** Dictionary-encode a string column when distinct/values <= this in the first row group (default 0.8; 0 never). */
  dictionaryKeySizeThreshold?: number;
}

/** What the last encodeOrc call wrote (tests and benchmarks look at it). */
export interface OrcWriteReport {
  stripes: number;
  /** Encoding of each string/binary column by column id, per stripe. */
  encodings: Map<number, string[]>;
  /** Integer RLE v2 runs written, by kind. */
  rle: RleV2Counts;
}

/** Type kinds of orc_proto.proto. */
const KIND = {
  BOOLEAN: 0,
  BYTE: 1,
  SHORT: 2,
  INT: 3,
  LONG: 4,
  FLOAT: 5,
  DOUBLE: 6,
  STRING: 7,
  BINARY: 8,
  TIMESTAMP: 9,
  LIST: 10,
  MAP: 11,
  STRUCT: 12,
  DECIMAL: 14,
  DATE: 15,
  VARCHAR: 16,
  CHAR: 17,
  TIMESTAMP_INSTANT: 18,
} as const;

/**
 * Footer.writer: this writer has no registered code (0..5 are ORC Java, C++,
 * Presto, Go, Trino, CUDF). Java ORC reads unknown codes as WriterImplementation
 * UNKNOWN (and every writer fix as present); C++ ORC as UNKNOWN_WRITER.
 */
export const ORC_WRITER_CODE = 1000;
/** PostScript.writerVersion: non-Java writers number their versions from 6. */
export const ORC_WRITER_VERSION = 6;
export const ORC_SOFTWARE_VERSION = 'paimon-ts 0.1.0';
const PAIMON_ID = 'paimon.id';
const BLOCK_SIZE = 256 * 1024;
const STRIPE_BYTES = 64 * 1024 * 1024;
const CALENDAR_JULIAN_GREGORIAN = 1;

interface TypeEntry {
  kind: number;
  subtypes: number[];
  fieldNames: string[];
  maximumLength?: number;
  precision?: number;
  scale?: number;
  attributes: [string, string][];
}

// Paimon SpecialFields: ids of array elements and map keys/values (Java int arithmetic).
const STRUCTURED_TYPE_FIELD_ID_BASE = Math.floor(2147483647 / 4);
const DEPTH_LIMIT = 1 << 10;

export function arrayElementFieldId(fieldId: number, depth: number): number {
  return (STRUCTURED_TYPE_FIELD_ID_BASE + Math.imul(fieldId, DEPTH_LIMIT) + depth) | 0;
}

export function mapKeyFieldId(fieldId: number, depth: number): number {
  return (STRUCTURED_TYPE_FIELD_ID_BASE - Math.imul(fieldId, DEPTH_LIMIT) - depth) | 0;
}

export function mapValueFieldId(fieldId: number, depth: number): number {
  return (STRUCTURED_TYPE_FIELD_ID_BASE + Math.imul(fieldId, DEPTH_LIMIT) + depth) | 0;
}

/** Builds the type list (pre-order) and the column writers, as OrcTypeUtil.convertToOrcType does. */
class SchemaBuilder {
  readonly types: TypeEntry[] = [];

  root(fields: readonly DataField[]): StructWriter {
    const entry: TypeEntry = { kind: KIND.STRUCT, subtypes: [], fieldNames: [], attributes: [] };
    this.types.push(entry);
    const children = fields.map((f) => {
      entry.subtypes.push(this.types.length);
      entry.fieldNames.push(f.name);
      return this.column(f.type, f.name, f.id, 0, f.id);
    });
    return new StructWriter(0, '<root>', children);
  }

  private column(type: DataType, label: string, fieldId: number, depth: number, attrId: number): ColumnWriter {
    const id = this.types.length;
    const entry: TypeEntry = { kind: -1, subtypes: [], fieldNames: [], attributes: [[PAIMON_ID, String(attrId)]] };
    this.types.push(entry);
    const set = (kind: number): void => {
      entry.kind = kind;
    };
    switch (type.kind) {
      case 'BOOLEAN':
        set(KIND.BOOLEAN);
        return new BooleanWriter(id, label);
      case 'TINYINT':
        set(KIND.BYTE);
        return new ByteWriter(id, label);
      case 'SMALLINT':
        set(KIND.SHORT);
        return new IntWriter(id, label, false);
      case 'INT':
      case 'TIME':
        set(KIND.INT);
        return new IntWriter(id, label, false);
      case 'BIGINT':
        set(KIND.LONG);
        return new LongWriter(id, label);
      case 'FLOAT':
        set(KIND.FLOAT);
        return new FloatingWriter(id, label, false);
      case 'DOUBLE':
        set(KIND.DOUBLE);
        return new FloatingWriter(id, label, true);
      case 'DATE':
        set(KIND.DATE);
        return new IntWriter(id, label, true);
      case 'DECIMAL':
        set(KIND.DECIMAL);
        entry.precision = type.precision;
        entry.scale = type.scale;
        return new DecimalWriter(id, label, type.precision, type.scale);
      case 'CHAR':
        set(KIND.CHAR);
        entry.maximumLength = type.length;
        return new BytesWriter(id, label, 'CHAR', type.length);
      case 'VARCHAR':
        if (type.length === MAX_LENGTH) {
          set(KIND.STRING);
          return new BytesWriter(id, label, 'STRING', 0);
        }
        set(KIND.VARCHAR);
        entry.maximumLength = type.length;
        return new BytesWriter(id, label, 'VARCHAR', type.length);
      case 'BINARY':
      case 'VARBINARY':
      case 'BLOB':
        // Paimon refines every binary type to BYTES for ORC.
        set(KIND.BINARY);
        return new BytesWriter(id, label, 'BINARY', 0);
      case 'TIMESTAMP':
        set(KIND.TIMESTAMP);
        return new TimestampWriter(id, label);
      case 'TIMESTAMP_LTZ':
        set(KIND.TIMESTAMP_INSTANT);
        return new TimestampWriter(id, label);
      case 'ARRAY': {
        set(KIND.LIST);
        entry.subtypes.push(this.types.length);
        const element = this.column(type.element, `${label}.element`, fieldId, depth + 1, arrayElementFieldId(fieldId, depth + 1));
        return new ListWriter(id, label, [element]);
      }
      case 'MAP':
      case 'MULTISET': {
        // Paimon writes MULTISET<T> as MAP<T, INT NOT NULL>.
        set(KIND.MAP);
        const keyType = type.kind === 'MAP' ? type.key : type.element;
        const valueType: DataType = type.kind === 'MAP' ? type.value : { kind: 'INT', nullable: false };
        entry.subtypes.push(this.types.length);
        const key = this.column(keyType, `${label}.key`, fieldId, depth + 1, mapKeyFieldId(fieldId, depth + 1));
        entry.subtypes.push(this.types.length);
        const value = this.column(valueType, `${label}.value`, fieldId, depth + 1, mapValueFieldId(fieldId, depth + 1));
        return new ListWriter(id, label, [key, value]);
      }
      case 'ROW': {
        set(KIND.STRUCT);
        const children = type.fields.map((f) => {
          entry.subtypes.push(this.types.length);
          entry.fieldNames.push(f.name);
          return this.column(f.type, `${label}.${f.name}`, f.id, 0, f.id);
        });
        return new StructWriter(id, label, children);
      }
      default:
        throw new PaimonError('UNSUPPORTED', `ORC writer: type ${type.kind} of column ${label} is not supported (Paimon does not write it to ORC either)`);
    }
  }
}

function encodeType(t: TypeEntry): ProtoWriter {
  const m = new ProtoWriter().uint(1, t.kind);
  if (t.subtypes.length > 0) m.packed(2, t.subtypes);
  for (const name of t.fieldNames) m.string(3, name);
  if (t.maximumLength !== undefined) m.uint(4, t.maximumLength);
  if (t.precision !== undefined) m.uint(5, t.precision);
  if (t.scale !== undefined) m.uint(6, t.scale);
  for (const [k, v] of t.attributes) m.message(7, new ProtoWriter().string(1, k).string(2, v));
  return m;
}

/** Rough bytes of Arrow input per row of a batch (to size stripes like Java's 64 MiB). */
function batchBytes(data: arrow.Data): number {
  let n = 0;
  for (const b of [data.values, data.valueOffsets, data.nullBitmap] as (ArrayBufferView | undefined)[]) if (b) n += b.byteLength;
  for (const c of data.children) n += batchBytes(c);
  return n;
}

interface StripeSlice {
  batch: arrow.RecordBatch;
  start: number;
  end: number;
}

function planStripes(batches: readonly arrow.RecordBatch[], stripeRows: number): StripeSlice[][] {
  const stripes: StripeSlice[][] = [];
  let current: StripeSlice[] = [];
  let rows = 0;
  let bytes = 0;
  for (const batch of batches) {
    const perRow = batch.numRows > 0 ? batchBytes(batch.data) / batch.numRows : 0;
    let start = 0;
    while (start < batch.numRows) {
      let take = Math.min(batch.numRows - start, stripeRows - rows);
      if (perRow > 0) take = Math.min(take, Math.max(1, Math.ceil((STRIPE_BYTES - bytes) / perRow)));
      current.push({ batch, start, end: start + take });
      rows += take;
      bytes += take * perRow;
      start += take;
      if (rows >= stripeRows || bytes >= STRIPE_BYTES) {
        stripes.push(current);
        current = [];
        rows = 0;
        bytes = 0;
      }
    }
  }
  if (current.length > 0) stripes.push(current);
  return stripes;
}

/**
 * Encodes record batches (columns in `fields` order, with our Arrow mapping
 * of Paimon types) as an ORC file.
 */
export function encodeOrc(fields: DataField[], batches: arrow.RecordBatch[], options: OrcWriteOptions = {}): Uint8Array {
  return encodeOrcWithReport(fields, batches, options).bytes;
}

/** encodeOrc, also telling what was written (stripes, string encodings, RLE v2 run kinds). */
export function encodeOrcWithReport(
  fields: DataField[],
  batches: arrow.RecordBatch[],
  options: OrcWriteOptions = {},
): { bytes: Uint8Array; report: OrcWriteReport } {
  const codec = options.compression ?? 'zstd';
  if (!(codec in CODEC_KIND)) throw new PaimonError('INVALID_ARGUMENT', `ORC writer: unknown compression ${String(codec)}`);
  const stride = options.rowIndexStride ?? 10000;
  const stripeRows = options.stripeRows ?? Number.MAX_SAFE_INTEGER;
  const threshold = options.dictionaryKeySizeThreshold ?? 0.8;
  const zstdLevel = options.zstdLevel ?? 1;
  if (!Number.isInteger(stride) || stride < 0) throw new PaimonError('INVALID_ARGUMENT', `ORC writer: bad rowIndexStride ${stride}`);
  if (!(stripeRows >= 1)) throw new PaimonError('INVALID_ARGUMENT', `ORC writer: bad stripeRows ${stripeRows}`);
  for (const b of batches) {
    if (b.numCols !== fields.length) {
      throw new PaimonError('INVALID_ARGUMENT', `ORC writer: a batch has ${b.numCols} columns for ${fields.length} fields`);
    }
  }

  const schema = new SchemaBuilder();
  const root = schema.root(fields);
  const columns = schema.types.length;
  const writers: ColumnWriter[] = [];
  const collect = (w: ColumnWriter): void => {
    writers[w.id] = w;
    if (w instanceof StructWriter || w instanceof ListWriter) w.children.forEach(collect);
  };
  collect(root);

  const compressor = new ChunkCompressor(codec, BLOCK_SIZE, zstdLevel);
  const file = new ByteSink(1 << 16);
  file.bytes(new Uint8Array([0x4f, 0x52, 0x43])); // "ORC"
  const stripeInfos: ProtoWriter[] = [];
  const stripeStats: StatsAcc[][] = [];
  const report: OrcWriteReport = { stripes: 0, encodings: new Map(), rle: { shortRepeat: 0, direct: 0, patchedBase: 0, delta: 0 } };
  let totalRows = 0;

  for (const slices of planStripes(batches, stripeRows)) {
    const rows = slices.reduce((n, s) => n + s.end - s.start, 0);
    const groups = stride > 0 ? Math.ceil(rows / stride) : 1;
    const slotBounds = new Int32Array(groups + 1);
    for (let g = 0; g < groups; g++) slotBounds[g] = g * stride;
    slotBounds[groups] = rows;
    const ctx: StripeContext = { indexed: stride > 0, dictionaryKeySizeThreshold: threshold, results: [], rle: report.rle };
    const segs: Segment[] = slices.map((s) => ({ data: s.batch.data as arrow.Data, start: s.start, end: s.end }));
    root.write(segs, rows, slotBounds, ctx);
    const results = ctx.results;
    if (results.length !== columns) throw new Error('internal: a column wrote no result');

    const offset = file.pos;
    const footer = new ProtoWriter();
    const compressed = new Map<object, Compressed>();
    for (const r of results) for (const s of r.streams) compressed.set(s, compressor.compress(s.raw));
    let indexLength = 0;
    if (stride > 0) {
      for (const r of results) {
        const index = new ProtoWriter();
        for (let g = 0; g < groups; g++) {
          const positions: number[] = [];
          for (const s of r.indexStreams) {
            positions.push(...compressor.position(compressed.get(s)!, s.marks!.offsets[g]!), ...s.marks!.extra[g]!);
          }
          const entry = new ProtoWriter();
          if (positions.length > 0) entry.packed(1, positions);
          entry.message(2, r.groupStats[g]!.encode());
          index.message(1, entry);
        }
        const bytes = compressor.compress(index.finish()).bytes;
        file.bytes(bytes);
        indexLength += bytes.length;
        footer.message(1, new ProtoWriter().uint(1, STREAM_ROW_INDEX).uint(2, r.column).uint(3, bytes.length));
      }
    }
    let dataLength = 0;
    for (const r of results) {
      for (const s of r.streams) {
        const bytes = compressed.get(s)!.bytes;
        file.bytes(bytes);
        dataLength += bytes.length;
        footer.message(1, new ProtoWriter().uint(1, s.kind).uint(2, r.column).uint(3, bytes.length));
      }
    }
    for (const r of results) {
      const enc = new ProtoWriter().uint(1, r.encoding);
      if (r.encoding === ENCODING_DICTIONARY_V2) enc.uint(2, r.dictionarySize);
      footer.message(2, enc);
    }
    footer.string(3, 'UTC');
    const footerBytes = compressor.compress(footer.finish()).bytes;
    file.bytes(footerBytes);
    stripeInfos.push(
      new ProtoWriter().uint(1, offset).uint(2, indexLength).uint(3, dataLength).uint(4, footerBytes.length).uint(5, rows),
    );

    const perColumn = results.map((r: ColumnResult) => {
      const s = new StatsAcc(writers[r.column]!.statsKind, writers[r.column]!.scale);
      for (const g of r.groupStats) s.merge(g);
      writers[r.column]!.fileStats.merge(s);
      return s;
    });
    stripeStats.push(perColumn);
    for (const w of writers) {
      if (w instanceof BytesWriter) {
        const list = report.encodings.get(w.id) ?? [];
        list.push(w.lastEncoding);
        report.encodings.set(w.id, list);
      }
    }
    report.stripes++;
    totalRows += rows;
  }
  const contentLength = file.pos;

  const metadata = new ProtoWriter();
  for (const cols of stripeStats) {
    const m = new ProtoWriter();
    for (const s of cols) m.message(1, s.encode());
    metadata.message(1, m);
  }
  const metadataBytes = compressor.compress(metadata.finish()).bytes;
  file.bytes(metadataBytes);

  const footer = new ProtoWriter().uint(1, 3).uint(2, contentLength);
  for (const s of stripeInfos) footer.message(3, s);
  for (const t of schema.types) footer.message(4, encodeType(t));
  footer.uint(6, totalRows);
  for (const w of writers) footer.message(7, w.fileStats.encode());
  footer.uint(8, stride).uint(9, ORC_WRITER_CODE).uint(11, CALENDAR_JULIAN_GREGORIAN).string(12, ORC_SOFTWARE_VERSION);
  const footerBytes = compressor.compress(footer.finish()).bytes;
  file.bytes(footerBytes);

  const ps = new ProtoWriter().uint(1, footerBytes.length).uint(2, CODEC_KIND[codec]);
  if (codec !== 'none') ps.uint(3, BLOCK_SIZE);
  ps.packed(4, [0, 12]).uint(5, metadataBytes.length).uint(6, ORC_WRITER_VERSION).string(8000, 'ORC');
  const psBytes = ps.finish();
  if (psBytes.length > 255) throw new Error('internal: postscript longer than 255 bytes');
  file.bytes(psBytes);
  file.byte(psBytes.length);
  return { bytes: file.buf.slice(0, file.pos), report };
}
