/**
 * Arrow IPC messages as Flight carries them: a flatbuffer `Message` (the
 * FlightData `data_header`) plus a body made of the columns' own buffers.
 * Batches are never serialized into an intermediate stream: the assembler
 * only collects views of the column buffers, and the FlightData encoder
 * copies them once, straight into the wire message.
 */
import * as arrow from 'apache-arrow';
import { BufferRegion, DictionaryBatch as DictionaryBatchHeader, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';
import { FlightError } from './errors.js';

/** One IPC message ready for framing: header flatbuffer plus body buffers at their offsets. */
export interface IpcMessage {
  header: Uint8Array;
  /** Body length, a multiple of 8 (each buffer is padded). */
  bodyLength: number;
  buffers: readonly ArrayBufferView[];
  /** Where each buffer starts in the body. */
  offsets: readonly number[];
}

const CONTINUATION = 0xffffffff;

/** The flatbuffer Message of a schema (FlightData header of the first message of a stream). */
export function schemaHeader(schema: arrow.Schema): Uint8Array {
  return arrow.Message.encode(arrow.Message.from(schema));
}

/**
 * A schema in its encapsulated IPC form (continuation marker, length, padded
 * flatbuffer), as `FlightInfo.schema` and `SchemaResult.schema` hold it.
 */
export function encodeSchema(schema: arrow.Schema): Buffer {
  const fb = schemaHeader(schema);
  const padded = (fb.byteLength + 7) & ~7;
  const out = Buffer.alloc(8 + padded);
  out.writeUInt32LE(CONTINUATION, 0);
  out.writeInt32LE(padded, 4);
  out.set(fb, 8);
  return out;
}

/** Reads `encodeSchema`'s form (also the pre-1.0 form without the continuation marker, and a bare flatbuffer). */
export function decodeSchema(bytes: Uint8Array): arrow.Schema {
  if (bytes.byteLength === 0) throw new FlightError('INVALID_ARGUMENT', 'empty schema bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fb = bytes;
  if (bytes.byteLength >= 8 && view.getUint32(0, true) === CONTINUATION) {
    fb = bytes.subarray(8, 8 + view.getInt32(4, true));
  } else if (bytes.byteLength >= 4 && view.getInt32(0, true) === bytes.byteLength - 4) {
    fb = bytes.subarray(4);
  }
  const message = decodeHeader(fb);
  if (!message.isSchema()) throw new FlightError('INVALID_ARGUMENT', `expected a Schema IPC message, got header type ${arrow.MessageHeader[message.headerType]}`);
  return message.header();
}

export function decodeHeader(header: Uint8Array): arrow.Message {
  try {
    return arrow.Message.decode(header);
  } catch (e) {
    throw new FlightError('INVALID_ARGUMENT', `data_header is not an Arrow IPC message: ${(e as Error).message}`, { cause: e });
  }
}

function assembled(header: RecordBatchHeader | DictionaryBatchHeader, assembler: VectorAssembler): IpcMessage {
  const message = arrow.Message.from(header, assembler.byteLength);
  return {
    header: arrow.Message.encode(message),
    bodyLength: assembler.byteLength,
    buffers: assembler.buffers,
    offsets: assembler.bufferRegions.map((r) => r.offset),
  };
}

/**
 * Turns the batches of one stream into IPC messages: dictionaries when they
 * first appear or change (replacement or delta, as the stream format
 * allows), then the record batch.
 */
export class IpcMessageEncoder {
  private readonly sent = new Map<number, arrow.Vector>();
  private readonly sentChunks = new Map<number, number>();

  /** `schema`: the stream's (its Schema message was sent); batches built separately may number dictionaries differently. */
  constructor(private readonly schema: arrow.Schema | null = null) {}

  /** Batch dictionary id -> stream dictionary id, matched by field position. */
  private idsOf(batch: arrow.RecordBatch): Map<number, number> | null {
    if (!this.schema || batch.schema === this.schema || batch.dictionaries.size === 0) return null;
    if (batch.schema.fields.length !== this.schema.fields.length) {
      throw new FlightError('INTERNAL', `a batch with ${batch.schema.fields.length} columns in a stream of ${this.schema.fields.length}`);
    }
    const ours: number[] = [];
    const theirs: number[] = [];
    batch.schema.fields.forEach((f, i) => {
      dictionaryIds(f.type, theirs);
      dictionaryIds(this.schema!.fields[i]!.type, ours);
    });
    if (ours.length !== theirs.length) throw new FlightError('INTERNAL', 'a batch whose dictionary columns differ from the stream schema');
    return new Map(theirs.map((id, i) => [id, ours[i]!]));
  }

  encode(batch: arrow.RecordBatch): IpcMessage[] {
    const out: IpcMessage[] = [];
    const ids = this.idsOf(batch);
    for (const [batchId, dictionary] of batch.dictionaries) {
      const id = ids?.get(batchId) ?? batchId;
      const chunks = dictionary.data;
      const previous = this.sent.get(id);
      if (!previous || previous.data[0] !== chunks[0]) {
        chunks.forEach((chunk, i) => out.push(this.dictionaryMessage(chunk, id, i > 0)));
      } else {
        for (const chunk of chunks.slice(this.sentChunks.get(id) ?? 0)) out.push(this.dictionaryMessage(chunk, id, true));
      }
      this.sent.set(id, dictionary);
      this.sentChunks.set(id, chunks.length);
    }
    const assembler = VectorAssembler.assemble(batch);
    const header = new RecordBatchHeader(batch.numRows, assembler.nodes, assembler.bufferRegions, null, assembler.variadicBufferCounts);
    out.push(assembled(header, assembler));
    return out;
  }

  private dictionaryMessage(chunk: arrow.Data, id: number, isDelta: boolean): IpcMessage {
    const assembler = VectorAssembler.assemble(new arrow.Vector([chunk]));
    const data = new RecordBatchHeader(chunk.length, assembler.nodes, assembler.bufferRegions, null, assembler.variadicBufferCounts);
    return assembled(new DictionaryBatchHeader(data, id, isDelta), assembler);
  }
}

function dictionaryIds(type: arrow.DataType, out: number[]): void {
  if (arrow.DataType.isDictionary(type)) {
    out.push(type.id);
    dictionaryIds(type.dictionary, out);
  }
  for (const child of type.children ?? []) dictionaryIds(child.type, out);
}

/** Arrow's readers build typed arrays over the body, which needs 8-byte alignment. */
function aligned(body: Uint8Array): Uint8Array {
  if (body.byteOffset % 8 === 0) return body;
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  return copy;
}

/**
 * The receiving side: a schema message, then dictionary and record batch
 * messages decoded in place over their bodies (no copy unless misaligned).
 */
export class IpcMessageDecoder {
  schema: arrow.Schema | null = null;
  private readonly dictionaries = new Map<number, arrow.Vector>();

  /** A record batch, or null for a schema or dictionary message. */
  decode(header: Uint8Array, body: Uint8Array): arrow.RecordBatch | null {
    const message = decodeHeader(header);
    if (message.isSchema()) {
      if (this.schema) throw new FlightError('INVALID_ARGUMENT', 'a second Schema message in one stream');
      this.schema = message.header();
      return null;
    }
    const schema = this.schema;
    if (!schema) throw new FlightError('INVALID_ARGUMENT', 'the stream must start with a Schema message');
    if (body.byteLength < message.bodyLength) {
      throw new FlightError('INVALID_ARGUMENT', `data_body holds ${body.byteLength} bytes, the header announces ${message.bodyLength}`);
    }
    const bytes = aligned(body);
    if (message.isDictionaryBatch()) {
      const h = message.header();
      if (h.data.compression) throw new FlightError('UNIMPLEMENTED', 'compressed IPC bodies are not supported');
      const type = schema.dictionaries.get(h.id);
      if (!type) throw new FlightError('INVALID_ARGUMENT', `dictionary batch for unknown dictionary id ${h.id}`);
      const [data] = this.load(bytes, h.data, [type]);
      const previous = this.dictionaries.get(h.id);
      this.dictionaries.set(h.id, (previous && h.isDelta ? previous.concat(new arrow.Vector([data!])) : new arrow.Vector([data!])).memoize());
      return null;
    }
    if (message.isRecordBatch()) {
      const h = message.header();
      if (h.compression) throw new FlightError('UNIMPLEMENTED', 'compressed IPC bodies are not supported');
      const children = this.load(bytes, h, schema.fields);
      const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: h.length, nullCount: 0, children });
      return new arrow.RecordBatch(schema, data);
    }
    throw new FlightError('INVALID_ARGUMENT', `unexpected IPC message type ${arrow.MessageHeader[message.headerType]}`);
  }

  private load(body: Uint8Array, header: RecordBatchHeader, types: (arrow.Field | arrow.DataType)[]): arrow.Data[] {
    try {
      return new VectorLoader(body, header.nodes, header.buffers as BufferRegion[], this.dictionaries, this.schema!.metadataVersion, header.variadicBufferCounts).visitMany(types);
    } catch (e) {
      throw new FlightError('INVALID_ARGUMENT', `record batch does not match the stream's schema: ${(e as Error).message}`, { cause: e });
    }
  }
}
