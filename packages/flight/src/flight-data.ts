/**
 * The FlightData message on the wire, encoded and decoded by hand: the body
 * (field 1000) is written straight from the Arrow column buffers into the
 * one message buffer, and decoded as a view of the received bytes. Every
 * other Flight message goes through @grpc/proto-loader.
 */
import type { IpcMessage } from './ipc-message.js';

/** A FlightData to send: an IPC message plus the optional DoPut descriptor and app metadata. */
export interface OutgoingFlightData {
  /** Encoded `FlightDescriptor` (first DoPut message only). */
  descriptor?: Uint8Array;
  message?: IpcMessage;
  appMetadata?: Uint8Array;
}

/** A received FlightData; byte fields are views of the received message. */
export interface IncomingFlightData {
  descriptor: Uint8Array | null;
  header: Uint8Array;
  body: Uint8Array;
  appMetadata: Uint8Array;
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const FIELD_DESCRIPTOR = 1;
const FIELD_HEADER = 2;
const FIELD_APP_METADATA = 3;
const FIELD_BODY = 1000;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

const tag = (field: number) => field * 8 + WIRE_LEN;
const fieldSize = (field: number, length: number) => varintSize(tag(field)) + varintSize(length) + length;

function writeBytesField(buf: Buffer, at: number, field: number, bytes: Uint8Array): number {
  at = writeVarint(buf, at, tag(field));
  at = writeVarint(buf, at, bytes.byteLength);
  buf.set(bytes, at);
  return at + bytes.byteLength;
}

export function encodeFlightData(data: OutgoingFlightData): Buffer {
  const { descriptor, message, appMetadata } = data;
  let size = 0;
  if (descriptor) size += fieldSize(FIELD_DESCRIPTOR, descriptor.byteLength);
  if (message) size += fieldSize(FIELD_HEADER, message.header.byteLength);
  if (appMetadata?.byteLength) size += fieldSize(FIELD_APP_METADATA, appMetadata.byteLength);
  if (message && message.bodyLength > 0) size += fieldSize(FIELD_BODY, message.bodyLength);
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  if (descriptor) at = writeBytesField(buf, at, FIELD_DESCRIPTOR, descriptor);
  if (message) at = writeBytesField(buf, at, FIELD_HEADER, message.header);
  if (appMetadata?.byteLength) at = writeBytesField(buf, at, FIELD_APP_METADATA, appMetadata);
  if (message && message.bodyLength > 0) {
    at = writeVarint(buf, at, tag(FIELD_BODY));
    at = writeVarint(buf, at, message.bodyLength);
    const start = at;
    let end = start;
    message.buffers.forEach((b, i) => {
      const offset = start + message.offsets[i]!;
      if (offset > end) buf.fill(0, end, offset); // padding between buffers
      buf.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offset);
      end = offset + b.byteLength;
    });
    if (end < start + message.bodyLength) buf.fill(0, end, start + message.bodyLength);
  }
  return buf;
}

function readVarint(buf: Uint8Array, pos: { at: number }): number {
  let result = 0;
  let shift = 1;
  for (;;) {
    if (pos.at >= buf.byteLength) throw new Error('truncated varint');
    const b = buf[pos.at++]!;
    result += (b & 0x7f) * shift;
    if (b < 0x80) return result;
    shift *= 128;
    if (shift > 2 ** 63) throw new Error('varint too long');
  }
}

const EMPTY = new Uint8Array(0);

export function decodeFlightData(buf: Uint8Array): IncomingFlightData {
  const out: IncomingFlightData = { descriptor: null, header: EMPTY, body: EMPTY, appMetadata: EMPTY };
  const pos = { at: 0 };
  while (pos.at < buf.byteLength) {
    const key = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === WIRE_LEN) {
      const length = readVarint(buf, pos);
      if (pos.at + length > buf.byteLength) throw new Error(`FlightData field ${field} runs past the message end`);
      const bytes = buf.subarray(pos.at, pos.at + length);
      pos.at += length;
      if (field === FIELD_DESCRIPTOR) out.descriptor = bytes;
      else if (field === FIELD_HEADER) out.header = bytes;
      else if (field === FIELD_APP_METADATA) out.appMetadata = bytes;
      else if (field === FIELD_BODY) out.body = bytes;
    } else if (wire === WIRE_VARINT) readVarint(buf, pos);
    else if (wire === WIRE_I64) pos.at += 8;
    else if (wire === WIRE_I32) pos.at += 4;
    else throw new Error(`FlightData has an unsupported wire type ${wire} (field ${field})`);
  }
  return out;
}
