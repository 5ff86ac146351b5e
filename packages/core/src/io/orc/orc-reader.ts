/**
 * Reading an ORC file held in memory: the file tail (PostScript, Footer,
 * Metadata), the type tree, statistics, and the rows as Arrow record batches,
 * stripe by stripe, decoding only the requested top-level columns.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../../errors.js';
import { createRootReader } from './column-readers.js';
import { Decompressor } from './compression.js';
import {
  decodeFooter,
  decodeMetadata,
  decodePostScript,
  type CompressionKind,
  type Footer,
  type PostScript,
  type StripeInformation,
} from './footer.js';
import { OrcFormatError, guarded, orcError, unsupported } from './orc-errors.js';
import type { ColumnStatistics } from './statistics.js';
import { Stripe } from './stripe.js';
import { buildTypeTree, toArrowField, type OrcType, type TimestampUnit } from './types.js';

export interface OrcReadOptions {
  /** Top-level columns to decode, by name, in the order wanted (default: all). */
  columns?: readonly string[];
  /** Most rows per record batch (default 65536); batches never span stripes. */
  batchSize?: number;
  /**
   * Unit of Arrow timestamps (default 'ns': ORC keeps nanoseconds, and only
   * nanoseconds hold them losslessly; 'us' or 'ms' truncate towards negative
   * infinity and cover a wider range of years than 1677..2262).
   */
  timestampUnit?: TimestampUnit;
  /**
   * Stripe skipping: called with a stripe's column statistics (by column id)
   * and row count; stripes for which it returns false are not decoded.
   */
  stripeFilter?: (stats: readonly ColumnStatistics[], rows: number, stripe: number) => boolean;
}

const WRITERS = ['ORC_JAVA', 'ORC_CPP', 'PRESTO', 'SCRITCHLEY_GO', 'TRINO', 'CUDF'];
const DEFAULT_BATCH_SIZE = 65536;

