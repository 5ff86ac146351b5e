/**
 * The ORC metadata messages (orc_proto.proto): PostScript, Footer, Type,
 * StripeInformation, UserMetadataItem, Metadata (stripe statistics) and
 * StripeFooter with its Stream and ColumnEncoding entries.
 */
import { OrcFormatError } from './orc-errors.js';
import { ProtoReader, WIRE_BYTES, WIRE_VARINT, decodeMessage, expectWire } from './protobuf.js';
import { decodeColumnStatistics, type ColumnStatistics } from './statistics.js';

export const COMPRESSION_KINDS = ['NONE', 'ZLIB', 'SNAPPY', 'LZO', 'LZ4', 'ZSTD', 'BROTLI'] as const;
export type CompressionKind = (typeof COMPRESSION_KINDS)[number];

export interface PostScript {
  footerLength: number;
  compression: CompressionKind;
  /** Largest uncompressed size of one compression chunk. */
  compressionBlockSize: number;
  /** File format version, e.g. [0, 12]. */
  version: number[];
  metadataLength: number;
  writerVersion: number;
  stripeStatisticsLength: number;
  magic: string;
}

/** A Type entry as stored (subtypes are ids into Footer.types). */
export interface TypeProto {
  kind: number;
  subtypes: number[];
  fieldNames: string[];
  maximumLength?: number;
  precision?: number;
  scale?: number;
  attributes: [string, string][];
}

export interface StripeInformation {
  /** Byte offset of the stripe in the file. */
  offset: number;
  indexLength: number;
  dataLength: number;
  footerLength: number;
  numberOfRows: number;
}

export interface UserMetadataItem {
  name: string;
  value: Uint8Array;
}

export interface Footer {
  headerLength: number;
  contentLength: number;
  stripes: StripeInformation[];
  types: TypeProto[];
  metadata: UserMetadataItem[];
  numberOfRows: number;
  statistics: ColumnStatistics[];
  rowIndexStride: number;
  /** 0 = ORC Java, 1 = ORC C++, 2 = Presto, 3 = Go, 4 = Trino, 5 = CUDF. */
  writer?: number;
  /** 1 = Julian/Gregorian hybrid, 2 = proleptic Gregorian. */
  calendar?: number;
  softwareVersion?: string;
  encrypted: boolean;
}

export const STREAM_PRESENT = 0;
export const STREAM_DATA = 1;
export const STREAM_LENGTH = 2;
export const STREAM_DICTIONARY_DATA = 3;
export const STREAM_DICTIONARY_COUNT = 4;
export const STREAM_SECONDARY = 5;
export const STREAM_ROW_INDEX = 6;

export interface StreamInfo {
  kind: number;
  column: number;
  length: number;
}

export const ENCODING_DIRECT = 0;
export const ENCODING_DICTIONARY = 1;
export const ENCODING_DIRECT_V2 = 2;
export const ENCODING_DICTIONARY_V2 = 3;
export const ENCODING_NAMES = ['DIRECT', 'DICTIONARY', 'DIRECT_V2', 'DICTIONARY_V2', 'DECIMAL_64'];

export interface ColumnEncoding {
  kind: number;
  dictionarySize: number;
}

export interface StripeFooter {
  streams: StreamInfo[];
  columns: ColumnEncoding[];
  writerTimezone?: string;
  encrypted: boolean;
}

function uintField(f: number, w: number, r: ProtoReader): number {
  expectWire(f, w, WIRE_VARINT);
  return r.uint();
}

function stringField(f: number, w: number, r: ProtoReader): string {
  expectWire(f, w, WIRE_BYTES);
  return r.string();
}

function messageField(f: number, w: number, r: ProtoReader): ProtoReader {
  expectWire(f, w, WIRE_BYTES);
  return r.message();
}

export function decodePostScript(bytes: Uint8Array): PostScript {
  const ps: PostScript = {
    footerLength: 0,
    compression: 'NONE',
    compressionBlockSize: 256 * 1024,
    version: [],
    metadataLength: 0,
    writerVersion: 0,
    stripeStatisticsLength: 0,
    magic: '',
  };
  let compression = 0;
  decodeMessage(new ProtoReader(bytes), (f, w, r) => {
    switch (f) {
      case 1:
        ps.footerLength = uintField(f, w, r);
        return true;
      case 2:
        compression = uintField(f, w, r);
        return true;
      case 3:
        ps.compressionBlockSize = uintField(f, w, r);
        return true;
      case 4:
        r.packedUints(w, ps.version);
        return true;
      case 5:
        ps.metadataLength = uintField(f, w, r);
        return true;
      case 6:
        ps.writerVersion = uintField(f, w, r);
        return true;
      case 7:
        ps.stripeStatisticsLength = uintField(f, w, r);
        return true;
      case 8000:
        ps.magic = stringField(f, w, r);
        return true;
      default:
        return false;
    }
  });
  const kind = COMPRESSION_KINDS[compression];
  if (kind === undefined) throw new OrcFormatError(`unknown compression kind ${compression}`);
  ps.compression = kind;
  return ps;
}

