/**
 * A Flight client built from the same Flight.proto as the server: what the
 * tests (and scripts) use to drive a server over the network. Errors come
 * back as FlightError with the gRPC status name as `code`.
 */
import * as grpc from '@grpc/grpc-js';
import * as arrow from 'apache-arrow';
import { fromWireDescriptor, toWireDescriptor } from './descriptor.js';
import { FlightError, fromServiceError } from './errors.js';
import type { ActionType, FlightDescriptor, FlightInfoSpec } from './handler.js';
import { decodeSchema, IpcMessageDecoder, IpcMessageEncoder, schemaHeader } from './ipc-message.js';
import {
  encodeDescriptorMessage,
  FLIGHT_SERVICE,
  type IncomingFlightData,
  type OutgoingFlightData,
  type WireFlightInfo,
  type WireHandshake,
} from './proto.js';

export interface FlightClientOptions {
  /** Sent as `authorization: Bearer <token>` on every call. */
  token?: string;
  /** TLS settings for `grpc+tls://` URLs: the CA (PEM) that signed the server's certificate, and an optional name to check it against. */
  tls?: { ca?: Buffer; serverName?: string };
  /** Deadline per call, in milliseconds. */
  timeoutMs?: number;
  /** Extra gRPC channel options, e.g. `{'grpc.use_local_subchannel_pool': 1}` for a connection of its own. */
  channelOptions?: grpc.ChannelOptions;
}

export interface HandshakeResult {
  /** The bearer token the server answered with (now used for every call), or null. */
  token: string | null;
  payload: Buffer;
}

type Method = grpc.MethodDefinition<unknown, unknown>;
const method = (name: string) => (FLIGHT_SERVICE as unknown as Record<string, Method>)[name]!;

/** `grpc://h:p`, `grpc+tcp://h:p`, `grpc+tls://h:p` or plain `h:p`. */
function parseUrl(url: string): { address: string; tls: boolean } {
  const m = /^(grpc(?:\+tcp|\+tls)?):\/\/(.+)$/.exec(url);
  if (!m) {
    if (/^[^/]+:\d+$/.test(url)) return { address: url, tls: false };
    throw new FlightError('INVALID_ARGUMENT', `Flight URL ${JSON.stringify(url)} must look like grpc://host:port or grpc+tls://host:port`);
  }
  return { address: m[2]!.replace(/\/+$/, ''), tls: m[1] === 'grpc+tls' };
}

function specOf(info: WireFlightInfo): FlightInfoSpec {
  return {
    schema: decodeSchema(info.schema),
    descriptor: fromWireDescriptor(info.flight_descriptor),
    endpoints: info.endpoint.map((e) => ({
      ticket: Buffer.from(e.ticket?.ticket ?? Buffer.alloc(0)),
      locations: e.location.map((l) => l.uri),
      ...(e.app_metadata.byteLength ? { appMetadata: Buffer.from(e.app_metadata) } : {}),
    })),
    totalRecords: Number(info.total_records),
    totalBytes: Number(info.total_bytes),
    ordered: info.ordered,
    ...(info.app_metadata.byteLength ? { appMetadata: Buffer.from(info.app_metadata) } : {}),
  };
}

/** Arrow data in any of the shapes DoPut accepts. */
export type PutInput = arrow.Table | arrow.RecordBatch | readonly arrow.RecordBatch[] | AsyncIterable<arrow.RecordBatch>;

export class FlightClient {
  private readonly client: grpc.Client;
  private token: string | null;

