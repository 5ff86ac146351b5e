/**
 * Column readers: decode one column of a stripe, a batch at a time, straight
 * into typed arrays and Arrow Data. This module holds the nested readers
 * (STRUCT, LIST, MAP), the root and the factory; see column-reader.ts for
 * the base class (and null handling) and primitive-readers.ts,
 * string-reader.ts, decimal-reader.ts, timestamp-reader.ts for the rest.
 */
import * as arrow from 'apache-arrow';
import { BooleanDecoder } from './byte-rle.js';
import { ColumnReader, MAX_SLOTS, offsetsFromLengths, type ReadOptions } from './column-reader.js';
import { DecimalReader } from './decimal-reader.js';
import { STREAM_LENGTH, STREAM_PRESENT } from './footer.js';
import type { IntegerReader } from './int-rle.js';
import { OrcFormatError, unsupported } from './orc-errors.js';
import { BooleanReader, ByteReader, FloatingReader, IntReader, LongReader } from './primitive-readers.js';
import { BytesReader } from './string-reader.js';
import type { Stripe } from './stripe.js';
import { TimestampReader } from './timestamp-reader.js';
import type { OrcType } from './types.js';

export { ColumnReader, type ReadOptions } from './column-reader.js';

class StructReader extends ColumnReader {
  readonly children: ColumnReader[];

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions, children?: ColumnReader[]) {
    super(type, stripe, options);
    this.children = children ?? type.children.map((c) => createColumnReader(c, stripe, options));
  }

  protected valueCapacity(): number {
    // A struct without fields has no data at all; allow what a PRESENT-less struct could hold.
    return this.children.reduce((m, c) => Math.min(m, c.capacity()), MAX_SLOTS);
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const children = this.children.map((c) => c.read(n, v.valid));
    return this.data({ children }, n, v);
  }
}

/** LIST and MAP: a LENGTH per non-null slot, then the children's entries back to back. */
class ListOrMapReader extends ColumnReader {
  private readonly lengths: IntegerReader;
  private readonly children: ColumnReader[];
  private readonly entriesType: arrow.DataType | null;

  constructor(type: OrcType, stripe: Stripe, options: ReadOptions) {
    super(type, stripe, options);
    this.expectDirect();
    this.lengths = this.integers(STREAM_LENGTH, false);
    this.children = type.children.map((c) => createColumnReader(c, stripe, options));
    this.entriesType = type.kind === 'MAP' ? (this.arrowType as arrow.Map_).children[0]!.type : null;
  }

  protected valueCapacity(): number {
    return this.lengths.maxRemaining();
  }

  read(n: number, parentValid: Uint8Array | null): arrow.Data {
    const v = this.validity(n, parentValid);
    const lengths = new Float64Array(v.nonNull);
    this.lengths.readNumbers(lengths, 0, v.nonNull);
    const offsets = offsetsFromLengths(lengths, v.valid, n);
    const total = offsets[n]!;
    for (const c of this.children) {
      if (total > c.capacity()) throw new OrcFormatError(`${this.type.kind} column ${this.type.id} has ${total} entries, more than its child column ${c.type.id} holds`);
    }
    if (this.entriesType) {
      const keys = this.children[0]!.read(total, null);
      const values = this.children[1]!.read(total, null);
      const child = arrow.makeData({ type: this.entriesType as arrow.Struct, length: total, nullCount: 0, children: [keys, values] });
      return this.data({ valueOffsets: offsets, child }, n, v);
    }
    const child = this.children[0]!.read(total, null);
    return this.data({ valueOffsets: offsets, child }, n, v);
  }
}

export function createColumnReader(type: OrcType, stripe: Stripe, options: ReadOptions): ColumnReader {
  switch (type.kind) {
    case 'BOOLEAN':
      return new BooleanReader(type, stripe, options);
    case 'BYTE':
      return new ByteReader(type, stripe, options);
    case 'SHORT':
      return new IntReader(type, stripe, options, Int16Array);
    case 'INT':
    case 'DATE':
      return new IntReader(type, stripe, options, Int32Array);
    case 'LONG':
      return new LongReader(type, stripe, options);
    case 'FLOAT':
      return new FloatingReader(type, stripe, options, Float32Array);
    case 'DOUBLE':
      return new FloatingReader(type, stripe, options, Float64Array);
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'BINARY':
      return new BytesReader(type, stripe, options);
    case 'DECIMAL':
      return new DecimalReader(type, stripe, options);
    case 'TIMESTAMP':
    case 'TIMESTAMP_INSTANT':
      return new TimestampReader(type, stripe, options);
    case 'STRUCT':
      return new StructReader(type, stripe, options);
    case 'LIST':
    case 'MAP':
      return new ListOrMapReader(type, stripe, options);
    default:
      throw unsupported(`ORC type ${type.kind} (column ${type.id}) is not supported`);
  }
}

/** The root struct, reading only the selected top-level fields. */
export function createRootReader(root: OrcType, fields: number[], stripe: Stripe, options: ReadOptions): { read(n: number): arrow.Data[] } {
  const children = fields.map((i) => createColumnReader(root.children[i]!, stripe, options));
  const present = stripe.stream(root.id, STREAM_PRESENT);
  const rootNulls = present ? new BooleanDecoder(present) : null;
  return {
    read(n: number): arrow.Data[] {
      let valid: Uint8Array | null = null;
      if (rootNulls) {
        valid = new Uint8Array(n);
        if (rootNulls.read(valid, 0, n) === n) valid = null;
      }
      return children.map((c) => c.read(n, valid));
    },
  };
}