function decodeType(r: ProtoReader): TypeProto {
  const t: TypeProto = { kind: -1, subtypes: [], fieldNames: [], attributes: [] };
  decodeMessage(r, (f, w, r) => {
    switch (f) {
      case 1:
        t.kind = uintField(f, w, r);
        return true;
      case 2:
        r.packedUints(w, t.subtypes);
        return true;
      case 3:
        t.fieldNames.push(stringField(f, w, r));
        return true;
      case 4:
        t.maximumLength = uintField(f, w, r);
        return true;
      case 5:
        t.precision = uintField(f, w, r);
        return true;
      case 6:
        t.scale = uintField(f, w, r);
        return true;
      case 7: {
        let key = '';
        let value = '';
        decodeMessage(messageField(f, w, r), (f2, w2, r2) => {
          if (f2 === 1) key = stringField(f2, w2, r2);
          else if (f2 === 2) value = stringField(f2, w2, r2);
          else return false;
          return true;
        });
        t.attributes.push([key, value]);
        return true;
      }
      default:
        return false;
    }
  });
  if (t.kind < 0) throw new OrcFormatError('type without a kind');
  return t;
}

function decodeStripeInformation(r: ProtoReader): StripeInformation {
  const s: StripeInformation = { offset: 0, indexLength: 0, dataLength: 0, footerLength: 0, numberOfRows: 0 };
  decodeMessage(r, (f, w, r) => {
    switch (f) {
      case 1:
        s.offset = uintField(f, w, r);
        return true;
      case 2:
        s.indexLength = uintField(f, w, r);
        return true;
      case 3:
        s.dataLength = uintField(f, w, r);
        return true;
      case 4:
        s.footerLength = uintField(f, w, r);
        return true;
      case 5:
        s.numberOfRows = uintField(f, w, r);
        return true;
      default:
        return false;
    }
  });
  return s;
}

function decodeUserMetadataItem(r: ProtoReader): UserMetadataItem {
  const item: UserMetadataItem = { name: '', value: new Uint8Array(0) };
  decodeMessage(r, (f, w, r) => {
    if (f === 1) item.name = stringField(f, w, r);
    else if (f === 2) {
      expectWire(f, w, WIRE_BYTES);
      item.value = r.bytes().slice();
    } else return false;
    return true;
  });
  return item;
}

export function decodeFooter(bytes: Uint8Array): Footer {
  const footer: Footer = {
    headerLength: 0,
    contentLength: 0,
    stripes: [],
    types: [],
    metadata: [],
    numberOfRows: 0,
    statistics: [],
    rowIndexStride: 0,
    encrypted: false,
  };
  decodeMessage(new ProtoReader(bytes), (f, w, r) => {
    switch (f) {
      case 1:
        footer.headerLength = uintField(f, w, r);
        return true;
      case 2:
        footer.contentLength = uintField(f, w, r);
        return true;
      case 3:
        footer.stripes.push(decodeStripeInformation(messageField(f, w, r)));
        return true;
      case 4:
        footer.types.push(decodeType(messageField(f, w, r)));
        return true;
      case 5:
        footer.metadata.push(decodeUserMetadataItem(messageField(f, w, r)));
        return true;
      case 6:
        footer.numberOfRows = uintField(f, w, r);
        return true;
      case 7:
        footer.statistics.push(decodeColumnStatistics(messageField(f, w, r)));
        return true;
      case 8:
        footer.rowIndexStride = uintField(f, w, r);
        return true;
      case 9:
        footer.writer = uintField(f, w, r);
        return true;
      case 10:
        expectWire(f, w, WIRE_BYTES);
        footer.encrypted = r.bytes().length > 0;
        return true;
      case 11:
        footer.calendar = uintField(f, w, r);
        return true;
      case 12:
        footer.softwareVersion = stringField(f, w, r);
        return true;
      default:
        return false;
    }
  });
  return footer;
}

/** The file Metadata section: column statistics of every stripe. */
export function decodeMetadata(bytes: Uint8Array): ColumnStatistics[][] {
  const stripes: ColumnStatistics[][] = [];
  decodeMessage(new ProtoReader(bytes), (f, w, r) => {
    if (f !== 1) return false;
    const cols: ColumnStatistics[] = [];
    decodeMessage(messageField(f, w, r), (f2, w2, r2) => {
      if (f2 !== 1) return false;
      cols.push(decodeColumnStatistics(messageField(f2, w2, r2)));
      return true;
    });
    stripes.push(cols);
    return true;
  });
  return stripes;
}

function decodeStream(r: ProtoReader): StreamInfo {
  const s: StreamInfo = { kind: -1, column: 0, length: 0 };
  decodeMessage(r, (f, w, r) => {
    if (f === 1) s.kind = uintField(f, w, r);
    else if (f === 2) s.column = uintField(f, w, r);
    else if (f === 3) s.length = uintField(f, w, r);
    else return false;
    return true;
  });
  return s;
}

function decodeColumnEncoding(r: ProtoReader): ColumnEncoding {
  const e: ColumnEncoding = { kind: ENCODING_DIRECT, dictionarySize: 0 };
  decodeMessage(r, (f, w, r) => {
    if (f === 1) e.kind = uintField(f, w, r);
    else if (f === 2) e.dictionarySize = uintField(f, w, r);
    else return false;
    return true;
  });
  return e;
}

export function decodeStripeFooter(bytes: Uint8Array): StripeFooter {
  const footer: StripeFooter = { streams: [], columns: [], encrypted: false };
  decodeMessage(new ProtoReader(bytes), (f, w, r) => {
    switch (f) {
      case 1:
        footer.streams.push(decodeStream(messageField(f, w, r)));
        return true;
      case 2:
        footer.columns.push(decodeColumnEncoding(messageField(f, w, r)));
        return true;
      case 3:
        footer.writerTimezone = stringField(f, w, r);
        return true;
      case 4:
        expectWire(f, w, WIRE_BYTES);
        r.bytes();
        footer.encrypted = true;
        return true;
      default:
        return false;
    }
  });
  return footer;
}
