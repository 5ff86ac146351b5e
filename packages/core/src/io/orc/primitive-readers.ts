/**
 * Readers of fixed-width primitive columns: BOOLEAN, BYTE, SHORT, INT, DATE,
 * LONG, FLOAT and DOUBLE, decoded into typed arrays.
 */
import * as arrow from 'apache-arrow';
import { BooleanDecoder, ByteRleDecoder } from './byte-rle.js';
import { ColumnReader, spread, toBitmap, type ReadOptions } from './column-reader.js';
import { STREAM_DATA } from './footer.js';
import type { InStream } from './in-stream.js';
import type { IntegerReader } from './int-rle.js';
import type { Stripe } from './stripe.js';
import type { OrcType } from './types.js';

export class BooleanReader extends ColumnReader {
  private readonly values: BooleanDecoder;

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    this.values = new BooleanDecoder(stripe.required(type.id, STREAM_DATA));
  }

  protected valueCapacity(): number {
    return this.values.maxRemaining();
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const bytes = new Uint8Array(n);
    this.values.read(bytes, 0, v.nonNull);
    if (v.valid) spread(bytes, 1, v.valid, n, v.nonNull);
    return this.data({ data: toBitmap(bytes, n) }, n, v);
  }
}

export class ByteReader extends ColumnReader {
  private readonly values: ByteRleDecoder;

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    this.values = new ByteRleDecoder(stripe.required(type.id, STREAM_DATA));
  }

  protected valueCapacity(): number {
    return this.values.maxRemaining();
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const out = new Int8Array(n);
    this.values.read(out, 0, v.nonNull);
    if (v.valid) spread(out, 1, v.valid, n, v.nonNull);
    return this.data({ data: out }, n, v);
  }
}

/** SHORT, INT and DATE (days since the epoch). */
export class IntReader extends ColumnReader {
  private readonly values: IntegerReader;

  constructor(
    type: OrcType,
    stripe: Stripe,
    options: ReadOptions,
    private readonly ArrayType: Int16ArrayConstructor | Int32ArrayConstructor,
  ) {
    super(type, stripe, options);
    this.values = this.integers(STREAM_DATA, true);
  }

  protected valueCapacity(): number {
    return this.values.maxRemaining();
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const out = new this.ArrayType(n);
    this.values.readNumbers(out, 0, v.nonNull);
    if (v.valid) spread(out, 1, v.valid, n, v.nonNull);
    return this.data({ data: out }, n, v);
  }
}

export class LongReader extends ColumnReader {
  private readonly values: IntegerReader;

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    this.values = this.integers(STREAM_DATA, true);
  }

  protected valueCapacity(): number {
    return this.values.maxRemaining();
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const out = new BigInt64Array(n);
    this.values.readInt64(out, 0, v.nonNull);
    if (v.valid) spread(new Int32Array(out.buffer), 2, v.valid, n, v.nonNull);
    return this.data({ data: out }, n, v);
  }
}

/** FLOAT and DOUBLE: IEEE 754 little-endian values. */
export class FloatingReader extends ColumnReader {
  private readonly values: InStream;

  constructor(
    type: OrcType,
    stripe: Stripe,
    options: ReadOptions,
    private readonly ArrayType: Float32ArrayConstructor | Float64ArrayConstructor,
  ) {
    super(type, stripe, options);
    this.values = stripe.required(type.id, STREAM_DATA);
  }

  protected valueCapacity(): number {
    return this.values.remaining / this.ArrayType.BYTES_PER_ELEMENT;
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const out = new this.ArrayType(n);
    const bytes = v.nonNull * this.ArrayType.BYTES_PER_ELEMENT;
    const s = this.values;
    s.need(bytes);
    new Uint8Array(out.buffer).set(s.buf.subarray(s.pos, s.pos + bytes));
    s.pos += bytes;
    if (v.valid) spread(out, 1, v.valid, n, v.nonNull);
    return this.data({ data: out }, n, v);
  }
}