export class OrcFile {
  readonly postScript: PostScript;
  readonly footer: Footer;
  /** The root type (a STRUCT for every file Paimon writes). */
  readonly schema: OrcType;
  /** All types by column id (pre-order). */
  readonly types: readonly OrcType[];
  private readonly decompressor: Decompressor;
  private readonly metadataRange: [number, number];
  private stripeStats: ColumnStatistics[][] | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    readonly fileName: string,
  ) {
    const len = bytes.length;
    if (len < 4) throw new OrcFormatError(`only ${len} bytes`);
    const psLen = bytes[len - 1]!;
    if (psLen === 0 || psLen + 1 > len) throw new OrcFormatError(`bad postscript length ${psLen}`);
    const psStart = len - 1 - psLen;
    const ps = decodePostScript(bytes.subarray(psStart, len - 1));
    if (ps.magic !== 'ORC') {
      const head = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!);
      throw new OrcFormatError(head === 'ORC' ? 'postscript is garbled (no ORC magic)' : 'not an ORC file (no ORC magic)');
    }
    if (ps.version.length >= 1 && ps.version[0]! > 1) {
      throw unsupported(`ORC file format version ${ps.version.join('.')} is not supported`);
    }
    this.postScript = ps;
    const footerStart = psStart - ps.footerLength;
    const metadataStart = footerStart - ps.metadataLength - ps.stripeStatisticsLength;
    if (ps.footerLength === 0 || footerStart < 0 || metadataStart < 0) throw new OrcFormatError('file tail lengths exceed the file');
    this.decompressor = new Decompressor(ps.compression, ps.compressionBlockSize);
    this.footer = decodeFooter(this.decompressor.decompress(bytes.subarray(footerStart, psStart)));
    this.metadataRange = [footerStart - ps.metadataLength, footerStart];
    if (this.footer.encrypted) throw unsupported('encrypted ORC files are not supported');
    this.schema = buildTypeTree(this.footer.types);
    const types: OrcType[] = [];
    const collect = (t: OrcType): void => {
      types.push(t);
      t.children.forEach(collect);
    };
    collect(this.schema);
    this.types = types;
    let rows = 0;
    let end = 3;
    for (const [i, s] of this.footer.stripes.entries()) {
      if (s.offset < end || s.offset + s.indexLength + s.dataLength + s.footerLength > metadataStart) {
        throw new OrcFormatError(`stripe ${i} at ${s.offset} overlaps another part of the file`);
      }
      end = s.offset + s.indexLength + s.dataLength + s.footerLength;
      rows += s.numberOfRows;
    }
    if (rows !== this.footer.numberOfRows) {
      throw new OrcFormatError(`stripes hold ${rows} rows but the footer says ${this.footer.numberOfRows}`);
    }
  }

  get numRows(): number {
    return this.footer.numberOfRows;
  }

  get compression(): CompressionKind {
    return this.postScript.compression;
  }

  get stripes(): readonly StripeInformation[] {
    return this.footer.stripes;
  }

  /** File-level statistics, by column id (0 is the root). */
  get statistics(): readonly ColumnStatistics[] {
    return this.footer.statistics;
  }

  /** Writer name and software version, e.g. `ORC_JAVA 1.9.2`. */
  get writer(): string {
    const w = this.footer.writer ?? 0;
    return `${WRITERS[w] ?? `writer ${w}`}${this.footer.softwareVersion ? ` ${this.footer.softwareVersion}` : ''}`;
  }

  /** User metadata key/value pairs. */
  get userMetadata(): ReadonlyMap<string, Uint8Array> {
    return new Map(this.footer.metadata.map((m) => [m.name, m.value]));
  }

  /** Top-level field names. */
  get fieldNames(): readonly string[] {
    return this.schema.fieldNames;
  }

  /** Statistics of every stripe (from the Metadata section), by stripe then column id. */
  stripeStatistics(): ColumnStatistics[][] {
    return guarded(this.fileName, () => {
      if (!this.stripeStats) {
        const [start, end] = this.metadataRange;
        this.stripeStats = end > start ? decodeMetadata(this.decompressor.decompress(this.bytes.subarray(start, end))) : [];
      }
      return this.stripeStats;
    });
  }

  /** The type of a top-level field by name. */
  field(name: string): OrcType | undefined {
    const i = this.schema.fieldNames.indexOf(name);
    return i < 0 ? undefined : this.schema.children[i];
  }

  /** The Arrow schema read() produces for these options. */
  arrowSchema(options: OrcReadOptions = {}): arrow.Schema {
    return guarded(this.fileName, () => this.schemaFor(this.selection(options.columns), options));
  }

  private selection(columns: readonly string[] | undefined): number[] {
    const root = this.schema;
    if (root.kind !== 'STRUCT') throw unsupported(`root type ${root.kind} (not a struct) is not supported`);
    if (!columns) return root.children.map((_, i) => i);
    return columns.map((name) => {
      const i = root.fieldNames.indexOf(name);
      if (i < 0) throw new PaimonError('INVALID_ARGUMENT', `ORC file ${this.fileName} has no column ${name}`);
      return i;
    });
  }

  private schemaFor(fields: number[], options: OrcReadOptions): arrow.Schema {
    const mapping = { timestampUnit: options.timestampUnit ?? 'ns' };
    return new arrow.Schema(fields.map((i) => toArrowField(this.schema.fieldNames[i]!, this.schema.children[i]!, mapping)));
  }

  /** The rows as record batches, stripe by stripe. Decoding errors throw PaimonError (CORRUPT_FILE or UNSUPPORTED_FORMAT). */
  read(options: OrcReadOptions = {}): Iterable<arrow.RecordBatch> {
    const inner = (): Iterator<arrow.RecordBatch> => this.batches(options);
    const fileName = this.fileName;
    return {
      [Symbol.iterator](): Iterator<arrow.RecordBatch> {
        let it: Iterator<arrow.RecordBatch> | null = null;
        return {
          next(): IteratorResult<arrow.RecordBatch> {
            try {
              it ??= inner();
              return it.next();
            } catch (e) {
              throw orcError(fileName, e);
            }
          },
        };
      },
    };
  }

  /** All rows in one Arrow table. */
  readTable(options: OrcReadOptions = {}): arrow.Table {
    const batches = [...this.read(options)];
    return batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(this.arrowSchema(options));
  }

  private *batches(options: OrcReadOptions): Generator<arrow.RecordBatch> {
    const fields = this.selection(options.columns);
    const schema = this.schemaFor(fields, options);
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!(batchSize >= 1)) throw new PaimonError('INVALID_ARGUMENT', `batchSize must be positive, got ${batchSize}`);
    const structType = new arrow.Struct(schema.fields);
    const mapping = { timestampUnit: options.timestampUnit ?? 'ns' };
    const stripeStats = options.stripeFilter ? this.stripeStatistics() : null;
    for (const [index, info] of this.footer.stripes.entries()) {
      if (info.numberOfRows === 0) continue;
      if (options.stripeFilter && !options.stripeFilter(stripeStats![index] ?? [], info.numberOfRows, index)) continue;
      const stripe = new Stripe(this.bytes, info, index, this.decompressor, this.types.length);
      const reader = createRootReader(this.schema, fields, stripe, mapping);
      for (let done = 0; done < info.numberOfRows; ) {
        const n = Math.min(batchSize, info.numberOfRows - done);
        const children = reader.read(n);
        const data = arrow.makeData({ type: structType, length: n, nullCount: 0, children });
        yield new arrow.RecordBatch(schema, data);
        done += n;
      }
    }
  }
}

/** Opens an ORC file from its bytes; throws PaimonError CORRUPT_FILE or UNSUPPORTED_FORMAT naming `fileName`. */
export function openOrc(bytes: Uint8Array, fileName: string): OrcFile {
  return guarded(fileName, () => new OrcFile(bytes, fileName));
}

/** True when the bytes start with the ORC magic. */
export function isOrc(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x4f && bytes[1] === 0x52 && bytes[2] === 0x43;
}
