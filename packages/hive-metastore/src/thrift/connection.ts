/**
 * One client connection to a Thrift server: at most one call in flight (the
 * metastore's Thrift server answers calls on a connection in order), with a
 * connect timeout, a per-call timeout and a check of the first reply bytes,
 * so a server speaking something else (a SASL-only metastore, a framed
 * server, not Thrift at all) fails the call with a clear error instead of
 * leaving it waiting.
 */
import { connect, type Socket } from 'node:net';
import { HiveMetastoreError } from '../errors.js';
import { APPLICATION_EXCEPTION, type Codec, MessageType } from './codec.js';
import { encodeMessage, MAX_MESSAGE_BYTES, MessageReader, type TransportKind } from './wire.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ConnectionOptions {
  transport: TransportKind;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

interface Pending {
  method: string;
  seqid: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type Reply = { seqid: number; name: string; error: HiveMetastoreError } | { seqid: number; name: string; value: unknown };

/** SASL negotiation status bytes (TSaslTransport.NegotiationStatus): START, OK, BAD, ERROR, COMPLETE. */
const SASL_STATUS = { START: 1, OK: 2, BAD: 3, ERROR: 4, COMPLETE: 5 } as const;
/** Thrift's strict binary protocol: every message starts with the version word 0x8001. */
const STRICT_VERSION_BYTE = 0x80;

export function endpointName(e: Endpoint): string {
  return `thrift://${e.host}:${e.port}`;
}

/**
 * What the first bytes a server sent say about it. A SASL server answers a
 * plain Thrift client with a SASL frame (status byte, 4-byte length, text)
 * and closes the connection.
 */
export function classifyFirstReply(bytes: Buffer, transport: TransportKind, closed: boolean, where: string): 'ok' | 'need-more' | HiveMetastoreError {
  if (bytes.length === 0) return 'need-more';
  const first = bytes[0]!;
  if (first >= SASL_STATUS.START && first <= SASL_STATUS.COMPLETE) {
    if (bytes.length < 5 && !closed) return 'need-more';
    const length = bytes.length >= 5 ? bytes.readUInt32BE(1) : 0;
    const saslLike = length <= 65_536;
    if (saslLike) {
      if (bytes.length < 5 + length && !closed) return 'need-more';
      const text = bytes.subarray(5, 5 + length).toString('utf8').replace(/[^\x20-\x7e]/g, '?');
      const status = Object.entries(SASL_STATUS).find(([, v]) => v === first)?.[0] ?? String(first);
      return new HiveMetastoreError(
        'HMS_SASL_REQUIRED',
        `the metastore at ${where} answered with a SASL ${status} frame${text ? ` ("${text}")` : ''}: it requires SASL/Kerberos authentication ` +
          '(hive.metastore.sasl.enabled), which paimon-ts does not support; use a metastore endpoint without SASL',
      );
    }
  }
  if (transport === 'buffered') {
    if (first === STRICT_VERSION_BYTE) return 'ok';
  } else {
    if (bytes.length < 5 && !closed) return 'need-more';
    const size = bytes.length >= 4 ? bytes.readInt32BE(0) : -1;
    if (size > 0 && size <= MAX_MESSAGE_BYTES && bytes[4] === STRICT_VERSION_BYTE) return 'ok';
  }
  const hex = bytes.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim();
  return new HiveMetastoreError(
    'HMS_PROTOCOL',
    `the server at ${where} did not answer with a Thrift binary ${transport === 'framed' ? 'framed ' : ''}message (first bytes ${hex}); ` +
      `is it a Hive Metastore, and does it use ${transport === 'framed' ? 'buffered' : 'framed'} transport (hive.metastore.thrift.framed.transport.enabled)?`,
  );
}

export class ThriftConnection {
  private seqid = 0;
  private pending: Pending | null = null;
  private broken: Error | null = null;
  /** Bytes of the first reply held back until classifyFirstReply can judge them. */
  private firstBytes: Buffer | null = Buffer.alloc(0);
  private readonly reader: MessageReader<Reply>;
  private readonly where: string;

  private constructor(
    private readonly codec: Codec,
    private readonly socket: Socket,
    readonly endpoint: Endpoint,
    private readonly options: ConnectionOptions,
  ) {
    this.where = endpointName(endpoint);
    this.reader = new MessageReader<Reply>(options.transport, (header, p) => {
      if (header.type === MessageType.EXCEPTION) {
        const e = codec.readStruct(p, APPLICATION_EXCEPTION);
        const message = typeof e['message'] === 'string' ? e['message'] : 'no message';
        return {
          seqid: header.seqid,
          name: header.name,
          error: new HiveMetastoreError('HMS_EXCEPTION', `metastore ${this.where} failed ${header.name}: TApplicationException: ${message}`, {
            exceptionType: 'TApplicationException',
            method: header.name,
          }),
        };
      }
      if (header.type !== MessageType.REPLY) throw new Error(`unexpected message type ${header.type} for ${header.name}`);
      const method = codec.method(header.name);
      const result = codec.readStruct(p, codec.resultStruct(method));
      for (const t of method.throws) {
        const ex = result[t.name] as { message?: string } | undefined;
        if (ex) {
          const type = t.type.kind === 'named' ? t.type.name : t.name;
          return {
            seqid: header.seqid,
            name: header.name,
            error: new HiveMetastoreError('HMS_EXCEPTION', `metastore ${this.where} failed ${header.name}: ${type}: ${ex.message ?? ''}`, {
              exceptionType: type,
              method: header.name,
            }),
          };
        }
      }
      if (method.returns && result['success'] === undefined) {
        return {
          seqid: header.seqid,
          name: header.name,
          error: new HiveMetastoreError('HMS_PROTOCOL', `metastore ${this.where} sent no result for ${header.name}`, { method: header.name }),
        };
      }
      return { seqid: header.seqid, name: header.name, value: result['success'] };
    }, (reply) => this.onReply(reply));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(this.lostError(e)));
    socket.on('close', () => this.fail(this.lostError()));
  }

