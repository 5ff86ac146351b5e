/**
 * Thrift messages on a byte stream, for both ends of a connection: encoding
 * one message (strict binary protocol, optionally framed) and cutting a
 * stream of socket chunks back into messages with the library's receivers.
 */
import { type Codec, InputBufferUnderrunError, type Protocol, TBinaryProtocol, TBufferedTransport, TFramedTransport } from './codec.js';
import type { StructDef } from './idl.js';

/** `buffered`: messages back to back (the metastore default); `framed`: each preceded by its 4-byte length. */
export type TransportKind = 'buffered' | 'framed';

/** Thrift's default frame limit; also the largest buffered message accepted. */
export const MAX_MESSAGE_BYTES = 16_384_000;

export interface MessageHeader {
  name: string;
  type: number;
  seqid: number;
}

export function encodeMessage(
  codec: Codec,
  transport: TransportKind,
  header: MessageHeader,
  def: StructDef,
  body: Record<string, unknown>,
): Buffer {
  let out: Buffer | undefined;
  const onFlush = (msg?: Buffer): void => {
    out = msg;
  };
  const trans = transport === 'framed' ? new TFramedTransport(undefined, onFlush) : new TBufferedTransport(undefined, onFlush);
  const p = new TBinaryProtocol(trans, true, true);
  p.writeMessageBegin(header.name, header.type as never, header.seqid);
  codec.writeStruct(p, def, body, header.name);
  p.writeMessageEnd();
  p.flush();
  if (!out) throw new Error(`message ${header.name} encoded to nothing`);
  return out;
}

/**
 * Feeds socket chunks; for every complete message calls `decode(header,
 * protocol)`, which must read the whole body, then `emit` with its result.
 * With buffered transport the end of a message is only known once its body
 * parses, so a body cut short by the chunk boundary is retried when more
 * bytes arrive (the library's underrun/rollback protocol).
 */
export class MessageReader<T> {
  private readonly feed: (chunk: Buffer) => void;

  constructor(
    transport: TransportKind,
    decode: (header: MessageHeader, p: Protocol) => T,
    emit: (value: T) => void,
  ) {
    const readOne = (p: Protocol): T => {
      const m = p.readMessageBegin();
      const value = decode({ name: m.fname, type: m.mtype, seqid: m.rseqid }, p);
      p.readMessageEnd();
      return value;
    };
    if (transport === 'framed') {
      this.feed = (TFramedTransport as unknown as { receiver(cb: (t: never) => void, seqid: number, max: number): (d: Buffer) => void }).receiver(
        (frame) => emit(readOne(new TBinaryProtocol(frame, true, true))),
        0,
        MAX_MESSAGE_BYTES,
      );
    } else {
      this.feed = (TBufferedTransport as unknown as { receiver(cb: (t: InstanceType<typeof TBufferedTransport>) => void, seqid: number, max: number): (d: Buffer) => void }).receiver(
        (reader) => {
          const p = new TBinaryProtocol(reader, true, true);
          for (;;) {
            let value: T;
            try {
              value = readOne(p);
            } catch (e) {
              if (e instanceof InputBufferUnderrunError) {
                reader.rollbackPosition();
                return;
              }
              throw e;
            }
            reader.commitPosition();
            emit(value);
          }
        },
        0,
        MAX_MESSAGE_BYTES,
      );
    }
  }

  /** Throws when the bytes are not a valid message (the caller closes the connection). */
  push(chunk: Buffer): void {
    this.feed(chunk);
  }
}
