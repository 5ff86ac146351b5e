/**
 * A Thrift server for the same IDL, driven by a handler object with one
 * function per method. Calls on one connection are answered in order, as a
 * threaded Java Thrift server does. A handler throwing MetastoreException of a
 * type the method declares sends that exception; anything else becomes a
 * TApplicationException, like an unexpected server-side error.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { MetastoreException } from '../errors.js';
import { APPLICATION_EXCEPTION, APPLICATION_EXCEPTION_TYPE, type Codec, MessageType, T } from './codec.js';
import { encodeMessage, MessageReader, type TransportKind } from './wire.js';

export type ThriftHandler = Record<string, (args: Record<string, any>) => unknown>;

interface Call {
  name: string;
  seqid: number;
  args: Record<string, unknown> | null;
}

export class ThriftServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly codec: Codec,
    private readonly handler: ThriftHandler,
    private readonly transport: TransportKind = 'buffered',
  ) {
    this.server = createServer((socket) => this.serve(socket));
  }

  /** Listens on `port` (0: any free port) and returns the port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Client connections open now. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Closes every open connection (clients see them drop) but keeps listening. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let queue = Promise.resolve();
    const reader = new MessageReader<Call>(
      this.transport,
      (header, p) => {
        if (header.type !== MessageType.CALL && header.type !== MessageType.ONEWAY) throw new Error(`unexpected message type ${header.type}`);
        const method = this.codec.idl.methods.get(header.name);
        if (!method || !this.handler[header.name]) {
          p.skip(T.STRUCT as never);
          return { name: header.name, seqid: header.seqid, args: null };
        }
        return { name: header.name, seqid: header.seqid, args: this.codec.readStruct(p, this.codec.argsStruct(method)) };
      },
      (call) => {
        queue = queue.then(() => this.answer(socket, call));
      },
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy(); // not a Thrift message this server can read: drop the client, as Thrift servers do
      }
    });
  }

  private async answer(socket: Socket, call: Call): Promise<void> {
    const reply = (type: number, def: typeof APPLICATION_EXCEPTION, body: Record<string, unknown>): void => {
      if (!socket.destroyed) socket.write(encodeMessage(this.codec, this.transport, { name: call.name, type, seqid: call.seqid }, def, body));
    };
    const appError = (type: number, message: string): void =>
      reply(MessageType.EXCEPTION, APPLICATION_EXCEPTION, { message, type });
    if (call.args === null) {
      appError(APPLICATION_EXCEPTION_TYPE.UNKNOWN_METHOD, `Invalid method name: '${call.name}'`);
      return;
    }
    const method = this.codec.method(call.name);
    const resultDef = this.codec.resultStruct(method);
    let value: unknown;
    try {
      value = await this.handler[call.name]!(call.args);
    } catch (e) {
      const declared = e instanceof MetastoreException ? method.throws.find((t) => t.type.kind === 'named' && t.type.name === e.type) : undefined;
      if (declared) reply(MessageType.REPLY, resultDef, { [declared.name]: { message: (e as Error).message } });
      else appError(APPLICATION_EXCEPTION_TYPE.INTERNAL_ERROR, `Internal error processing ${call.name}: ${(e as Error).message}`);
      return;
    }
    try {
      reply(MessageType.REPLY, resultDef, method.returns ? { success: value } : {});
    } catch (e) {
      appError(APPLICATION_EXCEPTION_TYPE.INTERNAL_ERROR, `Internal error encoding ${call.name}: ${(e as Error).message}`);
    }
  }
}
