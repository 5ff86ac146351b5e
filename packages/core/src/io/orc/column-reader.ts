/**
 * The column reader base: null handling and the helpers every reader shares.
 *
 * Null handling follows ORC: a PRESENT stream (absent when the stripe has no
 * nulls) has one bit per slot, and only non-null slots have values in the
 * other streams. Children of a struct have slots only where the struct is not
 * null, so a reader is told which of its n slots its parent really has
 * (`parentValid`); elsewhere it produces nulls without consuming anything.
 */
import * as arrow from 'apache-arrow';
import { BooleanDecoder } from './byte-rle.js';
import { ENCODING_DICTIONARY, ENCODING_DICTIONARY_V2, ENCODING_DIRECT, ENCODING_DIRECT_V2, ENCODING_NAMES, STREAM_PRESENT } from './footer.js';
import type { InStream } from './in-stream.js';
import { IntRleV1Decoder, type IntegerReader } from './int-rle.js';
import { IntRleV2Decoder } from './int-rle-v2.js';
import { OrcFormatError, unsupported } from './orc-errors.js';
import type { Stripe } from './stripe.js';
import { toArrowType, type ArrowMappingOptions, type OrcType } from './types.js';

export type ReadOptions = ArrowMappingOptions;

/** Most slots a struct without fields (and so without data) may claim. */
export const MAX_SLOTS = 1 << 24;

/** Per-slot validity (1 = value present) and how many slots have values. */
export interface Validity {
  valid: Uint8Array | null;
  nonNull: number;
}

export function countOnes(valid: Uint8Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) c += valid[i]!;
  return c;
}

/** An Arrow validity bitmap (least significant bit first) from 0/1 bytes. */
export function toBitmap(valid: Uint8Array, n: number): Uint8Array {
  const bitmap = new Uint8Array((n + 7) >>> 3);
  const full = n >>> 3;
  for (let b = 0, i = 0; b < full; b++, i += 8) {
    bitmap[b] =
      valid[i]! |
      (valid[i + 1]! << 1) |
      (valid[i + 2]! << 2) |
      (valid[i + 3]! << 3) |
      (valid[i + 4]! << 4) |
      (valid[i + 5]! << 5) |
      (valid[i + 6]! << 6) |
      (valid[i + 7]! << 7);
  }
  for (let i = full << 3; i < n; i++) bitmap[i >>> 3]! |= valid[i]! << (i & 7);
  return bitmap;
}

/**
 * Moves `nonNull` dense values (stride elements each) at the front of `values`
 * to the slots where valid[i] is 1, zeroing the others. Works backwards in place.
 */
export function spread(values: { [i: number]: number; length: number }, stride: number, valid: Uint8Array, n: number, nonNull: number): void {
  let k = nonNull - 1;
  for (let i = n - 1; i >= 0 && i > k; i--) {
    if (valid[i]) {
      for (let s = 0; s < stride; s++) values[i * stride + s] = values[k * stride + s]!;
      k--;
    } else {
      for (let s = 0; s < stride; s++) values[i * stride + s] = 0;
    }
  }
}

export function integerReader(stream: InStream, signed: boolean, encoding: number): IntegerReader {
  switch (encoding) {
    case ENCODING_DIRECT:
    case ENCODING_DICTIONARY:
      return new IntRleV1Decoder(stream, signed);
    case ENCODING_DIRECT_V2:
    case ENCODING_DICTIONARY_V2:
      return new IntRleV2Decoder(stream, signed);
    default:
      throw unsupported(`column encoding ${ENCODING_NAMES[encoding] ?? encoding} is not supported`);
  }
}

export abstract class ColumnReader {
  readonly arrowType: arrow.DataType;
  protected readonly present: BooleanDecoder | null;
  protected readonly encoding: number;
  private scratch = new Uint8Array(0);

  constructor(
    readonly type: OrcType,
    protected readonly stripe: Stripe,
    protected readonly options: ReadOptions,
  ) {
    this.arrowType = toArrowType(type, options);
    const present = stripe.stream(type.id, STREAM_PRESENT);
    this.present = present ? new BooleanDecoder(present) : null;
    this.encoding = stripe.encoding(type.id).kind;
  }

  /** Reads the next n slots; parentValid (0/1 per slot) marks the slots the parent has, null = all. */
  abstract read(n: number, parentValid: Uint8Array | null): arrow.Data;

  /** An upper bound on the values left in the data streams (non-null slots). */
  protected abstract valueCapacity(): number;

  /**
   * An upper bound on the slots this column can still produce when its parent
   * has them all: each takes a PRESENT bit, or a value when there is no PRESENT.
   * Checked before allocating for list and map children, whose count comes from data.
   */
  capacity(): number {
    return this.present ? this.present.maxRemaining() : this.valueCapacity();
  }

  protected expectDirect(): void {
    if (this.encoding !== ENCODING_DIRECT && this.encoding !== ENCODING_DIRECT_V2) {
      throw unsupported(`encoding ${ENCODING_NAMES[this.encoding] ?? this.encoding} of ${this.type.kind} column ${this.type.id}`);
    }
  }

  protected integers(kind: number, signed: boolean): IntegerReader {
    return integerReader(this.stripe.required(this.type.id, kind), signed, this.encoding);
  }

  protected validity(n: number, parentValid: Uint8Array | null): Validity {
    if (!this.present) {
      return parentValid ? { valid: parentValid, nonNull: countOnes(parentValid, n) } : { valid: null, nonNull: n };
    }
    const valid = new Uint8Array(n);
    if (!parentValid) {
      const nonNull = this.present.read(valid, 0, n);
      return { valid: nonNull === n ? null : valid, nonNull };
    }
    const slots = countOnes(parentValid, n);
    if (this.scratch.length < slots) this.scratch = new Uint8Array(Math.max(slots, 1024));
    const bits = this.scratch;
    const nonNull = this.present.read(bits, 0, slots);
    for (let i = 0, k = 0; i < n; i++) if (parentValid[i]) valid[i] = bits[k++]!;
    return { valid, nonNull };
  }

  protected data<T extends arrow.DataType>(props: Record<string, unknown>, n: number, v: Validity): arrow.Data<T> {
    const nullCount = n - v.nonNull;
    return arrow.makeData({
      ...props,
      type: this.arrowType,
      length: n,
      nullCount,
      nullBitmap: nullCount > 0 ? toBitmap(v.valid!, n) : undefined,
    } as never) as arrow.Data<T>;
  }
}

/** Offsets (n + 1) from value lengths of the non-null slots, zero-length at nulls. */
export function offsetsFromLengths(lengths: Float64Array, valid: Uint8Array | null, n: number): Int32Array {
  const offsets = new Int32Array(n + 1);
  let total = 0;
  if (!valid) {
    for (let i = 0; i < n; i++) {
      total += lengths[i]!;
      offsets[i + 1] = total;
    }
  } else {
    for (let i = 0, k = 0; i < n; i++) {
      if (valid[i]) total += lengths[k++]!;
      offsets[i + 1] = total;
    }
  }
  if (total > 0x7fffffff) throw new OrcFormatError('more than 2 GiB of values in one batch');
  return offsets;
}