  static connect(codec: Codec, endpoint: Endpoint, options: ConnectionOptions): Promise<ThriftConnection> {
    const where = endpointName(endpoint);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: endpoint.host, port: endpoint.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new HiveMetastoreError('HMS_UNAVAILABLE', `cannot connect to the metastore at ${where}: no connection within ${options.connectTimeoutMs} ms`));
      }, options.connectTimeoutMs);
      const onError = (e: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new HiveMetastoreError('HMS_UNAVAILABLE', `cannot connect to the metastore at ${where}: ${e.code ?? e.message}`, { cause: e }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new ThriftConnection(codec, socket, endpoint, options));
      });
    });
  }

  /** Open, not failed, and not closed by the server while idle. */
  get usable(): boolean {
    return this.broken === null && !this.socket.destroyed && this.socket.readable && this.socket.writable;
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /** An idle pooled connection does not keep the process alive. */
  setIdle(idle: boolean): void {
    if (idle) this.socket.unref();
    else this.socket.ref();
  }

  call(method: string, args: Record<string, unknown>): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending) return Promise.reject(new Error(`connection to ${this.where} is busy with ${this.pending.method}`));
    const def = this.codec.method(method);
    const seqid = ++this.seqid;
    let bytes: Buffer;
    try {
      bytes = encodeMessage(this.codec, this.options.transport, { name: method, type: MessageType.CALL, seqid }, this.codec.argsStruct(def), args);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The reply may still come; the connection cannot be reused for the next call.
        this.fail(new HiveMetastoreError('HMS_TIMEOUT', `metastore ${this.where} did not answer ${method} within ${this.options.requestTimeoutMs} ms`, { method }));
      }, this.options.requestTimeoutMs);
      this.pending = { method, seqid, resolve, reject, timer };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.fail(new HiveMetastoreError('HMS_CONNECTION_LOST', `connection to ${this.where} was closed by the client`));
  }

  private lostError(cause?: Error): HiveMetastoreError {
    const method = this.pending?.method;
    const first = this.firstBytes;
    if (first !== null && first.length > 0) {
      const verdict = classifyFirstReply(first, this.options.transport, true, this.where);
      if (verdict instanceof HiveMetastoreError) return verdict;
    }
    const neverAnswered = first !== null && first.length === 0;
    const other = this.options.transport === 'framed' ? 'buffered' : 'framed';
    const hint = neverAnswered
      ? ` before ever replying on this connection; a metastore that requires SASL/Kerberos, or one using ${other} transport, closes ${this.options.transport} connections this way`
      : '';
    return new HiveMetastoreError(
      'HMS_CONNECTION_LOST',
      `connection to the metastore at ${this.where} was lost${method ? ` during ${method}` : ''}${cause ? ` (${(cause as NodeJS.ErrnoException).code ?? cause.message})` : ''}${hint}`,
      { ...(cause ? { cause } : {}), ...(method ? { method } : {}) },
    );
  }

  private onData(chunk: Buffer): void {
    if (this.broken) return;
    if (!this.pending) {
      this.fail(new HiveMetastoreError('HMS_PROTOCOL', `metastore ${this.where} sent ${chunk.length} bytes nobody asked for`));
      return;
    }
    let data = chunk;
    if (this.firstBytes !== null) {
      const held = Buffer.concat([this.firstBytes, chunk]);
      const verdict = classifyFirstReply(held, this.options.transport, false, this.where);
      if (verdict === 'need-more') {
        this.firstBytes = held;
        return;
      }
      if (verdict instanceof HiveMetastoreError) {
        this.fail(verdict);
        return;
      }
      this.firstBytes = null;
      data = held;
    }
    try {
      this.reader.push(data);
    } catch (e) {
      this.fail(new HiveMetastoreError('HMS_PROTOCOL', `cannot decode the reply of metastore ${this.where}: ${(e as Error).message}`, { cause: e }));
    }
  }

  private onReply(reply: Reply): void {
    const p = this.pending;
    if (!p || reply.seqid !== p.seqid || reply.name !== p.method) {
      this.fail(new HiveMetastoreError('HMS_PROTOCOL', `metastore ${this.where} answered ${reply.name} #${reply.seqid} while ${p ? `${p.method} #${p.seqid}` : 'nothing'} was asked`));
      return;
    }
    clearTimeout(p.timer);
    this.pending = null;
    if ('error' in reply) p.reject(reply.error);
    else p.resolve(reply.value);
  }

  /** Marks the connection dead, rejects the call in flight, closes the socket. */
  private fail(error: Error): void {
    if (!this.broken) this.broken = error;
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