  constructor(
    readonly url: string,
    private readonly options: FlightClientOptions = {},
  ) {
    const { address, tls } = parseUrl(url);
    const credentials = tls ? grpc.credentials.createSsl(options.tls?.ca ?? null) : grpc.credentials.createInsecure();
    this.client = new grpc.Client(address, credentials, {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      ...(options.tls?.serverName ? { 'grpc.ssl_target_name_override': options.tls.serverName, 'grpc.default_authority': options.tls.serverName } : {}),
      ...options.channelOptions,
    });
    this.token = options.token ?? null;
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.token !== null) md.set('authorization', `Bearer ${this.token}`);
    return md;
  }

  private callOptions(): grpc.CallOptions {
    return this.options.timeoutMs ? { deadline: Date.now() + this.options.timeoutMs } : {};
  }

  private unary<Res>(name: string, request: unknown): Promise<Res> {
    const m = method(name);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, this.metadata(), this.callOptions(), (err, res) =>
        err ? reject(fromServiceError(err)) : resolve(res as Res),
      );
    });
  }

  /** Streams a server-streaming call's messages; leaving the loop early cancels the call. */
  private async *serverStream<Res>(name: string, request: unknown): AsyncGenerator<Res> {
    const m = method(name);
    const call = this.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, request, this.metadata(), this.callOptions());
    let finished = false;
    try {
      for await (const message of call) yield message as Res;
      finished = true;
    } catch (e) {
      finished = true;
      throw fromServiceError(e);
    } finally {
      if (!finished) {
        call.on('error', () => {}); // the CANCELLED status our own cancel causes
        call.cancel();
      }
    }
  }

  /** Authenticates with the token (bearer header and payload); later calls use the bearer token the server returns. */
  async handshake(payload?: string | Buffer): Promise<HandshakeResult> {
    const m = method('Handshake');
    const call = this.client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, this.metadata(), this.callOptions());
    const header = new Promise<string | null>((resolve) => {
      call.on('metadata', (md: grpc.Metadata) => {
        const v = md.get('authorization')[0];
        const m2 = /^Bearer\s+(.+)$/i.exec(v === undefined ? '' : String(v));
        resolve(m2 ? m2[1]!.trim() : null);
      });
    });
    const responses: WireHandshake[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (r: WireHandshake) => responses.push(r));
      call.on('error', (e) => reject(fromServiceError(e)));
      call.on('end', () => resolve());
    });
    const body = payload === undefined ? Buffer.from(this.token ?? '', 'utf8') : Buffer.from(payload);
    call.write({ protocol_version: 0, payload: body });
    call.end();
    await done;
    const token = await Promise.race([header, Promise.resolve(null)]);
    if (token !== null) this.token = token;
    return { token, payload: responses[0]?.payload ?? Buffer.alloc(0) };
  }

  /** Every flight the server lists (criteria: face-specific, e.g. a database name). */
  async listFlights(criteria: string | Buffer = Buffer.alloc(0)): Promise<FlightInfoSpec[]> {
    const out: FlightInfoSpec[] = [];
    for await (const info of this.serverStream<WireFlightInfo>('ListFlights', { expression: Buffer.from(criteria) })) out.push(specOf(info));
    return out;
  }

  async getFlightInfo(descriptor: FlightDescriptor): Promise<FlightInfoSpec> {
    return specOf(await this.unary<WireFlightInfo>('GetFlightInfo', toWireDescriptor(descriptor)));
  }

  /** PollFlightInfo: this server always answers complete, so the info is the whole flight. */
  async pollFlightInfo(descriptor: FlightDescriptor): Promise<{ info: FlightInfoSpec | null; progress: number | null }> {
    const res = await this.unary<{ info: WireFlightInfo | null; progress?: number | null }>('PollFlightInfo', toWireDescriptor(descriptor));
    return { info: res.info ? specOf(res.info) : null, progress: res.progress ?? null };
  }

  async getSchema(descriptor: FlightDescriptor): Promise<arrow.Schema> {
    const res = await this.unary<{ schema: Buffer }>('GetSchema', toWireDescriptor(descriptor));
    return decodeSchema(res.schema);
  }

  /**
   * One endpoint's batches, decoded as they arrive. Breaking out of the loop
   * (or aborting `signal`) cancels the stream on the server.
   */
  doGet(ticket: Uint8Array, options: { signal?: AbortSignal; onSchema?: (schema: arrow.Schema) => void } = {}): AsyncGenerator<arrow.RecordBatch> {
    return this.doGetStream(ticket, options);
  }

  private async *doGetStream(ticket: Uint8Array, options: { signal?: AbortSignal; onSchema?: (schema: arrow.Schema) => void }): AsyncGenerator<arrow.RecordBatch> {
    const m = method('DoGet');
    const call = this.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, { ticket: Buffer.from(ticket) }, this.metadata(), this.callOptions());
    const onAbort = () => call.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const decoder = new IpcMessageDecoder();
    let finished = false;
    try {
      for await (const message of call as AsyncIterable<IncomingFlightData>) {
        if (message.header.byteLength === 0) continue; // metadata-only message
        const hadSchema = decoder.schema !== null;
        const batch = decoder.decode(message.header, message.body);
        if (!hadSchema && decoder.schema) options.onSchema?.(decoder.schema);
        if (batch) yield batch;
      }
      finished = true;
    } catch (e) {
      finished = true;
      throw fromServiceError(e);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (!finished) {
        call.on('error', () => {});
        call.cancel();
      }
    }
  }

  /** One endpoint as an Arrow table (empty with the stream's schema when it has no rows). */
  async doGetTable(ticket: Uint8Array): Promise<arrow.Table> {
    let schema: arrow.Schema | null = null;
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this.doGet(ticket, { onSchema: (s) => (schema = s) })) batches.push(b);
    if (batches.length) return new arrow.Table(batches);
    if (!schema) throw new FlightError('INTERNAL', 'DoGet stream ended without a schema');
    return new arrow.Table(schema);
  }

  /** Reads every endpoint of a flight, `parallel` at a time, into one table (endpoint order kept). */
  async readAll(info: FlightInfoSpec, parallel = 4): Promise<arrow.Table> {
    const tables: arrow.Table[] = new Array(info.endpoints.length);
    let next = 0;
    const worker = async () => {
      while (next < info.endpoints.length) {
        const i = next++;
        tables[i] = await this.doGetTable(info.endpoints[i]!.ticket);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, info.endpoints.length) }, worker));
    const batches = tables.flatMap((t) => t.batches);
    if (!batches.length) return new arrow.Table(info.schema);
    // Each stream decodes its own schema object (dictionary ids may differ): relabel with the first.
    const schema = batches[0]!.schema;
    const names = schema.fields.map((f) => f.name).join('\u0000');
    return new arrow.Table(
      batches.map((b) => {
        if (b.schema === schema) return b;
        if (b.schema.fields.map((f) => f.name).join('\u0000') !== names) throw new FlightError('INVALID_ARGUMENT', 'endpoints of one flight returned different columns');
        return new arrow.RecordBatch(schema, b.data);
      }),
    );
  }

  /** Uploads batches for a descriptor; answers the PutResult app_metadata (the last one when several). */
  async doPut(descriptor: FlightDescriptor, data: PutInput, options: { schema?: arrow.Schema } = {}): Promise<Buffer> {
    const m = method('DoPut');
    const call = this.client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, this.metadata(), this.callOptions());
    const results: Buffer[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (r: { app_metadata: Buffer }) => results.push(r.app_metadata));
      call.on('error', (e) => reject(fromServiceError(e)));
      call.on('end', () => resolve());
    });
    done.catch(() => {}); // awaited below; the writes may fail first
    const write = (message: OutgoingFlightData) =>
      new Promise<void>((resolve, reject) => {
        call.write(message, (err?: Error | null) => (err ? reject(err) : resolve()));
      });
    const batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch> =
      data instanceof arrow.Table ? data.batches : data instanceof arrow.RecordBatch ? [data] : (data as Iterable<arrow.RecordBatch> | AsyncIterable<arrow.RecordBatch>);
    const firstSchema = options.schema ?? (data instanceof arrow.Table || data instanceof arrow.RecordBatch ? data.schema : null);
    try {
      let encoder = new IpcMessageEncoder(firstSchema);
      let sentSchema = false;
      const sendSchema = async (schema: arrow.Schema) => {
        encoder = new IpcMessageEncoder(schema);
        await write({ descriptor: encodeDescriptorMessage(toWireDescriptor(descriptor)), message: { header: schemaHeader(schema), bodyLength: 0, buffers: [], offsets: [] } });
        sentSchema = true;
      };
      if (firstSchema) await sendSchema(firstSchema);
      for await (const batch of batches) {
        if (!sentSchema) await sendSchema(batch.schema);
        for (const message of encoder.encode(batch)) await write({ message });
      }
      if (!sentSchema) throw new FlightError('INVALID_ARGUMENT', 'doPut needs a schema: pass a Table, batches or options.schema');
      call.end();
    } catch (e) {
      call.on('error', () => {});
      call.cancel();
      // A server refusal (status) explains more than the write error it caused.
      const status = await done.then(() => null, (err: FlightError) => err);
      throw status && status.code !== 'CANCELLED' ? status : e;
    }
    await done;
    return results[results.length - 1] ?? Buffer.alloc(0);
  }

  /** Runs an action; answers every Result body. */
  async doAction(type: string, body: string | Buffer | object = Buffer.alloc(0)): Promise<Buffer[]> {
    const bytes = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(JSON.stringify(body), 'utf8');
    const out: Buffer[] = [];
    for await (const r of this.serverStream<{ body: Buffer }>('DoAction', { type, body: bytes })) out.push(Buffer.from(r.body));
    return out;
  }

  async listActions(): Promise<ActionType[]> {
    const out: ActionType[] = [];
    for await (const a of this.serverStream<ActionType>('ListActions', {})) out.push({ type: a.type, description: a.description });
    return out;
  }

  close(): void {
    this.client.close();
  }
}
