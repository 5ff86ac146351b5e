/**
 * Avro object container files (the Avro 1.x spec, "Object Container Files"),
 * as Paimon writes manifests and Avro data files. The container framing and
 * codecs are here; record encoding is avsc's, with every Avro `long` decoded
 * as a bigint because sequence numbers and commit identifiers exceed 2^53.
 * Values are decoded with the writer's schema and read by field name, as
 * Paimon's own reader does, so fields added in later versions are simply
 * absent in older files.
 */
import { inflateRawSync, deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import avsc from 'avsc';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { PaimonError, corruptFile } from '../errors.js';

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1

const BigLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** An Avro schema as JSON (records, unions, primitives). */
export type AvroSchema = object | string;

/** Logical types are left to the callers (they know the Paimon type); `long` must stay our bigint long. */
function withoutLogicalTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutLogicalTypes);
  if (schema && typeof schema === 'object') {
    const obj = schema as Record<string, unknown>;
    if (obj['logicalType'] !== undefined && typeof obj['type'] === 'string' && ['int', 'long', 'bytes', 'string'].includes(obj['type'])) {
      return obj['type'];
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, k === 'default' ? v : withoutLogicalTypes(v)]));
  }
  return schema;
}

/** Compiled types by schema text: every manifest of a table carries the same schema, and compiling dominates planning. */
const compiled = new Map<string, avsc.Type>();
const COMPILED_LIMIT = 256;

export function parseAvroSchema(schema: AvroSchema): avsc.Type {
  const key = typeof schema === 'string' ? schema : JSON.stringify(schema);
  let type = compiled.get(key);
  if (!type) {
    type = avsc.Type.forSchema(withoutLogicalTypes(schema) as avsc.Schema, { registry: { long: BigLong }, wrapUnions: false } as unknown as Partial<avsc.ForSchemaOptions>);
    if (compiled.size >= COMPILED_LIMIT) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, type);
  }
  return type;
}

export type AvroCodec = 'null' | 'deflate' | 'zstandard' | 'snappy';

function decompressBlock(codec: string, data: Uint8Array): Uint8Array {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return inflateRawSync(data);
    case 'zstandard':
      return zstdDecompress(data);
    default:
      throw new PaimonError('UNSUPPORTED_FORMAT', `Avro codec ${codec} is not supported`);
  }
}

function compressBlock(codec: AvroCodec, data: Uint8Array, zstdLevel: number): Uint8Array {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return deflateRawSync(data);
    case 'zstandard':
      return zstdCompress(data, { compressionLevel: zstdLevel });
    default:
      throw new PaimonError('UNSUPPORTED_FORMAT', `Avro codec ${codec} is not supported for writing`);
  }
}

/** Zig-zag varint long at `pos` (container framing only; small values). */
function readLong(buf: Uint8Array, at: { pos: number }): number {
  let n = 0;
  let shift = 1;
  let b: number;
  do {
    if (at.pos >= buf.length) throw new Error('unexpected end of file');
    b = buf[at.pos++]!;
    n += (b & 0x7f) * shift;
    shift *= 128;
  } while (b & 0x80);
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function writeLong(n: number, out: number[]): void {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  do {
    let b = z % 128;
    z = Math.floor(z / 128);
    if (z > 0) b |= 0x80;
    out.push(b);
  } while (z > 0);
}

export interface AvroContainer {
  /** The writer's schema, as JSON. */
  schema: AvroSchema;
  type: avsc.Type;
  codec: string;
  metadata: Map<string, Uint8Array>;
  records: unknown[];
}

/** Reads a whole container file; `fileName` names it in errors. */
export function readAvroContainer(bytes: Uint8Array, fileName: string): AvroContainer {
  try {
    for (let i = 0; i < 4; i++) {
      if (bytes[i] !== MAGIC[i]) throw new PaimonError('CORRUPT_FILE', `${fileName} is not an Avro container file (bad magic)`);
    }
    const at = { pos: 4 };
    const metadata = new Map<string, Uint8Array>();
    const text = new TextDecoder();
    for (;;) {
      let count = readLong(bytes, at);
      if (count === 0) break;
      if (count < 0) {
        count = -count;
        readLong(bytes, at);
      }
      for (let i = 0; i < count; i++) {
        const klen = readLong(bytes, at);
        const key = text.decode(bytes.subarray(at.pos, at.pos + klen));
        at.pos += klen;
        const vlen = readLong(bytes, at);
        metadata.set(key, bytes.subarray(at.pos, at.pos + vlen));
        at.pos += vlen;
      }
    }
    const sync = bytes.subarray(at.pos, at.pos + 16);
    at.pos += 16;
    const schemaBytes = metadata.get('avro.schema');
    if (!schemaBytes) throw new Error('no avro.schema in the header');
    const schema = JSON.parse(text.decode(schemaBytes)) as AvroSchema;
    const codecBytes = metadata.get('avro.codec');
    const codec = codecBytes ? text.decode(codecBytes) : 'null';
    const type = parseAvroSchema(schema);
    const records: unknown[] = [];
    while (at.pos < bytes.length) {
      const count = readLong(bytes, at);
      const size = readLong(bytes, at);
      if (size < 0 || at.pos + size + 16 > bytes.length) throw new Error(`block of ${size} bytes runs past the end`);
      const block = Buffer.from(decompressBlock(codec, bytes.subarray(at.pos, at.pos + size)));
      at.pos += size;
      for (let i = 0; i < 16; i++) {
        if (bytes[at.pos + i] !== sync[i]) throw new Error('sync marker mismatch');
      }
      at.pos += 16;
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const { value, offset: next } = type.decode(block, offset);
        if (next < 0) throw new Error('record runs past its block');
        records.push(value);
        offset = next;
      }
    }
    return { schema, type, codec, metadata, records };
  } catch (e) {
    throw corruptFile(fileName, 'Avro file', e);
  }
}

export interface AvroWriteOptions {
  codec?: AvroCodec;
  zstdLevel?: number;
  /** Records per block; Avro's writer flushes blocks at ~64 KiB, records count is close enough. */
  blockRecords?: number;
}

/** Writes a container file with the given schema and records, in blocks. */
export function writeAvroContainer(schema: AvroSchema, records: readonly unknown[], options: AvroWriteOptions = {}): Uint8Array {
  const codec = options.codec ?? 'zstandard';
  const type = parseAvroSchema(schema);
  const text = new TextEncoder();
  const head: number[] = [...MAGIC];
  const meta: [string, Uint8Array][] = [
    ['avro.schema', text.encode(JSON.stringify(schema))],
    ['avro.codec', text.encode(codec)],
  ];
  writeLong(meta.length, head);
  for (const [k, v] of meta) {
    const kb = text.encode(k);
    writeLong(kb.length, head);
    head.push(...kb);
    writeLong(v.length, head);
    for (const b of v) head.push(b);
  }
  writeLong(0, head);
  const sync = randomBytes(16);
  const parts: Uint8Array[] = [Uint8Array.from(head), sync];
  const perBlock = options.blockRecords ?? 4096;
  for (let start = 0; start < records.length; start += perBlock) {
    const chunk = records.slice(start, start + perBlock);
    const encoded = Buffer.concat(chunk.map((r) => type.toBuffer(r)));
    const data = compressBlock(codec, encoded, options.zstdLevel ?? 1);
    const frame: number[] = [];
    writeLong(chunk.length, frame);
    writeLong(data.length, frame);
    parts.push(Uint8Array.from(frame), data, sync);
  }
  return Buffer.concat(parts);
}
