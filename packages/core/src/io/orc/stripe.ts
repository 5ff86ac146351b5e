/**
 * One stripe being read: its footer (stream directory, column encodings,
 * writer time zone) and its streams, decompressed on first use.
 */
import type { Decompressor } from './compression.js';
import { decodeStripeFooter, type ColumnEncoding, type StripeFooter, type StripeInformation } from './footer.js';
import { InStream } from './in-stream.js';
import { OrcFormatError, unsupported } from './orc-errors.js';

const STREAM_NAMES = ['PRESENT', 'DATA', 'LENGTH', 'DICTIONARY_DATA', 'DICTIONARY_COUNT', 'SECONDARY', 'ROW_INDEX', 'BLOOM_FILTER', 'BLOOM_FILTER_UTF8'];

export function streamName(column: number, kind: number): string {
  return `${STREAM_NAMES[kind] ?? `kind ${kind}`} of column ${column}`;
}

export class Stripe {
  readonly footer: StripeFooter;
  /** (column, kind) -> [start, end) in the file. */
  private readonly ranges = new Map<number, [number, number]>();

  constructor(
    private readonly file: Uint8Array,
    readonly info: StripeInformation,
    readonly index: number,
    private readonly decompressor: Decompressor,
    columnCount: number,
  ) {
    const stripeEnd = info.offset + info.indexLength + info.dataLength + info.footerLength;
    if (info.offset < 3 || stripeEnd > file.length) throw new OrcFormatError(`stripe ${index} lies outside the file`);
    const footerStart = info.offset + info.indexLength + info.dataLength;
    this.footer = decodeStripeFooter(decompressor.decompress(file.subarray(footerStart, footerStart + info.footerLength)));
    if (this.footer.encrypted) throw unsupported('encrypted ORC columns are not supported');
    if (this.footer.columns.length < columnCount) {
      throw new OrcFormatError(`stripe ${index} has ${this.footer.columns.length} column encodings for ${columnCount} columns`);
    }
    let offset = info.offset;
    for (const s of this.footer.streams) {
      const end = offset + s.length;
      if (end > footerStart) throw new OrcFormatError(`stream ${streamName(s.column, s.kind)} of stripe ${index} runs past the stripe data`);
      if (s.kind >= 0 && s.kind < 16) this.ranges.set(s.column * 16 + s.kind, [offset, end]);
      offset = end;
    }
  }

  get rows(): number {
    return this.info.numberOfRows;
  }

  get writerTimezone(): string | undefined {
    return this.footer.writerTimezone;
  }

  encoding(column: number): ColumnEncoding {
    return this.footer.columns[column]!;
  }

  /** The decompressed stream, or null when the stripe has none (e.g. PRESENT of a column without nulls). */
  stream(column: number, kind: number): InStream | null {
    const range = this.ranges.get(column * 16 + kind);
    if (!range) return null;
    const bytes = this.decompressor.decompress(this.file.subarray(range[0], range[1]));
    return new InStream(bytes, `${streamName(column, kind)} in stripe ${this.index}`);
  }

  /** Like stream(), but a missing stream reads as empty (any value read from it then fails as truncated). */
  required(column: number, kind: number): InStream {
    return this.stream(column, kind) ?? new InStream(new Uint8Array(0), `${streamName(column, kind)} in stripe ${this.index} (missing)`);
  }
}
