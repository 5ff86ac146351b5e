/**
 * STRING, VARCHAR, CHAR and BINARY columns: DIRECT (LENGTH + DATA) or
 * DICTIONARY (DICTIONARY_DATA + LENGTH of each entry, DATA = entry ids).
 */
import * as arrow from 'apache-arrow';
import { ColumnReader, integerReader, offsetsFromLengths, type ReadOptions } from './column-reader.js';
import {
  ENCODING_DICTIONARY,
  ENCODING_DICTIONARY_V2,
  ENCODING_DIRECT,
  ENCODING_DIRECT_V2,
  ENCODING_NAMES,
  STREAM_DATA,
  STREAM_DICTIONARY_DATA,
  STREAM_LENGTH,
} from './footer.js';
import type { InStream } from './in-stream.js';
import type { IntegerReader } from './int-rle.js';
import { OrcFormatError, unsupported } from './orc-errors.js';
import type { Stripe } from './stripe.js';
import type { OrcType } from './types.js';

/** STRING, VARCHAR, CHAR and BINARY, direct or dictionary encoded. */
export class BytesReader extends ColumnReader {
  private readonly lengths: IntegerReader | null = null;
  private readonly bytes: InStream | null = null;
  private readonly indexes: IntegerReader | null = null;
  private dictionary: { data: Uint8Array; offsets: Int32Array } | null = null;
  private lengthScratch = new Float64Array(0);

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    if (this.encoding === ENCODING_DIRECT || this.encoding === ENCODING_DIRECT_V2) {
      this.lengths = this.integers(STREAM_LENGTH, false);
      this.bytes = stripe.required(type.id, STREAM_DATA);
    } else if (type.kind !== 'BINARY' && (this.encoding === ENCODING_DICTIONARY || this.encoding === ENCODING_DICTIONARY_V2)) {
      this.indexes = this.integers(STREAM_DATA, false);
    } else {
      throw unsupported(`encoding ${ENCODING_NAMES[this.encoding] ?? this.encoding} of ${type.kind} column ${type.id}`);
    }
  }

  protected valueCapacity(): number {
    return (this.lengths ?? this.indexes)!.maxRemaining();
  }

  private readLengths(count: number): Float64Array {
    if (this.lengthScratch.length < count) this.lengthScratch = new Float64Array(Math.max(count, 1024));
    this.lengthScratch.fill(0, 0, count);
    return this.lengthScratch;
  }

  private loadDictionary(): { data: Uint8Array; offsets: Int32Array } {
    const size = this.stripe.encoding(this.type.id).dictionarySize;
    const lengthStream = this.stripe.required(this.type.id, STREAM_LENGTH);
    // The densest run (RLE v2 DELTA with a zero width) packs 512 values into 4 bytes.
    if (size > lengthStream.remaining * 128) throw new OrcFormatError(`dictionary of ${size} entries has too short a LENGTH stream`);
    const lengths = new Float64Array(size);
    integerReader(lengthStream, false, this.encoding).readNumbers(lengths, 0, size);
    const offsets = new Int32Array(size + 1);
    let total = 0;
    for (let i = 0; i < size; i++) {
      total += lengths[i]!;
      offsets[i + 1] = total;
    }
    const blob = this.stripe.required(this.type.id, STREAM_DICTIONARY_DATA);
    if (total > blob.remaining) throw new OrcFormatError(`dictionary of column ${this.type.id} needs ${total} bytes, has ${blob.remaining}`);
    return { data: blob.buf.subarray(blob.pos, blob.pos + total), offsets };
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    let offsets: Int32Array;
    let data: Uint8Array;
    if (this.lengths) {
      const lengths = this.readLengths(v.nonNull);
      this.lengths.readNumbers(lengths, 0, v.nonNull);
      offsets = offsetsFromLengths(lengths, v.valid, n);
      const total = offsets[n]!;
      const s = this.bytes!;
      s.need(total);
      data = s.buf.slice(s.pos, s.pos + total);
      s.pos += total;
    } else {
      this.dictionary ??= this.loadDictionary();
      const dict = this.dictionary;
      const ids = this.readLengths(v.nonNull);
      this.indexes!.readNumbers(ids, 0, v.nonNull);
      const entries = dict.offsets.length - 1;
      const lengths = new Float64Array(v.nonNull);
      for (let k = 0; k < v.nonNull; k++) {
        const id = ids[k]!;
        if (!(id < entries)) throw new OrcFormatError(`dictionary index ${id} out of range (${entries} entries) in column ${this.type.id}`);
        lengths[k] = dict.offsets[id + 1]! - dict.offsets[id]!;
      }
      offsets = offsetsFromLengths(lengths, v.valid, n);
      data = new Uint8Array(offsets[n]!);
      const src = dict.data;
      let o = 0;
      for (let k = 0; k < v.nonNull; k++) {
        const id = ids[k]!;
        const start = dict.offsets[id]!;
        const end = dict.offsets[id + 1]!;
        if (end - start < 16) for (let p = start; p < end; p++) data[o++] = src[p]!;
        else {
          data.set(src.subarray(start, end), o);
          o += end - start;
        }
      }
    }
    if (this.type.kind === 'CHAR') [offsets, data] = rightTrim(offsets, data, n);
    return this.data({ valueOffsets: offsets, data }, n, v);
  }
}

/** CHAR values are stored padded with spaces; like Java ORC's reader, drop trailing spaces. */
function rightTrim(offsets: Int32Array, data: Uint8Array, n: number): [Int32Array, Uint8Array] {
  const out = new Int32Array(n + 1);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    let end = offsets[i + 1]!;
    while (end > start && data[end - 1] === 0x20) end--;
    data.copyWithin(o, start, end);
    o += end - start;
    out[i + 1] = o;
  }
  return [out, data.subarray(0, o)];
}
