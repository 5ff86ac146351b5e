/**
 * A minimal Protocol Buffers wire-format reader (varint, 64-bit, length-delimited
 * and 32-bit fields), enough to decode the ORC metadata messages. Errors are
 * thrown as OrcFormatError and turned into CORRUPT_FILE by the ORC reader.
 */
import { OrcFormatError } from './orc-errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const TEXT = new TextDecoder('utf-8');

export class ProtoReader {
  pos: number;
  readonly end: number;
  private view: DataView | null = null;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Unsigned varint as a JS number (exact below 2^53, which covers every length and count in ORC). */
  uint(): number {
    const buf = this.buf;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new OrcFormatError('protobuf varint runs past the end of its message');
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new OrcFormatError('protobuf varint longer than 10 bytes');
  }

  /** Unsigned varint as a bigint (64-bit exact). */
  uint64(): bigint {
    const buf = this.buf;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new OrcFormatError('protobuf varint runs past the end of its message');
      const b = buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new OrcFormatError('protobuf varint longer than 10 bytes');
  }

  /** Zigzag-encoded signed varint (sint64) as a bigint. */
  sint64(): bigint {
    const u = this.uint64();
    return (u >> 1n) ^ -(u & 1n);
  }

  /** Zigzag-encoded signed varint (sint32) as a number. */
  sint32(): number {
    const u = this.uint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** int32 (two's complement varint, negative values take 10 bytes). */
  int32(): number {
    return Number(BigInt.asIntN(32, this.uint64()));
  }

  bool(): boolean {
    return this.uint() !== 0;
  }

  private dataView(): DataView {
    if (!this.view) this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new OrcFormatError('protobuf double runs past the end of its message');
    const v = this.dataView().getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    const len = this.uint();
    if (len > this.end - this.pos) throw new OrcFormatError('protobuf field runs past the end of its message');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return TEXT.decode(this.bytes());
  }

  /** A nested message: a reader over its bytes. */
  message(): ProtoReader {
    const b = this.bytes();
    return new ProtoReader(this.buf, b.byteOffset - this.buf.byteOffset, b.byteOffset - this.buf.byteOffset + b.length);
  }

  /** Reads a field key; returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const key = this.uint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new OrcFormatError('protobuf field number 0');
    return [field, key & 7];
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_BYTES:
        this.advance(this.uint());
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new OrcFormatError(`unsupported protobuf wire type ${wire}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new OrcFormatError('protobuf field runs past the end of its message');
    this.pos += n;
  }

  /** Repeated unsigned varints, packed (wire type 2) or one at a time (wire type 0). */
  packedUints(wire: number, into: number[]): void {
    if (wire === WIRE_VARINT) {
      into.push(this.uint());
      return;
    }
    if (wire !== WIRE_BYTES) throw new OrcFormatError(`bad wire type ${wire} for a repeated integer`);
    const sub = this.message();
    while (!sub.done) into.push(sub.uint());
  }

  /** Like packedUints, for uint64 values kept as bigints. */
  packedUint64s(wire: number, into: bigint[]): void {
    if (wire === WIRE_VARINT) {
      into.push(this.uint64());
      return;
    }
    if (wire !== WIRE_BYTES) throw new OrcFormatError(`bad wire type ${wire} for a repeated integer`);
    const sub = this.message();
    while (!sub.done) into.push(sub.uint64());
  }
}

/** Checks the wire type of a known field (a mismatch means garbled metadata). */
export function expectWire(field: number, wire: number, expected: number): void {
  if (wire !== expected) throw new OrcFormatError(`protobuf field ${field} has wire type ${wire}, expected ${expected}`);
}

/**
 * Decodes a message: calls `onField` for every field; it returns false for
 * fields it does not know, which are skipped.
 */
export function decodeMessage(r: ProtoReader, onField: (field: number, wire: number, r: ProtoReader) => boolean): void {
  while (!r.done) {
    const [field, wire] = r.tag();
    if (!onField(field, wire, r)) r.skip(wire);
  }
}
