import { describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { buildData, toArrowField, type DataField, type Value } from '@paimon-ts/core';
import { decodeSchema, encodeSchema, IpcMessageDecoder, IpcMessageEncoder, schemaHeader, type IpcMessage } from '../src/index.js';
import { decodeFlightData, encodeFlightData } from '../src/flight-data.js';

const STRING = { kind: 'VARCHAR', length: 2147483647, nullable: true } as const;
const INT = { kind: 'INT', nullable: true } as const;

/** One column of every Arrow shape core produces, with nulls. */
const FIELDS: [DataField, Value[]][] = [
  [{ id: 0, name: 'b', type: { kind: 'BOOLEAN', nullable: true } }, [true, null, false]],
  [{ id: 1, name: 'i8', type: { kind: 'TINYINT', nullable: true } }, [-1, 2, null]],
  [{ id: 2, name: 'i64', type: { kind: 'BIGINT', nullable: false } }, [1n, -(2n ** 62n), 3n]],
  [{ id: 3, name: 'f', type: { kind: 'FLOAT', nullable: true } }, [1.5, null, -0.25]],
  [{ id: 4, name: 'dec', type: { kind: 'DECIMAL', precision: 20, scale: 3, nullable: true } }, [12345n, null, -(10n ** 19n)]],
  [{ id: 5, name: 's', type: STRING }, ['a', null, 'ünïcödé']],
  [{ id: 6, name: 'bin', type: { kind: 'VARBINARY', length: 100, nullable: true } }, [new Uint8Array([0, 255]), null, new Uint8Array(0)]],
  [{ id: 7, name: 'd', type: { kind: 'DATE', nullable: true } }, [0, -1, null]],
  [{ id: 8, name: 't', type: { kind: 'TIME', precision: 3, nullable: true } }, [1000, null, 86399999]],
  [{ id: 9, name: 'ts', type: { kind: 'TIMESTAMP', precision: 6, nullable: true } }, [1_700_000_000_123_456n, null, -1n]],
  [{ id: 10, name: 'ltz', type: { kind: 'TIMESTAMP_LTZ', precision: 9, nullable: true } }, [1n, 2n, null]],
  [{ id: 11, name: 'arr', type: { kind: 'ARRAY', element: INT, nullable: true } }, [[1, null, 3], null, []]],
  [{ id: 12, name: 'map', type: { kind: 'MAP', key: { ...STRING, nullable: false }, value: INT, nullable: true } }, [[['k', 1], ['j', null]], null, []]],
  [
    { id: 13, name: 'row', type: { kind: 'ROW', fields: [{ id: 14, name: 'x', type: INT }, { id: 15, name: 'y', type: STRING }], nullable: true } },
    [[1, 'one'], null, [null, null]],
  ],
];

function sampleTable(offset = 0): arrow.RecordBatch {
  const schema = new arrow.Schema(FIELDS.map(([f]) => toArrowField(f)));
  const children = FIELDS.map(([, values], i) => buildData(schema.fields[i]!.type, offset ? [...values.slice(offset), ...values.slice(0, offset)] : values));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 3, nullCount: 0, children }));
}

/** Frames IPC messages as an Arrow IPC stream (what `tableFromIPC` reads). */
function asIpcStream(messages: { header: Uint8Array; body: Uint8Array }[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const m of messages) {
    const padded = (m.header.byteLength + 7) & ~7;
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(0xffffffff, 0);
    prefix.writeInt32LE(padded, 4);
    parts.push(prefix, Buffer.from(m.header), Buffer.alloc(padded - m.header.byteLength), Buffer.from(m.body));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
  return Buffer.concat(parts);
}

/** Splits an Arrow IPC stream into (header, body) messages. */
function splitIpcStream(bytes: Uint8Array): { header: Uint8Array; body: Uint8Array }[] {
  const out: { header: Uint8Array; body: Uint8Array }[] = [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < view.byteLength) {
    if (view.readUInt32LE(at) === 0xffffffff) at += 4;
    const len = view.readInt32LE(at);
    at += 4;
    if (len === 0) break;
    const header = view.subarray(at, at + len);
    at += len;
    const bodyLength = Number(arrow.Message.decode(header).bodyLength);
    out.push({ header, body: view.subarray(at, at + bodyLength) });
    at += bodyLength;
  }
  return out;
}

/** Each message through the FlightData wire codec and back, as the network would carry it. */
function overTheWire(messages: IpcMessage[]): { header: Uint8Array; body: Uint8Array }[] {
  return messages.map((message) => {
    const wire = encodeFlightData({ message });
    // Shift by one byte: received bodies need not be 8-byte aligned.
    const shifted = Buffer.alloc(wire.byteLength + 1);
    wire.copy(shifted, 1);
    const decoded = decodeFlightData(shifted.subarray(1));
    return { header: decoded.header, body: decoded.body };
  });
}

const rowsOf = (t: { toArray(): { toJSON(): unknown }[] }) => JSON.stringify(t.toArray().map((r) => r.toJSON()), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));

