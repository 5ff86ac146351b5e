/**
 * ORC column statistics (orc_proto.proto `ColumnStatistics` and the typed
 * statistics it holds), decoded from protobuf.
 */
import { ProtoReader, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, decodeMessage, expectWire } from './protobuf.js';

export interface IntegerStatistics {
  minimum?: bigint;
  maximum?: bigint;
  /** Absent when the sum overflowed a long. */
  sum?: bigint;
}

export interface DoubleStatistics {
  minimum?: number;
  maximum?: number;
  sum?: number;
}

export interface StringStatistics {
  minimum?: string;
  maximum?: string;
  /** Total length of all strings. */
  sum?: bigint;
  /** Set instead of minimum/maximum when those were longer than 1024 bytes. */
  lowerBound?: string;
  upperBound?: string;
}

export interface DecimalStatistics {
  minimum?: string;
  maximum?: string;
  sum?: string;
}

export interface DateStatistics {
  /** Days since 1970-01-01. */
  minimum?: number;
  maximum?: number;
}

export interface TimestampStatistics {
  /** Milliseconds since the epoch, in the writer's local time zone (before ORC-135). */
  minimum?: bigint;
  maximum?: bigint;
  /** Milliseconds since the epoch, UTC. */
  minimumUtc?: bigint;
  maximumUtc?: bigint;
  /** The sub-millisecond nanoseconds (0..999999) of minimum and maximum, when recorded. */
  minimumNanos?: number;
  maximumNanos?: number;
}

export interface BinaryStatistics {
  /** Total length in bytes. */
  sum?: bigint;
}

export interface CollectionStatistics {
  minChildren?: number;
  maxChildren?: number;
  totalChildren?: number;
}

export interface ColumnStatistics {
  numberOfValues?: number;
  hasNull?: boolean;
  bytesOnDisk?: number;
  int?: IntegerStatistics;
  double?: DoubleStatistics;
  string?: StringStatistics;
  /** Boolean columns: the number of true values. */
  trueCount?: bigint;
  decimal?: DecimalStatistics;
  date?: DateStatistics;
  binary?: BinaryStatistics;
  timestamp?: TimestampStatistics;
  collection?: CollectionStatistics;
}

function intStats(r: ProtoReader): IntegerStatistics {
  const s: IntegerStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f < 1 || f > 3) return false;
    expectWire(f, w, WIRE_VARINT);
    const v = r.sint64();
    if (f === 1) s.minimum = v;
    else if (f === 2) s.maximum = v;
    else s.sum = v;
    return true;
  });
  return s;
}

function doubleStats(r: ProtoReader): DoubleStatistics {
  const s: DoubleStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f < 1 || f > 3) return false;
    expectWire(f, w, WIRE_FIXED64);
    const v = r.double();
    if (f === 1) s.minimum = v;
    else if (f === 2) s.maximum = v;
    else s.sum = v;
    return true;
  });
  return s;
}

function stringStats(r: ProtoReader): StringStatistics {
  const s: StringStatistics = {};
  decodeMessage(r, (f, w, r) => {
    switch (f) {
      case 1:
        expectWire(f, w, WIRE_BYTES);
        s.minimum = r.string();
        return true;
      case 2:
        expectWire(f, w, WIRE_BYTES);
        s.maximum = r.string();
        return true;
      case 3:
        expectWire(f, w, WIRE_VARINT);
        s.sum = r.sint64();
        return true;
      case 4:
        expectWire(f, w, WIRE_BYTES);
        s.lowerBound = r.string();
        return true;
      case 5:
        expectWire(f, w, WIRE_BYTES);
        s.upperBound = r.string();
        return true;
      default:
        return false;
    }
  });
  return s;
}

function decimalStats(r: ProtoReader): DecimalStatistics {
  const s: DecimalStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f < 1 || f > 3) return false;
    expectWire(f, w, WIRE_BYTES);
    const v = r.string();
    if (f === 1) s.minimum = v;
    else if (f === 2) s.maximum = v;
    else s.sum = v;
    return true;
  });
  return s;
}

function dateStats(r: ProtoReader): DateStatistics {
  const s: DateStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f < 1 || f > 2) return false;
    expectWire(f, w, WIRE_VARINT);
    const v = r.sint32();
    if (f === 1) s.minimum = v;
    else s.maximum = v;
    return true;
  });
  return s;
}

function timestampStats(r: ProtoReader): TimestampStatistics {
  const s: TimestampStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f < 1 || f > 6) return false;
    expectWire(f, w, WIRE_VARINT);
    if (f <= 4) {
      const v = r.sint64();
      if (f === 1) s.minimum = v;
      else if (f === 2) s.maximum = v;
      else if (f === 3) s.minimumUtc = v;
      else s.maximumUtc = v;
    } else {
      // Stored plus one, so that 0 is never written (ORC-611).
      const v = r.int32() - 1;
      if (f === 5) s.minimumNanos = v;
      else s.maximumNanos = v;
    }
    return true;
  });
  return s;
}

function binaryStats(r: ProtoReader): BinaryStatistics {
  const s: BinaryStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f !== 1) return false;
    expectWire(f, w, WIRE_VARINT);
    s.sum = r.sint64();
    return true;
  });
  return s;
}

function collectionStats(r: ProtoReader): CollectionStatistics {
  const s: CollectionStatistics = {};
  decodeMessage(r, (f, w, r) => {
    if (f < 1 || f > 3) return false;
    expectWire(f, w, WIRE_VARINT);
    const v = r.uint();
    if (f === 1) s.minChildren = v;
    else if (f === 2) s.maxChildren = v;
    else s.totalChildren = v;
    return true;
  });
  return s;
}

export function decodeColumnStatistics(r: ProtoReader): ColumnStatistics {
  const s: ColumnStatistics = {};
  decodeMessage(r, (f, w, r) => {
    switch (f) {
      case 1:
        expectWire(f, w, WIRE_VARINT);
        s.numberOfValues = r.uint();
        return true;
      case 2:
        expectWire(f, w, WIRE_BYTES);
        s.int = intStats(r.message());
        return true;
      case 3:
        expectWire(f, w, WIRE_BYTES);
        s.double = doubleStats(r.message());
        return true;
      case 4:
        expectWire(f, w, WIRE_BYTES);
        s.string = stringStats(r.message());
        return true;
      case 5: {
        expectWire(f, w, WIRE_BYTES);
        const counts: bigint[] = [];
        decodeMessage(r.message(), (f2, w2, r2) => {
          if (f2 !== 1) return false;
          r2.packedUint64s(w2, counts);
          return true;
        });
        if (counts.length > 0) s.trueCount = counts[0];
        return true;
      }
      case 6:
        expectWire(f, w, WIRE_BYTES);
        s.decimal = decimalStats(r.message());
        return true;
      case 7:
        expectWire(f, w, WIRE_BYTES);
        s.date = dateStats(r.message());
        return true;
      case 8:
        expectWire(f, w, WIRE_BYTES);
        s.binary = binaryStats(r.message());
        return true;
      case 9:
        expectWire(f, w, WIRE_BYTES);
        s.timestamp = timestampStats(r.message());
        return true;
      case 10:
        expectWire(f, w, WIRE_VARINT);
        s.hasNull = r.bool();
        return true;
      case 11:
        // bytes_on_disk; an old draft of the format used 11 for a Decimal64Statistics message.
        if (w !== WIRE_VARINT) return false;
        s.bytesOnDisk = r.uint();
        return true;
      case 12:
        expectWire(f, w, WIRE_BYTES);
        s.collection = collectionStats(r.message());
        return true;
      default:
        return false;
    }
  });
  return s;
}
