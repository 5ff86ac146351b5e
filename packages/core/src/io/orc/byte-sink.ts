/**
 * Growable byte buffers for the ORC writer: `ByteSink` (streams, chunks,
 * whole files) and `ProtoWriter`, a minimal Protocol Buffers encoder for the
 * ORC metadata messages (footer, stripe footers, statistics, row indexes).
 */

export class ByteSink {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Makes room for n more bytes (hot loops call this once, then write buf[pos++] directly). */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const bigger = new Uint8Array(cap);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Unsigned base-128 varint of a non-negative integer below 2^53. */
  uvarint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    while (v >= 128) {
      buf[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** Zigzag signed varint of an integer with |v| < 2^52. */
  svarint(v: number): void {
    this.uvarint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  /** Unsigned varint of a non-negative bigint (any size). */
  uvarintBig(v: bigint): void {
    while (v >= 128n) {
      this.byte(Number(v & 127n) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  /** The bytes written so far (a view; copy if the sink is reused). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

const UTF8 = new TextEncoder();

/** Protocol Buffers wire format: varints, zigzag, fixed64 doubles, length-delimited fields. */
export class ProtoWriter {
  readonly out = new ByteSink(64);

  private key(field: number, wire: number): void {
    this.out.uvarint(field * 8 + wire);
  }

  /** uint32/uint64/enum/bool field (non-negative number below 2^53). */
  uint(field: number, v: number): this {
    this.key(field, 0);
    this.out.uvarint(v);
    return this;
  }

  /** uint64 field from a bigint. */
  uint64(field: number, v: bigint): this {
    this.key(field, 0);
    this.out.uvarintBig(BigInt.asUintN(64, v));
    return this;
  }

  /** int32 field (negative values take 10 bytes, as protobuf's two's complement encoding). */
  int32(field: number, v: number): this {
    this.key(field, 0);
    if (v >= 0) this.out.uvarint(v);
    else this.out.uvarintBig(BigInt.asUintN(64, BigInt(v)));
    return this;
  }

  /** sint32/sint64 field (zigzag), from a number or bigint. */
  sint(field: number, v: number | bigint): this {
    this.key(field, 0);
    if (typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 52) this.out.svarint(v);
    else {
      const b = BigInt(v);
      this.out.uvarintBig(b < 0n ? -2n * b - 1n : 2n * b);
    }
    return this;
  }

  bool(field: number, v: boolean): this {
    return this.uint(field, v ? 1 : 0);
  }

  double(field: number, v: number): this {
    this.key(field, 1);
    const tmp = new DataView(new ArrayBuffer(8));
    tmp.setFloat64(0, v, true);
    this.out.bytes(new Uint8Array(tmp.buffer));
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.out.uvarint(b.length);
    this.out.bytes(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, UTF8.encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated unsigned field. */
  packed(field: number, values: readonly number[]): this {
    const inner = new ByteSink(values.length * 2 + 8);
    for (const v of values) inner.uvarint(v);
    return this.bytes(field, inner.view());
  }

  finish(): Uint8Array {
    return this.out.view();
  }
}