describe('Arrow IPC messages in FlightData', () => {
  it('encodes batches that Arrow’s own IPC reader reads back unchanged (every core type, nulls)', () => {
    const batches = [sampleTable(), sampleTable(1)];
    const encoder = new IpcMessageEncoder(batches[0]!.schema);
    const schemaMessage: IpcMessage = { header: schemaHeader(batches[0]!.schema), bodyLength: 0, buffers: [], offsets: [] };
    const messages = [schemaMessage, ...batches.flatMap((b) => encoder.encode(b))];
    const table = arrow.tableFromIPC(asIpcStream(overTheWire(messages)));
    expect(table.numRows).toBe(6);
    expect(rowsOf(table)).toBe(rowsOf(new arrow.Table(batches)));
  });

  it('decodes what Arrow’s IPC writer produces, from misaligned received bytes', () => {
    const expected = new arrow.Table([sampleTable(), sampleTable(2)]);
    const decoder = new IpcMessageDecoder();
    const got: arrow.RecordBatch[] = [];
    for (const m of splitIpcStream(arrow.tableToIPC(expected, 'stream'))) {
      const wire = encodeFlightData({ message: { header: m.header, bodyLength: m.body.byteLength, buffers: [m.body], offsets: [0] } });
      const shifted = Buffer.alloc(wire.byteLength + 3);
      wire.copy(shifted, 3);
      const msg = decodeFlightData(shifted.subarray(3));
      const b = decoder.decode(msg.header, msg.body);
      if (b) got.push(b);
    }
    expect(got).toHaveLength(2);
    expect(rowsOf(new arrow.Table(got))).toBe(rowsOf(expected));
  });

  it('sends dictionaries first, again when they change, and relabels ids of separately built batches', () => {
    const a = arrow.tableFromArrays({ city: ['oslo', 'rome', 'oslo'] }).batches[0]!;
    const b = arrow.tableFromArrays({ city: ['lima', 'oslo'] }).batches[0]!;
    expect(a.schema.fields[0]!.type.id).not.toBe(b.schema.fields[0]!.type.id);
    const encoder = new IpcMessageEncoder(a.schema);
    const messages = [{ header: schemaHeader(a.schema), bodyLength: 0, buffers: [], offsets: [] }, ...encoder.encode(a), ...encoder.encode(a), ...encoder.encode(b)];
    const kinds = messages.map((m) => arrow.MessageHeader[arrow.Message.decode(m.header).headerType]);
    // the repeated batch `a` reuses its dictionary; `b` replaces it
    expect(kinds).toEqual(['Schema', 'DictionaryBatch', 'RecordBatch', 'RecordBatch', 'DictionaryBatch', 'RecordBatch']);
    const decoder = new IpcMessageDecoder();
    const rows = overTheWire(messages)
      .map((m) => decoder.decode(m.header, m.body))
      .filter((x): x is arrow.RecordBatch => x !== null)
      .flatMap((batch) => [...batch.getChild('city')!]);
    expect(rows).toEqual(['oslo', 'rome', 'oslo', 'oslo', 'rome', 'oslo', 'lima', 'oslo']);
  });

  it('writes schemas in the encapsulated form and reads Arrow’s own schema message', () => {
    const schema = sampleTable().schema;
    const bytes = encodeSchema(schema);
    expect(bytes.readUInt32LE(0)).toBe(0xffffffff);
    expect(bytes.byteLength % 8).toBe(0);
    const back = decodeSchema(bytes);
    expect(back.fields.map((f) => `${f.name}:${f.type}:${f.nullable}:${f.metadata.get('PARQUET:field_id')}`)).toEqual(
      schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}:${f.metadata.get('PARQUET:field_id')}`),
    );
    const ipc = arrow.tableToIPC(new arrow.Table(schema), 'stream');
    const first = Buffer.from(ipc).subarray(0, 8 + Buffer.from(ipc).readInt32LE(4));
    expect(decodeSchema(first).fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
  });

  it('refuses bytes that are not IPC messages, and a batch before its schema', () => {
    expect(() => decodeSchema(Buffer.from('not a schema at all'))).toThrow(/IPC|Schema/);
    const batchMessage = new IpcMessageEncoder().encode(sampleTable())[0]!;
    expect(() => new IpcMessageDecoder().decode(batchMessage.header, new Uint8Array(batchMessage.bodyLength))).toThrow(/must start with a Schema/);
  });
});
